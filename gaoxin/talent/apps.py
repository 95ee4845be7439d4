from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "gaoxin.talent"
    label = "talent"
    verbose_name = "人才"
    default_auto_field = "django.db.models.BigAutoField"
