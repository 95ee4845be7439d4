from django.apps import AppConfig


class GridsConfig(AppConfig):
    name = "gaoxin.grids"
    label = "grids"
    verbose_name = "网格"
