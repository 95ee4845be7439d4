"""Reads of the grid layer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet

from gaoxin.grids.layer import LayerFeature, feature_collection_text
from gaoxin.grids.models import Grid


def grid_layer_features() -> list[LayerFeature]:
    """The whole layer (zone, grids, micro-grids), ordered by code, as import/export features."""
    grids = list(Grid.objects.select_related("parent", "street").order_by("code"))
    workers: dict[int, list[str]] = defaultdict(list)
    for grid_id, username in Grid.workers.through.objects.values_list("grid_id", "user__username"):
        workers[grid_id].append(username)
    return [
        LayerFeature(
            code=g.code,
            name=g.name,
            level=g.level,
            geometry=g.geometry,
            parent_code=g.parent.code if g.parent else None,
            street_code=g.street.code if g.street else None,
            workers=tuple(sorted(workers[g.pk])),
            is_synthetic=g.is_synthetic,
        )
        for g in grids
    ]


def grid_layer_geojson() -> str:
    """The layer as a GeoJSON FeatureCollection (the format ``services.grid_layer_import`` reads)."""
    return feature_collection_text([f.as_geojson() for f in grid_layer_features()])


def grid_list(*, level: str | None = None, on: dt.date | None = None) -> QuerySet[Grid]:
    """The grids (of one level: zone, grid or micro-grid), by code; with ``on``, those valid on that day (valid
    from it or earlier, or from the layer's baseline, and not retired by then). The layer is public within the
    platform."""
    qs = Grid.objects.all()
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on),
                       Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    return (qs.filter(level=level) if level else qs).order_by("code")
