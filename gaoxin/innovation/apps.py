from django.apps import AppConfig


class InnovationConfig(AppConfig):
    name = "gaoxin.innovation"
    label = "innovation"
    verbose_name = "科技创新与成果转化"
    default_auto_field = "django.db.models.BigAutoField"
