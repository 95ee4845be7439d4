"""`gaoxin serve`: the app on gunicorn (a real WSGI server), static files served by WhiteNoise."""

from __future__ import annotations

import multiprocessing
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class GunicornApplication(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from gaoxin.wsgi import application

        return application


def default_workers() -> int:
    return max(2, min(2 * multiprocessing.cpu_count() + 1, 9))


def serve(*, host: str, port: int, workers: int, collect_static: bool = True) -> None:
    if collect_static:
        call_command("collectstatic", interactive=False, verbosity=0)
    GunicornApplication(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 120,
            "accesslog": "-",
            "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
            "forwarded_allow_ips": "127.0.0.1",
        }
    ).run()


class Command(BaseCommand):
    help = "运行网站：gunicorn（生产级服务器，非 runserver），静态文件由 WhiteNoise 提供 / serve the app"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--no-collectstatic", action="store_true", help="skip collectstatic")

    def handle(self, *args: Any, **options: Any) -> None:
        serve(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            collect_static=not options["no_collectstatic"],
        )
