"""Cases (统一事件/工单): categories, the responsibility matrix, cases, their append-only audited history,
attachments and supervision notices. Workflow lives in ``services.py`` and ``workflow.py``, not here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from gaoxin.accounts.models import OrgUnit
from gaoxin.cases import workflow
from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead
from gaoxin.grids.models import Grid


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class TimeUnit(models.TextChoices):
    HOUR = "hour", "工作小时"
    DAY = "day", "工作日"


class Channel(models.TextChoices):
    HOTLINE_12345 = "hotline_12345", "12345热线"
    CITY_INSPECTOR = "city_inspector", "数字城管监督员"
    GRID_WORKER = "grid_worker", "网格员上报"
    ENTERPRISE_VISIT = "enterprise_visit", "万人助万企走访"
    RECEPTION_DAY = "reception_day", "企业家接待日"
    PUBLIC_WEB = "public_web", "网上群众上报"
    OPEN311 = "open311", "Open311"
    LEADER_ASSIGNED = "leader_assigned", "领导交办"
    PROJECT = "project", "重大项目问题"  # a key project's problem (要素保障), raised by its steward (gaoxin.projects)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Category(models.Model):
    """A case category. 城市管理 部件/事件 form a two-level tree (2-digit 大类, 5-digit 小类); 12345 request
    types (诉求类型, ``H-ZX`` …) and content classes (内容分类, ``H-C01`` …) and enterprise problem types
    (``EP01`` …) are flat. Only ``is_assignable`` categories are put on cases; 大类 group their 小类."""

    class Kind(models.TextChoices):
        COMPONENT = "component", "部件"
        EVENT = "event", "事件"
        HOTLINE_TYPE = "hotline_type", "12345诉求类型"
        HOTLINE_CONTENT = "hotline_content", "12345内容分类"
        ENTERPRISE = "enterprise", "企业问题类型"

    class HandlerKind(models.TextChoices):
        STREET_OFFICE = "street_office", "属地办事处"
        DEPARTMENT = "department", "职能部门"

    code = models.CharField("编码", max_length=16, unique=True)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="大类", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_assignable = models.BooleanField("可用于案件", default=True)
    is_active = models.BooleanField("启用", default=True)
    default_urgency = models.CharField("默认紧急程度", max_length=10, choices=Urgency.choices,
                                       default=Urgency.NORMAL)
    time_limit = models.PositiveIntegerField("办理时限", default=5)
    time_unit = models.CharField("时限单位", max_length=5, choices=TimeUnit.choices, default=TimeUnit.DAY)
    sign_limit_hours = models.FloatField("签收时限(工作小时)", default=1.0)
    handle_limit_hours = models.FloatField("处置时限(工作小时)", default=7.5)
    verify_limit_hours = models.FloatField("核查时限(工作小时)", default=1.0)
    duplicate_radius_m = models.PositiveIntegerField("并案半径(米)", default=50)
    duplicate_window_hours = models.PositiveIntegerField("并案时间窗(小时)", default=24)
    default_handler_kind = models.CharField(
        "默认处置单位类型", max_length=20, choices=HandlerKind.choices, default=HandlerKind.STREET_OFFICE
    )
    default_handler_code = models.CharField("默认处置单位编码", max_length=32, blank=True)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "案件类别"
        verbose_name_plural = "案件类别"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ResponsibilityRule(models.Model):
    """The responsibility matrix: category × (grid | street | whole zone) → handling unit.

    The most specific active rule wins: grid, then street, then the zone-level fallback (neither set).
    """

    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.CASCADE, related_name="rules")
    street = models.ForeignKey(
        OrgUnit, verbose_name="办事处", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        limit_choices_to={"kind": OrgUnit.Kind.STREET_OFFICE},
    )
    grid = models.ForeignKey(Grid, verbose_name="网格", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    handler = models.ForeignKey(OrgUnit, verbose_name="处置单位", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "责任矩阵规则"
        verbose_name_plural = "责任矩阵"
        constraints = [
            models.UniqueConstraint(fields=["category", "grid"], condition=Q(grid__isnull=False),
                                    name="rule_unique_category_grid"),
            models.UniqueConstraint(fields=["category", "street"],
                                    condition=Q(grid__isnull=True, street__isnull=False),
                                    name="rule_unique_category_street"),
            models.UniqueConstraint(fields=["category"], condition=Q(grid__isnull=True, street__isnull=True),
                                    name="rule_unique_category_zone"),
        ]

    def __str__(self) -> str:
        where = self.grid or self.street or "全区"
        return f"{self.category} @ {where} → {self.handler}"


class CaseNumberCounter(models.Model):
    """Per-day state behind the human-readable case number ``YYYYMMDD`` + six digits.

    Numbers are unique, count per Beijing day from 000001, and rise in the order they are taken.
    - SQLite: ``last`` is the day's last number, taken under the counter row's lock in the case's own transaction,
      so numbers are gap-free (SQLite commits one write transaction at a time anyway).
    - PostgreSQL: numbers are the values of one sequence less the day's ``base``. A sequence hands out values
      without locks, so the intakes of a day do not commit one after the other, but a value whose transaction
      then fails is not handed out again: numbers may have gaps (as the city's 12345 order numbers do). That a
      case was never deleted is shown by the hash-chained event log, not by the numbers. ``last`` counts the
      numbers a bulk load (the simulation) gave the day; live numbers continue after them.
    """

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
    base = models.BigIntegerField(null=True, blank=True,
                                  help_text="PostgreSQL: the sequence value the day's live numbers count from")

    class Meta:
        verbose_name = "案件编号计数器"

    def __str__(self) -> str:
        return f"{self.day:%Y%m%d}: {self.last}"


class Case(models.Model):
    number = models.CharField("案件编号", max_length=20, unique=True)
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    # Foreign keys whose column leads a composite index below (or a unique constraint) carry no index of their
    # own (db_index=False): the composite serves every lookup by that column.
    category = models.ForeignKey(Category, verbose_name="类别", on_delete=models.PROTECT, related_name="cases",
                                 db_index=False)
    request_type = models.ForeignKey(
        Category, verbose_name="诉求类型", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": Category.Kind.HOTLINE_TYPE},
    )
    description = models.TextField("问题描述")
    address = models.CharField("地址", max_length=200, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    micro_grid = models.ForeignKey(Grid, verbose_name="微网格", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    grid = models.ForeignKey(Grid, verbose_name="网格", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    street = models.ForeignKey(OrgUnit, verbose_name="办事处", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    center = models.ForeignKey(OrgUnit, verbose_name="受理城运中心", on_delete=models.PROTECT, related_name="+",
                               db_index=False)
    # Personal data, stored as given; masked for display by gaoxin.cases.privacy.
    reporter_name = models.CharField("反映人", max_length=50, blank=True)
    reporter_phone = models.CharField("联系电话", max_length=20, blank=True)
    reporter_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反映人账号", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="reported_cases")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    external_ref = models.CharField("外部单号", max_length=64, blank=True)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)

    state = models.CharField("状态", max_length=12, choices=workflow.STATE_CHOICES, default=workflow.REPORTED)
    assignee = models.ForeignKey(OrgUnit, verbose_name="处置单位", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", db_index=False)
    merged_into = models.ForeignKey("self", verbose_name="并入案件", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_cases")

    # Timeline.
    reported_at = models.DateTimeField("上报时间")
    registered_at = models.DateTimeField("立案时间", null=True, blank=True)
    first_dispatched_at = models.DateTimeField("首次派遣时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("派遣时间", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    handled_at = models.DateTimeField("反馈时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    evaluated_at = models.DateTimeField("回访时间", null=True, blank=True)
    suspended_at = models.DateTimeField("挂账时间", null=True, blank=True)

    # Time limits: the overall deadline (办理时限, counted from registration, or from a reopening) with its
    # 80 % warning point, and the current node (签收 / 处置 / 核查) with its own deadline. While suspended (挂账)
    # the clock stops; on resume the deadlines move by the working time spent suspended.
    clock_started_at = models.DateTimeField("计时起点", null=True, blank=True)
    deadline = models.DateTimeField("办理期限", null=True, blank=True)
    warn_at = models.DateTimeField("预警时间", null=True, blank=True)
    node = models.CharField("当前环节", max_length=8, blank=True)
    node_deadline = models.DateTimeField("环节期限", null=True, blank=True)
    suspended_working_seconds = models.PositiveIntegerField("挂账停表(工作秒)", default=0)
    is_overdue = models.BooleanField("已超期", default=False)
    pending_extension_amount = models.PositiveIntegerField("待批延期", null=True, blank=True)
    pending_suspension = models.BooleanField("待批挂账", default=False)

    # Counters and outcomes for metrics.
    dispatch_count = models.PositiveIntegerField("派遣次数", default=0)
    on_time_accept_count = models.PositiveIntegerField("按时签收次数", default=0)
    returned_count = models.PositiveIntegerField("退单次数", default=0)
    handled_count = models.PositiveIntegerField("反馈次数", default=0)
    reworked_count = models.PositiveIntegerField("返工次数", default=0)
    extension_count = models.PositiveIntegerField("延期次数", default=0)
    suspension_count = models.PositiveIntegerField("挂账次数", default=0)
    reopened_count = models.PositiveIntegerField("重启次数", default=0)
    closed_on_time = models.BooleanField("按期办结", null=True, blank=True)
    handling_seconds = models.PositiveIntegerField("办理用时(秒)", null=True, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)

    # Concurrency and audit.
    version = models.PositiveIntegerField("版本", default=1)
    event_count = models.PositiveIntegerField("事件数", default=0)
    audit_head = models.CharField("审计链头", max_length=64, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_ref"], condition=~Q(external_ref=""),
                                    name="case_unique_external_ref_per_channel"),
            models.CheckConstraint(
                condition=Q(lon__isnull=True, lat__isnull=True) | Q(lon__isnull=False, lat__isnull=False),
                name="case_lon_lat_together",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="case_state_deadline"),
            models.Index(fields=["street", "registered_at"], name="case_street_registered"),
            models.Index(fields=["assignee", "state"], name="case_assignee_state"),
            models.Index(fields=["center", "state"], name="case_center_state"),
            models.Index(fields=["registered_at"], name="case_registered"),
            models.Index(fields=["reported_at"], name="case_reported"),
            models.Index(fields=["category", "reported_at"], name="case_category_reported"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return workflow.STATES.get(self.state, self.state)


class CaseEvent(ChainedEvent):
    """One immutable step of a case's history: the hash-chained history of ``core.audit`` (``hash`` is SHA-256
    over the canonical content and the previous event's hash of the same case, so any later edit breaks the
    chain), with the workflow action and the states it moved between."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)  # (case, seq)
    action = models.CharField("动作", max_length=20, choices=workflow.ACTION_CHOICES)
    from_state = models.CharField("原状态", max_length=12, blank=True)
    to_state = models.CharField("新状态", max_length=12)

    chain = Chain(subject="case", key="number", content_key="case",
                  fields={"action": "action", "from": "from_state", "to": "to_state"})

    class Meta:
        verbose_name = "案件事件"
        verbose_name_plural = "案件事件"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_unique_seq")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"

    @classmethod
    def canonical(cls, content: Mapping[str, Any]) -> bytes:
        # The same JSON as core.audit.canonical_json, rendered without sorting a dict per event (millions a year).
        from gaoxin.cases.canonical import canonical_from_content

        return canonical_from_content(content)


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    return f"cases/{instance.case_id}/{filename}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "案件附件"
        verbose_name_plural = "案件附件"

    def __str__(self) -> str:
        return self.original_name


class SupervisionNotice(models.Model):
    """督办: raised once per case and node when a time limit passes, to the handling unit and its superior."""

    class Node(models.TextChoices):
        SIGN = "sign", "签收"
        HANDLE = "handle", "处置"
        VERIFY = "verify", "核查"
        CASE = "case", "办结"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervision_notices",
                             db_index=False)  # unique (case, node)
    node = models.CharField("环节", max_length=8, choices=Node.choices)
    unit = models.ForeignKey(OrgUnit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="+",
                             db_index=False)  # (unit, created_at)
    superior_unit = models.ForeignKey(OrgUnit, verbose_name="上级单位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField("期限")
    created_at = models.DateTimeField("督办时间")
    message = models.CharField("督办内容", max_length=300)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办通知"
        verbose_name_plural = "督办通知"
        constraints = [models.UniqueConstraint(fields=["case", "node"], name="supervision_once_per_case_node")]
        indexes = [models.Index(fields=["unit", "created_at"], name="supervision_unit_created")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_node_display()}"


class PersonalDataReveal(models.Model):
    """One audited reveal (查看反映人信息) of a case reporter's name and phone by a user of
    ``PERSONAL_DATA_ROLES``, with the purpose given. Written by ``privacy.case_reveal_reporter`` only; never
    edited or deleted."""

    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="reveals")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查看人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("查看时间")
    purpose = models.CharField("查看目的", max_length=200)
    via = models.CharField("途径", max_length=10, default="web")  # web | api | admin

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case", "at"], name="reveal_case_at"),
            models.Index(fields=["actor", "at"], name="reveal_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.actor_id} {self.at:%Y-%m-%d %H:%M}"


class Grain(models.TextChoices):
    DAY = "day", "日"
    MONTH = "month", "月"
    YEAR = "year", "年"


class CaseStat(models.Model):
    """Roll-up (统计汇总) of the metric cohort (``cases.metrics``) per registration day, month and year × street ×
    center × handling unit × 大类 × channel: the counts behind 受理量, 办结率, 按期办结率 and 满意率. Derived data
    kept by ``cases.rollup`` (the case services adjust it in the transaction that changes a case; ``rollup.rebuild``
    recomputes it from the cases). Keys are plain ids with 0 for "none" so that the unique key also holds for
    cases without a street or handling unit."""

    grain = models.CharField("粒度", max_length=5, choices=Grain.choices)
    period_start = models.DateField("统计期起")
    street_key = models.PositiveIntegerField("办事处")
    center_key = models.PositiveIntegerField("受理城运中心")
    assignee_key = models.PositiveIntegerField("处置单位")
    category_key = models.PositiveIntegerField("大类")
    channel = models.CharField("来源渠道", max_length=20)
    registered = models.IntegerField("受理量", default=0)
    closed = models.IntegerField("办结数", default=0)
    closed_on_time = models.IntegerField("按期办结数", default=0)
    evaluated = models.IntegerField("评价数", default=0)
    satisfied = models.IntegerField("满意数", default=0)
    overdue = models.IntegerField("超期数", default=0)

    KEY: ClassVar[tuple[str, ...]] = ("grain", "period_start", "street_key", "center_key", "assignee_key",
                                      "category_key", "channel")
    COUNTS: ClassVar[tuple[str, ...]] = ("registered", "closed", "closed_on_time", "evaluated", "satisfied",
                                         "overdue")

    class Meta:
        verbose_name = "案件统计汇总"
        verbose_name_plural = "案件统计汇总"
        constraints = [models.UniqueConstraint(
            fields=["grain", "period_start", "street_key", "center_key", "assignee_key", "category_key", "channel"],
            name="case_stat_key")]

    def __str__(self) -> str:
        return f"{self.grain} {self.period_start} {self.street_key}/{self.assignee_key}/{self.category_key}"


class CaseGridStat(models.Model):
    """The grid map's roll-up: per registration day, month and year × grid (and its street) × center, the cohort's
    cases and how many of them are overdue. Kept like ``CaseStat``."""

    grain = models.CharField("粒度", max_length=5, choices=Grain.choices)
    period_start = models.DateField("统计期起")
    grid_key = models.PositiveIntegerField("网格")
    street_key = models.PositiveIntegerField("办事处")
    center_key = models.PositiveIntegerField("受理城运中心")
    registered = models.IntegerField("受理量", default=0)
    overdue = models.IntegerField("超期数", default=0)

    KEY: ClassVar[tuple[str, ...]] = ("grain", "period_start", "grid_key", "street_key", "center_key")
    COUNTS: ClassVar[tuple[str, ...]] = ("registered", "overdue")

    class Meta:
        verbose_name = "网格统计汇总"
        verbose_name_plural = "网格统计汇总"
        constraints = [models.UniqueConstraint(fields=["grain", "period_start", "grid_key", "street_key", "center_key"],
                                               name="case_grid_stat_key")]

    def __str__(self) -> str:
        return f"{self.grain} {self.period_start} grid {self.grid_key}"


class CaseUnitGridStat(models.Model):
    """The grid map of one handling unit: like ``CaseGridStat`` per handling unit, keyed unit first so that a
    unit's rows are read without touching the others'."""

    assignee_key = models.PositiveIntegerField("处置单位")
    grain = models.CharField("粒度", max_length=5, choices=Grain.choices)
    period_start = models.DateField("统计期起")
    grid_key = models.PositiveIntegerField("网格")
    street_key = models.PositiveIntegerField("办事处")
    center_key = models.PositiveIntegerField("受理城运中心")
    registered = models.IntegerField("受理量", default=0)
    overdue = models.IntegerField("超期数", default=0)

    KEY: ClassVar[tuple[str, ...]] = ("assignee_key", "grain", "period_start", "grid_key", "street_key",
                                      "center_key")
    COUNTS: ClassVar[tuple[str, ...]] = ("registered", "overdue")

    class Meta:
        verbose_name = "处置单位网格统计汇总"
        verbose_name_plural = "处置单位网格统计汇总"
        constraints = [models.UniqueConstraint(
            fields=["assignee_key", "grain", "period_start", "grid_key", "street_key", "center_key"],
            name="case_unit_grid_stat_key")]

    def __str__(self) -> str:
        return f"{self.assignee_key} {self.grain} {self.period_start} grid {self.grid_key}"


class CaseInstruction(HistoryHead):
    """领导批示 on a case: a leader's written instruction to the unit handling it (the assignee when written, else
    the center), shown on the case page and marked in the unit's queue until the unit confirms it has read it.
    Issue and confirmation are a hash-chained history of ``core.audit``."""

    number = models.CharField("批示编号", max_length=24, unique=True)
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="instructions")
    unit = models.ForeignKey(OrgUnit, verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    text = models.CharField("批示内容", max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批示人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("批示时间")
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "acknowledged_at"], name="instruction_unit_open")]

    def __str__(self) -> str:
        return f"{self.number}：{self.text[:30]}"


class CaseInstructionEvent(ChainedEvent):
    """One step of a 批示's history (issued, confirmed)."""

    instruction = models.ForeignKey(CaseInstruction, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=12)

    chain = Chain(subject="instruction", key="number", content_key="instruction", fields={"action": "action"})

    class Meta:
        verbose_name = "批示日志"
        verbose_name_plural = "批示日志"
        ordering = ["instruction_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["instruction", "seq"], name="instruction_event_unique_seq")]


class FieldCheck(HistoryHead):
    """核实任务: an operator sends the grid worker of a reported case's micro-grid to check on site whether the
    report is true before it is registered; the worker answers 属实 / 不属实 with a note (and photos on the case),
    and the answer is on the case page for the operator's next step (立案 or 不予立案). Sent and answered are a
    hash-chained history of ``core.audit``."""

    class Result(models.TextChoices):
        TRUE = "true", "属实"
        FALSE = "false", "不属实"

    number = models.CharField("任务编号", max_length=24, unique=True)
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="field_checks")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实网格员", on_delete=models.PROTECT,
                               related_name="+")
    request = models.CharField("核实要求", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="派发人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("派发时间")
    due_at = models.DateTimeField("核实时限")
    result = models.CharField("核实结果", max_length=8, choices=Result.choices, blank=True)
    result_note = models.CharField("核实说明", max_length=500, blank=True)
    answered_at = models.DateTimeField("核实时间", null=True, blank=True)

    class Meta:
        verbose_name = "核实任务"
        verbose_name_plural = "核实任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["worker", "answered_at"], name="field_check_worker_open")]

    def __str__(self) -> str:
        return self.number


class FieldCheckEvent(ChainedEvent):
    """One step of a 核实任务 (sent, answered)."""

    field_check = models.ForeignKey(FieldCheck, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=12)

    chain = Chain(subject="field_check", key="number", content_key="field_check", fields={"action": "action"})

    class Meta:
        verbose_name = "核实任务日志"
        verbose_name_plural = "核实任务日志"
        ordering = ["field_check_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["field_check", "seq"], name="field_check_event_unique_seq")]
