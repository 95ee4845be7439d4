"""The three forms of the year-end report: HTML (figures hyperlinked, inline SVG charts), Word laid out after
GB/T 9704, and JSON (every figure with value, unit, source and provenance)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gaoxin.cases.metrics import GRID_EVENT_CHANNELS
from gaoxin.reports import fonts
from gaoxin.reports.builder import YearEndReport, keyword_sentence, report_context

# GB/T 9704-2012: A4, margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), 22 lines × 28 characters.
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINE_PITCH = Pt(28.95)  # 225 mm of text height ÷ 22 lines
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
FOOTER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(10.5)  # 5号
CHARS_PER_LINE, LINES_PER_PAGE = 28, 22
TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, FOOTER_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"


CSS = Path(__file__).resolve().parent / "static" / "reports" / "report.css"


def render_html(report: YearEndReport, *, standalone: bool = True) -> str:
    """The report page. ``standalone`` (a file to hand around, offline) carries its stylesheet inline; on the
    web the stylesheet is a static file, as the Content-Security-Policy allows no inline ``<style>``."""
    css = CSS.read_text(encoding="utf-8") if standalone else ""
    return render_to_string("reports/report.html", {**report_context(report), "inline_css": css})


def render_json(report: YearEndReport) -> dict[str, Any]:
    return {
        "year": report.year,
        "title": report.title,
        "generated_at": report.generated_at,
        "figures": [f.as_dict() for f in report.figures.values()],
        "sources": report.source_counts(),
        "missing": [{"id": f.ref, "name": f.name, "reason": f.reason} for f in report.missing],
        "keyword_stats": {
            "own_text": [c.as_dict() for c in report.own_counts],
            "work_report": {ref: (report.figures[ref].as_dict() if ref in report.figures else None)
                            for ref in ("F115", "F116")},
            "sentence": keyword_sentence(report),
        },
        "rules": {"grid_events_channels": list(GRID_EVENT_CHANNELS),
                  "rounding": "ROUND_HALF_UP at the article's precision, in the display unit"},
        "sections": [{"key": s.key, "title": s.title, "text": "\n".join(b.text for b in s.blocks)}
                     for s in report.sections],
        "warnings": report.warnings,
        "missing_fonts": report.missing_fonts,
        "closed": report.closed or None,
        "adjustments": [{"id": a.ref, "name": a.name, "at": a.at.isoformat(), "by": a.actor,
                         "value_before": None if a.value_before is None else str(a.value_before.normalize()),
                         "value_after": None if a.value_after is None else str(a.value_after.normalize()),
                         "reason": a.reason} for a in report.adjustments],
    }


THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# What the default template's styles carry that an official document must not: theme colours, borders, list
# numbering, letter spacing, kerning, bold and italics (the official fonts carry the weight themselves).
TEMPLATE_LEFTOVERS_RPR = ("w:color", "w:spacing", "w:kern", "w:b", "w:bCs", "w:i", "w:iCs")
TEMPLATE_LEFTOVERS_PPR = ("w:pBdr", "w:numPr", "w:contextualSpacing")


def _east_asian(style_or_run: Any, name: str) -> None:
    """Set the font for Latin and East Asian text alike (Word keeps them apart), without the template's theme
    fonts, which Word would otherwise prefer to the named one."""
    style_or_run.font.name = name
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _strip_template(style: Any) -> None:
    element = style.element
    for container, tags in ((element.rPr, TEMPLATE_LEFTOVERS_RPR), (element.pPr, TEMPLATE_LEFTOVERS_PPR)):
        if container is None:
            continue
        for tag in tags:
            for child in container.findall(qn(tag)):
                container.remove(child)


def _chinese_defaults(document: Any) -> None:
    """Document defaults in Chinese: the body font for every run without a style font, the language zh-CN, and
    the theme's East Asian language zh-CN (the default template says ja-JP)."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), "zh-CN")
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _style(document: Any, name: str, font: str, size: Any, *, align: Any = None, indent: bool = False) -> Any:
    style = document.styles[name]
    _strip_template(style)
    _east_asian(style, font)
    style.font.size = size
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = None
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(32) if indent else Pt(0)
    if align is not None:
        fmt.alignment = align
    return style


def _doc_grid(section: Any) -> None:
    """The character grid: 28 characters a line (pitch = text width ÷ 28) and 22 lines a page."""
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    text_width_pt = (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) / 12700
    char_space = round((text_width_pt / CHARS_PER_LINE - BODY_SIZE.pt) * 4096)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))
    grid.set(qn("w:charSpace"), str(char_space))


def _page_number(paragraph: Any) -> None:
    """"— N —" with N the PAGE field, 4号 宋体."""
    def run(text: str = "") -> Any:
        r = paragraph.add_run(text)
        _east_asian(r, FOOTER_FONT)
        r.font.size = FOOTER_SIZE
        return r

    run("— ")
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        elif instr == "1":
            r.text = "1"
        else:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instr
            r._r.append(text)
    run(" —")


CHART_WIDTH = Mm(150)


def _chart_images(document: Any, report: YearEndReport) -> None:
    """附图: the report's charts as images, drawn with a font of this machine that covers Chinese; without one
    the file says so and points to the HTML report, rather than print boxes for the characters."""
    if not report.chart_specs:
        return
    document.add_paragraph("附图", style="Heading 1")
    font = fonts.cjk_font_path()
    if font is None:
        document.add_paragraph("（本机没有可绘制中文的字体，未生成图表；图表见 HTML 版年终答卷。）", style="Normal")
        return
    for chart in report.chart_specs:
        paragraph = document.add_paragraph(style="Normal")
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(chart.png(font)), width=CHART_WIDTH)


SOURCE_HEADERS = ("编号", "指标", "数值", "来源", "定义", "记录数", "模拟")


def source_rows(report: YearEndReport) -> list[tuple[str, ...]]:
    """One row per figure of the report: id, name, value, source, definition, records counted (computed
    figures), 模拟 where the value rests on simulated data."""
    rows: list[tuple[str, ...]] = []
    for f in report.figures.values():
        count = f.records.count() if f.records is not None else None
        name = f"{f.name}（辅助值，原文未载）" if f.is_helper else f.name
        rows.append((f.ref, name, "—" if f.missing else f.display, f.source_label,
                     f.definition,
                     "" if count is None else str(count), "模拟" if f.simulated else ""))
    return rows


def _sources_appendix(document: Any, report: YearEndReport) -> None:
    """附表：数据来源 — every figure with its source, definition and the records behind it (a smaller table font,
    as official appendices use)."""
    document.add_page_break()
    document.add_paragraph("附表  数据来源", style="Heading 1")
    rows = source_rows(report)
    table = document.add_table(rows=1 + len(rows), cols=len(SOURCE_HEADERS))
    table.style = "Table Grid"
    for row, values in zip(table.rows, [SOURCE_HEADERS, *rows], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            run = paragraph.add_run(value)
            _east_asian(run, H1_FONT if values is SOURCE_HEADERS else BODY_FONT)
            run.font.size = TABLE_SIZE


def render_docx(report: YearEndReport) -> bytes:
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.footer_distance = Mm(28) - Mm(7)  # page number 7 mm below the text block
    _doc_grid(section)
    _chinese_defaults(document)
    _style(document, "Normal", BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _style(document, "Title", TITLE_FONT, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(document, "Heading 1", H1_FONT, BODY_SIZE, indent=True)
    _style(document, "Heading 2", H2_FONT, BODY_SIZE, indent=True)
    _style(document, "Subtitle", H2_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    footer_style = _style(document, "Footer", FOOTER_FONT, FOOTER_SIZE)
    footer_style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # Odd pages: number on the right, one character in; even pages: on the left (GB/T 9704 §7.5).
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.style = footer_style
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = FOOTER_SIZE
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = footer_style
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = FOOTER_SIZE
    _page_number(even)

    document.add_paragraph(report.title, style="Title")
    document.add_paragraph(report.subtitle, style="Subtitle")
    if report.closed:
        document.add_paragraph(report.closed, style="Subtitle")
    for part in report.sections:
        for block in part.blocks:
            style = {"h2": "Heading 1", "h3": "Heading 2"}.get(block.kind, "Normal")
            document.add_paragraph(block.text, style=style)
    _chart_images(document, report)
    document.add_paragraph("六、关键词统计", style="Heading 1")
    document.add_paragraph(keyword_sentence(report), style="Normal")
    if report.adjustments:
        document.add_paragraph("调整说明", style="Heading 1")
        for a in report.adjustments:
            before = "—" if a.value_before is None else a.value_before.normalize()
            after = "—" if a.value_after is None else a.value_after.normalize()
            document.add_paragraph(f"{a.at:%Y年%m月%d日}，{a.ref} {a.name} 由 {before} 调整为 {after}。原因：{a.reason}"
                                   f"（{a.actor}）", style="Normal")
    if report.missing:
        document.add_paragraph("附：暂无数值的指标", style="Heading 1")
        for figure in report.missing:
            document.add_paragraph(f"{figure.ref} {figure.name}：{figure.reason}", style="Normal")
    _sources_appendix(document, report)
    document.core_properties.title = report.title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
