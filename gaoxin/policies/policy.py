"""Who may do what with the enterprise policies, in one place.

- 企业服务局 policy officers (staff of GX-D14) and admins: the catalog, rules and their tests, matching runs, the
  review of applications, notices and objections, clawbacks;
- 财政金融局 officers (staff of GX-D12) and admins: payment batches and the treasury's export;
- enterprise users: their own enterprise's decisions — confirm the account of a 免申即享 match, apply for a
  快申快享 item, follow both; service cadres see the enterprises of their scope (the calculator for them);
- leaders: read everything, write nothing.
"""

from __future__ import annotations

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES
from gaoxin.accounts.selectors import is_staff_of
from gaoxin.core.errors import PermissionDenied

POLICY_UNIT = "GX-D14"  # 企业服务局
FINANCE_UNIT = "GX-D12"  # 财政金融局


def is_policy_officer(actor: User) -> bool:
    return is_staff_of(actor, POLICY_UNIT)


def is_finance_officer(actor: User) -> bool:
    return is_staff_of(actor, FINANCE_UNIT)


def is_reader(actor: User) -> bool:
    """Reads every decision (policy and finance officers, leaders)."""
    return is_policy_officer(actor) or is_finance_officer(actor) or (
        actor.is_authenticated and actor.role in ZONE_WIDE_ROLES)


def require_policy_officer(actor: User) -> None:
    if not is_policy_officer(actor):
        raise PermissionDenied("只有企业服务局政策兑现工作人员可以执行此操作", code="policies_officer_only")


def require_finance_officer(actor: User) -> None:
    if not is_finance_officer(actor):
        raise PermissionDenied("只有财政金融局工作人员可以办理拨付", code="policies_finance_only")
