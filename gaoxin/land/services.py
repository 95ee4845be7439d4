"""Every write of land management, audited on the parcel's hash-chained history (``ParcelEvent``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import shapely
from django.db import transaction
from shapely.geometry.base import BaseGeometry

from gaoxin.accounts.models import User
from gaoxin.core import audit, clock
from gaoxin.core.db import insert_many
from gaoxin.core.errors import ApplicationError
from gaoxin.enterprises.models import Enterprise
from gaoxin.grids import geometry
from gaoxin.grids.models import Grid
from gaoxin.land import policy, topology, unitcode
from gaoxin.land.models import AgreementCheck, LandSupply, Parcel, ParcelEvent, Permit


@dataclass
class ParcelInput:
    unit_code: str
    name: str
    use_class: str
    geometry: dict[str, Any]
    is_synthetic: bool = False
    shape: BaseGeometry | None = field(default=None, repr=False)


def zone_shape() -> BaseGeometry | None:
    found = Grid.objects.filter(level=Grid.Level.ZONE).order_by("code").values_list("geometry", flat=True).first()
    return geometry.to_shape(found) if found else None


def _log(parcel: Parcel, *, actor: User | None, action: str, note: str = "", payload: dict[str, Any] | None = None,
         at: dt.datetime | None = None) -> None:
    audit.append(ParcelEvent, parcel, actor=actor if actor is not None and actor.pk else None,
                 at=at or clock.now(), note=note, payload=payload or {}, action=action)


def parcels_check(rows: Sequence[ParcelInput], *, replacing: Sequence[str] = ()) -> list[str]:
    """Every problem of a batch of parcels, each naming its code (pairs for overlaps): codes (each failing part),
    duplicates, use class, polygon validity, inside the zone, no overlap within the batch or with the parcels on
    record (but those the batch replaces: the parcel split, the parcels merged)."""
    problems: list[str] = []
    shapes: dict[str, BaseGeometry] = {}
    seen: set[str] = set()
    for row in rows:
        code = row.unit_code.strip().upper()
        errors = unitcode.check_unit_code(code)
        if errors:
            problems.append(f"{code or '（空）'}：" + "；".join(str(e) for e in errors))
            continue
        parcel_code = unitcode.parcel_code(code)
        if parcel_code in seen:
            problems.append(f"{code}：宗地代码 {parcel_code} 在本批中重复")
            continue
        seen.add(parcel_code)
        if row.use_class not in Parcel.UseClass.values:
            problems.append(f"{code}：用途“{row.use_class}”不在 {'、'.join(Parcel.UseClass.labels)} 之中")
        if not row.name.strip():
            problems.append(f"{code}：宗地名称不能为空")
        try:
            shape = geometry.to_shape(row.geometry)
        except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.GEOSException):
            problems.append(f"{code}：宗地界址不是有效的 GeoJSON 面")
            continue
        if topology.invalid({code: shape}):
            problems.append(f"{code}：宗地界址不是有效的面（自相交或为空）")
            continue
        row.shape = shape
        shapes[parcel_code] = shape
    taken = set(Parcel.objects.filter(parcel_code__in=list(shapes)).values_list("parcel_code", flat=True))
    problems += [f"{code}：宗地代码已登记" for code in sorted(taken)]
    problems += [f"{code}：宗地不在辖区范围内" for code in topology.outside(shapes, zone_shape())]
    if shapes:
        bounds = shapely.total_bounds(list(shapes.values()))
        near = Parcel.objects.filter(status=Parcel.Status.ACTIVE, min_lon__lte=bounds[2], max_lon__gte=bounds[0],
                                     min_lat__lte=bounds[3], max_lat__gte=bounds[1]).exclude(
                                         parcel_code__in=list(replacing))
        existing = {p.parcel_code: geometry.to_shape(p.geometry)
                    for p in near.only("parcel_code", "geometry").iterator(chunk_size=2000)}
        problems += [str(o) for o in topology.overlaps(shapes, existing)]
    return problems


def _new_parcel(row: ParcelInput, *, now: dt.datetime) -> Parcel:
    assert row.shape is not None  # noqa: S101 - set by parcels_check
    code = row.unit_code.strip().upper()
    min_lon, min_lat, max_lon, max_lat = row.shape.bounds
    centroid = row.shape.representative_point()
    return Parcel(unit_code=code, parcel_code=unitcode.parcel_code(code), name=row.name.strip(),
                  use_class=row.use_class, area_m2=Decimal(str(round(geometry.area_m2(row.shape), 2))),
                  geometry=geometry.to_geojson(row.shape), min_lon=min_lon, min_lat=min_lat, max_lon=max_lon,
                  max_lat=max_lat, centroid_lon=centroid.x, centroid_lat=centroid.y, created_at=now,
                  is_synthetic=row.is_synthetic)


def parcels_register(*, actor: User, rows: Sequence[ParcelInput], at: dt.datetime | None = None) -> list[Parcel]:
    """Register a batch of parcels, all or none: any problem refuses the batch (``parcels_invalid``, every
    problem listed in ``extra['problems']``)."""
    policy.check_manage(actor)
    with transaction.atomic():
        problems = parcels_check(rows)
        if problems:
            raise ApplicationError(f"宗地有 {len(problems)} 处问题：" + "；".join(problems[:5]), field="parcels",
                                   code="parcels_invalid", extra={"problems": problems})
        return _create(actor=actor, rows=rows, now=at or clock.now())


def _create(*, actor: User, rows: Sequence[ParcelInput], now: dt.datetime,
            parents: Sequence[Parcel] = ()) -> list[Parcel]:
    """Write checked parcels (with their parents, for a split or a merge) and the first event of each history."""
    parcels = [_new_parcel(row, now=now) for row in rows]
    # Every history starts here, so its first event is known before the rows exist: the same content and
    # hash as ``audit.append`` would write (seq 1, no previous hash), the head set on the row, in bulk.
    events = []
    for parcel in parcels:
        values = {"seq": 1, "actor_id": actor.pk if actor.pk else None, "at": now, "note": "",
                  "payload": {"unit_code": parcel.unit_code, "area_m2": str(parcel.area_m2)}, "prev_hash": "",
                  "action": "registered"}
        digest = audit.digest(ParcelEvent, values, parcel.parcel_code)
        parcel.audit_head, parcel.event_count = digest, 1
        events.append((parcel, values, digest))
    created = Parcel.objects.bulk_create(parcels, batch_size=2000)
    ParcelEvent.objects.bulk_create([ParcelEvent(parcel=parcel, hash=digest, **values)
                                     for parcel, values, digest in events], batch_size=2000)
    for parcel in created if parents else ():
        parcel.parents.set(parents)
    return created


# Polygons of a split must cover the parcel to within this share of its area (digitising noise).
COVER_TOLERANCE = 0.001


def _retire(parcel: Parcel, *, actor: User, action: str, others: Sequence[str], now: dt.datetime) -> None:
    Parcel.objects.filter(pk=parcel.pk).update(status=Parcel.Status.RETIRED)
    _log(parcel, actor=actor, action=action, at=now, payload={"parcels": sorted(others)})


def _unsupplied_active(parcel: Parcel) -> None:
    if parcel.status != Parcel.Status.ACTIVE:
        raise ApplicationError(f"宗地 {parcel.parcel_code} 已注销", field="parcel", code="parcel_retired")
    if LandSupply.objects.filter(parcel=parcel).exists():
        raise ApplicationError(f"宗地 {parcel.parcel_code} 已出让，不能分割或合并", field="parcel",
                               code="already_supplied")


def parcel_split(*, actor: User, parcel: Parcel, parts: Sequence[ParcelInput],
                 at: dt.datetime | None = None) -> list[Parcel]:
    """分割: the parcel is retired and its parts registered with it as parent; the parts lie within it, do not
    overlap and cover it. Refused, with every problem listed, otherwise."""
    policy.check_manage(actor)
    if len(parts) < 2:
        raise ApplicationError("分割后的宗地：至少两宗", field="parts")
    with transaction.atomic():
        parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
        _unsupplied_active(parcel)
        problems = parcels_check(parts, replacing=[parcel.parcel_code])
        whole = geometry.to_shape(parcel.geometry)
        shapes = [row.shape for row in parts if row.shape is not None]
        if not problems:
            outside_parent = [row.unit_code for row in parts
                              if row.shape is not None and not whole.buffer(1e-7).covers(row.shape)]
            problems += [f"{code}：超出原宗地 {parcel.parcel_code} 的范围" for code in outside_parent]
            gap = geometry.area_m2(whole.difference(shapely.union_all(shapes)))
            if gap > float(parcel.area_m2) * COVER_TOLERANCE:
                problems.append(f"分割后的宗地未覆盖原宗地，缺 {gap:.1f} 平方米")
        if problems:
            raise ApplicationError(f"宗地分割有 {len(problems)} 处问题：" + "；".join(problems[:5]), field="parts",
                                   code="parcels_invalid", extra={"problems": problems})
        now = at or clock.now()
        created = _create(actor=actor, rows=parts, now=now, parents=[parcel])
        _retire(parcel, actor=actor, action="split", others=[p.parcel_code for p in created], now=now)
        return created


def parcel_merge(*, actor: User, parcels: Sequence[Parcel], unit_code: str, name: str,
                 at: dt.datetime | None = None) -> Parcel:
    """合并: adjacent parcels of one use become one (their union), the sources retired with it as their child."""
    policy.check_manage(actor)
    if len({p.pk for p in parcels}) < 2:
        raise ApplicationError("合并的宗地：至少两宗", field="parcels")
    with transaction.atomic():
        locked = list(Parcel.objects.select_for_update().filter(pk__in=[p.pk for p in parcels]).order_by("pk"))
        for parcel in locked:
            _unsupplied_active(parcel)
        uses = {p.use_class for p in locked}
        if len(uses) > 1:
            raise ApplicationError("合并的宗地：用途不同，不能合并", field="parcels", code="mixed_use")
        union = shapely.union_all([geometry.to_shape(p.geometry) for p in locked]).buffer(0)
        if union.geom_type != "Polygon":
            raise ApplicationError("合并的宗地：互不相邻，合并后不是一宗连续的地块", field="parcels",
                                   code="not_adjacent")
        row = ParcelInput(unit_code, name, uses.pop(), geometry.to_geojson(union))
        problems = parcels_check([row], replacing=[p.parcel_code for p in locked])
        if problems:
            raise ApplicationError("合并后的宗地：" + "；".join(problems), field="unit_code", code="parcels_invalid",
                                   extra={"problems": problems})
        now = at or clock.now()
        (merged,) = _create(actor=actor, rows=[row], now=now, parents=locked)
        for parcel in locked:
            _retire(parcel, actor=actor, action="merged", others=[merged.parcel_code], now=now)
        return merged


def parcel_register(*, actor: User, unit_code: str, name: str, use_class: str, geometry_json: dict[str, Any],
                    is_synthetic: bool = False) -> Parcel:
    code = (unit_code or "").strip().upper()
    errors = unitcode.check_unit_code(code)
    if errors:
        raise ApplicationError("不动产单元代码：" + "；".join(str(e) for e in errors), field="unit_code",
                               code="unit_code_invalid", extra={"parts": [e.part for e in errors]})
    parcel = parcels_register(actor=actor, rows=[ParcelInput(code, name, use_class, geometry_json, is_synthetic)])[0]
    return Parcel.objects.get(parcel_code=parcel.parcel_code)


def _positive(value: Any, *, name: str, label: str, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ApplicationError(f"{label}：不能为空", field=name, code="required")
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise ApplicationError(f"{label}：应为数字", field=name) from exc
    if not number.is_finite() or number <= 0:
        raise ApplicationError(f"{label}：应大于0", field=name)
    return number


STANDARD_INDICATORS = (("floor_area_ratio", "容积率"), ("investment_intensity", "投资强度"),
                       ("output_per_mu", "亩均产出"), ("tax_per_mu", "亩均税收"))


def supply_record(*, actor: User, parcel: Parcel, contract_no: str, contract_date: dt.date, method: str,
                  price: Any, land_user: Enterprise | None = None, is_custom: bool = False,
                  is_standard: bool = False, indicators: dict[str, Any] | None = None,
                  is_synthetic: bool = False) -> LandSupply:
    """出让 of a parcel: one land contract per parcel; a 标准地 carries all four control indicators."""
    policy.check_manage(actor)
    contract_no = (contract_no or "").strip()
    if not contract_no:
        raise ApplicationError("出让合同编号：不能为空", field="contract_no", code="required")
    if method not in LandSupply.Method.values:
        raise ApplicationError("出让方式：应为招拍挂或协议出让", field="method")
    if not isinstance(contract_date, dt.date):
        raise ApplicationError("合同签订日期：不能为空", field="contract_date", code="required")
    amount = _positive(price, name="price", label="出让价款") or Decimal(0)  # required: never None
    indicators = indicators or {}
    values = {name: _positive(indicators.get(name), name=name, label=label, required=is_standard)
              for name, label in STANDARD_INDICATORS}
    with transaction.atomic():
        parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
        if parcel.status != Parcel.Status.ACTIVE:
            raise ApplicationError("宗地已注销，不能出让", field="parcel", code="parcel_retired")
        if LandSupply.objects.filter(parcel=parcel).exists():
            raise ApplicationError(f"宗地 {parcel.parcel_code} 已出让", field="parcel", code="already_supplied")
        if LandSupply.objects.filter(contract_no=contract_no).exists():
            raise ApplicationError("出让合同编号已存在", field="contract_no", code="duplicate")
        supply = LandSupply.objects.create(parcel=parcel, contract_no=contract_no, contract_date=contract_date,
                                           method=method, price=amount, land_user=land_user, is_custom=is_custom,
                                           is_standard=is_standard, is_synthetic=is_synthetic, **values)
        _log(parcel, actor=actor, action="supplied",
             payload={"contract_no": contract_no, "contract_date": contract_date.isoformat(), "price": str(amount)})
        return supply


def four_permit_span(contract_date: dt.date, fourth: dt.date) -> int:
    """Calendar days from the land contract to the fourth permit, counted inclusively (same day = 1)."""
    return (fourth - contract_date).days + 1


def permit_issue(*, actor: User, parcel: Parcel, kind: str, number: str, issued_on: dt.date,
                 is_synthetic: bool = False) -> Permit:
    """One of the four permits: after the land contract, never before it, one of each kind."""
    return permits_issue(actor=actor, parcel=parcel, permits=[(kind, number, issued_on)], is_synthetic=is_synthetic)[0]


def permits_issue(*, actor: User, parcel: Parcel, permits: Sequence[tuple[str, str, dt.date]],
                  is_synthetic: bool = False) -> list[Permit]:
    """Permits of one parcel (kind, number, date) issued together — 一天发四证 at the one-stop window — each after
    the land contract, one of each kind, every number unique; all or none. The fourth permit dates the parcel's
    four-permit span; each permit is an event of the parcel's history."""
    policy.check_manage(actor)
    checked = []
    for kind, number, issued_on in permits:
        if kind not in Permit.Kind.values:
            raise ApplicationError("证照类型：应为四证之一", field="kind")
        number = (number or "").strip()
        if not number:
            raise ApplicationError("证号：不能为空", field="number", code="required")
        if not isinstance(issued_on, dt.date):
            raise ApplicationError("发证日期：不能为空", field="issued_on", code="required")
        checked.append((kind, number, issued_on))
    with transaction.atomic():
        head = Parcel.objects.select_for_update().values("audit_head", "event_count").get(pk=parcel.pk)
        supply = LandSupply.objects.filter(parcel=parcel).first()
        if supply is None:
            raise ApplicationError("宗地尚未出让，不能发证", field="parcel", code="not_supplied")
        kinds = set(Permit.objects.filter(parcel=parcel).values_list("kind", flat=True))
        numbers = {n for _, n, _ in checked}
        if len(numbers) < len(checked) or Permit.objects.filter(number__in=numbers).exists():
            raise ApplicationError("证号已存在", field="number", code="duplicate")
        for kind, _, issued_on in checked:
            if issued_on < supply.contract_date:
                raise ApplicationError(f"发证日期：不能早于出让合同签订日期 {supply.contract_date}", field="issued_on")
            if kind in kinds:
                raise ApplicationError(f"{Permit.Kind(kind).label}已发放", field="kind", code="duplicate")
            kinds.add(kind)
        made = Permit.objects.bulk_create([Permit(parcel=parcel, kind=kind, number=number, issued_on=issued_on,
                                                  is_synthetic=is_synthetic) for kind, number, issued_on in checked])
        if len(kinds) == len(Permit.Kind.values):
            supply.four_permits_on = max(Permit.objects.filter(parcel=parcel).values_list("issued_on", flat=True))
            supply.four_permit_days = four_permit_span(supply.contract_date, supply.four_permits_on)
            supply.save(update_fields=["four_permits_on", "four_permit_days"])
        now = clock.now()
        actor_id = actor.pk if actor.pk else None
        events = audit.chained(ParcelEvent, parcel.parcel_code, [
            audit.Step(at=now, actor_id=actor_id, fields={"action": "permit"},
                       payload={"kind": kind, "number": number, "issued_on": issued_on.isoformat()})
            for kind, number, issued_on in checked], head=head["audit_head"], count=head["event_count"])
        insert_many(ParcelEvent, [{**values, "parcel_id": parcel.pk} for values in events])
        Parcel.objects.filter(pk=parcel.pk).update(audit_head=events[-1]["hash"], event_count=events[-1]["seq"])
        parcel.audit_head, parcel.event_count = events[-1]["hash"], events[-1]["seq"]
        return made


def agreement_check(*, actor: User, supply: LandSupply, occasion: str, year: int,
                    actuals: dict[str, Any]) -> AgreementCheck:
    """Check a 标准地's 投入产出监管协议: each actual value against its control indicator (at least the agreed
    容积率, 投资强度, 亩均产出 and 亩均税收); the shortfalls are named and kept, on the parcel's history too."""
    policy.check_manage(actor)
    if not supply.is_standard:
        raise ApplicationError("该宗地不是标准地，没有投入产出监管协议", field="supply", code="not_standard")
    if occasion not in AgreementCheck.Occasion.values:
        raise ApplicationError("核验时点：应为竣工验收或年度复核", field="occasion")
    if year < supply.contract_date.year:
        raise ApplicationError(f"年度：不能早于出让年度 {supply.contract_date.year}", field="year")
    values: dict[str, Decimal] = {}
    for name, label in STANDARD_INDICATORS:
        number = _positive(actuals.get(name), name=name, label=f"实际{label}")
        values[name] = number if number is not None else Decimal(0)
    cent = Decimal("0.01")
    shortfalls = [{"indicator": name, "label": label, "agreed": str(Decimal(getattr(supply, name)).quantize(cent)),
                   "actual": str(values[name].quantize(cent))}
                  for name, label in STANDARD_INDICATORS if values[name] < getattr(supply, name)]
    with transaction.atomic():
        if AgreementCheck.objects.filter(supply=supply, occasion=occasion, year=year).exists():
            raise ApplicationError(f"{year}年的{AgreementCheck.Occasion(occasion).label}已核验", field="year",
                                   code="duplicate")
        check = AgreementCheck.objects.create(supply=supply, occasion=occasion, year=year, shortfalls=shortfalls,
                                              passed=not shortfalls, checked_at=clock.now(), checked_by=actor,
                                              **values)
        _log(supply.parcel, actor=actor, action="agreement",
             payload={"occasion": occasion, "year": year, "passed": not shortfalls,
                      "shortfalls": [s["indicator"] for s in shortfalls]})
        return check
