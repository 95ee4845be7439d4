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
