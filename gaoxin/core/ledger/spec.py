"""What a domain declares to get an Excel ledger: its columns and sheets (``Column``, ``SheetSpec``), the rows
read back from an upload (``LedgerRow``, ``LedgerUpload``), and the kind itself (``LedgerKind``): sheets,
drop-down lists, who may import, the row validator and the writer."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar

from openpyxl.utils import get_column_letter

from gaoxin.core.errors import ApplicationError
from gaoxin.core.validation import FieldError

A = TypeVar("A")  # the actor: the platform's user; the base only hands it to the kind's callables


@dataclass(frozen=True)
class Column:
    """One column of a sheet (or one field of a form sheet).

    - ``required``: the cell must be filled; the header shows ``*`` and an upload without the column is refused.
    - ``prefilled``: written by the platform (an indicator's 编号, a project's code) and read back on import; the
      user does not change it. An upload without the column is refused.
    - ``export_only``: written on export for the reader (names, states, places found by the platform), ignored
      on import; grey header.
    - ``options``: the name of a drop-down list (``LedgerKind.options``); ``multiple`` when a cell may hold several
      values separated by 、 (the list then suggests without refusing).
    - ``text``: kept as text (codes with leading zeros, 18-digit credit codes Excel would round).
    """

    field: str
    header: str
    required: bool = False
    width: int = 14
    options: str | None = None
    multiple: bool = False
    note: str = ""
    text: bool = False
    export_only: bool = False
    prefilled: bool = False

    @property
    def title(self) -> str:
        return f"{self.header}*" if self.required else self.header

    @property
    def is_input(self) -> bool:
        """A column the user fills in."""
        return not (self.export_only or self.prefilled)

    @property
    def role(self) -> str:
        """How the instructions describe the column."""
        if self.required:
            return "必填"
        if self.export_only:
            return "导出信息，导入时忽略"
        if self.prefilled:
            return "平台预填，请勿修改"
        return "选填"


@dataclass(frozen=True)
class SheetSpec:
    """One worksheet of a ledger.

    A table sheet has a header row and one record per row. ``form`` makes it a parameter sheet instead: one field
    per row, its label in column A and its value in column B (e.g. 部门编码 and 统计期 of a department's sheet),
    with ``notes`` written below. ``read_only`` sheets are written for the reader (e.g. values already locked)
    and never read on import. ``input_fill`` marks the cells of written rows the user fills in yellow (for sheets
    the platform pre-fills and the user completes)."""

    title: str
    columns: tuple[Column, ...]
    form: bool = False
    read_only: bool = False
    input_fill: bool = False
    notes: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    @cached_property
    def labels(self) -> dict[str, str]:
        return {c.field: c.header for c in self.columns}

    @property
    def protected(self) -> bool:
        """Locked in Excel: read-only sheets, and forms nobody fills in by hand."""
        return self.read_only or (self.form and not any(c.is_input for c in self.columns))


@dataclass(eq=False)
class LedgerRow:
    """One record read from an upload and what the check found. ``row_number`` is the row as Excel numbers it
    (the header is row 1); a form sheet is one ``LedgerRow`` with ``row_number`` 0. ``positions`` is where each
    read field was found: its column (table sheets) or its row (forms). The validator fills ``errors`` and the
    cleaned ``values``; the writer may leave what it made in ``record``."""

    spec: SheetSpec = field(repr=False)
    row_number: int
    raw: dict[str, Any]
    positions: Mapping[str, int] = field(default_factory=dict, repr=False)
    errors: list[FieldError] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    record: object = field(default=None, repr=False)

    @property
    def sheet(self) -> str:
        return self.spec.title

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_text(self) -> str:
        return "；".join(str(e) for e in self.errors)

    def add(self, name: str, message: str, code: str = "invalid") -> None:
        """Record a problem with field ``name``, labelled with its column header."""
        self.errors.append(FieldError(name, message, code, self.spec.labels.get(name, name)))

    def cell(self, name: str) -> str:
        """The address of field ``name`` in this row (``D5``; ``B2`` on a form), or "" when it was not read."""
        position = self.positions.get(name)
        if position is None:
            return ""
        if self.spec.form:
            return f"B{position}"
        return f"{get_column_letter(position)}{self.row_number}"


@dataclass
class LedgerUpload:
    """The rows of an upload by sheet title, as given to the validator (every row) and to the writer (the rows to
    write)."""

    kind: str
    sheets: dict[str, list[LedgerRow]]

    def rows(self, spec: SheetSpec) -> list[LedgerRow]:
        return self.sheets.get(spec.title, [])

    def form(self, spec: SheetSpec) -> LedgerRow:
        """The one row of form sheet ``spec`` (forms are required in an upload, so it is always there)."""
        return self.sheets[spec.title][0]


def _anyone(actor: object) -> None:
    return None


def _no_options() -> Mapping[str, Sequence[str]]:
    return {}


@dataclass(frozen=True)
class LedgerKind(Generic[A]):
    """A kind of ledger a domain offers, passed to the shared functions (there is no global registry: each app
    keeps a tuple of its kinds).

    - ``sheets``: the first is the one an upload is recognised by; forms and tables are read, read-only sheets not.
    - ``instructions``: lines for the 填表说明 sheet, before the shared ones.
    - ``validate(actor, upload)``: check every row of every sheet, adding errors with ``row.add`` and putting the
      cleaned values in ``row.values``; it writes nothing. It may raise ``ApplicationError`` for the whole file
      (a permission refused), never for one row.
    - ``write(actor, upload)``: write the rows to write (run inside the one transaction of the import, after a
      new check) and return counts by what was created, e.g. ``{"enterprises": 3, "awards": 2}``.
    - ``check_actor(actor)``: raise ``PermissionDenied`` when the actor may not import this kind at all.
    - ``options()``: the drop-down lists by name, read when a template or export is written.
    - ``partial_import``: the operator may choose to import the clean rows alone (when false, any error refuses
      the whole file).
    """

    name: str
    label: str
    sheets: tuple[SheetSpec, ...]
    instructions: tuple[str, ...]
    validate: Callable[[A, LedgerUpload], None]
    write: Callable[[A, LedgerUpload], Mapping[str, int]]
    check_actor: Callable[[A], None] = _anyone
    options: Callable[[], Mapping[str, Sequence[str]]] = _no_options
    partial_import: bool = True

    def sheet(self, title: str) -> SheetSpec:
        return next(s for s in self.sheets if s.title == title)


def export_only_kind(*, name: str, label: str, sheets: tuple[SheetSpec, ...], instructions: tuple[str, ...],
                     reason: str) -> LedgerKind[Any]:
    """A kind that is only exported (the records come from the pages or the rules): an upload is refused with
    ``reason`` on the field ``file`` (code ``export_only``)."""

    def refuse(actor: Any, upload: LedgerUpload) -> Any:
        raise ApplicationError(f"该台账只能导出：{reason}", field="file", code="export_only")

    return LedgerKind(name=name, label=label, sheets=sheets, instructions=instructions, validate=refuse,
                      write=refuse)


def resolve_kind(kinds: Sequence[LedgerKind[A]], name: str) -> LedgerKind[A]:
    """The kind called ``name`` among ``kinds`` (refused with the field ``kind`` when there is none)."""
    for kind in kinds:
        if kind.name == name:
            return kind
    raise ApplicationError(f"未知的台账类型：{name}", field="kind", code="ledger_kind")
