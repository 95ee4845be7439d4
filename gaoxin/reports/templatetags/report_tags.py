"""``{% fig "F025" %}`` puts a figure into a report section: its number and unit as the article writes them,
hyperlinked to its provenance in HTML. Options: ``"bare"`` (number without unit), ``"cn"`` (a rank as a Chinese
numeral: 第{% fig "F004" "cn" %} → 第一). A figure without a value is printed as a visible gap."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()

CN_DIGITS = "零一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    if 0 <= n <= 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + CN_DIGITS[n - 10]
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


@register.simple_tag(takes_context=True)
def fig(context: Any, ref: str, *options: str) -> str:
    figures = context["figures"]
    figure = figures[ref]
    used = context.get("used_refs")
    if used is not None:
        used.append(ref)
    if figure.missing:
        return format_html('<span class="fig missing" data-ref="{}" title="{}">【{} 暂无数值】</span>', ref,
                           figure.reason, ref)
    if "cn" in options:
        text = chinese_numeral(int(figure.number))
    elif "bare" in options:
        text = figure.number
    else:
        text = figure.display
    link = format_html('<a class="fig" data-ref="{}" data-source="{}" href="{}" title="{} · {}">{}</a>', ref,
                       figure.source, figure.url, figure.ref, figure.name, text)
    if figure.simulated:
        return format_html('{}<sup class="simulated" title="模拟数据">模拟</sup>', link)
    return link
