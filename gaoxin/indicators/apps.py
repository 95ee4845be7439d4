from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "gaoxin.indicators"
    label = "indicators"
    verbose_name = "指标"
