from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "gaoxin.hotline"
    label = "hotline"
    verbose_name = "12345热线对接"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The outbox capture: a receiver of CaseEvent inserts, which run inside the case service's transaction
        # (see gaoxin.hotline.outbox).
        from gaoxin.hotline import outbox  # noqa: F401
