"""Charts of the report, generated here (no CDN, no script): inline SVG for the HTML report, each bar a link to
the figure's provenance, and the same chart as a PNG image for the Word file (Pillow, with a font that draws
Chinese)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape

from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed
    url: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    maximum: float | None = None

    def svg(self) -> str:
        return bar_chart(self.title, self.bars, maximum=self.maximum)

    def png(self, font_path: str) -> bytes:
        return bar_chart_png(self.title, self.bars, font_path=font_path, maximum=self.maximum)


def bar_chart_png(title: str, bars: list[Bar], *, font_path: str, maximum: float | None = None,
                  width: int = 640, scale: int = 2) -> bytes:
    """The chart of ``bar_chart`` drawn as a PNG (``scale`` × the SVG's size, for print)."""
    row, label_w, top = 26, 190, 34
    height = top + row * len(bars) + 10
    top_value = maximum or max((b.value for b in bars), default=1) or 1
    plot_w = width - label_w - 80
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.truetype(font_path, 15 * scale)
    font = ImageFont.truetype(font_path, 12 * scale)
    draw.text((0, 4 * scale), title, fill="black", font=title_font)
    for i, bar in enumerate(bars):
        y = top + i * row
        w = max(1.0, plot_w * bar.value / top_value)
        draw.text(((label_w - 6) * scale, (y + 15) * scale), bar.label, fill="black", font=font, anchor="rs")
        draw.rectangle([label_w * scale, (y + 3) * scale, (label_w + w) * scale, (y + 19) * scale], fill="#2f6fb0")
        draw.text(((label_w + w + 4) * scale, (y + 15) * scale), bar.text, fill="black", font=font, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


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
