"""The ``gaoxin`` console script: every ``manage.py`` command, with the domain commands listed first."""

from __future__ import annotations

import os
import sys


def _domain_commands() -> dict[str, list[str]]:
    from django.core.management import get_commands

    grouped: dict[str, list[str]] = {}
    for name, app in get_commands().items():
        if app.startswith("gaoxin."):
            grouped.setdefault(app.removeprefix("gaoxin."), []).append(name)
    return {app: sorted(names) for app, names in sorted(grouped.items())}


def _print_help() -> None:
    from django.core.management import load_command_class

    print("高新区运营平台 Gaoxin\n")
    print("用法 usage: gaoxin <command> [options]     (gaoxin <command> --help for its options)\n")
    print("Domain commands:")
    for app, names in _domain_commands().items():
        for name in names:
            summary = (load_command_class(f"gaoxin.{app}", name).help or "").strip().splitlines()
            print(f"  {name:<22} {summary[0] if summary else ''}  [{app}]")
    print("\nEvery Django manage.py command works too: gaoxin migrate, gaoxin createsuperuser, gaoxin shell, …")
    print("List them all with: gaoxin help --commands")


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    argv = list(sys.argv if argv is None else argv)
    import django

    django.setup()
    if len(argv) < 2 or argv[1] in ("-h", "--help") or argv[1:] == ["help"]:
        _print_help()
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gaoxin", *argv[1:]])


if __name__ == "__main__":
    main()
