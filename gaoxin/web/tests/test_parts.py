"""Units of the web app: image sniffing, keyset cursor, category suggestion, CSP, vendor files."""

from __future__ import annotations

import pytest

from gaoxin.core.errors import ApplicationError
from gaoxin.web import csp, paging, suggest, uploads, vendor
from gaoxin.web.tests.conftest import png_bytes, report, upload


def test_sniff_image_by_magic_bytes():
    assert uploads.sniff_image(png_bytes()) == "image/png"
    assert uploads.sniff_image(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert uploads.sniff_image(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert uploads.sniff_image(b"<svg xmlns=") is None
    assert uploads.sniff_image(b"GIF89a") is None


def test_clean_photos_renames_and_types_by_content():
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", png_bytes(), content_type="text/html")
    [clean] = uploads.clean_photos([fake])
    assert clean.name is not None
    assert clean.content_type == "image/png"
    assert clean.name.startswith("photo-")
    assert clean.name.endswith(".png")
    with pytest.raises(ApplicationError) as exc:
        uploads.clean_photos([SimpleUploadedFile("a.png", b"<html>", content_type="image/png")])
    assert exc.value.field == "photo"
    with pytest.raises(ApplicationError):
        uploads.clean_photos([upload()] * 5)  # type: ignore[list-item]  # refused by count, before a file is read


def test_keyset_cursor_round_trip_and_errors(people):
    cases = [report(people.citizen, description=f"占道 {i}") for i in range(5)]
    from gaoxin.cases.models import Case

    qs = Case.objects.all()
    first = paging.keyset_page(qs, sort="reported_at", size=2)
    second = paging.keyset_page(qs, sort="reported_at", cursor=first.next_cursor, size=2)
    third = paging.keyset_page(qs, sort="reported_at", cursor=second.next_cursor, size=2)
    assert [c.pk for c in first.items + second.items + third.items] == [c.pk for c in cases]
    assert not third.has_next
    with pytest.raises(ApplicationError) as exc:
        paging.keyset_page(qs, cursor="x_y")
    assert exc.value.field == "cursor"
    with pytest.raises(ApplicationError):
        paging.keyset_page(qs, sort="description")


def test_suggestions_use_names_and_history(people):
    from gaoxin.cases import services
    from gaoxin.cases.models import Category

    top = suggest.CategoryIndex.build().suggest("马路边井盖丢失了，很危险")
    assert top
    assert top[0].code in {c.code for c in Category.objects.filter(name__contains="井盖")}
    # History: cases registered as 噪声扰民 teach the scorer that 广场舞 means noise.
    for _ in range(3):
        case = report(people.citizen, code="10005", description="晚上广场舞音响太吵")
        services.case_register(actor=people.a_operator, case=case, category=Category.objects.get(code="06009"))
    top = suggest.CategoryIndex.build().suggest("广场舞音响")
    assert top[0].code == "06009"
    assert "广场舞" in top[0].matched or "音响" in top[0].matched
    assert suggest.CategoryIndex.build().suggest("   ") == []


def test_stock_phrases_of_hotline_orders_do_not_drive_the_suggestion(people, frozen_now):
    """Issue 15, defect 9: with a history of hotline orders in other classes ("…，市民来电反映"), the boilerplate of
    "市民来电反映：路灯不亮" pulled the suggestion to those classes; stock phrases and n-grams common to most
    categories' history no longer count."""
    from gaoxin.cases import services
    from gaoxin.cases.models import Category

    p = people
    with frozen_now(2023, 5, 8, 10):
        for code in ("06002", "09001", "08002", "06004"):
            category = Category.objects.get(code=code)
            for i in range(3):
                case = report(p.a_operator, code=code, channel="hotline_12345", external_ref=f"HL-{code}-{i}",
                              description=f"{category.name}：科学大道{i}号附近，市民来电反映，要求相关部门尽快处理")
                operator = (p.a_operator if case.center_id == p.a_operator.org_unit_id
                            else p.zone_operator if case.center.kind == "zone_center" else p.b_operator)
                services.case_register(actor=operator, case=case)
    before = suggest.CategoryIndex.build(boilerplate_filter=False).suggest("市民来电反映：路灯不亮")
    assert before[0].code != "01008"  # the defect, reproduced by the scorer without the filter
    index = suggest.CategoryIndex.build()
    top = index.suggest("市民来电反映：路灯不亮")
    assert top[0].code == "01008"
    assert "路灯" in top[0].matched
    assert index.suggest("来电人称小区门口路灯不亮，希望尽快解决。")[0].code == "01008"
    assert index.suggest("诉求人表示路边摆摊占道经营，请相关部门核实处理")[0].code == "09001"
    assert suggest.without_stock_phrases("市民来电反映：路灯不亮，要求相关部门尽快处理") == " ：路灯不亮， "


def test_csp_policy_and_tile_origin(settings):
    settings.GAOXIN_TILE_URL = ""
    assert "img-src 'self' data: blob:;" in csp.policy()
    settings.GAOXIN_TILE_URL = "https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png"
    assert "https://*.tiles.example.gov.cn" in csp.policy()
    assert "script-src 'self';" in csp.policy()


def test_vendor_finder_finds_only_listed_files(settings, tmp_path):
    settings.GAOXIN_NODE_MODULES = tmp_path
    dist = tmp_path / "htmx.org" / "dist"
    dist.mkdir(parents=True)
    (dist / "htmx.min.js").write_text("/* htmx */")
    (dist / "other.js").write_text("x")
    finder = vendor.VendorFinder()
    assert finder.find("vendor/htmx/htmx.min.js") == str(dist / "htmx.min.js")
    assert finder.find("vendor/htmx/other.js") == ""
    assert [name for name, _storage in finder.list([])] == ["htmx.min.js"]
    assert finder.check()[0].id == "web.W001"


def test_overdue_is_said_in_positive_working_days():
    from django.template.loader import render_to_string

    from gaoxin.web.presenters import Timing

    overdue = render_to_string("web/cases/_timing.html", {"timing": Timing(color="red", left_days=-727.7)})
    assert "超期 727.7 个工作日" in overdue
    due_soon = render_to_string("web/cases/_timing.html", {"timing": Timing(color="red", left_days=0.4)})
    assert "剩 0.4 个工作日" in due_soon
    assert Timing(color="green", left_days=3.0).overdue_days is None
