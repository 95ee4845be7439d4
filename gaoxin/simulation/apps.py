from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "gaoxin.simulation"
    label = "simulation"
    verbose_name = "模拟年度"
