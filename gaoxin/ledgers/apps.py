from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "gaoxin.ledgers"
    label = "ledgers"
    verbose_name = "台账"
