from django.apps import AppConfig


class LandConfig(AppConfig):
    name = "gaoxin.land"
    label = "land"
    verbose_name = "一码管地"
