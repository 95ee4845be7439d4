"""Content-Security-Policy for every response: only the app's own scripts, styles, images and connections.

- ``script-src 'self'``: no inline scripts and no eval anywhere (page data travels in ``json_script`` blocks,
  which are JSON, not script; htmx runs with ``allowEval: false``).
- ``style-src 'self'`` plus ``style-src-attr 'unsafe-inline'``: no ``<style>`` elements, but style *attributes*
  are allowed because ECharts builds its tooltips as HTML with inline ``style`` attributes (and Leaflet's
  popups and tooltips may carry them too). Style attributes cannot run script; the pages' own markup has none.
- ``img-src 'self' data: blob:``: Leaflet and ECharts draw to canvas and use data: URLs; the photo preview of
  the report forms uses a blob: URL. When ``GAOXIN_TILE_URL`` is configured its origin is added.
- ``frame-ancestors 'none'``, ``form-action 'self'``, ``base-uri 'self'``, ``object-src 'none'``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def tile_origin() -> str:
    url = getattr(settings, "GAOXIN_TILE_URL", "") or ""
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme in ("http", "https") and parts.netloc:
        host = parts.netloc
        if "{s}." in url:
            host = "*." + host.split(".", 1)[1]
        return f"{parts.scheme}://{host}"
    return ""


def policy() -> str:
    images = "'self' data: blob:"
    origin = tile_origin()
    if origin:
        images += f" {origin}"
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response
