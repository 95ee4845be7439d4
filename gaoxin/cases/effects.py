"""What a case event sets off outside the case, called explicitly by the transition engine inside its transaction
(``services.engine.apply``, ``services.intake``): no model signals.

The receivers are named in one place, the setting ``GAOXIN_CASE_EFFECTS`` (dotted paths of functions
``fn(*, case, event) -> None``; ``event`` is a ``CaseEvent``, or the event of a satellite history of the case: a
``CaseInstructionEvent``, a ``FieldCheckEvent``), because the channels that must hear about a case — the 12345
link's reply outbox, the text messages of ``notify`` — sit above the case engine in the dependency order
(``docs/ARCHITECTURE.md``): the engine knows that effects exist, not which. Each runs in the transaction of the
change, so its own writes (an outbox row) commit or roll back with it; it must not do I/O of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.db.models import Model
from django.utils.module_loading import import_string

from gaoxin.cases.models import Case

Effect = Callable[..., None]


@cache
def receivers() -> tuple[Effect, ...]:
    return tuple(import_string(path) for path in getattr(settings, "GAOXIN_CASE_EFFECTS", ()))


def case_event_recorded(*, case: Case, event: Model) -> None:
    for receiver in receivers():
        receiver(case=case, event=event)
