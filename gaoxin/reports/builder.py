"""The year-end report (年终答卷): section templates filled with the indicator values, charts, the figures'
provenance, and keyword statistics of the report's own text. ``report_build`` computes everything once; the
renderers (``render``) turn it into HTML, Word and JSON."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.db.models import Count, Q
from django.template.loader import render_to_string

from gaoxin.accounts.models import User
from gaoxin.cases import metrics as case_metrics
from gaoxin.core import clock
from gaoxin.core.textstats import DEFAULT_TERMS, TermCount, term_counts
from gaoxin.indicators.computations import SHANGHAI, Context
from gaoxin.indicators.figures import Figure, system_actor
from gaoxin.indicators.services import catalog_sync
from gaoxin.indicators.yearclose import Adjustment, adjustments, closed_year, year_figures
from gaoxin.reports import charts, fonts

SECTIONS: list[tuple[str, str]] = [
    ("industry", "产业高地"), ("innovation", "创新驱动"), ("reform", "改革与服务"),
    ("livelihood", "民生保障"), ("party", "党建引领与网格化治理"),
]


@dataclass
class Block:
    kind: str  # h1, h2, h3, p
    text: str
    html: str = ""


class _BlockParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._kind: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "p"):
            self._kind, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._kind:
            self.blocks.append(Block(tag, "".join(self._text).strip()))
            self._kind = None

    def handle_data(self, data: str) -> None:
        if self._kind:
            self._text.append(data)


def blocks(html: str) -> list[Block]:
    parser = _BlockParser()
    parser.feed(html)
    return parser.blocks


@dataclass
class Section:
    key: str
    title: str
    html: str
    blocks: list[Block]


@dataclass
class YearEndReport:
    year: int
    title: str
    subtitle: str
    generated_at: str
    figures: dict[str, Figure]
    sections: list[Section]
    used_refs: list[str]
    own_counts: list[TermCount]
    chart_specs: list[charts.Chart]
    missing_fonts: list[str]
    warnings: list[str] = field(default_factory=list)
    closed: str = ""  # 年度关账: "关账于 … 快照摘要 …" once the year is closed
    adjustments: list[Adjustment] = field(default_factory=list)  # 调整说明

    @property
    def reader_warnings(self) -> list[str]:
        """The warnings a reader of the page needs (missing figures), without the server's missing fonts, which
        concern whoever prints the Word file on this machine (the command and the JSON say so)."""
        font = fonts.font_warning(self.missing_fonts)
        return [w for w in self.warnings if w != font]

    @property
    def charts(self) -> list[str]:
        """The charts as inline SVG (HTML)."""
        return [chart.svg() for chart in self.chart_specs]

    @property
    def missing(self) -> list[Figure]:
        return [f for f in self.figures.values() if f.missing]

    @property
    def text(self) -> str:
        """The report's own text (title and sections) as the keyword statistics count it."""
        lines = [self.title, self.subtitle]
        for section in self.sections:
            lines += [b.text for b in section.blocks]
        return "\n".join(lines)

    def source_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for figure in self.figures.values():
            counts[figure.source] = counts.get(figure.source, 0) + 1
        return counts


def _monthly_events(actor: User, year: int) -> list[tuple[str, int]]:
    """Grid events registered per month, in one aggregate of twelve filtered counts (plain range comparisons:
    truncating dates per row in the time zone is several times slower on SQLite)."""
    ctx = Context(actor=actor, year=year)
    qs = case_metrics.grid_event_cases(actor=actor, start=ctx.start, end=ctx.end)
    bounds = [dt.datetime(year, m, 1, tzinfo=SHANGHAI) for m in range(1, 13)] + [ctx.end]
    counts = qs.aggregate(**{f"m{m}": Count("pk", filter=Q(registered_at__gte=bounds[m - 1],
                                                             registered_at__lt=bounds[m]))
                             for m in range(1, 13)})
    return [(f"{m}月", counts[f"m{m}"]) for m in range(1, 13) if counts[f"m{m}"]]


def _charts(report_figures: dict[str, Figure], monthly: list[tuple[str, int]], year: int) -> list[charts.Chart]:
    def bar(ref: str, label: str) -> charts.Bar | None:
        f = report_figures[ref]
        return None if f.missing or f.exact is None else charts.Bar(label, float(f.exact), f.display, f.url)

    growth = [bar(r, label) for r, label in [("F003", "链主企业"), ("F007", "服务型制造示范"),
                                            ("F027", "新增瞪羚企业"), ("F029", "创新龙头企业"),
                                            ("F031", "新增小巨人"), ("F032", "新增省级专精特新")]]
    shares = [bar(r, label) for r, label in [("F002", "战略新兴产业链"), ("F008", "服务型制造示范"),
                                            ("F017", "国家企业技术中心(省)"), ("F019", "省级工程研究中心"),
                                            ("F021", "重大新型研发机构(省)"), ("F024", "优秀孵化载体(省)"),
                                            ("F026", "科技型中小企业"), ("F030", "创新龙头企业(省)"),
                                            ("F034", "产业技术基础平台(省)"), ("F040", "急需紧缺人才"),
                                            ("F042", "创新创业团队"), ("F061", "工业用地出让面积")]]
    out = [charts.Chart("企业梯队培育（家）", [b for b in growth if b]),
           charts.Chart("占全市／全省比重（%）", [b for b in shares if b], maximum=100)]
    if monthly:
        out.append(charts.Chart(f"{year}年网格化事件月度受理量（件）",
                                [charts.Bar(m, n, str(n)) for m, n in monthly]))
    return out


def subtitle(year: int, printed: list[Figure]) -> str:
    """Says where the printed figures come from, and how many of them rest on simulated data (模拟)."""
    by_source = {source: sum(1 for f in printed if f.source == source and not f.missing)
                 for source in ("computed", "derived", "submitted")}
    simulated = sum(1 for f in printed if f.simulated and not f.missing)
    parts = [f"{by_source['computed']}项由平台记录计算", f"{by_source['derived']}项由其推算",
             f"{by_source['submitted']}项取自部门填报"]
    tail = f"，其中{simulated}项为模拟数据（标“模拟”）" if simulated else ""
    return f"——高新区{year}年工作回顾（文中数据{'，'.join(parts)}{tail}）"


def report_build(*, year: int, actor: User | None = None,
                 terms: tuple[str, ...] | list[str] = DEFAULT_TERMS) -> YearEndReport:
    """Compute every figure of ``year`` and render the sections (as ``actor``; the zone-wide report reader when
    omitted). Figures without an approved value are reported as missing, never filled in."""
    catalog_sync()
    reader = actor or system_actor()
    report_figures = year_figures(actor=reader, year=year)
    used: list[str] = []
    sections = []
    for key, title in SECTIONS:
        html = render_to_string(f"reports/sections/{key}.html", {"figures": report_figures, "used_refs": used,
                                                                  "year": year})
        sections.append(Section(key, title, html, blocks(html)))
    missing = fonts.missing_fonts()
    report = YearEndReport(
        year=year, title=f"攀“高”逐“新” 高新区{year}年年终答卷",
        subtitle=subtitle(year, [report_figures[ref] for ref in dict.fromkeys(used)]),
        generated_at=clock.now().isoformat(), figures=report_figures, sections=sections, used_refs=used,
        own_counts=[], chart_specs=_charts(report_figures, _monthly_events(reader, year), year), missing_fonts=missing,
    )
    close = closed_year(year)
    if close is not None:
        report.closed = (f"本答卷数据取自 {close.closed_at.astimezone(SHANGHAI):%Y年%m月%d日} 的年度关账快照"
                         f"（摘要 {close.digest[:12]}）")
        report.adjustments = adjustments(year)
    report.own_counts = term_counts(report.text, terms)
    warning = fonts.font_warning(missing)
    if warning:
        report.warnings.append(warning)
    if report.missing:
        report.warnings.append(f"{len(report.missing)} 项指标暂无数值：" + "、".join(f.ref for f in report.missing))
    return report


def keyword_sentence(report: YearEndReport) -> str:
    counts = {c.term: c.count for c in report.own_counts}
    gao, xin = report.figures.get("F115"), report.figures.get("F116")
    work = ""
    if gao is not None and xin is not None and not (gao.missing or xin.missing):
        work = f"工作报告全文中“高”“新”两字分别出现{gao.display}和{xin.display}（按上传的来源文件计数）；"
    own = "、".join(f"“{c.term}”{c.count}{'次' if c.kind == 'char' else '个词'}" for c in report.own_counts)
    return f"{work}本答卷正文中{own}。" if counts else work


def report_context(report: YearEndReport) -> dict[str, Any]:
    return {"report": report, "keyword_sentence": keyword_sentence(report)}
