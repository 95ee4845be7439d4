"""Writes of the enterprise policies: ``<entity>_<action>(*, actor, …)``, keyword-only, validated (an error names
the field and nothing is written), atomic, and audited on the decision's hash-chained history.

The path of a benefit: the rules decide (``matching_run`` for 免申即享, ``application_submit`` for 快申快享), the
enterprise confirms its account or the reviewer approves, a notice (公示) opens an objection window in working
days, the window closes (``notice_close``), a payment batch pays — never above the policy-year's budget and never
two items of one 不重复享受 group to one enterprise in one year — and a clawback (追回) can take money back."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Sum

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import audit, clock
from gaoxin.core.calendar import add_working_time, calendar, local_today
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.models import Enterprise, EnterpriseUser
from gaoxin.enterprises.scope import own_enterprise_id
from gaoxin.notify.capture import sms_enqueue
from gaoxin.notify.models import SmsMessage
from gaoxin.policies import engine, policy, selectors
from gaoxin.policies.models import (
    BenefitItem,
    Budget,
    Clause,
    Decision,
    DecisionEvent,
    Notice,
    Objection,
    ParameterValue,
    PaymentBatch,
    Policy,
)
from gaoxin.policies.rules import catalog

NOTICE_WORKING_DAYS = 5  # 公示期：5 个工作日
BANK_ACCOUNT = re.compile(r"^\d{8,30}$")


# --- checks ------------------------------------------------------------------------------------------------------

def _decimal(value: Any, *, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ApplicationError(f"{label}：应为数字", field=field, code="not_a_number") from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e11"):
        raise ApplicationError(f"{label}：应为 0 到 1000 亿之间的数", field=field, code="out_of_range")
    return number


def yuan_to_fen(value: Any, *, field: str, label: str) -> int:
    amount = _decimal(value, field=field, label=label)
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(f"{label}：最多两位小数（到分）", field=field, code="too_precise")
    return int(amount * 100)



def next_number(model: type[Decision] | type[Notice] | type[PaymentBatch], prefix: str, year: int) -> str:
    stem = f"{prefix}{year}"
    last = (model._default_manager.select_for_update().filter(number__startswith=stem)
            .order_by("-number").values_list("number", flat=True).first())
    return f"{stem}{(int(last[len(stem):]) + 1 if last else 1):06d}"


def _event(decision: Decision, *, actor: User | None, action: str, note: str = "",
           payload: dict[str, Any] | None = None) -> None:
    audit.append(DecisionEvent, decision, actor=actor, at=clock.now(), action=action, note=note, payload=payload)


def _locked(decision: Decision) -> Decision:
    return Decision.objects.select_for_update().select_related("item__clause__policy", "enterprise").get(
        pk=decision.pk)


def _require_status(decision: Decision, *allowed: str, field: str = "decision") -> None:
    if decision.status not in allowed:
        raise Conflict(f"该事项当前为“{decision.get_status_display()}”，不能办理此操作", field=field,
                       code="decision_status")


# --- catalog -----------------------------------------------------------------------------------------------------

@transaction.atomic
def policy_create(*, actor: User, code: str, doc_number: str, title: str, issuer: str, in_force_from: dt.date,
                  in_force_to: dt.date | None = None, text_url: str = "", is_synthetic: bool = False) -> Policy:
    policy.require_policy_officer(actor)
    code = checked_text(code, field="code", label="编码", max_length=32)
    if Policy.objects.filter(code=code).exists():
        raise Conflict(f"编码：政策“{code}”已存在", field="code", code="policy_exists")
    if in_force_to is not None and in_force_to < in_force_from:
        raise ApplicationError("废止日期：不能早于施行日期", field="in_force_to", code="date_order")
    return Policy.objects.create(
        code=code, doc_number=checked_text(doc_number, field="doc_number", label="文号", max_length=60),
        title=checked_text(title, field="title", label="政策名称"),
        issuer=checked_text(issuer, field="issuer", label="发文机关", max_length=100),
        in_force_from=in_force_from, in_force_to=in_force_to,
        text_url=checked_text(text_url, field="text_url", label="政策原文链接", required=False, max_length=300),
        is_synthetic=is_synthetic)


def _require_draft(p: Policy) -> None:
    if Policy.objects.select_for_update().values_list("status", flat=True).get(pk=p.pk) != Policy.Status.DRAFT:
        raise Conflict("政策已发布，条款和兑现事项不能再改（参数可按日期调整）", field="policy",
                       code="policy_published")


@transaction.atomic
def clause_add(*, actor: User, policy_: Policy, number: str, text: str) -> Clause:
    policy.require_policy_officer(actor)
    _require_draft(policy_)
    number = checked_text(number, field="number", label="条款", max_length=20)
    if Clause.objects.filter(policy=policy_, number=number).exists():
        raise Conflict(f"条款：{number} 已存在", field="number", code="clause_exists")
    return Clause.objects.create(policy=policy_, number=number,
                                 text=checked_text(text, field="text", label="条款原文", max_length=4000))


@transaction.atomic
def item_add(*, actor: User, clause: Clause, code: str, name: str, route: str, family: str,
             options: dict[str, Any], tests: str = "", exclusive_group: str = "", materials: Sequence[str] = (),
             review_days: int = 10) -> BenefitItem:
    """A benefit item: its rule is ``family`` with ``options`` (checked by building it), its tests YAML."""
    policy.require_policy_officer(actor)
    _require_draft(clause.policy)
    code = checked_text(code, field="code", label="编码", max_length=40)
    if not re.fullmatch(r"[a-z][a-z0-9_]{2,39}", code) or "__" in code:
        raise ApplicationError("编码：小写字母开头，只含小写字母、数字和单个下划线", field="code", code="item_code")
    if BenefitItem.objects.filter(code=code).exists():
        raise Conflict(f"编码：兑现事项“{code}”已存在", field="code", code="item_exists")
    if route not in BenefitItem.Route.values:
        raise ApplicationError("兑现方式：应为 免申即享 或 快申快享", field="route", code="invalid_choice")
    catalog.rule_of(item=code, family=family, options=options)
    catalog.parse_tests(tests)
    if not 1 <= int(review_days) <= 60:
        raise ApplicationError("审核时限：应为 1–60 个工作日", field="review_days", code="out_of_range")
    return BenefitItem.objects.create(
        clause=clause, code=code, name=checked_text(name, field="name", label="兑现事项"), route=route, family=family,
        options=options, tests=tests, review_days=int(review_days),
        exclusive_group=checked_text(exclusive_group, field="exclusive_group", label="不重复享受组", required=False,
                              max_length=40),
        materials=[checked_text(m, field="materials", label="申报材料", max_length=100) for m in materials])


@transaction.atomic
def item_tests_set(*, actor: User, item: BenefitItem, tests: str) -> BenefitItem:
    policy.require_policy_officer(actor)
    catalog.parse_tests(tests)
    item.tests = tests
    item.save(update_fields=["tests"])
    return item


@transaction.atomic
def parameter_set(*, actor: User | None, item: BenefitItem, name: str, start: dt.date, value: Any,
                  reference: str, allow_past: bool = False) -> ParameterValue:
    """A parameter's value from ``start`` on. Once a policy is published a value may only start today or later
    (``allow_past`` is the catalog's initial load): a change never rewrites what was decided before it."""
    if actor is not None:
        policy.require_policy_officer(actor)
    spec = {p.name: p for p in engine.rule_of(item).parameters}.get(name)
    if spec is None:
        raise ApplicationError(f"参数：事项“{item.name}”没有参数“{name}”", field="name", code="unknown_parameter")
    number = _decimal(value, field="value", label=spec.label)
    if spec.unit == "rate" and number > 1:
        raise ApplicationError(f"{spec.label}：比例应在 0 到 1 之间", field="value", code="rate_range")
    if spec.unit == "count" and number != number.to_integral_value():
        raise ApplicationError(f"{spec.label}：应为整数", field="value", code="not_an_integer")
    if item.clause.policy.status == Policy.Status.PUBLISHED and not allow_past and start < local_today():
        raise ApplicationError("生效日期：已发布政策的参数只能从今天或以后生效，不改变已作出的决定", field="start",
                               code="parameter_retroactive")
    if ParameterValue.objects.filter(item=item, name=name, start=start).exists():
        raise Conflict(f"生效日期：{start} 起的“{spec.label}”已设定", field="start", code="parameter_exists")
    return ParameterValue.objects.create(
        item=item, name=name, start=start, value=number, unit=spec.unit, label=spec.label,
        reference=checked_text(reference, field="reference", label="依据", max_length=200), created_by=actor,
        created_at=clock.now())


@transaction.atomic
def budget_set(*, actor: User | None, policy_: Policy, year: int, amount_yuan: Any) -> Budget:
    """The policy-year's budget; never below what is already paid (net of clawbacks)."""
    if actor is not None:
        policy.require_policy_officer(actor)
    amount = yuan_to_fen(amount_yuan, field="amount", label="预算（元）")
    budget, _ = Budget.objects.select_for_update().get_or_create(policy=policy_, year=year,
                                                                 defaults={"amount_fen": amount})
    paid = net_paid_fen(policy_, year)
    if amount < paid:
        raise Conflict(f"预算（元）：不能少于已拨付净额 {paid / 100:,.2f} 元", field="amount", code="budget_below_paid")
    budget.amount_fen = amount
    budget.save(update_fields=["amount_fen"])
    return budget


def item_test_failures(item: BenefitItem) -> list[catalog.TestFailure]:
    rule = engine.rule_of(item)
    return catalog.run_tests(rule, catalog.parse_tests(item.tests), engine.dated_values([item]))


@transaction.atomic
def policy_publish(*, actor: User, policy_: Policy) -> Policy:
    """Publish a policy: every item has rule tests and they all pass, and every parameter of its rule has a
    value; then the rules run in matching."""
    policy.require_policy_officer(actor)
    policy_ = Policy.objects.select_for_update().get(pk=policy_.pk)
    _require_draft(policy_)
    items = list(BenefitItem.objects.filter(clause__policy=policy_).select_related("clause__policy"))
    if not items:
        raise ApplicationError("兑现事项：政策至少要有一个兑现事项", field="items", code="no_items")
    for item in items:
        if not catalog.parse_tests(item.tests):
            raise ApplicationError(f"规则测试：事项“{item.name}”没有测试用例，不能发布", field="tests",
                                   code="tests_missing")
        given = set(ParameterValue.objects.filter(item=item).values_list("name", flat=True))
        missing = [p.label for p in engine.rule_of(item).parameters if p.name not in given]
        if missing:
            raise ApplicationError(f"参数：事项“{item.name}”缺少 {'、'.join(missing)}", field="parameters",
                                   code="parameters_missing")
        failures = item_test_failures(item)
        if failures:
            first = failures[0]
            raise ApplicationError(f"规则测试：事项“{item.name}”的用例“{first.name}”未通过（{first.message}）",
                                   field="tests", code="tests_failing")
    policy_.status, policy_.published_at = Policy.Status.PUBLISHED, clock.now()
    policy_.save(update_fields=["status", "published_at"])
    return policy_


# --- decisions ---------------------------------------------------------------------------------------------------

@transaction.atomic
def matching_run(*, actor: User, on: dt.date | None = None, enterprise_ids: Sequence[int] | None = None,
                 is_synthetic: bool = False) -> list[Decision]:
    """免申即享: evaluate every 免申即享 item in force on ``on`` over the registry and record a decision (with its
    trace) for each enterprise that qualifies and has none for that item and year. The enterprise's users are
    told by text message. Existing decisions are never re-decided."""
    policy.require_policy_officer(actor)
    on = on or local_today()
    items = selectors.items_in_force(on, route=BenefitItem.Route.AUTO)
    if not items:
        return []
    ids = list(enterprise_ids) if enterprise_ids is not None else list(
        Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    evaluation = engine.evaluation_run(items, ids, on=on, trace=True)
    decided = set(Decision.objects.filter(item__in=items, year=on.year).values_list("item_id", "enterprise_id"))
    now = clock.now()
    created = []
    for index, (item, outcome) in enumerate(zip(items, evaluation.outcomes, strict=True)):
        for row in outcome.eligible.nonzero()[0]:
            enterprise_id = ids[row]
            amount = int(outcome.amount[row])
            if (item.pk, enterprise_id) in decided or amount <= 0:
                continue
            decision = Decision.objects.create(
                number=next_number(Decision, "ZC", on.year), item=item, enterprise_id=enterprise_id, year=on.year,
                route=item.route, evaluated_on=on, amount_fen=amount, trace=evaluation.explain(index, int(row)),
                status=Decision.Status.MATCHED, created_at=now, is_synthetic=is_synthetic)
            _event(decision, actor=actor, action="match", payload={"amount_fen": amount, "on": on.isoformat()})
            _tell_enterprise(decision)
            created.append(decision)
    return created


def _tell_enterprise(decision: Decision) -> None:
    users = [link.user for link in EnterpriseUser.objects.filter(enterprise_id=decision.enterprise_id)
             .select_related("user") if link.user.is_active and link.user.phone]
    if not users:
        return
    event = decision.events.order_by("-seq").first()
    assert event is not None
    text = (f"【政策兑现】贵企业符合“{decision.item.name}”免申即享条件，拟兑现 {decision.amount_fen / 100:,.2f} 元。"
            f"请登录平台确认收款账户（编号 {decision.number}）。")
    sms_enqueue(kind=SmsMessage.Kind.POLICY_MATCHED, case=None, event=event, text=text, recipients=users)


def _require_own(actor: User, decision: Decision) -> None:
    if policy.is_policy_officer(actor):
        return
    if actor.role == Role.ENTERPRISE and own_enterprise_id(actor) == decision.enterprise_id:
        return
    raise PermissionDenied("只能办理本企业的政策事项", field="decision", code="policies_own_only")


@transaction.atomic
def decision_confirm(*, actor: User, decision: Decision, bank_name: str, bank_account: str) -> Decision:
    """免申即享: the enterprise confirms the account the money goes to."""
    decision = _locked(decision)
    _require_own(actor, decision)
    _require_status(decision, Decision.Status.MATCHED)
    bank_name = checked_text(bank_name, field="bank_name", label="开户行", max_length=100)
    account = re.sub(r"\s", "", str(bank_account or ""))
    if not BANK_ACCOUNT.fullmatch(account):
        raise ApplicationError("银行账号：应为 8–30 位数字", field="bank_account", code="bank_account")
    decision.bank_name, decision.bank_account, decision.status = bank_name, account, Decision.Status.CONFIRMED
    decision.save(update_fields=["bank_name", "bank_account", "status"])
    _event(decision, actor=actor, action="confirm", payload={"bank_name": bank_name})
    return decision


def evaluate_one(*, enterprise: Enterprise, items: Sequence[BenefitItem], on: dt.date) -> list[dict[str, Any]]:
    """The explained result of each item for one enterprise (the calculator and an application)."""
    evaluation = engine.evaluation_run(items, [enterprise.pk], on=on, trace=True)
    return [evaluation.explain(index, 0) for index in range(len(evaluation.items))]


@transaction.atomic
def application_submit(*, actor: User, item: BenefitItem, enterprise: Enterprise, materials: Sequence[str],
                       bank_name: str, bank_account: str) -> Decision:
    """快申快享: the enterprise applies; the rules must find it eligible today, the clause's materials must all be
    named, and the reviewer has ``item.review_days`` working days."""
    if not (policy.is_policy_officer(actor) or (actor.role == Role.ENTERPRISE
                                                and own_enterprise_id(actor) == enterprise.pk)):
        raise PermissionDenied("只能为本企业申报", field="enterprise", code="policies_own_only")
    if item.route != BenefitItem.Route.APPLY:
        raise ApplicationError("兑现事项：该事项免申即享，无需申报", field="item", code="item_auto")
    on = local_today()
    if item not in selectors.items_in_force(on, route=BenefitItem.Route.APPLY):
        raise ApplicationError("兑现事项：该事项不在施行期内", field="item", code="item_not_in_force")
    materials = [checked_text(m, field="materials", label="申报材料", max_length=200) for m in materials]
    missing = [m for m in item.materials if m not in materials]
    if missing:
        raise ApplicationError(f"申报材料：缺少 {'、'.join(missing)}", field="materials", code="materials_missing")
    account = re.sub(r"\s", "", str(bank_account or ""))
    if not BANK_ACCOUNT.fullmatch(account):
        raise ApplicationError("银行账号：应为 8–30 位数字", field="bank_account", code="bank_account")
    if Decision.objects.filter(item=item, enterprise=enterprise, year=on.year).exists():
        raise Conflict(f"兑现事项：{on.year} 年已申报或已兑现过该事项", field="item", code="already_applied")
    trace = evaluate_one(enterprise=enterprise, items=[item], on=on)[0]
    if not trace["eligible"] or trace["amount_fen"] <= 0:
        unmet = "；".join(c["label"] for c in trace["conditions"] if not c["held"]) or "兑现金额为 0"
        raise ApplicationError(f"兑现事项：暂不符合条件（{unmet}）", field="item", code="not_eligible")
    now = clock.now()
    decision = Decision.objects.create(
        number=next_number(Decision, "ZC", on.year), item=item, enterprise=enterprise, year=on.year,
        route=item.route, evaluated_on=on, amount_fen=trace["amount_fen"], trace=trace,
        status=Decision.Status.APPLIED, materials=materials, created_at=now,
        bank_name=checked_text(bank_name, field="bank_name", label="开户行", max_length=100), bank_account=account,
        review_due=add_working_time(now, item.review_days, "day"))
    _event(decision, actor=actor, action="apply", payload={"materials": materials})
    return decision


@transaction.atomic
def application_decide(*, actor: User, decision: Decision, approve: bool, reason: str = "") -> Decision:
    policy.require_policy_officer(actor)
    decision = _locked(decision)
    _require_status(decision, Decision.Status.APPLIED)
    if approve:
        decision.status = Decision.Status.APPROVED
        decision.save(update_fields=["status"])
        _event(decision, actor=actor, action="approve")
    else:
        decision.refusal_reason = checked_text(reason, field="reason", label="不予兑现理由", max_length=300)
        decision.status = Decision.Status.REFUSED
        decision.save(update_fields=["status", "refusal_reason"])
        _event(decision, actor=actor, action="refuse", note=decision.refusal_reason)
    return decision


# --- notices and objections --------------------------------------------------------------------------------------

@transaction.atomic
def notice_publish(*, actor: User, decisions: Sequence[Decision], title: str, on: dt.date | None = None,
                   working_days: int = NOTICE_WORKING_DAYS, is_synthetic: bool = False) -> Notice:
    """公示: the decisions (confirmed or approved) go out together; objections are taken for ``working_days``
    working days after the day of publication."""
    policy.require_policy_officer(actor)
    if not decisions:
        raise ApplicationError("兑现事项：请至少选择一项", field="decisions", code="required")
    if not 1 <= working_days <= 30:
        raise ApplicationError("公示期：应为 1–30 个工作日", field="working_days", code="out_of_range")
    on = on or local_today()
    rows = list(Decision.objects.select_for_update().filter(pk__in=[d.pk for d in decisions]).order_by("pk"))
    wrong = [d.number for d in rows if d.status not in (Decision.Status.CONFIRMED, Decision.Status.APPROVED)]
    if wrong:
        raise Conflict(f"兑现事项：{'、'.join(wrong[:5])} 不是“已确认”或“已通过审核”，不能公示", field="decisions",
                       code="decision_status")
    notice = Notice.objects.create(
        number=next_number(Notice, "GS", on.year), title=checked_text(title, field="title", label="标题"),
        published_on=on, objection_until=calendar().nth_workday_after(on, working_days), created_by=actor,
        is_synthetic=is_synthetic)
    for d in rows:
        d.status, d.notice = Decision.Status.NOTICED, notice
        d.save(update_fields=["status", "notice"])
        _event(d, actor=actor, action="notice", payload={"notice": notice.number,
                                                         "until": notice.objection_until.isoformat()})
    return notice


@transaction.atomic
def objection_record(*, actor: User, decision: Decision, objector: str, text: str,
                     received_on: dt.date) -> Objection:
    """An objection to a noticed decision, received within the window (the last day counts)."""
    policy.require_policy_officer(actor)
    decision = _locked(decision)
    _require_status(decision, Decision.Status.NOTICED)
    assert decision.notice is not None
    if received_on < decision.notice.published_on:
        raise ApplicationError("收到日期：早于公示日期", field="received_on", code="before_notice")
    if received_on > decision.notice.objection_until:
        raise ApplicationError(f"收到日期：公示异议期已于 {decision.notice.objection_until} 截止", field="received_on",
                               code="objection_late")
    objection = Objection.objects.create(
        decision=decision, received_on=received_on, objector=checked_text(objector, field="objector", label="异议人",
                                                                   max_length=100),
        text=checked_text(text, field="text", label="异议内容", max_length=2000), recorded_by=actor)
    _event(decision, actor=actor, action="object", note=objection.text, payload={"objection": objection.pk})
    return objection


@transaction.atomic
def objection_handle(*, actor: User, objection: Objection, upheld: bool, answer: str) -> Objection:
    """An upheld objection revokes the decision; a dismissed one leaves it in the notice."""
    policy.require_policy_officer(actor)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.outcome != Objection.Outcome.PENDING:
        raise Conflict("该异议已处理", field="objection", code="objection_handled")
    objection.answer = checked_text(answer, field="answer", label="处理意见", max_length=500)
    objection.outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.DISMISSED
    objection.handled_by = actor
    objection.save(update_fields=["answer", "outcome", "handled_by"])
    decision = _locked(objection.decision)
    if upheld:
        decision.status = Decision.Status.REVOKED
        decision.save(update_fields=["status"])
    _event(decision, actor=actor, action="uphold" if upheld else "dismiss", note=objection.answer,
           payload={"objection": objection.pk})
    return objection


@transaction.atomic
def notice_close(*, actor: User, notice: Notice, on: dt.date | None = None) -> int:
    """After the window: the notice's decisions with no pending objection are cleared for payment."""
    policy.require_policy_officer(actor)
    on = on or local_today()
    if on <= notice.objection_until:
        raise Conflict(f"公示：异议期至 {notice.objection_until}，期满后才能结束公示", field="notice",
                       code="notice_open")
    if Objection.objects.filter(decision__notice=notice, outcome=Objection.Outcome.PENDING).exists():
        raise Conflict("公示：还有未处理的异议", field="notice", code="objections_pending")
    rows = list(Decision.objects.select_for_update().filter(notice=notice, status=Decision.Status.NOTICED))
    for d in rows:
        d.status = Decision.Status.CLEARED
        d.save(update_fields=["status"])
        _event(d, actor=actor, action="clear", payload={"notice": notice.number})
    return len(rows)


# --- payments ----------------------------------------------------------------------------------------------------

def net_paid_fen(policy_: Policy, year: int) -> int:
    totals = Decision.objects.filter(item__clause__policy=policy_, year=year).aggregate(
        paid=Sum("paid_fen"), back=Sum("clawed_back_fen"))
    return int(totals["paid"] or 0) - int(totals["back"] or 0)


@transaction.atomic
def payment_batch_create(*, actor: User, decisions: Sequence[Decision], paid_on: dt.date | None = None,
                         is_synthetic: bool = False) -> PaymentBatch:
    """Pay cleared decisions in one batch, all or none: the year's net payments of each policy plus this batch
    stay within the policy-year's budget, and no enterprise is paid two items of one 不重复享受 group in a year.

    Locks are taken in one order by every batch — the enterprises with a grouped item, then the budgets, then
    the decisions — so two batches at once wait for each other instead of both passing the checks."""
    policy.require_finance_officer(actor)
    if not decisions:
        raise ApplicationError("兑现事项：请至少选择一项", field="decisions", code="required")
    paid_on = paid_on or local_today()
    ids = sorted({d.pk for d in decisions})
    plan = list(Decision.objects.filter(pk__in=ids).values_list("enterprise_id", "item__exclusive_group",
                                                                "item__clause__policy_id", "year"))
    list(Enterprise.objects.select_for_update().filter(
        pk__in={enterprise for enterprise, group, _p, _y in plan if group}).order_by("pk").values_list("pk"))
    budgets = {(b.policy_id, b.year): b for b in Budget.objects.select_for_update().filter(
        policy_id__in={p for _e, _g, p, _y in plan}).order_by("pk")}
    rows = list(Decision.objects.select_for_update().filter(pk__in=ids)
                .select_related("item__clause__policy", "enterprise").order_by("pk"))
    wrong = [d.number for d in rows if d.status != Decision.Status.CLEARED]
    if wrong:
        raise Conflict(f"兑现事项：{'、'.join(wrong[:5])} 未经公示无异议，不能拨付", field="decisions",
                       code="decision_status")
    by_budget: dict[tuple[int, int], int] = {}
    policies = {d.item.clause.policy_id: d.item.clause.policy for d in rows}
    for d in rows:
        key = (d.item.clause.policy_id, d.year)
        by_budget[key] = by_budget.get(key, 0) + d.amount_fen
    for (policy_id, year), amount in sorted(by_budget.items()):
        budget, title = budgets.get((policy_id, year)), policies[policy_id].title
        if budget is None:
            raise Conflict(f"预算：“{title}”{year} 年没有预算", field="decisions", code="budget_missing")
        paid = net_paid_fen(policies[policy_id], year)
        if paid + amount > budget.amount_fen:
            raise Conflict(f"预算：“{title}”{year} 年预算 {budget.amount_fen / 100:,.2f} 元，"
                           f"已拨付 {paid / 100:,.2f} 元，本批 {amount / 100:,.2f} 元将超出预算", field="decisions",
                           code="budget_exceeded")
    _check_exclusive(rows)
    now = clock.now()
    batch = PaymentBatch.objects.create(number=next_number(PaymentBatch, "BF", paid_on.year), paid_on=paid_on,
                                        total_fen=sum(d.amount_fen for d in rows), created_by=actor,
                                        created_at=now, is_synthetic=is_synthetic)
    for d in rows:
        d.status, d.payment_batch, d.paid_fen, d.paid_on = Decision.Status.PAID, batch, d.amount_fen, paid_on
        d.save(update_fields=["status", "payment_batch", "paid_fen", "paid_on"])
        _event(d, actor=actor, action="pay", payload={"batch": batch.number, "paid_fen": d.amount_fen})
    return batch


def _check_exclusive(rows: Sequence[Decision]) -> None:
    """Within the batch and against what is paid (the enterprises are locked by the caller)."""
    seen: dict[tuple[int, int, str], str] = {}
    for d in rows:
        if not d.item.exclusive_group:
            continue
        key = (d.enterprise_id, d.year, d.item.exclusive_group)
        if key in seen:
            raise Conflict(f"不重复享受：{d.enterprise.name} 的 {seen[key]} 与 {d.number} 属同一不重复享受组，"
                           "只能拨付其一", field="decisions", code="exclusive")
        seen[key] = d.number
        paid = Decision.objects.filter(enterprise_id=d.enterprise_id, year=d.year, paid_fen__gt=0,
                                       item__exclusive_group=d.item.exclusive_group).exclude(
            status=Decision.Status.CLAWED_BACK).values_list("number", flat=True).first()
        if paid:
            raise Conflict(f"不重复享受：{d.number} 与已拨付的 {paid} 属同一不重复享受组", field="decisions",
                           code="exclusive")


@transaction.atomic
def clawback(*, actor: User, decision: Decision, amount_yuan: Any, reason: str) -> Decision:
    """追回: take back all or part of a payment, with the reason; the budget gets it back."""
    policy.require_policy_officer(actor)
    decision = _locked(decision)
    _require_status(decision, Decision.Status.PAID)
    amount = yuan_to_fen(amount_yuan, field="amount", label="追回金额（元）")
    if not 0 < amount <= decision.paid_fen - decision.clawed_back_fen:
        raise ApplicationError(f"追回金额（元）：应大于 0 且不超过已拨付的 {decision.paid_fen / 100:,.2f} 元",
                               field="amount", code="clawback_range")
    decision.clawed_back_fen += amount
    decision.clawback_reason = checked_text(reason, field="reason", label="追回理由", max_length=300)
    decision.status = Decision.Status.CLAWED_BACK
    decision.save(update_fields=["clawed_back_fen", "clawback_reason", "status"])
    _event(decision, actor=actor, action="claw_back", note=decision.clawback_reason, payload={"amount_fen": amount})
    return decision


# --- the shipped catalog -----------------------------------------------------------------------------------------

CATALOG_DIR = Path(__file__).resolve().parent / "data" / "catalog"


def catalog_files(directory: Path = CATALOG_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


@transaction.atomic
def catalog_load(*, actor: User, files: Sequence[Path] | None = None, publish: bool = True) -> list[Policy]:
    """Load policy files (``data/catalog/*.yaml``: each policy, its clauses, items with rule, parameters and tests,
    and its budgets) through the services above; a policy whose code exists is left as it is. Each loaded policy
    is published, so its tests must pass."""
    loaded = []
    for spec in catalog_specs(files):
        if not Policy.objects.filter(code=spec["code"]).exists():
            loaded.append(_policy_from_spec(actor=actor, spec=spec, publish=publish))
    return loaded


def catalog_specs(files: Sequence[Path] | None = None) -> list[dict[str, Any]]:
    """The policies of the catalog files (a file holds one policy, or a list of them)."""
    specs: list[dict[str, Any]] = []
    for path in files if files is not None else catalog_files():
        data = catalog.yaml_load(path.read_text(encoding="utf-8"))
        specs.extend(data if isinstance(data, list) else [data])
    return specs


@transaction.atomic
def catalog_upload(*, actor: User, text: str) -> Policy:
    """A new policy from a rules file in the catalog's format, as a draft: the officer checks it and publishes."""
    policy.require_policy_officer(actor)
    try:
        spec = catalog.yaml_load(text)
    except yaml.YAMLError as error:
        raise ApplicationError(f"政策规则文件：YAML 格式错误（{error}）", field="file", code="file_yaml") from None
    if not isinstance(spec, dict):
        raise ApplicationError("政策规则文件：应为一个政策的描述", field="file", code="file_yaml")
    missing = [k for k in ("code", "doc_number", "title", "issuer", "in_force_from", "clauses") if not spec.get(k)]
    if missing:
        raise ApplicationError(f"政策规则文件：缺少 {'、'.join(missing)}", field="file", code="file_incomplete")
    try:
        return _policy_from_spec(actor=actor, spec=spec, publish=False)
    except (KeyError, TypeError, AttributeError) as error:
        raise ApplicationError(f"政策规则文件：条款或兑现事项缺少字段 {error}", field="file",
                               code="file_incomplete") from None


def _policy_from_spec(*, actor: User, spec: dict[str, Any], publish: bool) -> Policy:
    p = policy_create(actor=actor, code=str(spec["code"]), doc_number=spec["doc_number"], title=spec["title"],
                      issuer=spec["issuer"], in_force_from=spec["in_force_from"],
                      in_force_to=spec.get("in_force_to"), text_url=spec.get("text_url", ""),
                      is_synthetic=bool(spec.get("synthetic")))
    for clause_spec in spec["clauses"]:
        clause = clause_add(actor=actor, policy_=p, number=clause_spec["number"], text=clause_spec["text"])
        for item_spec in clause_spec["items"]:
            item = item_add(actor=actor, clause=clause, code=item_spec["code"], name=item_spec["name"],
                            route=item_spec["route"], family=item_spec["family"],
                            options=item_spec.get("options") or {}, tests=item_spec.get("tests", ""),
                            exclusive_group=item_spec.get("exclusive_group", ""),
                            materials=item_spec.get("materials", []), review_days=item_spec.get("review_days", 10))
            for name, dated in (item_spec.get("parameters") or {}).items():
                for start, value in dated.items():
                    parameter_set(actor=actor, item=item, name=name, start=start, value=value,
                                  reference=f"{p.doc_number} {clause.number}", allow_past=True)
    for year, amount in (spec.get("budgets") or {}).items():
        budget_set(actor=actor, policy_=p, year=int(year), amount_yuan=amount)
    if publish:
        policy_publish(actor=actor, policy_=p)
    return p
