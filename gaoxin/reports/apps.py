from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gaoxin.reports"
    label = "reports"
    verbose_name = "年终报告"
