"""References as the adapters receive them — a category code, a case id or number, a unit's id or code, a grid
code — resolved to records: one look-up and one set of error messages for the web pages, the JSON API, Open311
and the 12345 link. Every refusal names the field; a reference the actor may not see reads as unknown (the
scoped selectors decide), so nothing outside the actor's scope can be probed.
"""

from __future__ import annotations

from collections.abc import Collection

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.selectors import org_unit_list
from gaoxin.cases import reference, selectors
from gaoxin.cases.models import Case, Category
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.grids.models import Grid

MAX_ID = 2**63 - 1  # the largest bigint: larger ids are input errors, not database errors


def category(code: str | None, *, field: str = "category", kinds: Collection[str] | None = None) -> Category:
    """The category with ``code`` (from the per-process reference data), of one of ``kinds`` when given."""
    text = (code or "").strip()
    if not text:
        raise ApplicationError("请选择类别", field=field, code="required")
    found = reference.current().category(text)
    if found is None or (kinds is not None and found.kind not in kinds):
        raise ApplicationError(f"未知的类别编码：{text}", field=field, code="unknown_category")
    return found


def _id(value: int | str, field: str) -> int:
    """An id given as an int or as digits, within the bigint range."""
    number = value if isinstance(value, int) else int(value.strip())
    if not 1 <= number <= MAX_ID:
        raise ApplicationError("编号超出范围", field=field, code="out_of_range")
    return number


def _is_id(value: int | str) -> bool:
    return isinstance(value, int) or value.strip().isdecimal()


def case(*, actor: User, ref: int | str, field: str = "case") -> Case:
    """The case with id ``ref`` (an int) or number ``ref`` (a string of its 14 digits), if the actor may see it.
    Unknown: 404 for the case addressed (``field="case"``), 400 for a case named in a field (``into``)."""
    visible = selectors.case_list(actor=actor)
    if isinstance(ref, int):
        found = visible.filter(pk=_id(ref, field)).first()
    else:
        text = ref.strip()
        found = visible.filter(number=text).first() if text else None
    if found is None:
        if field == "case":  # the case addressed (a URL's): not found
            raise NotFound("案件不存在或无权查看", field=field, code="case_not_found")
        raise ApplicationError("案件不存在或无权查看", field=field, code="case_not_found")  # a reference: bad input
    return found


def unit(*, actor: User, ref: int | str, field: str, kinds: Collection[str] | None = None) -> OrgUnit:
    """The org unit with id ``ref`` (an int or digits) or code ``ref``, inside the actor's scope."""
    units = org_unit_list(actor=actor)
    if kinds is not None:
        units = units.filter(kind__in=list(kinds))
    found = (units.filter(pk=_id(ref, field)) if _is_id(ref) else units.filter(code=str(ref).strip())).first()
    if found is None:
        raise ApplicationError(f"未知的单位或不在本人管辖范围：{ref}", field=field, code="unknown_unit")
    return found


def grid(ref: int | str, *, field: str = "grid") -> Grid:
    """The grid or micro-grid with id ``ref`` (an int) or code ``ref``."""
    found = (Grid.objects.filter(pk=_id(ref, field)) if isinstance(ref, int)
             else Grid.objects.filter(code=ref.strip())).first()
    if found is None:
        raise ApplicationError(f"未知的网格编码：{ref}", field=field, code="unknown_grid")
    return found
