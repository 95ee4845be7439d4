from typing import Any

from django.contrib import admin

from gaoxin.core.calendar import local_today
from gaoxin.grids.models import Grid


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "street", "area_m2", "valid_from", "valid_to", "is_synthetic")
    list_filter = ("level", "street", "is_synthetic")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    filter_horizontal = ("workers",)
    readonly_fields = ("min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat", "area_m2")

    def get_changeform_initial_data(self, request: Any) -> dict[str, Any]:
        """A grid added now is valid from today (it is not a grid of past years) unless dated otherwise."""
        return {"valid_from": local_today(), **super().get_changeform_initial_data(request)}
