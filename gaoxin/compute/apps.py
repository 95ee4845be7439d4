from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "gaoxin.compute"
    verbose_name = "城市算力网"
    default_auto_field = "django.db.models.BigAutoField"
