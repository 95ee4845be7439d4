"""The Word file follows GB/T 9704: A4, 37/35/28/26 mm margins, 22 lines × 28 characters, official fonts in the
styles, "— N —" page numbers."""

import io

import docx
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from gaoxin.reports.builder import report_build
from gaoxin.reports.render import render_docx


def east_asian(style):
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def style_name(paragraph: Paragraph) -> str | None:
    assert paragraph.style is not None
    return paragraph.style.name


def test_page_margins_grid_fonts_and_footer(officers, grid_layer):
    document = docx.Document(io.BytesIO(render_docx(report_build(year=2023))))
    section = document.sections[0]
    def mm(length):  # Word stores twips: 210 mm is 11906 twips = 210.01 mm
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert [mm(section.top_margin), mm(section.bottom_margin), mm(section.left_margin), mm(section.right_margin)] == [
        37.0, 35.0, 28.0, 26.0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"
    # 28 characters of 16 pt in the 156 mm text width: pitch 15.79 pt, i.e. -0.207 pt × 4096.
    assert grid.get(qn("w:charSpace")) == "-848"
    styles = document.styles
    assert east_asian(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)
    assert styles["Normal"].paragraph_format.line_spacing == Pt(28.95)
    assert east_asian(styles["Title"]) == "方正小标宋简体"
    assert styles["Title"].font.size == Pt(22)
    assert east_asian(styles["Heading 1"]) == "黑体"
    assert east_asian(styles["Heading 2"]) == "楷体_GB2312"
    assert east_asian(styles["Footer"]) == "宋体"
    assert styles["Footer"].font.size == Pt(14)
    assert document.settings.odd_and_even_pages_header_footer is True
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml
        assert 'w:fldCharType="begin"' in xml
        assert 'w:fldCharType="end"' in xml
        assert footer.paragraphs[0].text.startswith("— ")
        assert footer.paragraphs[0].text.endswith(" —")
    texts = [p.text for p in document.paragraphs]
    assert texts[0].startswith("攀“高”逐“新”")
    assert style_name(document.paragraphs[0]) == "Title"
    assert any(style_name(p) == "Heading 1" and p.text.startswith("一、") for p in document.paragraphs)
    assert any(style_name(p) == "Heading 2" and p.text.startswith("（一）") for p in document.paragraphs)
    assert any("三级网格" in t and "2个" in t for t in texts)


def test_styles_name_the_official_fonts_without_theme_fonts_or_template_leftovers(officers, grid_layer):
    document = docx.Document(io.BytesIO(render_docx(report_build(year=2023))))
    expected = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Subtitle": "楷体_GB2312", "Heading 1": "黑体",
                "Heading 2": "楷体_GB2312", "Footer": "宋体"}
    for name, font in expected.items():
        element = document.styles[name].element
        fonts = element.rPr.find(qn("w:rFonts"))
        assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {font}, name
        assert not [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")], name
        for tag in ("w:color", "w:spacing", "w:kern"):
            assert element.rPr.find(qn(tag)) is None, (name, tag)
        for tag in ("w:b", "w:i"):  # absent or explicitly off
            flag = element.rPr.find(qn(tag))
            assert flag is None or flag.get(qn("w:val")) in ("0", "false"), (name, tag)
        if element.pPr is not None:
            for tag in ("w:pBdr", "w:numPr"):
                assert element.pPr.find(qn(tag)) is None, (name, tag)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert document.settings.element.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"


def test_the_appendix_lists_every_figure_with_its_source_and_records(officers, grid_layer):
    from gaoxin.indicators import services

    services.simulated_submissions_ensure(year=2023)
    report = report_build(year=2023)
    document = docx.Document(io.BytesIO(render_docx(report)))
    table = document.tables[-1]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["编号", "指标", "数值", "来源", "定义", "记录数", "模拟"]
    assert [r[0] for r in rows[1:]] == list(report.figures)
    by_ref = {r[0]: r for r in rows[1:]}
    assert by_ref["F112"][2:4] == ["4个", "平台记录计算"]
    assert by_ref["F112"][5] == "4"
    assert by_ref["F011"][3] == "部门填报"
    assert by_ref["F011"][6] == "模拟"  # a simulated submission
    assert by_ref["X001"][1].endswith("（辅助值，原文未载）")
    assert "附表  数据来源" in [p.text for p in document.paragraphs]


def test_the_charts_are_images_drawn_with_a_chinese_font(officers, grid_layer, monkeypatch):
    import pytest

    from gaoxin.reports import fonts

    report = report_build(year=2023)
    font = fonts.cjk_font_path()
    if font is None:
        pytest.skip("no font that draws Chinese on this machine (apt-get install fonts-wqy-microhei)")
    document = docx.Document(io.BytesIO(render_docx(report)))
    texts = [p.text for p in document.paragraphs]
    assert "附图" in texts
    assert len(document.inline_shapes) == len(report.chart_specs) == 2  # no grid events: no monthly chart
    assert round(document.inline_shapes[0].width.mm) == 150
    png = report.chart_specs[0].png(font)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_a_chinese_font_the_file_says_where_the_charts_are(officers, grid_layer, monkeypatch):
    from gaoxin.reports import fonts

    monkeypatch.setattr(fonts, "cjk_font_path", lambda: None)
    document = docx.Document(io.BytesIO(render_docx(report_build(year=2023))))
    assert len(document.inline_shapes) == 0
    assert "（本机没有可绘制中文的字体，未生成图表；图表见 HTML 版年终答卷。）" in [p.text for p in document.paragraphs]
