from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "gaoxin.notify"
    label = "notify"
    verbose_name = "短信通知"
    default_auto_field = "django.db.models.BigAutoField"
