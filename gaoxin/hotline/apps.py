from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "gaoxin.hotline"
    label = "hotline"
    verbose_name = "12345热线对接"
    default_auto_field = "django.db.models.BigAutoField"

