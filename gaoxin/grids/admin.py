from django.contrib import admin

from gaoxin.grids.models import Grid


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "street", "area_m2", "is_synthetic")
    list_filter = ("level", "street", "is_synthetic")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    filter_horizontal = ("workers",)
    readonly_fields = ("min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat", "area_m2")
