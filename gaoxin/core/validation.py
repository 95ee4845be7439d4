"""Field-by-field checking shared by services (which raise the first error) and Excel ledgers (which report every
error of every row): the per-field error, a collector of cleaned values and errors, and parsers for values typed
by people — text, numbers, dates, yes/no — as they arrive from forms and spreadsheet cells."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gaoxin.core.errors import ApplicationError


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``field`` is the machine name, ``label`` the name the user sees (a form label
    or a column header), ``message`` the Chinese explanation, ``code`` stable for machines."""

    field: str
    message: str
    code: str = "invalid"
    label: str = ""

    @property
    def name(self) -> str:
        """The label, or the field when there is none."""
        return self.label or self.field

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


@dataclass
class Checked:
    """Cleaned values and the errors found; ``ok`` when there are none. ``labels`` names the fields for people."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    labels: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, name: str, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(name, message, code, self.labels.get(name, name)))

    def raise_first(self) -> None:
        """Raise the first error as the one ``ApplicationError`` (what a service does with a bad input)."""
        if self.errors:
            first = self.errors[0]
            raise ApplicationError(f"{first.name}：{first.message}", field=first.field, code=first.code)


# Control characters (NUL and the other C0 codes but tab and newlines, DEL) and the bidirectional overrides that
# make a text display other than it reads: refused in any text a user gives.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def refuse_control_characters(value: str, *, field: str, label: str) -> str:
    """``value`` unchanged, or ``ApplicationError`` naming ``field`` when it holds a control character."""
    if CONTROL_CHARACTERS.search(value):
        raise ApplicationError(f"{label}不能包含控制字符", field=field, code="control_characters")
    return value


def checked_text(value: Any, *, field: str, label: str, required: bool = True, max_length: int = 200) -> str:
    """A service's text input: stripped, required unless said otherwise, at most ``max_length`` characters, no
    control character; an ``ApplicationError`` naming ``field`` (with the ``label`` the user sees) otherwise."""
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(f"{label}：不能为空", field=field, code="required")
    if len(text) > max_length:
        raise ApplicationError(f"{label}：不能超过 {max_length} 个字", field=field, code="too_long")
    return refuse_control_characters(text, field=field, label=label)


def clean_text(value: Any) -> str:
    """The text of a value, stripped; ``None`` is empty and a whole float (Excel's 2023.0) loses its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_float(value: Any) -> float | None:
    """A number from a number or its text (``ValueError`` when it is not one)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float(clean_text(value))


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime or text in YYYY-MM-DD / YYYY/MM/DD / YYYY.MM.DD / YYYY年M月D日
    (``None`` when empty, ``ValueError`` when it is not a date)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = clean_text(value)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError(text)
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


def parse_bool(value: Any) -> bool | None:
    """是/否 (and y/n, yes/no, true/false, 1/0, 新增); ``None`` when empty, ``ValueError`` otherwise."""
    text = clean_text(value).lower()
    if text in ("", "none"):
        return None
    if text in ("是", "y", "yes", "true", "1", "新增"):
        return True
    if text in ("否", "n", "no", "false", "0"):
        return False
    raise ValueError(text)
