from __future__ import annotations

from django import template
from django.conf import settings

from gaoxin.cases.privacy import mask_free_text

register = template.Library()


@register.simple_tag
def tile_url() -> str:
    """The optional map tile URL template (GAOXIN_TILE_URL); empty means polygons on a plain background."""
    return getattr(settings, "GAOXIN_TILE_URL", "") or ""


@register.filter
def masked(text: str | None) -> str:
    """Free text with the personal data in it masked (``cases.privacy.mask_free_text``): phone, ID and bank card
    numbers, e-mail addresses. Every page shows descriptions and notes through it; the clear text only through
    the audited reveal."""
    return mask_free_text(text)
