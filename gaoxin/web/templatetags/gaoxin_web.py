from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def tile_url() -> str:
    """The optional map tile URL template (GAOXIN_TILE_URL); empty means polygons on a plain background."""
    return getattr(settings, "GAOXIN_TILE_URL", "") or ""
