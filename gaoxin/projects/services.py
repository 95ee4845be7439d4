"""Every write of the key-project registry, audited on the project's hash-chained history (``ProjectEvent``):
registration, stewards and parcels, contracts and their changes, stage moves through the gates of
``workflow``, investment adjustments, monthly reports (the identities of ``identities``) and the lights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import audit, clock
from gaoxin.core import calendar as workcal
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.enterprises.models import Enterprise, IndustrialChain
from gaoxin.land.models import LandSupply, Parcel, Permit
from gaoxin.projects import identities, lights, policy, workflow
from gaoxin.projects.models import Contract, Light, Milestone, MonthlyReport, Project, ProjectEvent, ProjectProblem

CENT = Decimal("0.01")


def _log(project: Project, *, actor: User | None, action: str, note: str = "", payload: dict[str, Any] | None = None,
         from_stage: str = "", to_stage: str = "", at: dt.datetime | None = None) -> None:
    audit.append(ProjectEvent, project, actor=actor if actor is not None and actor.pk else None, at=at or clock.now(),
                 note=note, payload=payload or {}, action=action, from_stage=from_stage, to_stage=to_stage)


def _money(value: Any, *, name: str, label: str, allow_zero: bool = False) -> Decimal:
    number = identities.parse_amount(value)
    if number is None:
        raise ApplicationError(f"{label}：不能为空", field=name, code="required")
    if not number.is_finite():
        raise ApplicationError(f"{label}：应为数字（万元）", field=name)
    if number < 0 or (number == 0 and not allow_zero):
        raise ApplicationError(f"{label}：应大于0", field=name)
    return number.quantize(CENT)


def _check_steward(steward: User | None) -> None:
    """项目管家 are cadres (助企干部) of the campaign's departments and street offices."""
    if steward is not None and (steward.role != Role.SERVICE_CADRE or not steward.is_active):
        raise ApplicationError("项目管家：应为在岗的助企干部", field="steward", code="not_a_cadre")


def project_register(*, actor: User, code: str, name: str, investor: Enterprise, year: int, total_investment: Any,
                     annual_plan: Any, level: str, category: str, chain: IndustrialChain | None = None,
                     planned_start: dt.date | None = None, lon: float | None = None, lat: float | None = None,
                     steward: User | None = None, prior_cumulative: Any = 0, is_synthetic: bool = False,
                     at: dt.datetime | None = None) -> Project:
    policy.check_manage(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        raise ApplicationError("项目编号：不能为空", field="code", code="required")
    if not name:
        raise ApplicationError("项目名称：不能为空", field="name", code="required")
    if level not in Project.Level.values:
        raise ApplicationError("项目级别：应为省重点、市重点或区重点", field="level")
    if category not in Project.Category.values:
        raise ApplicationError("项目类别：应为签约、新开工、续建或竣工投产", field="category")
    total = _money(total_investment, name="total_investment", label="总投资")
    plan = _money(annual_plan, name="annual_plan", label="年度计划投资", allow_zero=True)
    prior = _money(prior_cumulative, name="prior_cumulative", label="上年末累计完成投资", allow_zero=True)
    if plan > total:
        raise ApplicationError(f"年度计划投资：{plan} 超过总投资 {total}", field="annual_plan")
    _check_steward(steward)
    if prior + plan > total:
        raise ApplicationError(f"上年末累计完成投资：加上年度计划 {prior + plan} 超过总投资 {total}",
                               field="prior_cumulative")
    with transaction.atomic():
        if Project.objects.filter(code=code).exists():
            raise Conflict("项目编号已存在", field="code", code="duplicate")
        now = at or clock.now()
        project = Project.objects.create(
            code=code, name=name, investor=investor, chain=chain, year=year, total_investment=total,
            annual_plan=plan, prior_cumulative=prior, level=level, category=category, planned_start=planned_start,
            lon=lon, lat=lat, steward=steward, created_at=now, is_synthetic=is_synthetic)
        _log(project, actor=actor, action="registered", at=now, to_stage=project.stage,
             payload={"total_investment": str(total), "annual_plan": str(plan), "level": level,
                      "category": category, "investor": investor.credit_code})
        return project


def project_steward_assign(*, actor: User, project: Project, steward: User) -> Project:
    policy.check_manage(actor)
    _check_steward(steward)
    with transaction.atomic():
        before = project.steward_id
        Project.objects.filter(pk=project.pk).update(steward=steward)
        project.steward = steward
        _log(project, actor=actor, action="steward", payload={"from": before, "to": steward.pk})
        return project


def project_parcels_link(*, actor: User, project: Project, parcels: Sequence[Parcel]) -> Project:
    policy.check_manage(actor)
    with transaction.atomic():
        retired = [p.parcel_code for p in parcels if p.status != Parcel.Status.ACTIVE]
        if retired:
            raise ApplicationError(f"宗地已注销：{'、'.join(retired)}", field="parcels")
        project.parcels.add(*parcels)
        _log(project, actor=actor, action="parcels", payload={"parcels": sorted(p.parcel_code for p in parcels)})
        return project


def contract_sign(*, actor: User, project: Project, number: str, signed_on: dt.date, amount: Any,
                  counterpart: str = "郑州高新区管委会", investor: Enterprise | None = None,
                  is_synthetic: bool = False, at: dt.datetime | None = None) -> Contract:
    policy.check_manage(actor)
    number = (number or "").strip()
    if not number:
        raise ApplicationError("合同编号：不能为空", field="number", code="required")
    if not isinstance(signed_on, dt.date):
        raise ApplicationError("签约日期：不能为空", field="signed_on", code="required")
    value = _money(amount, name="amount", label="签约金额")
    with transaction.atomic():
        if Contract.objects.filter(number=number).exists():
            raise Conflict("合同编号已存在", field="number", code="duplicate")
        contract = Contract.objects.create(project=project, number=number, signed_on=signed_on, amount=value,
                                           investor=investor or project.investor, counterpart=counterpart.strip(),
                                           is_synthetic=is_synthetic)
        _log(project, actor=actor, action="contract", at=at,
             payload={"number": number, "signed_on": signed_on.isoformat(), "amount": str(value)})
        return contract


def contract_change(*, actor: User, contract: Contract, amount: Any = None, signed_on: dt.date | None = None,
                    note: str = "") -> Contract:
    """A change of a signed contract: the before and after go on the project's history."""
    policy.check_manage(actor)
    if not (note or "").strip():
        raise ApplicationError("变更说明：不能为空", field="note", code="required")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        before = {"amount": str(contract.amount), "signed_on": contract.signed_on.isoformat()}
        if amount is not None:
            contract.amount = _money(amount, name="amount", label="签约金额")
        if signed_on is not None:
            contract.signed_on = signed_on
        contract.save(update_fields=["amount", "signed_on"])
        after = {"amount": str(contract.amount), "signed_on": contract.signed_on.isoformat()}
        _log(contract.project, actor=actor, action="contract_change", note=note.strip(),
             payload={"number": contract.number, "before": before, "after": after})
        return contract


def project_facts(project: Project, *, completed_on: dt.date | None = None) -> workflow.Facts:
    """What the gates look at, in three queries: the parcels with their supply and the kinds of permits they hold,
    the contracts, and whether a month with investment was reported."""
    parcels = list(project.parcels.annotate(
        kinds=Count("permits__kind", distinct=True),
        supplied=Exists(LandSupply.objects.filter(parcel=OuterRef("pk")))).values_list("kinds", "supplied"))
    return workflow.Facts(
        contracts=project.contracts.count(), has_steward=project.steward_id is not None, parcels=len(parcels),
        parcels_supplied=sum(1 for _, supplied in parcels if supplied),
        parcels_with_four_permits=sum(1 for kinds, _ in parcels if kinds == len(Permit.Kind.values)),
        reports_with_investment=1 if project.reports.filter(this_month__gt=0).exists() else 0,
        completed_on_given=(completed_on or project.completed_on) is not None)


def project_advance(*, actor: User, project: Project, to: str, on: dt.date, note: str = "",
                    at: dt.datetime | None = None) -> Project:
    """Move the project to the next stage on date ``on``, if every gate condition holds; refused with every
    missing condition named (``stage_gate``, ``extra['missing']``). 开工 sets the start date, 竣工 the completion."""
    policy.check_manage(actor)
    if not isinstance(on, dt.date):
        raise ApplicationError("日期：不能为空", field="on", code="required")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        missing = workflow.refusals(project.stage, to, project_facts(project))
        if missing:
            texts = [m if isinstance(m, str) else m.label for m in missing]
            codes = [m if isinstance(m, str) else m.code for m in missing]
            raise ApplicationError(f"不能进入“{workflow.STAGES.get(to, to)}”：" + "；".join(texts), field="stage",
                                   code="stage_gate", extra={"missing": codes})
        before = project.stage
        project.stage = to
        fields = ["stage"]
        if to == workflow.STARTED:
            project.started_on = on
            fields.append("started_on")
        if to == workflow.COMPLETED:
            project.completed_on = on
            fields.append("completed_on")
        project.save(update_fields=fields)
        Milestone.objects.filter(project=project, stage=to, done_on=None).update(done_on=on)
        _log(project, actor=actor, action="advance", from_stage=before, to_stage=to, note=note, at=at,
             payload={"on": on.isoformat()})
        return project


def milestone_plan(*, actor: User, project: Project, stage: str, planned_on: dt.date,
                   limit_working_days: int = 0) -> Milestone:
    """A milestone with its planned date; overdue after ``limit_working_days`` working days (法定节假日和调休按
    ``core.calendar``)."""
    policy.check_manage(actor)
    if stage not in workflow.STAGES:
        raise ApplicationError("节点：未知阶段", field="stage")
    if limit_working_days < 0:
        raise ApplicationError("宽限（工作日）：不能为负数", field="limit_working_days")
    start = dt.datetime.combine(planned_on, dt.time(18, 0), tzinfo=SHANGHAI)
    due = workcal.add_working_time(start, limit_working_days, "day").date() if limit_working_days else planned_on
    with transaction.atomic():
        milestone, _ = Milestone.objects.update_or_create(
            project=project, stage=stage,
            defaults={"planned_on": planned_on, "limit_working_days": limit_working_days, "due_on": due})
        _log(project, actor=actor, action="milestone",
             payload={"stage": stage, "planned_on": planned_on.isoformat(), "due_on": due.isoformat()})
        return milestone


def investment_adjust(*, actor: User, project: Project, adjusted_total: Any, note: str) -> Project:
    """Record an adjustment of the total investment (the ceiling of 自开始建设累计)."""
    policy.check_manage(actor)
    if not (note or "").strip():
        raise ApplicationError("调整说明：不能为空", field="note", code="required")
    value = _money(adjusted_total, name="adjusted_total", label="调整后总投资")
    with transaction.atomic():
        before = project.investment_ceiling
        Project.objects.filter(pk=project.pk).update(adjusted_total=value, adjustment_note=note.strip())
        project.adjusted_total, project.adjustment_note = value, note.strip()
        _log(project, actor=actor, action="adjust", note=note.strip(),
             payload={"before": str(before), "after": str(value)})
        return project


def report_context(project: Project, month: int, months: Mapping[int, Decimal]) -> identities.Context:
    """The context of a month's row given the months of the year on record (month → 自年初累计)."""
    earlier = [m for m in months if m < month]
    previous = max(earlier) if earlier else None
    return identities.Context(
        month=month, previous_ytd=months[previous] if previous is not None else None, previous_month=previous,
        prior_cumulative=project.prior_cumulative, ceiling=project.investment_ceiling,
        adjusted=project.adjusted_total is not None)


def is_late(year: int, month: int, at: dt.datetime) -> bool:
    due = dt.datetime.combine(lights.report_due(year, month) + dt.timedelta(days=1), dt.time(0),
                              tzinfo=SHANGHAI)
    return at >= due


def check_period(year: Any, month: Any) -> tuple[int, int]:
    try:
        y, m = int(year), int(month)
    except (TypeError, ValueError) as exc:
        raise ApplicationError("月份：应为年和月", field="month") from exc
    if not 1 <= m <= 12:
        raise ApplicationError("月份：应为1–12", field="month")
    return y, m


def monthly_report_submit(*, actor: User, project: Project, year: int, month: int, values: Mapping[str, Any],
                          progress_note: str = "", at: dt.datetime | None = None,
                          is_synthetic: bool = False) -> MonthlyReport:
    """The month's report of a project, every identity checked (the first violated one refuses it, naming the
    field); a month may be corrected while no later month of the year is reported."""
    policy.check_report(actor, project)
    year, month = check_period(year, month)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        months = dict(MonthlyReport.objects.filter(project=project, year=year).values_list("month", "ytd"))
        if any(m > month for m in months):
            raise ApplicationError("已报送以后月份的月报，不能再修改本月", field="month", code="later_reported")
        checked = identities.check(values, report_context(project, month, months))
        checked.raise_first()
        return _report_write(actor=actor, project=project, year=year, month=month, values=checked.values,
                             progress_note=progress_note, at=at or clock.now(), is_synthetic=is_synthetic,
                             exists=month in months)


def report_fields(*, actor: User, year: int, month: int, values: Mapping[str, Decimal], progress_note: str,
                  at: dt.datetime, is_synthetic: bool) -> dict[str, Any]:
    """A month's report row as written (its checked values, the submission, whether it came in late)."""
    return {**values, "progress_note": progress_note.strip()[:300], "submitted_at": at, "submitted_by": actor,
            "is_late": is_late(year, month, at), "is_synthetic": is_synthetic}


def report_event(*, year: int, month: int, values: Mapping[str, Decimal], late: bool,
                 exists: bool) -> dict[str, Any]:
    """The project event of a month's report (``action`` and ``payload``)."""
    return {"action": "report_fix" if exists else "report",
            "payload": {"period": f"{year}-{month:02d}", **{k: str(v) for k, v in values.items()}, "late": late}}


def _report_write(*, actor: User, project: Project, year: int, month: int, values: Mapping[str, Decimal],
                  progress_note: str, at: dt.datetime, is_synthetic: bool, exists: bool) -> MonthlyReport:
    fields = report_fields(actor=actor, year=year, month=month, values=values, progress_note=progress_note, at=at,
                           is_synthetic=is_synthetic)
    if exists:
        MonthlyReport.objects.filter(project=project, year=year, month=month).update(**fields)
        report = MonthlyReport.objects.get(project=project, year=year, month=month)
    else:
        report = MonthlyReport.objects.create(project=project, year=year, month=month, **fields)
    _log(project, actor=actor, at=at,
         **report_event(year=year, month=month, values=values, late=fields["is_late"], exists=exists))
    return report


def lights_compute(*, year: int, month: int, projects: Iterable[Project] | None = None,
                   at: dt.datetime | None = None) -> int:
    """The lights of every project of the year for the month (kept per month; recomputing a month replaces it)."""
    now = at or clock.now()
    chosen = list(projects) if projects is not None else list(Project.objects.filter(year=year))
    reports = {r.project_id: r for r in MonthlyReport.objects.filter(project__in=chosen, year=year, month=month)}
    with transaction.atomic():
        Light.objects.filter(project__in=chosen, year=year, month=month).delete()
        rows = []
        for project in chosen:
            report = reports.get(project.pk)
            facts = lights.facts_for(year=year, month=month, planned_start=project.planned_start,
                                     started_on=project.started_on, annual_plan=project.annual_plan,
                                     ytd=report.ytd if report else None, report_late=report.is_late if report else None)
            colours = lights.evaluate(facts)
            rows.append(Light(project=project, year=year, month=month, facts=facts, computed_at=now, **colours))
        Light.objects.bulk_create(rows)
    return len(rows)


def project_problem_raise(*, actor: User, project: Project, kind: str, category_code: str, description: str,
                          is_synthetic: bool = False) -> ProjectProblem:
    """A problem of the project (要素保障) as a case of the case engine, raised by its steward or the 经发局."""
    from gaoxin.projects import casebridge

    policy.check_report(actor, project)
    if kind not in ProjectProblem.Kind.values:
        raise ApplicationError("问题类型：应为土地、水电气暖、审批手续、融资或其他要素保障", field="kind")
    category = casebridge.problem_category(category_code)
    if category is None:
        raise ApplicationError("问题分类：不是有效的企业问题分类", field="category")
    text = (description or "").strip()
    if not text:
        raise ApplicationError("问题描述：不能为空", field="description", code="required")
    with transaction.atomic():
        investor = project.investor
        case = casebridge.report(
            actor=actor, category=category, description=f"【重大项目 {project.code} {project.name}】{text}",
            address=investor.address, lon=project.lon if project.lon is not None else investor.lon,
            lat=project.lat if project.lat is not None else investor.lat, reporter_name=investor.contact_name,
            reporter_phone=investor.contact_phone, is_synthetic=is_synthetic)
        problem = ProjectProblem.objects.create(project=project, kind=kind, description=text, case=case,
                                                raised_by=actor, raised_at=clock.now(), is_synthetic=is_synthetic)
        _log(project, actor=actor, action="problem", payload={"case": case.number, "kind": kind})
        return problem
