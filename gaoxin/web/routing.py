"""Dispatch proposals for a whole page of cases in three queries.

``gaoxin.cases.selectors.case_dispatch_proposal`` answers for one case with one to three queries; a dispatcher's
queue shows a page of cases, so this module applies the same precedence (micro-grid rule, grid rule, street
rule, zone rule, then the category's default) to all of them at once. ``test_routing`` checks it against the
selector case by case."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from gaoxin.accounts.models import OrgUnit
from gaoxin.cases.models import Case, Category, ResponsibilityRule


def dispatch_proposals(cases: Iterable[Case]) -> dict[int, OrgUnit | None]:
    cases = list(cases)
    if not cases:
        return {}
    category_ids = {c.category_id for c in cases}
    street_ids = {c.street_id for c in cases if c.street_id}
    grid_ids = {g for c in cases for g in (c.micro_grid_id, c.grid_id) if g}
    where = Q(street__isnull=True, grid__isnull=True)
    if street_ids:
        where |= Q(street_id__in=street_ids, grid__isnull=True)
    if grid_ids:
        where |= Q(grid_id__in=grid_ids)
    rules = list(ResponsibilityRule.objects.filter(where, category_id__in=category_ids, is_active=True)
                 .select_related("handler"))
    by_grid = {(r.category_id, r.grid_id): r.handler for r in rules if r.grid_id}
    by_street = {(r.category_id, r.street_id): r.handler for r in rules if r.grid_id is None and r.street_id}
    by_zone = {r.category_id: r.handler for r in rules if r.grid_id is None and r.street_id is None}
    categories: dict[int, Category] = {c.category_id: c.category for c in cases}
    codes = {c.default_handler_code for c in categories.values() if c.default_handler_code}
    units = {u.pk: u for u in OrgUnit.objects.filter(Q(pk__in=street_ids) | Q(code__in=codes))}
    by_code = {u.code: u for u in units.values()}
    result: dict[int, OrgUnit | None] = {}
    for case in cases:
        target: OrgUnit | None = None
        for grid_id in (case.micro_grid_id, case.grid_id):
            if grid_id and (case.category_id, grid_id) in by_grid:
                target = by_grid[(case.category_id, grid_id)]
                break
        if target is None and case.street_id and (case.category_id, case.street_id) in by_street:
            target = by_street[(case.category_id, case.street_id)]
        if target is None:
            target = by_zone.get(case.category_id)
        if target is None:
            category = categories[case.category_id]
            if category.default_handler_kind == Category.HandlerKind.STREET_OFFICE and case.street_id:
                target = units.get(case.street_id)
            elif category.default_handler_code:
                target = by_code.get(category.default_handler_code)
        result[case.pk] = target
    return result
