"""Load the case categories: 城市管理 部件 (01–05) and 事件 (06–10) with their 小类, 12345 request types and
content classes, and enterprise problem types. Each carries its default urgency, time limit, node limits,
duplicate radius/window and default handling unit (for the responsibility matrix). Editable in the admin
afterwards; this migration only inserts codes that do not exist yet."""

from django.db import migrations

# (code, name, default handler kind, default handler code, time limit, unit, sign h, handle h, verify h,
#  duplicate radius m, duplicate window h, default urgency)
# Units: "hour" = working hours, "day" = working days on the Chinese calendar.
S, D = "street_office", "department"

COMPONENT_MAJORS = [
    ("01", "公用设施类", D, "GX-D01"),
    ("02", "道路交通类", D, "GX-D05"),
    ("03", "市容环境类", D, "GX-D01"),
    ("04", "房屋土地类", D, "GX-D06"),
    ("05", "园林绿化类", D, "GX-D01"),
]
COMPONENT_MINORS = {
    "01": ["上水井盖", "污水井盖", "雨水井盖", "电力井盖", "通信井盖", "燃气井盖", "消防栓", "路灯",
           "电力设施", "通信交接箱"],
    "02": ["公交站亭", "交通标志牌", "交通信号灯", "道路护栏", "隔离墩", "过街天桥", "地下通道",
           "停车设施", "路名牌", "盲道"],
    "03": ["公共厕所", "垃圾箱", "垃圾中转站", "公共座椅", "报刊亭", "公共信息亭", "广告牌匾"],
    "04": ["危旧房屋", "空置土地", "工地围挡", "人防工事"],
    "05": ["古树名木", "行道树", "绿地", "花坛", "雕塑", "绿化护栏"],
}

EVENT_MAJORS = [
    ("06", "市容环境类", S, ""),
    ("07", "宣传广告类", S, ""),
    ("08", "施工管理类", D, "GX-D02"),
    ("09", "街面秩序类", S, ""),
    ("10", "其他事项类", S, ""),
]
# 小类: (name, time limit, unit, default urgency, handler kind, handler code)
EVENT_MINORS = {
    "06": [("私搭乱建", 5, "day", "normal", S, ""), ("暴露垃圾", 2, "hour", "normal", S, ""),
           ("积存垃圾渣土", 4, "hour", "normal", S, ""), ("道路不洁", 2, "hour", "normal", S, ""),
           ("水域不洁", 1, "day", "normal", D, "GX-D03"), ("绿地脏乱", 4, "hour", "normal", S, ""),
           ("焚烧垃圾树叶", 1, "hour", "urgent", S, ""), ("油烟污染", 3, "day", "normal", D, "GX-D03"),
           ("噪声扰民", 1, "day", "normal", D, "GX-D03"), ("污水冒溢", 2, "hour", "urgent", D, "GX-D01"),
           ("违规饲养家禽", 2, "day", "normal", S, "")],
    "07": [("非法小广告", 4, "hour", "normal", S, ""), ("违规张贴悬挂", 4, "hour", "normal", S, ""),
           ("违规户外广告", 5, "day", "normal", D, "GX-D01"), ("占道宣传", 2, "hour", "normal", S, ""),
           ("广告牌匾破损", 2, "day", "urgent", D, "GX-D01")],
    "08": [("施工扰民", 1, "day", "normal", D, "GX-D02"), ("工地扬尘", 4, "hour", "urgent", D, "GX-D03"),
           ("道路遗撒", 2, "hour", "normal", D, "GX-D01"), ("违规占道施工", 1, "day", "normal", D, "GX-D05"),
           ("施工废弃料", 1, "day", "normal", D, "GX-D02"), ("无证掘路", 4, "hour", "urgent", D, "GX-D05")],
    "09": [("占道经营", 2, "hour", "normal", S, ""), ("无照经营游商", 2, "hour", "normal", S, ""),
           ("店外经营", 2, "hour", "normal", S, ""), ("机动车乱停放", 2, "hour", "normal", D, "GX-D08"),
           ("非机动车乱停放", 2, "hour", "normal", S, ""), ("露天烧烤", 2, "hour", "normal", S, ""),
           ("乞讨卖艺", 4, "hour", "normal", S, ""), ("流浪犬", 1, "day", "normal", S, "")],
    "10": [("防汛积水", 2, "hour", "critical", D, "GX-D01"), ("道路塌陷", 2, "hour", "critical", D, "GX-D05"),
           ("树木倒伏", 2, "hour", "urgent", D, "GX-D01"), ("燃气泄漏", 1, "hour", "critical", D, "GX-D07"),
           ("其他事项", 3, "day", "normal", S, "")],
}

HOTLINE_TYPES = [("H-ZX", "咨询"), ("H-QZ", "求助"), ("H-TS", "投诉"), ("H-JB", "举报"), ("H-JY", "建议"),
                 ("H-BY", "表扬")]
# 12345 content classes: (code, name, handler kind, handler code, working days)
HOTLINE_CONTENT = [
    ("H-C01", "城乡建设", D, "GX-D02", 5), ("H-C02", "市容城管", S, "", 3), ("H-C03", "生态环境", D, "GX-D03", 5),
    ("H-C04", "交通出行", D, "GX-D05", 5), ("H-C05", "市场监管", D, "GX-D04", 5),
    ("H-C06", "劳动社保", D, "GX-D13", 5), ("H-C07", "教育文体", D, "GX-D09", 5),
    ("H-C08", "医疗卫生", D, "GX-D09", 5), ("H-C09", "社会治安", D, "GX-D08", 3),
    ("H-C10", "住房物业", S, "", 5), ("H-C11", "企业服务", D, "GX-D14", 5), ("H-C12", "民政社区", S, "", 5),
    ("H-C13", "供水供电供气", D, "GX-D02", 3), ("H-C99", "其他", S, "", 5),
]
# Enterprise problem types (万人助万企 / 企业家接待日): (code, name, handler code)
ENTERPRISE = [
    ("EP01", "用地", "GX-D06"), ("EP02", "融资", "GX-D12"), ("EP03", "用工", "GX-D13"), ("EP04", "审批", "GX-D14"),
    ("EP05", "政策兑现", "GX-D10"), ("EP06", "水电气暖", "GX-D02"), ("EP07", "物流交通", "GX-D05"),
    ("EP08", "市场", "GX-D04"), ("EP09", "科技创新", "GX-D11"), ("EP10", "其他", "GX-D14"),
]


def rows():
    """Every category as a dict of model fields (parents before children)."""
    out = []
    for code, name, hkind, hcode in COMPONENT_MAJORS:
        out.append(dict(code=code, name=name, kind="component", parent=None, is_assignable=False,
                        default_handler_kind=hkind, default_handler_code=hcode, time_limit=3, time_unit="day",
                        sign_limit_hours=1.0, handle_limit_hours=22.5, verify_limit_hours=2.0,
                        duplicate_radius_m=10, duplicate_window_hours=72))
        for n, minor in enumerate(COMPONENT_MINORS[code], start=1):
            urgent = minor in ("上水井盖", "污水井盖", "雨水井盖", "燃气井盖", "交通信号灯", "危旧房屋", "古树名木")
            out.append(dict(code=f"{code}{n:03d}", name=minor, kind="component", parent=code,
                            default_handler_kind=hkind, default_handler_code=hcode,
                            time_limit=4 if urgent else 3, time_unit="hour" if urgent else "day",
                            default_urgency="urgent" if urgent else "normal",
                            sign_limit_hours=0.5 if urgent else 1.0,
                            handle_limit_hours=3.0 if urgent else 22.5, verify_limit_hours=1.0 if urgent else 2.0,
                            # A component is a fixed object: reports of the same one come from a few metres.
                            duplicate_radius_m=10, duplicate_window_hours=72))
    for code, name, hkind, hcode in EVENT_MAJORS:
        out.append(dict(code=code, name=name, kind="event", parent=None, is_assignable=False,
                        default_handler_kind=hkind, default_handler_code=hcode, time_limit=1, time_unit="day",
                        duplicate_radius_m=50, duplicate_window_hours=24))
        for n, (minor, limit, unit, urgency, mkind, mcode) in enumerate(EVENT_MINORS[code], start=1):
            hours = limit if unit == "hour" else limit * 7.5
            out.append(dict(code=f"{code}{n:03d}", name=minor, kind="event", parent=code,
                            default_handler_kind=mkind, default_handler_code=mcode, time_limit=limit,
                            time_unit=unit, default_urgency=urgency,
                            sign_limit_hours=0.5 if unit == "hour" else 1.0,
                            handle_limit_hours=max(0.5, hours - (1.0 if unit == "hour" else 7.5)),
                            verify_limit_hours=0.5 if unit == "hour" else 2.0,
                            duplicate_radius_m=30 if unit == "hour" else 50,
                            duplicate_window_hours=8 if unit == "hour" else 72))
    for code, name in HOTLINE_TYPES:
        out.append(dict(code=code, name=name, kind="hotline_type", parent=None, is_assignable=False,
                        default_handler_kind=S, default_handler_code="", time_limit=5, time_unit="day",
                        description="12345 诉求类型，与内容分类一起描述一张工单"))
    for code, name, hkind, hcode, days in HOTLINE_CONTENT:
        out.append(dict(code=code, name=name, kind="hotline_content", parent=None, default_handler_kind=hkind,
                        default_handler_code=hcode, time_limit=days, time_unit="day", sign_limit_hours=2.0,
                        handle_limit_hours=(days - 1) * 7.5, verify_limit_hours=7.5, duplicate_radius_m=100,
                        duplicate_window_hours=72))
    for code, name, hcode in ENTERPRISE:
        out.append(dict(code=code, name=name, kind="enterprise", parent=None, default_handler_kind=D,
                        default_handler_code=hcode, time_limit=15, time_unit="day", sign_limit_hours=7.5,
                        handle_limit_hours=13 * 7.5, verify_limit_hours=15.0, duplicate_radius_m=0,
                        duplicate_window_hours=720))
    return out


def load(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    existing = set(Category.objects.values_list("code", flat=True))
    by_code = dict(Category.objects.values_list("code", "pk"))
    for row in rows():
        if row["code"] in existing:
            continue
        parent = row.pop("parent")
        obj = Category.objects.create(parent_id=by_code[parent] if parent else None, **row)
        by_code[obj.code] = obj.pk


def unload(apps, schema_editor):
    # Categories may be referenced by cases by now; leave them (reversing only drops unreferenced ones).
    Category = apps.get_model("cases", "Category")
    Category.objects.filter(cases__isnull=True, children__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
