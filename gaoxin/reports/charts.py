"""Charts of the HTML report as inline SVG generated here (no CDN, no script): horizontal bars, each bar a link
to the figure's provenance."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed
    url: str = ""


def bar_chart(title: str, bars: list[Bar], *, maximum: float | None = None, width: int = 640) -> str:
    row, label_w, top = 26, 190, 34
    height = top + row * len(bars) + 10
    top_value = maximum or max((b.value for b in bars), default=1) or 1
    plot_w = width - label_w - 80
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, bar in enumerate(bars):
        y = top + i * row
        w = max(1.0, plot_w * bar.value / top_value)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                     f'{escape(bar.label)}</text>')
        rect = f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" fill="#2f6fb0"/>'
        value = f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{escape(bar.text)}</text>'
        if bar.url:
            parts.append(f'<a href="{escape(bar.url)}">{rect}{value}</a>')
        else:
            parts.append(rect + value)
    parts.append("</svg>")
    return "".join(parts)
