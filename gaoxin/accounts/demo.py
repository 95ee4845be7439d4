"""Demo logins, one per role (demo only: the password is published in the README and printed by
`gaoxin demo`). All are labelled synthetic."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role

DEMO_PASSWORD = "Gaoxin@2023"  # noqa: S105 - published demo credential, never used outside `gaoxin demo`


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit_code: str | None
    display_name: str


DEMO_LOGINS = [
    DemoLogin("admin", Role.ADMIN, "GX", "平台管理员"),
    DemoLogin("leader", Role.LEADER, "GX", "区领导（演示）"),
    DemoLogin("operator", Role.OPERATOR, "GX-C", "区城运中心受理员"),
    DemoLogin("dispatcher", Role.DISPATCHER, "GX-C", "区城运中心派遣员"),
    DemoLogin("shiftlead", Role.SHIFT_LEAD, "GX-C", "区城运中心值班长"),
    DemoLogin("operator_s01", Role.OPERATOR, "GX-S01-C", "石佛城运中心受理员"),
    DemoLogin("dispatcher_s01", Role.DISPATCHER, "GX-S01-C", "石佛城运中心派遣员"),
    DemoLogin("handler_cg", Role.HANDLER, "GX-D01", "城市管理局处置员"),
    DemoLogin("handler_zj", Role.HANDLER, "GX-D02", "住建局处置员"),
    DemoLogin("handler_s01", Role.HANDLER, "GX-S01", "石佛办事处处置员"),
    DemoLogin("cadre", Role.SERVICE_CADRE, "GX-D14", "助企干部"),
    DemoLogin("dataofficer", Role.DATA_OFFICER, "GX-D10", "经发局数据填报员"),
    DemoLogin("citizen", Role.CITIZEN, None, "市民（演示）"),
    DemoLogin("ledger_s01", Role.DATA_OFFICER, "GX-S01", "石佛办事处台账填报员"),
    DemoLogin("ledger_party", Role.DATA_OFFICER, "GX-D15", "党群工作部台账审核员"),
    DemoLogin("steward", Role.SERVICE_CADRE, "GX-S01", "项目管家（演示）"),  # key projects: its own projects only
    DemoLogin("landofficer", Role.HANDLER, "GX-D06", "自然资源和规划局（演示）"),  # parcels, supply, permits
    # Innovation and talent (issue 22): officers of 科技创新局 and 人社局; an enterprise and a new R&D institution,
    # linked to a simulated enterprise and institution by the simulated year.
    DemoLogin("kcj", Role.HANDLER, "GX-D11", "科技创新局科员"),
    DemoLogin("rsj", Role.HANDLER, "GX-D13", "人社局人才科科员"),
    DemoLogin("qiye", Role.ENTERPRISE, None, "企业用户（演示）"),
    DemoLogin("yuansuo", Role.ENTERPRISE, None, "研发机构用户（演示）"),
    # Enterprise policies (issue 18): the policy office of 企业服务局 and the payments of 财政金融局.
    DemoLogin("zhengce", Role.HANDLER, "GX-D14", "企业服务局政策兑现科科员"),
    DemoLogin("caizheng", Role.HANDLER, "GX-D12", "财政金融局科员"),
    # The financing platform (issue 19): a partner bank's account manager, put on a simulated bank's staff by the
    # simulated year.
    DemoLogin("yinhang", Role.ENTERPRISE, None, "合作银行客户经理（演示）"),
    DemoLogin("suanli", Role.HANDLER, "GX-D10", "经发局算力网运营专员"),
    DemoLogin("suanligong", Role.ENTERPRISE, None, "算力中心运维（演示）"),
]


def demo_phone(index: int) -> str:
    """A made-up mobile number for the ``index``-th demo login (the text messages of the demo go to the local SMS
    gateway simulator, never to a phone)."""
    return f"1990000{index:04d}"


@transaction.atomic
def demo_users_ensure() -> list[User]:
    """Create the demo logins that do not exist yet (the synthetic org must exist)."""
    password_hash = make_password(DEMO_PASSWORD)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={d.unit_code for d in DEMO_LOGINS if d.unit_code})}
    users = []
    for index, login in enumerate(DEMO_LOGINS, start=1):
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "role": login.role,
                "org_unit": units.get(login.unit_code) if login.unit_code else None,
                "display_name": login.display_name,
                "phone": demo_phone(index),
                "is_synthetic": True,
                "is_staff": login.role == Role.ADMIN,
                "is_superuser": login.role == Role.ADMIN,
                "password": password_hash,
            },
        )
        users.append(user)
    return users
