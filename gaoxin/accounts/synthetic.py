"""The synthetic zone administration of DESIGN §6 (clearly labelled synthetic): the committee, its
departments, street offices with their communities and operations centers. Idempotent."""

from __future__ import annotations

from django.db import transaction

from gaoxin.accounts.models import OrgUnit

ZONE_CODE = "GX"

DEPARTMENTS = [
    ("GX-D01", "城市管理局"),
    ("GX-D02", "住房和城乡建设局"),
    ("GX-D03", "生态环境分局"),
    ("GX-D04", "市场监督管理局"),
    ("GX-D05", "交通运输局"),
    ("GX-D06", "自然资源和规划局"),
    ("GX-D07", "应急管理局"),
    ("GX-D08", "公安分局"),
    ("GX-D09", "社会事业局"),
    ("GX-D10", "经济发展局"),
    ("GX-D11", "科技创新局"),
    ("GX-D12", "财政金融局"),
    ("GX-D13", "人力资源和社会保障局"),
    ("GX-D14", "企业服务局"),
    ("GX-D15", "党群工作部"),
]

# Street offices (办事处) and how many communities each has.
STREETS = [
    ("GX-S01", "石佛办事处", 9),
    ("GX-S02", "沟赵办事处", 8),
    ("GX-S03", "枫杨办事处", 7),
    ("GX-S04", "梧桐办事处", 8),
    ("GX-S05", "双桥办事处", 6),
    ("GX-S06", "须水办事处", 7),
]


@transaction.atomic
def synthetic_org_ensure() -> OrgUnit:
    """Create (or reuse) the synthetic administration and return the committee."""

    def ensure(code: str, name: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
        unit, _ = OrgUnit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": parent, "is_synthetic": True}
        )
        return unit

    committee = ensure(ZONE_CODE, "高新区管委会（模拟）", OrgUnit.Kind.COMMITTEE, None)
    ensure("GX-C", "区级城运中心", OrgUnit.Kind.ZONE_CENTER, committee)
    for code, name in DEPARTMENTS:
        ensure(code, name, OrgUnit.Kind.DEPARTMENT, committee)
    for code, name, communities in STREETS:
        street = ensure(code, name, OrgUnit.Kind.STREET_OFFICE, committee)
        ensure(f"{code}-C", f"{name.removesuffix('办事处')}城运中心", OrgUnit.Kind.STREET_CENTER, street)
        for n in range(1, communities + 1):
            ensure(f"{code}-{n:02d}", f"{name.removesuffix('办事处')}第{n}社区", OrgUnit.Kind.COMMUNITY, street)
    return committee


