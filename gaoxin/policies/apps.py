from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "gaoxin.policies"
    label = "policies"
    verbose_name = "惠企政策"
    default_auto_field = "django.db.models.BigAutoField"
