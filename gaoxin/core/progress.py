"""Progress bars for long commands (tqdm on a terminal, quiet lines in logs and tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], *, desc: str, total: int | None = None, enabled: bool = True) -> Iterator[T]:
    yield from tqdm(items, desc=desc, total=total, disable=not enabled, file=sys.stderr, unit="", leave=True)


def bar(*, desc: str, total: int, enabled: bool = True, unit: str = "") -> tqdm:
    return tqdm(desc=desc, total=total, disable=not enabled, file=sys.stderr, unit=unit, leave=True)
