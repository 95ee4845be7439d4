from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gaoxin.cases"
    label = "cases"
    verbose_name = "统一事件"

    def ready(self) -> None:
        # The per-process reference data listens to saves and deletes of categories, org units and rules in
        # every process, so that a change made anywhere reaches the servers' snapshots (gaoxin.cases.reference).
        from gaoxin.cases import reference  # noqa: F401
