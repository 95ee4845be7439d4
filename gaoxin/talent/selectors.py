"""Reads of the talent system, scoped: 人社局 talent officers and leaders read every application; an enterprise
user its own enterprise's; anyone else none. Personal data leaves here masked (``masked_rows``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.enterprises.scope import own_enterprise_id
from gaoxin.talent.models import TalentApplication
from gaoxin.talent.services import is_reader, mask_id_number, mask_name, mask_phone


def application_scope_q(*, actor: User) -> Q:
    if is_reader(actor):
        return Q()
    own = own_enterprise_id(actor) if actor.role == Role.ENTERPRISE else None
    return Q(enterprise_id=own) if own else Q(pk__in=[])


def application_list(*, actor: User, program: str = "", status: str = "", year: int | None = None,
                     q: str = "") -> QuerySet[TalentApplication]:
    qs = TalentApplication.objects.filter(application_scope_q(actor=actor)).select_related("program", "enterprise")
    if program:
        qs = qs.filter(program__code=program)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(submitted_at__year=year)
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(enterprise__name__icontains=q) | Q(team_name__icontains=q))
    return qs


def masked(application: TalentApplication) -> dict[str, str]:
    return {"person_name": mask_name(application.person_name), "id_number": mask_id_number(application.id_number),
            "phone": mask_phone(application.phone)}


def approvals_by_year(*, actor: User) -> list[dict[str, Any]]:
    """Approvals per year and program (认定数, and people: a team counts its members)."""
    if not is_reader(actor):
        return []
    return list(TalentApplication.objects.filter(status=TalentApplication.Status.APPROVED)
                .values("decided_at__year", "program__name").annotate(n=Count("pk"), people=Sum("team_size"),
                                                                       subsidy=Sum("subsidy"))
                .order_by("-decided_at__year", "program__name"))


def approvals_by_chain(*, actor: User, year: int) -> list[dict[str, Any]]:
    """The year's approvals by the industrial chain of the employer (an enterprise in several chains counts in
    each)."""
    if not is_reader(actor):
        return []
    return list(TalentApplication.objects.filter(status=TalentApplication.Status.APPROVED, decided_at__year=year)
                .values("enterprise__chains__name").annotate(n=Count("pk"), people=Sum("team_size"))
                .order_by("-n"))
