from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "gaoxin.finance"
    label = "finance"
    verbose_name = "金融"
    default_auto_field = "django.db.models.BigAutoField"
