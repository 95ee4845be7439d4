from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "gaoxin.enterprises"
    label = "enterprises"
    verbose_name = "企业服务"
