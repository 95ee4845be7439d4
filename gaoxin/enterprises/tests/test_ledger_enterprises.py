from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.enterprises import services
from gaoxin.enterprises.ledger import (
    ERROR_HEADER,
    ledger_export_enterprises,
    ledger_import_commit,
    ledger_import_preview,
    ledger_template,
)
from gaoxin.enterprises.models import Enterprise, PersonalDataAccess, QualificationAward
from gaoxin.enterprises.selectors import EnterpriseFilters
from gaoxin.enterprises.tests.conftest import usc

GOOD_A = usc("91410100MA000101")
GOOD_B = usc("91410100MA000102")
GOOD_C = usc("91410100MA000103")
BAD_CHECK = GOOD_A[:17] + ("0" if GOOD_A[17] != "0" else "1")  # right length, wrong final check character

ENT_HEADER = ["统一社会信用代码*", "企业名称*", "地址", "经度", "纬度", "行业代码", "所属产业链", "企业规模",
              "联系人", "联系电话"]
AWARD_HEADER = ["统一社会信用代码*", "资质类型*", "年度*", "认定日期", "认定机构", "文号/证明材料", "当年新增"]


def workbook(enterprises: list[list], awards: list[list] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    ws.append(ENT_HEADER)
    for row in enterprises:
        ws.append(row)
    if awards is not None:
        ws2 = wb.create_sheet("企业资质")
        ws2.append(AWARD_HEADER)
        for row in awards:
            ws2.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MIXED: dict[str, list[list[object]]] = {
    "enterprises": [
        [GOOD_A, "甲公司", "科学大道1号", 113.52, 34.80, "C39", "智能传感器、新材料", "中型", "张三", "13812341234"],
        [BAD_CHECK[:17] + "Y" if BAD_CHECK[17] != "Y" else BAD_CHECK, "乙公司", None, None, None, None, None, None,
         None, None],
        [GOOD_B, "", None, 113.52, None, "Z99", "量子计算", "巨型", None, "123"],
        [GOOD_C, "丙公司", None, None, None, "I65", None, "小型", None, None],
        [GOOD_A, "甲公司重复", None, None, None, None, None, None, None, None],
    ],
    "awards": [
        [GOOD_A, "省级瞪羚企业", 2023, "2023-09-15", "河南省科学技术厅", "豫科〔2023〕88号", "是"],
        [GOOD_C, "不存在的资质", "二〇二三", "2023/13/01", None, None, "也许"],
        [GOOD_B, "省级瞪羚企业", 2023, None, None, None, None],
        [GOOD_A, "省级瞪羚企业", 2023, None, None, None, None],
    ],
}


def mixed() -> bytes:
    return workbook(MIXED["enterprises"], MIXED["awards"])


def expected_check(code17: str) -> str:
    from gaoxin.enterprises.tests.conftest import CS, W

    total = sum(CS.index(c) * w for c, w in zip(code17, W, strict=True))
    return CS[(31 - total % 31) % 31]


def test_template_has_headers_instructions_and_lists(refdata):
    wb = load_workbook(io.BytesIO(ledger_template(kind="enterprises")))
    assert wb.sheetnames == ["企业名录", "企业资质", "填表说明", "选项"]
    assert [c.value for c in wb["企业名录"][1]] == [*ENT_HEADER, "所属办事处", "所属网格"]
    assert [c.value for c in wb["企业资质"][1]] == [
        "统一社会信用代码*", "企业名称", "资质类型*", "年度*", "认定日期", "认定机构", "文号/证明材料", "当年新增"]
    assert wb["选项"].sheet_state == "hidden"
    formulas = sorted(dv.formula1 for dv in wb["企业名录"].data_validations.dataValidation)
    assert formulas == ["'选项'!$A$2:$A$9", "'选项'!$C$2:$C$5"]  # chains (8), sizes (4)
    assert [wb["选项"].cell(row=r, column=3).value for r in range(2, 6)] == ["大型", "中型", "小型", "微型"]
    assert "填表说明" in wb["填表说明"]["A1"].value


def test_preview_names_every_bad_field_and_writes_nothing(staff, frozen_now):
    source = mixed()
    bad_code = MIXED["enterprises"][1][0]
    assert isinstance(bad_code, str)
    with frozen_now(2024, 1, 10, 9):
        preview = ledger_import_preview(actor=staff.admin, file=source)
    assert preview.kind == "enterprises"
    assert preview.summary() == {"rows": 9, "clean": 3, "bad": 6}
    errors = {(r.sheet, r.row_number): r.error_text for r in preview.rows}
    assert errors == {
        ("企业名录", 2): "",
        ("企业名录", 3): f"统一社会信用代码: 校验位错误，应为 {expected_check(bad_code[:17])}",
        ("企业名录", 4): "企业名称: 不能为空；纬度: 经度和纬度须同时填写或同时留空；行业代码: 行业代码“Z99”不存在；"
                          "所属产业链: 产业链“量子计算”不存在；企业规模: “巨型”不是大型/中型/小型/微型之一；"
                          "联系电话: 格式不正确（手机号11位，或区号-座机号）",
        ("企业名录", 5): "",
        ("企业名录", 6): "统一社会信用代码: 与第2行重复",
        ("企业资质", 2): "",
        ("企业资质", 3): "资质类型: 资质类型“不存在的资质”不存在；年度: “二〇二三”不是年份；"
                          "认定日期: “2023/13/01”不是日期（应为 YYYY-MM-DD）；当年新增: 应为“是”或“否”",
        ("企业资质", 4): "统一社会信用代码: 对应的“企业名录”第4行有错误",
        ("企业资质", 5): "资质类型: 与第2行重复",
    }
    assert Enterprise.objects.count() == 0

    # The error workbook is the upload plus an error column.
    wb = load_workbook(io.BytesIO(preview.error_workbook()))
    ws = wb["企业名录"]
    assert ws.cell(row=1, column=11).value == ERROR_HEADER
    assert ws.cell(row=2, column=11).value is None
    assert ws.cell(row=3, column=11).value == errors[("企业名录", 3)]
    assert ws.cell(row=3, column=2).value == "乙公司"
    assert wb["企业资质"].cell(row=5, column=8).value == "资质类型: 与第2行重复"

    # Committing a file with bad rows is refused and writes nothing.
    with frozen_now(2024, 1, 10, 9), pytest.raises(ApplicationError) as exc:
        ledger_import_commit(actor=staff.admin, file=source)
    assert (exc.value.code, exc.value.field) == ("ledger_has_errors", "file")
    assert len(exc.value.extra["bad_rows"]) == 6
    assert Enterprise.objects.count() == 0
    assert QualificationAward.objects.count() == 0


def test_clean_rows_only_writes_the_clean_rows_in_one_go(staff, grid_layer, org, frozen_now):
    with frozen_now(2024, 1, 10, 9):
        result = ledger_import_commit(actor=staff.admin, file=mixed(), clean_rows_only=True)
    assert result.created == {"enterprises": 2, "awards": 1}
    assert [(r.sheet, r.row_number) for r in result.skipped_rows] == [
        ("企业名录", 3), ("企业名录", 4), ("企业名录", 6), ("企业资质", 3), ("企业资质", 4), ("企业资质", 5)]
    a = Enterprise.objects.get(credit_code=GOOD_A)
    assert a.industry is not None
    assert (a.name, a.size, a.industry.code, a.street_id) == ("甲公司", "medium", "C39", org.street_a.pk)
    assert sorted(a.chains.values_list("name", flat=True)) == ["新材料", "智能传感器"]
    assert Enterprise.objects.get(credit_code=GOOD_C).name == "丙公司"
    award = QualificationAward.objects.get()
    assert (award.enterprise_id, award.year, award.awarded_on, award.is_new, award.evidence_ref) == (
        a.pk, 2023, dt.date(2023, 9, 15), True, "豫科〔2023〕88号")
    # The same file again: every row is now a duplicate.
    with frozen_now(2024, 1, 10, 9):
        preview = ledger_import_preview(actor=staff.admin, file=mixed())
    assert preview.rows[0].error_text == "统一社会信用代码: 已存在于企业库"


def test_awards_for_enterprises_already_in_the_registry(staff, make_enterprise, frozen_now):
    e = make_enterprise()
    source = workbook([], [[e.credit_code, "listed", 2023, None, None, None, None],
                           [GOOD_B, "listed", 2023, None, None, None, None]])
    with frozen_now(2024, 1, 10, 9):
        preview = ledger_import_preview(actor=staff.admin, file=source)
        assert [r.error_text for r in preview.rows] == [
            "", "统一社会信用代码: 企业不在企业库中（或不在您的管辖范围内）"]
        ledger_import_commit(actor=staff.admin, file=source, clean_rows_only=True)
    assert list(QualificationAward.objects.values_list("enterprise_id", "qualification_type__code", "is_new")) == [
        (e.pk, "listed", True)]


def test_unreadable_or_wrong_files_are_refused(staff):
    with pytest.raises(ApplicationError) as exc:
        ledger_import_preview(actor=staff.admin, file=b"not an xlsx")
    assert (exc.value.field, exc.value.code) == ("file", "ledger_unreadable")
    wb = Workbook()
    wb.active.append(["随便"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ApplicationError) as exc:
        ledger_import_preview(actor=staff.admin, file=out.getvalue())
    assert exc.value.code == "ledger_kind"
    wb.active.title = "企业名录"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ApplicationError) as exc:
        ledger_import_preview(actor=staff.admin, file=out.getvalue())
    assert (exc.value.code, exc.value.message) == (
        "ledger_missing_column", "工作表“企业名录”缺少列：统一社会信用代码、企业名称")


def test_import_refused_for_roles_without_registry_rights(staff):
    with pytest.raises(PermissionDenied):
        ledger_import_commit(actor=staff.leader, file=workbook([[GOOD_A, "甲公司"] + [None] * 8]))
    assert Enterprise.objects.count() == 0


def test_export_masks_contacts_by_default(staff, make_enterprise):
    make_enterprise("甲", contact_name="张三", contact_phone="13812341234")
    wb = load_workbook(io.BytesIO(ledger_export_enterprises(actor=staff.leader)))
    assert [c.value for c in wb["企业名录"][2]][8:10] == ["张*", "138****1234"]
    with pytest.raises(PermissionDenied):
        ledger_export_enterprises(actor=staff.leader, reveal_personal_data=True)
    assert PersonalDataAccess.objects.count() == 0


def test_export_applies_filters(staff, make_enterprise):
    make_enterprise("甲传感", chains=["sensor"])
    make_enterprise("乙软件", chains=["digital_economy"])
    wb = load_workbook(io.BytesIO(ledger_export_enterprises(actor=staff.admin,
                                                            filters=EnterpriseFilters(chain="sensor"))))
    assert [r[1] for r in wb["企业名录"].iter_rows(min_row=2, values_only=True)] == ["甲传感"]


def snapshot() -> tuple[list, list]:
    enterprises = [
        (e.credit_code, e.name, e.address, e.lon, e.lat, e.industry.code if e.industry else None,
         sorted(e.chains.values_list("code", flat=True)), e.size, e.contact_name, e.contact_phone,
         e.street_id, e.grid_id, e.micro_grid_id)
        for e in Enterprise.objects.order_by("credit_code")
    ]
    awards = list(
        QualificationAward.objects.order_by("enterprise__credit_code", "qualification_type__code", "year")
        .values_list("enterprise__credit_code", "qualification_type__code", "year", "awarded_on", "issuing_body",
                     "evidence_ref", "is_new")
    )
    return enterprises, awards


def test_export_round_trip(staff, grid_layer, make_enterprise, frozen_now):
    with frozen_now(2024, 1, 10, 9):
        a = make_enterprise("甲", address="科学大道1号", lon=113.52, lat=34.80, industry="C39",
                            chains=["sensor", "new_material"], size="中型", contact_name="张三",
                            contact_phone="13812341234")
        b = make_enterprise("乙", lon=None, lat=None, size="微型", contact_phone="0371-67891234")
        make_enterprise("丙", lon=113.58, lat=34.83)
        add = services.qualification_award_create
        add(actor=staff.admin, enterprise=a, qualification_type="gazelle_prov", year=2022)
        add(actor=staff.admin, enterprise=a, qualification_type="gazelle_prov", year=2023,
            awarded_on=dt.date(2023, 9, 15), issuing_body="河南省科学技术厅", evidence_ref="豫科〔2023〕88号")
        add(actor=staff.admin, enterprise=b, qualification_type="tech_sme", year=2023, is_new=False)
        exported = ledger_export_enterprises(actor=staff.admin, reveal_personal_data=True)
        before = snapshot()
        assert PersonalDataAccess.objects.get().record_count == 3
        QualificationAward.objects.all().delete()
        Enterprise.objects.all().delete()
        result = ledger_import_commit(actor=staff.admin, file=exported)
    assert result.created == {"enterprises": 3, "awards": 3}
    assert snapshot() == before


def test_the_chain_list_suggests_without_refusing_several_chains(refdata):
    wb = load_workbook(io.BytesIO(ledger_template(kind="enterprises")))
    by_range = {dv.formula1: dv for dv in wb["企业名录"].data_validations.dataValidation}
    assert by_range["'选项'!$A$2:$A$9"].showErrorMessage is False  # 所属产业链: "智能传感器、新材料" must be accepted
    assert by_range["'选项'!$C$2:$C$5"].showErrorMessage is True  # 企业规模: one of the list


def test_export_neutralises_text_that_a_spreadsheet_would_run(staff, make_enterprise, frozen_now):
    with frozen_now(2024, 1, 10, 9):
        make_enterprise("=HYPERLINK(\"http://evil.example\",\"点击查看\")", address="@SUM(1+1)*cmd|' /C calc'!A0")
        exported = ledger_export_enterprises(actor=staff.admin)
    ws = load_workbook(io.BytesIO(exported))["企业名录"]
    name, address = ws["B2"], ws["C2"]
    assert (name.value, name.data_type, name.quotePrefix) == (
        "=HYPERLINK(\"http://evil.example\",\"点击查看\")", "s", True)
    assert (address.value, address.data_type, address.quotePrefix) == ("@SUM(1+1)*cmd|' /C calc'!A0", "s", True)
    assert ws["A2"].quotePrefix is False
