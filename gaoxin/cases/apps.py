from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gaoxin.cases"
    label = "cases"
    verbose_name = "统一事件"
