"""Reference data of the enterprise registry: industrial chains, qualification types and the top levels of
国民经济行业分类 (GB/T 4754-2017). Kept as data; ``reference_data_ensure`` loads it idempotently and the
initial data migration calls it, so a new installation starts with the zone's lists."""

from __future__ import annotations

from typing import Any

# (code, name)
CHAINS: list[tuple[str, str]] = [
    ("sensor", "智能传感器"),
    ("new_material", "新材料"),
    ("pv_energy", "光伏新能源"),
    ("hydrogen_storage", "氢能储能"),
    ("life_health", "生命健康"),
    ("digital_economy", "数字经济"),
    ("info_security", "网络安全"),
    ("equipment", "高端装备"),
]

# (code, name, level) — DESIGN §2 and the seed's figures F001–F038.
QUALIFICATION_TYPES: list[tuple[str, str, str]] = [
    ("tech_sme", "国家科技型中小企业入库", "national"),
    ("gazelle_prov", "省级瞪羚企业", "provincial"),
    ("srdi_prov", "省级专精特新企业", "provincial"),
    ("little_giant", "国家级专精特新“小巨人”企业", "national"),
    ("innovation_leader_prov", "河南省创新龙头企业", "provincial"),
    ("chain_leader_city", "产业链“链主”企业", "city"),
    ("national_tech_center", "国家企业技术中心", "national"),
    ("prov_engineering_center", "省级工程研究中心", "provincial"),
    ("prov_major_rd_institute", "省级重大新型研发机构", "provincial"),
    ("incubator", "孵化载体", "zone"),
    ("incubator_excellent", "国家级孵化器评价优秀", "national"),
    ("service_manufacturing_prov", "河南省服务型制造试点示范", "provincial"),
    ("digital_transformation_provider", "制造业数字化转型服务商", "city"),
    ("digital_economy_key", "数字经济重点企业", "city"),
    ("industrial_tech_platform", "产业技术基础公共服务平台", "national"),
    ("city_top10_three_high", "全市十大“三高”企业", "city"),
    ("mayor_quality_award", "市长质量奖及提名奖", "city"),
    ("listed", "上市", "national"),
    ("neeq_listed", "新三板挂牌", "national"),
]

# GB/T 4754-2017 sections (门类) and a few divisions (大类) the zone's enterprises mostly fall in.
INDUSTRIES: list[tuple[str, str]] = [
    ("A", "农、林、牧、渔业"),
    ("B", "采矿业"),
    ("C", "制造业"),
    ("C26", "化学原料和化学制品制造业"),
    ("C27", "医药制造业"),
    ("C30", "非金属矿物制品业"),
    ("C34", "通用设备制造业"),
    ("C35", "专用设备制造业"),
    ("C38", "电气机械和器材制造业"),
    ("C39", "计算机、通信和其他电子设备制造业"),
    ("C40", "仪器仪表制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("E", "建筑业"),
    ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"),
    ("H", "住宿和餐饮业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("I63", "电信、广播电视和卫星传输服务"),
    ("I64", "互联网和相关服务"),
    ("I65", "软件和信息技术服务业"),
    ("J", "金融业"),
    ("K", "房地产业"),
    ("L", "租赁和商务服务业"),
    ("M", "科学研究和技术服务业"),
    ("M73", "研究和试验发展"),
    ("M75", "科技推广和应用服务业"),
    ("N", "水利、环境和公共设施管理业"),
    ("O", "居民服务、修理和其他服务业"),
    ("P", "教育"),
    ("Q", "卫生和社会工作"),
    ("R", "文化、体育和娱乐业"),
    ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
]


def reference_data_ensure(apps: Any = None) -> None:
    """Create the chains, qualification types and industries that do not exist yet (by code).

    ``apps`` is a migration's app registry; without it the live models are used."""
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    chain_model = apps.get_model("enterprises", "IndustrialChain")
    type_model = apps.get_model("enterprises", "QualificationType")
    industry_model = apps.get_model("enterprises", "Industry")
    for order, (code, name) in enumerate(CHAINS, start=1):
        chain_model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, (code, name, level) in enumerate(QUALIFICATION_TYPES, start=1):
        type_model.objects.get_or_create(code=code, defaults={"name": name, "level": level,
                                                                     "sort_order": order})
    for code, name in INDUSTRIES:
        industry_model.objects.get_or_create(code=code, defaults={"name": name})
