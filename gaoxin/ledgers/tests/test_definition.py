from __future__ import annotations

import pytest

from gaoxin.core.errors import ApplicationError
from gaoxin.ledgers.definition import (
    FieldSpec,
    check_values,
    markdown_to_xlsx,
    read_xlsform,
    write_xlsform,
)
from gaoxin.ledgers.shipped import shipped_codes, shipped_source
from gaoxin.ledgers.tests.conftest import FORM


def test_xlsform_round_trip():
    d = read_xlsform(markdown_to_xlsx(FORM))
    assert (d.code, d.title, d.owner, d.period, d.due_day, d.fillers) == (
        "housing", "保交楼测试台账", "GX-D02", "quarterly", 10, ["GX-S01", "GX-S02"])
    assert [(f.name, f.kind, f.required) for f in d.fields] == [
        ("project", "text", True), ("planned", "integer", True), ("delivered", "integer", True),
        ("loan", "money", False), ("deed", "choice", True), ("delivered_on", "date", False)]
    assert d.field("delivered").constraint == ". >= 0 and . <= ${planned}"
    assert d.field("planned").header == "应交付套数（套）"
    assert d.field("loan").header == "专项借款（元）"
    assert d.choices == {"yn": [["yes", "是"], ["no", "否"]]}
    assert d.targets == [{"unit": "GX-S01", "year": 2023, "field": "delivered", "value": "100"}]
    again = read_xlsform(write_xlsform(d))
    assert again == d


def test_every_shipped_definition_reads():
    codes = shipped_codes()
    assert len(codes) == 23
    for code in codes:
        assert read_xlsform(shipped_source(code)).code == code


@pytest.mark.parametrize(("change", "message"), [
    (("| text | project |", "| barcode | project |"), "survey 表字段 project：不支持的类型 barcode"),
    (("regex(., '^P[0-9]{3}$')", "string-length(.) < 4"),
     "survey 表字段 project：不支持的约束“string-length(.) < 4”"),
    (("${planned}", "${plan}"), "XLSForm 无法读取：[row : 4] On the 'survey' sheet, the 'constraint' value is invalid. "
                                 "Reference variables must contain a name from the 'survey' sheet. Could not find "
                                 "the name 'plan'."),
    (("| quarterly |", "| weekly |"),
     "settings 表 gx_period：应为 once、monthly、quarterly、yearly 之一，现为“weekly”"),
    (("| 10 | GX-S01", "| 31 | GX-S01"), "settings 表 gx_due_day：应为 1 到 28 的整数"),
    (("| GX-S01 | 2023 | delivered |", "| GX-S01 | 2023 | delivery |"), "targets 表第2行：字段 delivery 不存在"),
    (("| housing |", "| Housing |"), "settings 表 form_id：应为小写字母开头的英文编码，现为“Housing”"),
])
def test_bad_definitions_are_named(change, message):
    with pytest.raises(ApplicationError) as exc:
        read_xlsform(markdown_to_xlsx(FORM.replace(*change)))
    assert (exc.value.field, exc.value.message) == ("file", message)


def test_not_an_xlsform():
    with pytest.raises(ApplicationError) as exc:
        read_xlsform(b"not a workbook")
    assert exc.value.code == "xlsform_invalid"


def test_values_checked_field_by_field_with_cross_field_rules():
    d = read_xlsform(markdown_to_xlsx(FORM))
    checked = check_values(d.fields, d.choices, {
        "project": "X1", "planned": "12.5", "delivered": "", "loan": "1.234", "deed": "也许",
        "delivered_on": "明天"})
    assert [(e.field, e.label, e.message, e.code) for e in checked.errors] == [
        ("planned", "应交付套数（套）", "应为整数", "invalid"),
        ("delivered", "已交付套数（套）", "不能为空", "required"),
        ("loan", "专项借款（元）", "金额最多两位小数", "invalid"),
        ("deed", "交房即发证", "应为：是、否", "invalid"),
        ("delivered_on", "交付日期", "应为日期（如 2023-03-31）", "invalid"),
        ("project", "项目名称", "项目编号应为 P 加三位数字", "constraint"),
    ]
    cross = check_values(d.fields, d.choices, {"project": "P001", "planned": "10", "delivered": "11",
                                               "deed": "yes"})
    assert [(e.field, e.message) for e in cross.errors] == [("delivered", "应不大于“应交付套数”")]
    ok = check_values(d.fields, d.choices, {"project": "P001", "planned": 10, "delivered": "10", "loan": "99.9",
                                            "deed": "是", "delivered_on": "2023-03-31"})
    assert ok.errors == []
    assert ok.values == {"project": "P001", "planned": 10, "delivered": 10, "loan": 9990, "deed": "yes",
                         "delivered_on": "2023-03-31"}
    draft = check_values(d.fields, d.choices, {"planned": "5"}, complete=False)
    assert (draft.errors, draft.values) == ([], {"planned": 5})


def test_negative_bound_and_location():
    f = FieldSpec(name="where", label="位置", kind="location")
    g = FieldSpec(name="n", label="数", kind="decimal", constraint=". > -1.5")
    checked = check_values([f, g], {}, {"where": "34.8 113.5", "n": "-2"})
    assert checked.values["where"] == "34.8 113.5"
    assert [(e.field, e.message) for e in checked.errors] == [("n", "应大于-1.5")]
    assert check_values([f], {}, {"where": "95 113"}).errors[0].message == "应为“纬度 经度”"
