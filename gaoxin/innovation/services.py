"""Writes of innovation and technology transfer: ``<entity>_<action>(*, actor, …)``, keyword-only, validated (an
error names the field and nothing is written), atomic, and audited on the record's hash-chained history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI, add_working_time
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.core.numbering import next_number as _next_number
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.models import Enterprise, IndustrialChain, Visit
from gaoxin.enterprises.scope import enterprise_scope_q, own_enterprise_id
from gaoxin.innovation import policy
from gaoxin.innovation.matching.service import recommend_for_demand
from gaoxin.innovation.models import (
    Achievement,
    AchievementEvent,
    ContractEvent,
    DemandEvent,
    InnovationProject,
    Institution,
    InstitutionUser,
    Match,
    MatchEvent,
    ProjectEvent,
    ProjectMilestone,
    TechContract,
    TechDemand,
)

CONTRACT_REVIEW_WORKING_DAYS = 30  # 技术合同登记机构自受理之日起 30 个工作日内完成认定登记
MAX_KEYWORDS = 3


# --- checks shared by the services ----------------------------------------------------------------------------

def _amount(value: Any, *, field: str, label: str, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ApplicationError(f"{label}：不能为空", field=field, code="required")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ApplicationError(f"{label}：应为数字（万元）", field=field, code="not_a_number") from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e11"):
        raise ApplicationError(f"{label}：应为 0 到 1000 亿之间的金额（万元）", field=field, code="out_of_range")
    return number.quantize(Decimal("0.01"))


def _readiness(value: Any, *, field: str, label: str, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise ApplicationError(f"{label}：不能为空", field=field, code="required")
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(f"{label}：应为 1–9 的整数（GB/T 22900-2022）", field=field,
                               code="readiness_range") from None
    if not 1 <= level <= 9:
        raise ApplicationError(f"{label}：应为 1–9 的整数（GB/T 22900-2022）", field=field, code="readiness_range")
    return level


def _choice(value: Any, choices: Any, *, field: str, label: str) -> str:
    valid = {c.value for c in choices}
    by_label = {c.label: c.value for c in choices}
    if value in valid:
        return str(value)
    if value in by_label:
        return str(by_label[value])
    names = "、".join(c.label for c in choices)
    raise ApplicationError(f"{label}：应为 {names} 之一", field=field, code="invalid_choice")


def _chain(value: IndustrialChain | str | None, *, field: str = "field", label: str = "技术领域") -> IndustrialChain:
    if isinstance(value, IndustrialChain):
        return value
    chain = IndustrialChain.objects.filter(code=value).first() or IndustrialChain.objects.filter(name=value).first()
    if chain is None:
        raise ApplicationError(f"{label}：未知的产业链/技术领域“{value}”", field=field, code="unknown_field")
    return chain


def _require_enterprise_actor(actor: User, enterprise: Enterprise) -> None:
    """An officer; a cadre for an enterprise in scope; an enterprise user for its own enterprise."""
    if policy.is_officer(actor):
        return
    if actor.role == Role.ENTERPRISE and own_enterprise_id(actor) == enterprise.pk:
        return
    if actor.role == Role.SERVICE_CADRE and Enterprise.objects.filter(
            enterprise_scope_q(actor=actor), pk=enterprise.pk).exists():
        return
    raise PermissionDenied("您不能为该企业办理此事项", field="enterprise", code="innovation_enterprise_scope")


def _require_institution_actor(actor: User, institution: Institution) -> None:
    if policy.is_officer(actor) or policy.own_institution_id(actor) == institution.pk:
        return
    raise PermissionDenied("您不能为该机构办理此事项", field="institution", code="innovation_institution_scope")


# --- institutions -------------------------------------------------------------------------------------------

@transaction.atomic
def institution_create(*, actor: User, code: str, name: str, kind: str, chain: IndustrialChain | str | None = None,
                       introduced_on: dt.date | None = None, partner: str = "",
                       is_synthetic: bool = False) -> Institution:
    policy.require_officer(actor)
    kind = _choice(kind, Institution.Kind, field="kind", label="类型")
    if kind == Institution.Kind.NEW_RD and introduced_on is None:
        raise ApplicationError("引进建设日期：新型研发机构必须填写", field="introduced_on", code="required")
    name = checked_text(name, field="name", label="名称")
    if Institution.objects.filter(name=name).exists():
        raise Conflict("名称：已有同名机构", field="name", code="duplicate")
    return Institution.objects.create(
        code=checked_text(code, field="code", label="编码", max_length=32), name=name, kind=kind,
        chain=_chain(chain, field="chain", label="主攻产业链") if chain else None, introduced_on=introduced_on,
        partner=checked_text(partner, field="partner", label="共建单位", required=False), is_synthetic=is_synthetic)


@transaction.atomic
def institution_user_link(*, actor: User, user: User, institution: Institution) -> InstitutionUser:
    policy.require_officer(actor)
    if InstitutionUser.objects.filter(user=user).exists():
        raise Conflict("该用户已关联机构", field="user", code="already_linked")
    return InstitutionUser.objects.create(user=user, institution=institution)


# --- demands ------------------------------------------------------------------------------------------------

@transaction.atomic
def demand_post(*, actor: User, enterprise: Enterprise, title: str, text: str, field: IndustrialChain | str,
                budget: Any = None, deadline: dt.date | None = None, required_readiness: Any = None,
                visit: Visit | None = None, is_synthetic: bool = False) -> TechDemand:
    """An enterprise posts a technology demand, or a cadre records it on a visit (``visit`` of that enterprise)."""
    _require_enterprise_actor(actor, enterprise)
    title = checked_text(title, field="title", label="需求名称")
    body = checked_text(text, field="text", label="需求描述", max_length=2000)
    chain = _chain(field)
    amount = _amount(budget, field="budget", label="预算")
    readiness = _readiness(required_readiness, field="required_readiness", label="要求技术就绪度", required=False)
    now = clock.now()
    if deadline is not None and deadline < now.astimezone(SHANGHAI).date():
        raise ApplicationError("期望完成日期：不能早于今天", field="deadline", code="deadline_past")
    if visit is not None and visit.enterprise_id != enterprise.pk:
        raise ApplicationError("走访：该走访不是对这家企业的走访", field="visit", code="visit_enterprise")
    demand = TechDemand.objects.create(
        number=_next_number(TechDemand, "XQ", now.astimezone(SHANGHAI).year), enterprise=enterprise, title=title,
        text=body, field=chain, budget=amount, deadline=deadline, required_readiness=readiness, visit=visit,
        posted_by=actor, posted_at=now, is_synthetic=is_synthetic)
    audit.append(DemandEvent, demand, actor=actor, at=now, action="post",
                 payload={"visit": visit.pk if visit else None})
    return demand


@transaction.atomic
def demand_resolve(*, actor: User, demand: TechDemand, outcome: str, institution: Institution | None = None,
                   note: str = "") -> TechDemand:
    """Follow a demand to 达成合作意向 (intent), 已解决 (solved, with who solved it) or 已关闭 (closed)."""
    policy.require_officer(actor)
    outcome = _choice(outcome, [TechDemand.Status.INTENT, TechDemand.Status.SOLVED, TechDemand.Status.CLOSED],
                      field="outcome", label="结果")
    demand = TechDemand.objects.select_for_update().get(pk=demand.pk)
    if demand.status in (TechDemand.Status.SOLVED, TechDemand.Status.CLOSED):
        raise Conflict(f"该需求已{demand.get_status_display()}", field="outcome", code="demand_finished")
    if outcome == TechDemand.Status.SOLVED and institution is None:
        raise ApplicationError("解决单位：标记为已解决时必须填写", field="institution", code="required")
    now = clock.now()
    demand.status = outcome
    demand.solution_note = checked_text(note, field="note", label="解决情况", required=False, max_length=500)
    if outcome == TechDemand.Status.SOLVED:
        demand.solved_at, demand.solved_by = now, institution
    demand.save(update_fields=["status", "solution_note", "solved_at", "solved_by"])
    audit.append(DemandEvent, demand, actor=actor, at=now, action=outcome, note=demand.solution_note,
                 payload={"institution": institution.pk if institution else None})
    return demand


# --- achievements -------------------------------------------------------------------------------------------

def _keywords(value: Iterable[str] | str) -> list[str]:
    items = value.replace("，", "、").replace(",", "、").split("、") if isinstance(value, str) else list(value)
    words = [checked_text(w, field="keywords", label="关键词", max_length=20) for w in items if str(w).strip()]
    if len(words) > MAX_KEYWORDS:
        raise ApplicationError(f"关键词：最多 {MAX_KEYWORDS} 个", field="keywords", code="too_many_keywords")
    return words


@transaction.atomic
def achievement_register(*, actor: User, institution: Institution, name: str, text: str,
                         field: IndustrialChain | str, form: str, readiness: Any, transfer_method: str,
                         keywords: Iterable[str] | str = (), ip_numbers: str = "", price: Any = None,
                         is_synthetic: bool = False) -> Achievement:
    _require_institution_actor(actor, institution)
    values = {
        "name": checked_text(name, field="name", label="成果名称"),
        "keywords": _keywords(keywords),
        "text": checked_text(text, field="text", label="成果简介", max_length=2000),
        "field": _chain(field),
        "form": _choice(form, Achievement.Form, field="form", label="成果形式"),
        "readiness": _readiness(readiness, field="readiness", label="技术就绪度", required=True),
        "transfer_method": _choice(transfer_method, Achievement.Transfer, field="transfer_method", label="转化方式"),
        "ip_numbers": checked_text(ip_numbers, field="ip_numbers", label="知识产权编号", required=False,
                                   max_length=300),
        "price": _amount(price, field="price", label="意向价格"),
    }
    if values["form"] in (Achievement.Form.PATENT, Achievement.Form.SOFTWARE) and not values["ip_numbers"]:
        raise ApplicationError("知识产权编号：专利和软件著作权成果必须填写", field="ip_numbers", code="required")
    now = clock.now()
    achievement = Achievement.objects.create(
        number=_next_number(Achievement, "CG", now.astimezone(SHANGHAI).year), institution=institution,
        registered_at=now, created_by=actor, is_synthetic=is_synthetic, **values)
    audit.append(AchievementEvent, achievement, actor=actor, at=now, action="register")
    return achievement


@transaction.atomic
def achievements_list_publish(*, actor: User, achievements: Sequence[Achievement], on: dt.date,
                              note: str = "") -> int:
    """发布成果清单: the achievements are listed on ``on`` (a dated event on each). Already listed ones refuse."""
    policy.require_officer(actor)
    if not achievements:
        raise ApplicationError("成果：请至少选择一项成果", field="achievements", code="required")
    rows = list(Achievement.objects.select_for_update().filter(pk__in=[a.pk for a in achievements]).order_by("pk"))
    listed = [a.number for a in rows if a.listed_on is not None]
    if listed:
        raise Conflict(f"成果：{'、'.join(listed)} 已发布过清单", field="achievements", code="already_listed")
    now = clock.now()
    for a in rows:
        a.listed_on = on
        a.save(update_fields=["listed_on"])
        audit.append(AchievementEvent, a, actor=actor, at=now, action="list", note=note,
                     payload={"listed_on": on.isoformat()})
    return len(rows)


@transaction.atomic
def achievement_transfer(*, actor: User, achievement: Achievement, on: dt.date, note: str = "") -> Achievement:
    """The achievement was transferred (转化) on ``on`` (by contract, license, equity or joint development)."""
    policy.require_officer(actor)
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if achievement.transferred_on is not None:
        raise Conflict("该成果已登记转化", field="on", code="already_transferred")
    if on < achievement.registered_at.astimezone(SHANGHAI).date():
        raise ApplicationError("转化日期：不能早于成果登记日期", field="on", code="before_registration")
    achievement.transferred_on = on
    achievement.save(update_fields=["transferred_on"])
    audit.append(AchievementEvent, achievement, actor=actor, at=clock.now(), action="transfer", note=note,
                 payload={"transferred_on": on.isoformat()})
    return achievement


# --- matching and matchmaking events --------------------------------------------------------------------------

@transaction.atomic
def matches_propose(*, actor: User, demand: TechDemand, top: int = 10) -> list[Match]:
    """Recommend the best achievements for ``demand`` (``innovation.matching``): kept as ``Match`` rows with
    their score and the terms that matched; an existing pair keeps its status and takes the new score."""
    policy.require_officer(actor)
    if not 1 <= top <= 50:
        raise ApplicationError("推荐数：应为 1–50", field="top", code="out_of_range")
    now = clock.now()
    out = []
    for proposal in recommend_for_demand(demand, top=top):
        match, created = Match.objects.get_or_create(
            demand=demand, achievement_id=proposal.achievement_id,
            defaults={"score": proposal.score, "terms": proposal.terms, "proposed_at": now})
        if not created:
            match.score, match.terms = proposal.score, proposal.terms
            match.save(update_fields=["score", "terms"])
        out.append(match)
    return out


@transaction.atomic
def match_event_create(*, actor: User, title: str, held_on: dt.date, location: str = "", attendance: int = 0,
                       enterprises: Sequence[Enterprise] = (), institutions: Sequence[Institution] = (),
                       is_synthetic: bool = False) -> MatchEvent:
    policy.require_officer(actor)
    if attendance < 0:
        raise ApplicationError("参会人数：不能为负数", field="attendance", code="out_of_range")
    event = MatchEvent.objects.create(title=checked_text(title, field="title", label="名称"), held_on=held_on,
                                      location=checked_text(location, field="location", label="地点", required=False),
                                      attendance=attendance, organizer=actor, is_synthetic=is_synthetic)
    event.enterprises.set(enterprises)
    event.institutions.set(institutions)
    return event


@transaction.atomic
def match_record(*, actor: User, demand: TechDemand, achievement: Achievement, outcome: str,
                 event: MatchEvent | None = None, is_synthetic: bool = False) -> Match:
    """Record an outcome of a pairing (at an event or not): 合作意向 (intent), 对接成功 (succeeded) or 未达成."""
    policy.require_officer(actor)
    outcome = _choice(outcome, [Match.Status.INTENT, Match.Status.SUCCEEDED, Match.Status.DECLINED],
                      field="outcome", label="对接结果")
    now = clock.now()
    match, _ = Match.objects.select_for_update().get_or_create(
        demand=demand, achievement=achievement, defaults={"proposed_at": now, "is_synthetic": is_synthetic})
    if match.status == Match.Status.SUCCEEDED:
        raise Conflict("该对接已登记为成功", field="outcome", code="match_finished")
    match.status, match.decided_by = outcome, actor
    match.event = event or match.event
    if outcome in (Match.Status.INTENT, Match.Status.SUCCEEDED) and match.intent_at is None:
        match.intent_at = now
    if outcome == Match.Status.SUCCEEDED:
        match.succeeded_at = now
    match.save()
    audit.append(DemandEvent, demand, actor=actor, at=now, action=f"match_{outcome}",
                 payload={"achievement": achievement.number, "event": event.pk if event else None})
    return match


# --- technology contracts -----------------------------------------------------------------------------------

@transaction.atomic
def contract_submit(*, actor: User, kind: str, title: str, seller: str, buyer: str, amount: Any,
                    signed_on: dt.date, seller_enterprise: Enterprise | None = None,
                    seller_institution: Institution | None = None, buyer_enterprise: Enterprise | None = None,
                    achievement: Achievement | None = None, is_synthetic: bool = False) -> TechContract:
    """Submit a signed contract for recognition and registration; the office has 30 working days to decide."""
    if not policy.is_officer(actor):
        own = own_enterprise_id(actor)
        if own is None or own not in {getattr(seller_enterprise, "pk", None), getattr(buyer_enterprise, "pk", None)}:
            raise PermissionDenied("只能为本企业作为合同一方的技术合同申请登记", field="seller_enterprise",
                                   code="innovation_contract_party")
    now = clock.now()
    values = contract_checked(kind=kind, title=title, seller=seller, buyer=buyer, amount=amount,
                              signed_on=signed_on, now=now)
    contract = TechContract.objects.create(
        number=_next_number(TechContract, "HT", now.astimezone(SHANGHAI).year), signed_on=signed_on,
        seller_enterprise=seller_enterprise, seller_institution=seller_institution,
        buyer_enterprise=buyer_enterprise, achievement=achievement, submitted_at=now,
        review_due=add_working_time(now, CONTRACT_REVIEW_WORKING_DAYS, "day"), submitted_by=actor,
        is_synthetic=is_synthetic, **values)
    audit.append(ContractEvent, contract, actor=actor, at=now, action="submit")
    return contract


def contract_checked(*, kind: str, title: str, seller: str, buyer: str, amount: Any, signed_on: dt.date,
                     now: dt.datetime) -> dict[str, Any]:
    """A contract's fields as submitted, checked (the first error refuses it, naming the field)."""
    values = {
        "kind": _choice(kind, TechContract.Kind, field="kind", label="合同类别"),
        "title": checked_text(title, field="title", label="合同名称"),
        "seller": checked_text(seller, field="seller", label="卖方"),
        "buyer": checked_text(buyer, field="buyer", label="买方"),
        "amount": _amount(amount, field="amount", label="合同成交额", required=True),
    }
    if signed_on > now.astimezone(SHANGHAI).date():
        raise ApplicationError("签订日期：不能晚于今天", field="signed_on", code="signed_in_future")
    if values["amount"] == 0:
        raise ApplicationError("合同成交额：应大于 0", field="amount", code="out_of_range")
    return values


def registration_checked(contract: TechContract, *, classification: str, tech_income: Any) -> tuple[str, Decimal]:
    """认定: the classification and the technology income (≤ the contract amount), checked."""
    income = _amount(tech_income, field="tech_income", label="技术交易额", required=True)
    assert income is not None
    if income > contract.amount:
        raise ApplicationError("技术交易额：不能超过合同成交额", field="tech_income", code="income_over_amount")
    return checked_text(classification, field="classification", label="技术领域分类", max_length=50), income


CERTIFICATE_LETTERS = {"development": "K", "transfer": "Z", "license": "X", "consulting": "Z1", "service": "F"}


def certificate_stem(at: dt.datetime) -> str:
    return f"410171{at.astimezone(SHANGHAI).year}"


def certificate_number(contract: TechContract, at: dt.datetime) -> str:
    """登记证明编号: 4101 (郑州) + 高新区 71 + year + the next sequence of the year + kind letter."""
    stem = certificate_stem(at)
    count = TechContract.objects.filter(certificate_no__startswith=stem).count()
    return f"{stem}{count + 1:06d}{CERTIFICATE_LETTERS[contract.kind]}"


@transaction.atomic
def contract_register(*, actor: User, contract: TechContract, classification: str, tech_income: Any,
                      note: str = "") -> TechContract:
    """认定登记: classify, recognise the technology income (≤ the contract amount) and issue the certificate."""
    policy.require_officer(actor)
    contract = TechContract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != TechContract.Status.SUBMITTED:
        raise Conflict(f"该合同{contract.get_status_display()}，不能再认定", field="contract", code="contract_decided")
    contract.classification, income = registration_checked(contract, classification=classification,
                                                           tech_income=tech_income)
    now = clock.now()
    contract.tech_income, contract.status = income, TechContract.Status.REGISTERED
    contract.certificate_no, contract.registered_at, contract.reviewer = certificate_number(contract, now), now, actor
    contract.save()
    audit.append(ContractEvent, contract, actor=actor, at=now, action="register", note=note,
                 payload={"certificate_no": contract.certificate_no, "overdue": now > contract.review_due})
    return contract


@transaction.atomic
def contract_refuse(*, actor: User, contract: TechContract, reason: str) -> TechContract:
    policy.require_officer(actor)
    contract = TechContract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != TechContract.Status.SUBMITTED:
        raise Conflict(f"该合同{contract.get_status_display()}，不能再认定", field="contract", code="contract_decided")
    contract.refusal_reason = checked_text(reason, field="reason", label="不予登记理由", max_length=300)
    contract.status, contract.reviewer = TechContract.Status.REFUSED, actor
    contract.save()
    audit.append(ContractEvent, contract, actor=actor, at=clock.now(), action="refuse", note=contract.refusal_reason)
    return contract


# --- major innovation projects --------------------------------------------------------------------------------

@transaction.atomic
def project_apply(*, actor: User, enterprise: Enterprise, title: str, field: IndustrialChain | str, level: str,
                  funding_requested: Any, applied_on: dt.date, partner: Institution | None = None,
                  milestones: Sequence[tuple[str, dt.date]] = (), is_synthetic: bool = False) -> InnovationProject:
    policy.require_officer(actor)
    requested = _amount(funding_requested, field="funding_requested", label="申请财政资金", required=True)
    assert requested is not None  # required
    project = InnovationProject.objects.create(
        number=_next_number(InnovationProject, "ZX", applied_on.year),
        title=checked_text(title, field="title", label="项目名称"),
        enterprise=enterprise, partner=partner, field=_chain(field),
        level=_choice(level, InnovationProject.Level, field="level", label="级别"), applied_on=applied_on,
        funding_requested=requested, is_synthetic=is_synthetic)
    for name, due in milestones:
        ProjectMilestone.objects.create(project=project, name=checked_text(name, field="milestones", label="节点"),
                                        due_on=due)
    audit.append(ProjectEvent, project, actor=actor, at=clock.now(), action="apply")
    return project


@transaction.atomic
def project_decide(*, actor: User, project: InnovationProject, approved: bool, on: dt.date,
                   funding_granted: Any = None) -> InnovationProject:
    """立项 (with the funding granted, ≤ requested) or 未获批."""
    policy.require_officer(actor)
    project = InnovationProject.objects.select_for_update().get(pk=project.pk)
    if project.status != InnovationProject.Status.APPLIED:
        raise Conflict("该专项已有批复结果", field="approved", code="project_decided")
    if on < project.applied_on:
        raise ApplicationError("立项日期：不能早于申报日期", field="on", code="before_application")
    if approved:
        granted = _amount(funding_granted, field="funding_granted", label="批复财政资金", required=True)
        assert granted is not None
        if granted > project.funding_requested:
            raise ApplicationError("批复财政资金：不能超过申请金额", field="funding_granted", code="over_requested")
        project.funding_granted, project.approved_on = granted, on
    project.status = InnovationProject.Status.APPROVED if approved else InnovationProject.Status.REJECTED
    project.save()
    audit.append(ProjectEvent, project, actor=actor, at=clock.now(), action="approve" if approved else "reject",
                 payload={"on": on.isoformat(), "granted": str(project.funding_granted)})
    return project


@transaction.atomic
def project_disburse(*, actor: User, project: InnovationProject, amount: Any) -> InnovationProject:
    policy.require_officer(actor)
    project = InnovationProject.objects.select_for_update().get(pk=project.pk)
    if project.status not in (InnovationProject.Status.APPROVED, InnovationProject.Status.ACCEPTED):
        raise Conflict("未立项的专项不能拨付资金", field="amount", code="project_not_approved")
    paid = _amount(amount, field="amount", label="拨付金额", required=True)
    assert paid is not None
    if paid == 0 or project.funding_disbursed + paid > project.funding_granted:
        raise ApplicationError("拨付金额：应大于 0，且累计不超过批复金额", field="amount", code="over_granted")
    project.funding_disbursed += paid
    project.save(update_fields=["funding_disbursed"])
    audit.append(ProjectEvent, project, actor=actor, at=clock.now(), action="disburse",
                 payload={"amount": str(paid)})
    return project


@transaction.atomic
def project_accept(*, actor: User, project: InnovationProject, on: dt.date) -> InnovationProject:
    policy.require_officer(actor)
    project = InnovationProject.objects.select_for_update().get(pk=project.pk)
    if project.status != InnovationProject.Status.APPROVED:
        raise Conflict("只有已立项的专项可以验收", field="on", code="project_not_approved")
    open_milestones = project.milestones.filter(done_on__isnull=True).count()
    if open_milestones:
        raise Conflict(f"还有 {open_milestones} 个节点未完成", field="on", code="milestones_open")
    project.status, project.accepted_on = InnovationProject.Status.ACCEPTED, on
    project.save(update_fields=["status", "accepted_on"])
    audit.append(ProjectEvent, project, actor=actor, at=clock.now(), action="accept")
    return project


@transaction.atomic
def milestone_complete(*, actor: User, milestone: ProjectMilestone, on: dt.date) -> ProjectMilestone:
    policy.require_officer(actor)
    if milestone.done_on is not None:
        raise Conflict("该节点已完成", field="on", code="milestone_done")
    milestone.done_on = on
    milestone.save(update_fields=["done_on"])
    audit.append(ProjectEvent, milestone.project, actor=actor, at=clock.now(), action="milestone",
                 payload={"milestone": milestone.name, "on": on.isoformat()})
    return milestone

