"""The front-end libraries, served as static files from the pinned npm packages in ``node_modules``.

``VendorFinder`` exposes exactly the dist files the pages load, under ``vendor/`` (``{% static
'vendor/echarts.min.js' %}``), to ``findstatic``, ``collectstatic`` and WhiteNoise alike. Run ``npm ci`` first;
``manage.py check`` warns when the files are missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Warning
from django.core.files.storage import FileSystemStorage

# static path prefix → (package dist directory under node_modules, files in it)
VENDOR_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "vendor/htmx": ("htmx.org/dist", ("htmx.min.js",)),
    "vendor/echarts": ("echarts/dist", ("echarts.min.js",)),
    "vendor/leaflet": (
        "leaflet/dist",
        ("leaflet.js", "leaflet.js.map", "leaflet.css", "images/layers.png", "images/layers-2x.png",
         "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png"),
    ),
}


def node_modules() -> Path:
    return Path(settings.GAOXIN_NODE_MODULES)


def missing_files() -> list[Path]:
    root = node_modules()
    return [root / dist / name for dist, names in VENDOR_FILES.values() for name in names
            if not (root / dist / name).is_file()]


class VendorFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storages: dict[str, FileSystemStorage] = {}
        for prefix, (dist, _names) in VENDOR_FILES.items():
            storage = FileSystemStorage(location=node_modules() / dist)
            storage.prefix = prefix  # type: ignore[attr-defined]  # read by collectstatic
            self.storages[prefix] = storage

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = missing_files()
        if missing:
            return [Warning(f"front-end libraries missing ({missing[0]} …): run `npm ci` in the project root",
                            id="web.W001")]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:  # str | list[str], as the base
        find_all = find_all or kwargs.get("all", False)
        for prefix, (dist, names) in VENDOR_FILES.items():
            if path.startswith(prefix + "/") and path[len(prefix) + 1:] in names:
                full = node_modules() / dist / path[len(prefix) + 1:]
                if full.is_file():
                    return [str(full)] if find_all else str(full)
        return [] if find_all else ""

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        root = node_modules()
        for prefix, (dist, names) in VENDOR_FILES.items():
            for name in names:
                if (root / dist / name).is_file():
                    yield name, self.storages[prefix]
