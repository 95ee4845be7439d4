"""The ledgers the platform ships, kept in the repository as XLSForms (pyxform's markdown form, one file per
ledger in ``forms/``) and loaded by ``manage.py ledgers_load`` (and by the simulated year)."""

from __future__ import annotations

from pathlib import Path

from gaoxin.ledgers.definition import markdown_to_xlsx
from gaoxin.ledgers.models import LedgerVersion
from gaoxin.ledgers.services import ledger_definition_load

FORMS = Path(__file__).resolve().parent / "forms"


def shipped_codes() -> list[str]:
    return sorted(p.stem for p in FORMS.glob("*.md"))


def shipped_source(code: str) -> bytes:
    return markdown_to_xlsx((FORMS / f"{code}.md").read_text(encoding="utf-8"))


def ledgers_load(*, synthetic: bool = False) -> list[LedgerVersion]:
    """Publish every shipped definition whose file changed since it was last loaded; returns the new versions."""
    loaded = []
    for code in shipped_codes():
        version = ledger_definition_load(source=shipped_source(code), synthetic=synthetic)
        if version is not None:
            loaded.append(version)
    return loaded
