"""Writing the simulated cases: numbers, rows, the hash-chained events and the supervision notices, in batches
with the database cursor's ``executemany`` inside the caller's transaction.

The events of a batch are the (case, slot) pairs of its cases' validated patterns in order; each event's hash
is ``audit.canonical``'s SHA-256 — the canonical JSON is produced here with the same keys, order and
separators (``records_check`` in the tests re-hashes them with ``audit.event_hash``)."""

from __future__ import annotations

import hashlib
import json
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from gaoxin.cases.models import Case, CaseEvent, CaseNumberCounter, SupervisionNotice
from gaoxin.simulation import timeline as tl
from gaoxin.simulation.lifecycle import NSLOT, CategoryTable, Intake, Lifecycle, S, pattern
from gaoxin.simulation.world import World

BATCH = 20_000

NOTES = {
    "reject": ["不属于城市管理受理范围", "反映内容不清，无法核实", "已由其他渠道办理", "非本辖区事项"],
    "return": ["非本单位职责，请重新派遣", "该点位不在本单位管辖范围", "事项属于其他部门职责"],
    "request_extension": ["需协调相关单位现场处置，申请延期", "涉及施工作业，需延期办理", "等待物资到位"],
    "request_suspension": ["涉及规划调整，短期内无法解决", "需纳入年度改造计划统一实施",
                           "历史遗留问题，需专题研究"],
    "feedback": ["已现场处置完毕", "已清理完毕，恢复原状", "已责令整改，现场已规范", "已维修完成",
                 "已答复诉求人并办理完毕", "已协调相关单位处理完毕"],
    "feedback_rework": ["已按核查意见重新处置", "已返工整改完毕"],
    "verify_fail": ["现场未整改到位", "问题仍然存在", "处置不彻底，需返工"],
}
NOTE_SLOTS = {"reject": "reject", "return": "return", "request_extension": "request_extension",
              "request_suspension": "request_suspension", "feedback": "feedback",
              "feedback_rework": "feedback_rework", "verify_fail": "verify_fail"}


@dataclass
class Actors:
    """The acting account of every (case, slot), user ids; -1 where the slot is unused."""

    matrix: np.ndarray  # (n, NSLOT)


def _pick(rng: np.random.Generator, keys: np.ndarray, pools: Callable[[int], list[int]]) -> np.ndarray:
    out = np.full(len(keys), -1, dtype=np.int64)
    for key in np.unique(keys):
        if key < 0:
            continue
        rows = np.flatnonzero(keys == key)
        pool = np.asarray(pools(int(key)), dtype=np.int64)
        out[rows] = pool[rng.integers(len(pool), size=len(rows))]
    return out


def actors_assign(rng: np.random.Generator, intake: Intake, life: Lifecycle, world: World) -> Actors:
    n = len(intake)
    m = np.full((n, NSLOT), -1, dtype=np.int64)
    staff = world.center_staff
    operator = _pick(rng, life.center, lambda c: staff[c]["operator"])
    dispatcher = _pick(rng, life.center, lambda c: staff[c]["dispatcher"])
    shift_lead = _pick(rng, life.center, lambda c: staff[c].get("shift_lead") or staff[c]["dispatcher"])
    handler = _pick(rng, life.assignee, world.handler_pool)
    wrong_handler = _pick(rng, life.assignee_wrong, world.handler_pool)
    worker = np.array([(world.micro.get(int(k), (0, 0, None))[2] or -1) for k in intake.micro.tolist()],
                      dtype=np.int64)
    field_check = (worker >= 0) & np.isin(intake.channel, ["grid_worker", "city_inspector"])
    verifier = np.where(field_check, worker, operator)
    m[:, S["report"]] = intake.reporter_actor
    for name in ("reject", "merge_reported", "register", "merge_registered"):
        m[:, S[name]] = operator
    for name in ("dispatch_wrong", "dispatch"):
        m[:, S[name]] = dispatcher
    for name in ("decide_extension", "decide_suspension"):
        m[:, S[name]] = shift_lead
    for name in ("accept_wrong", "return"):
        m[:, S[name]] = wrong_handler
    for name in ("accept", "request_extension", "request_suspension", "resume", "feedback", "accept_rework",
                 "feedback_rework"):
        m[:, S[name]] = handler
    m[:, S["verify_fail"]] = verifier
    m[:, S["verify_pass"]] = verifier
    m[:, S["evaluate"]] = np.where(intake.reporter_user >= 0, intake.reporter_user, operator)
    m[~life.present] = -1
    return Actors(m)


def case_numbers(t_report: np.ndarray, existing: dict[str, int]) -> tuple[np.ndarray, list[str], dict[str, int]]:
    """Order of the cases by report time, their numbers (day + per-day sequence, continuing any counter of
    that day) and the counters' new last values."""
    order = np.argsort(t_report, kind="stable")
    days = np.datetime_as_string(((t_report[order] + 8 * 3600) // 86400).astype("datetime64[D]"))
    numbers: list[str] = []
    last: dict[str, int] = {}
    for day in days.tolist():
        compact = day.replace("-", "")
        seq = last.get(day, existing.get(day, 0)) + 1
        last[day] = seq
        numbers.append(f"{compact}{seq:06d}")
    return order, numbers, last


def _json(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class Writer:
    """Raw ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) on the connection's own cursor, inside the caller's
    transaction.

    The inserts run on a background thread, one batch behind: the database works on batch k (the drivers
    release the GIL while the statement runs) while the caller prepares batch k + 1. Nothing else may use the
    connection until ``close``, which waits for the last batch and re-raises any error of the thread."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection
        self.mark = "?" if self.vendor == "sqlite" else "%s"
        self.seconds: dict[str, float] = {}  # time spent in executemany, per table
        self.rows: dict[str, int] = {}
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="simulation-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is None:
                try:
                    self._execute(*item)
                except BaseException as exc:  # re-raised by close()
                    self._error = exc

    def _execute(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        started = time.perf_counter()
        qn = connection.ops.quote_name
        names = ", ".join(qn(c) for c in columns)
        marks = ", ".join([self.mark] * len(columns))
        cursor = self.raw.cursor()
        try:
            if self.vendor == "postgresql":  # COPY: PostgreSQL's own bulk path, same rows, same constraints
                with cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})"  # noqa: S608 - names from model metadata
                cursor.executemany(sql, rows)
        finally:
            cursor.close()
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started
        self.rows[table] = self.rows.get(table, 0) + len(rows)

    def insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if self._error is not None:
            self.close()
        if rows:
            self._queue.put((table, columns, rows))

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def reset_sequences(self, models: list) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


WRITTEN_MODELS = [Case, CaseEvent, SupervisionNotice, CaseNumberCounter]
CASE_COLUMNS = [f.column for f in Case._meta.concrete_fields]
EVENT_COLUMNS = [f.column for f in CaseEvent._meta.concrete_fields if f.column != "id"]


def _defaults(model, columns: list[str], given: set[str], vendor: str) -> dict[str, object]:
    """Database values of the model defaults for columns the simulation does not set (fields added later)."""
    out = {}
    for f in model._meta.concrete_fields:
        if f.column in columns and f.column not in given:
            out[f.column] = f.get_db_prep_save(f.get_default(), connection)
    return out


@dataclass
class WriteResult:
    cases: int
    events: int
    notices: int
    numbers: list[str]  # by intake row
    ids: np.ndarray  # case id by intake row
    heads: list[str]  # audit head by intake row
    insert_seconds: dict[str, float]
    insert_rows: dict[str, int]


def write_cases(
    *, intake: Intake, life: Lifecycle, actors: Actors, world: World, cats: CategoryTable, rng: np.random.Generator,
    year_end: int, progress: Callable[[int], None] = lambda n: None,
) -> WriteResult:
    writer = Writer()
    vendor = writer.vendor
    n = len(intake)
    first_day = tl.local_midnight(_date_of(int(intake.t_report.min()))) if n else 0
    existing = {
        f"{d:%Y-%m-%d}": last
        for d, last in CaseNumberCounter.objects.filter(day__gte=_date_of(first_day)).values_list("day", "last")
    }
    order, ordered_numbers, counters = case_numbers(intake.t_report, existing)
    numbers = [""] * n
    for row, number in zip(order.tolist(), ordered_numbers, strict=True):
        numbers[row] = number
    base = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    ids = np.empty(n, dtype=np.int64)
    ids[order] = base + np.arange(n, dtype=np.int64)
    heads = [""] * n
    unit_code = {pk: u.code for pk, u in world.units.items()}

    # Notes: one random template per (case, slot) that needs one.
    note_index = rng.integers(0, 1 << 30, size=(n, NSLOT))
    events_total = 0
    notices = 0
    given = {"id", "number", "channel", "category_id", "request_type_id", "description", "address", "lon", "lat",
             "micro_grid_id", "grid_id", "street_id", "center_id", "reporter_name", "reporter_phone",
             "reporter_user_id", "reported_by_id", "external_ref", "urgency", "state", "assignee_id",
             "merged_into_id", "reported_at", "registered_at", "first_dispatched_at", "dispatched_at", "accepted_at",
             "handled_at", "closed_at", "evaluated_at", "suspended_at", "clock_started_at", "deadline", "warn_at",
             "node", "node_deadline", "suspended_working_seconds", "is_overdue", "pending_extension_amount",
             "pending_suspension", "dispatch_count", "on_time_accept_count", "returned_count", "handled_count",
             "reworked_count", "extension_count", "suspension_count", "reopened_count", "closed_on_time",
             "handling_seconds", "satisfaction", "version", "event_count", "audit_head", "is_synthetic"}
    defaults = _defaults(Case, CASE_COLUMNS, given, vendor)
    master_number = [numbers[m] if m >= 0 else "" for m in intake.master.tolist()]

    try:
        for start in range(0, n, BATCH):
            rows_idx = order[start : start + BATCH]  # write in number order
            k = len(rows_idx)
            present = life.present[rows_idx]
            t = life.t[rows_idx]
            masks = life.mask[rows_idx]
            # Flat events from the validated patterns.
            counts = present.sum(axis=1)
            offsets = np.concatenate(([0], np.cumsum(counts)))
            total = int(offsets[-1])
            ev_slot = np.empty(total, dtype=np.int64)
            ev_row = np.repeat(np.arange(k), counts)
            ev_action = np.empty(total, dtype=object)
            ev_from = np.empty(total, dtype=object)
            ev_to = np.empty(total, dtype=object)
            uniq, inverse = np.unique(masks, return_inverse=True)
            for j, mask in enumerate(uniq.tolist()):
                pat = pattern(int(mask))
                rows = np.flatnonzero(inverse == j)
                pos = (offsets[rows][:, None] + np.arange(len(pat.slots))).ravel()
                reps = len(rows)
                ev_slot[pos] = np.tile(pat.slots, reps)
                ev_action[pos] = np.tile(np.array(pat.actions, dtype=object), reps)
                ev_from[pos] = np.tile(np.array(pat.from_states, dtype=object), reps)
                ev_to[pos] = np.tile(np.array(pat.to_states, dtype=object), reps)
            assert np.array_equal(ev_slot, np.nonzero(present)[1]), "pattern and present steps disagree"
            ev_seq = np.arange(total) - offsets[ev_row] + 1
            ev_t = t[ev_row, ev_slot]
            ev_case = rows_idx[ev_row]
            at_iso = tl.iso_utc_micro(ev_t)
            at_db = tl.db_datetimes(ev_t, vendor)
            ev_actor = actors.matrix[ev_case, ev_slot]
            payload = _payloads(ev_case, ev_slot, intake, life, cats, unit_code, master_number)
            notes_text, notes_json = _notes(ev_case, ev_slot, note_index)

            # The hash chain (the only sequential part).
            sha = hashlib.sha256
            case_numbers_flat = [numbers[i] for i in ev_case.tolist()]
            hashes: list[str] = [""] * total
            prevs: list[str] = [""] * total
            prev = ""
            actor_list = ev_actor.tolist()
            seq_list = ev_seq.tolist()
            actions, froms, tos = ev_action.tolist(), ev_from.tolist(), ev_to.tolist()
            for e in range(total):
                seq = seq_list[e]
                if seq == 1:
                    prev = ""
                actor = actor_list[e]
                content = (
                    f'{{"action":"{actions[e]}","actor":{actor if actor >= 0 else "null"},"at":"{at_iso[e]}",'
                    f'"case":"{case_numbers_flat[e]}","from":"{froms[e]}","note":{notes_json[e]},'
                    f'"payload":{payload[e]},"prev":"{prev}","seq":{seq},"to":"{tos[e]}"}}'
                )
                prevs[e] = prev
                prev = sha(content.encode()).hexdigest()
                hashes[e] = prev
            last_event = offsets[1:] - 1
            for r, e in zip(rows_idx.tolist(), last_event.tolist(), strict=True):
                heads[r] = hashes[e]

            case_rows = _case_rows(rows_idx, intake, life, ids, numbers, heads, defaults, vendor, unit_code)
            writer.insert(Case._meta.db_table, CASE_COLUMNS, case_rows)
            event_ids = ids[ev_case].tolist()
            writer.insert(CaseEvent._meta.db_table, EVENT_COLUMNS, list(zip(
                event_ids, seq_list, [a if a >= 0 else None for a in actor_list], at_db, actions, froms, tos,
                notes_text, payload, prevs, hashes, strict=True)))
            notices += _write_notices(writer, rows_idx, intake, life, ids, numbers, world, vendor)
            events_total += total
            progress(k)
    finally:
        writer.close()  # waits for the last batch (also when this thread failed)
    writer.reset_sequences([Case])
    _write_counters(counters, vendor)
    return WriteResult(cases=n, events=events_total, notices=notices, numbers=numbers, ids=ids, heads=heads,
                       insert_seconds=writer.seconds, insert_rows=writer.rows)


def _date_of(unix_seconds: int):
    import datetime as dt

    return dt.datetime.fromtimestamp(unix_seconds, tl.SHANGHAI).date()


def _write_counters(counters: dict[str, int], vendor: str) -> None:
    import datetime as dt

    existing = set(CaseNumberCounter.objects.filter(
        day__in=[dt.date.fromisoformat(d) for d in counters]).values_list("day", flat=True))
    new: list[CaseNumberCounter] = []
    update: list[CaseNumberCounter] = []
    for day, last in counters.items():
        obj = CaseNumberCounter(day=dt.date.fromisoformat(day), last=last)
        (update if obj.day in existing else new).append(obj)
    CaseNumberCounter.objects.bulk_create(new, batch_size=1000)
    CaseNumberCounter.objects.bulk_update(update, ["last"], batch_size=1000)


def _notes(ev_case: np.ndarray, ev_slot: np.ndarray, note_index: np.ndarray) -> tuple[list[str], list[str]]:
    text = [""] * len(ev_case)
    encoded = ['""'] * len(ev_case)
    for name, key in NOTE_SLOTS.items():
        options = NOTES[key]
        options_json = [_json(o) for o in options]
        pos = np.flatnonzero(ev_slot == S[name])
        picks = (note_index[ev_case[pos], S[name]] % len(options)).tolist()
        for p, choice in zip(pos.tolist(), picks, strict=True):
            text[p] = options[choice]
            encoded[p] = options_json[choice]
    return text, encoded


def _b(value: bool) -> str:
    return "true" if value else "false"


def _payloads(ev_case: np.ndarray, ev_slot: np.ndarray, intake: Intake, life: Lifecycle, cats: CategoryTable,
              unit_code: dict[int, str], master_number: list[str]) -> list[str]:
    """The payload JSON of every event, exactly as ``json.dumps(..., sort_keys=True, separators=(",", ":"))``
    renders what the services put there."""
    out = ["{}"] * len(ev_case)
    c = life.cols

    def rows(name: str) -> tuple[list[int], np.ndarray]:
        pos = np.flatnonzero(ev_slot == S[name])
        return pos.tolist(), ev_case[pos]

    def iso(values: np.ndarray) -> list[str]:
        return tl.iso_shanghai(values)

    pos, cs = rows("report")
    for p, i in zip(pos, cs.tolist(), strict=True):
        out[p] = (f'{{"category":"{cats.code[int(intake.category[i])]}","center":"{unit_code[int(life.center[i])]}",'
                  f'"channel":"{intake.channel[i]}","urgency":"{intake.urgency[i]}"}}')
    for name in ("merge_reported", "merge_registered"):
        pos, cs = rows(name)
        for p, i in zip(pos, cs.tolist(), strict=True):
            out[p] = f'{{"into":"{master_number[i]}"}}'
    pos, cs = rows("register")
    for p, i, d in zip(pos, cs.tolist(), iso(c["register.deadline"][cs]), strict=True):
        code = cats.code[int(intake.category[i])]
        out[p] = f'{{"category":"{code}","deadline":"{d}","urgency":"{intake.urgency[i]}"}}'
    for name, unit in (("dispatch_wrong", life.assignee_wrong), ("dispatch", life.assignee)):
        pos, cs = rows(name)
        for p, u, d in zip(pos, unit[cs].tolist(), iso(c[f"{name}.node_deadline"][cs]), strict=True):
            out[p] = f'{{"assignee":"{unit_code[u]}","node_deadline":"{d}"}}'
    for name in ("accept_wrong", "accept", "accept_rework"):
        pos, cs = rows(name)
        for p, d, ok in zip(pos, iso(c[f"{name}.node_deadline"][cs]), c[f"{name}.on_time"][cs].tolist(), strict=True):
            out[p] = f'{{"node_deadline":"{d}","on_time":{_b(ok)}}}'
    pos, cs = rows("return")
    for p, u in zip(pos, life.assignee_wrong[cs].tolist(), strict=True):
        out[p] = f'{{"from_unit":"{unit_code[u]}"}}'
    pos, cs = rows("request_extension")
    for p, i in zip(pos, cs.tolist(), strict=True):
        unit_name = "day" if cats.is_day[intake.category[i]] else "hour"
        out[p] = f'{{"amount":{int(life.ext_amount[i])},"unit":"{unit_name}"}}'
    pos, cs = rows("decide_extension")
    for p, i, d in zip(pos, cs.tolist(), iso(c["decide_extension.deadline"][cs]), strict=True):
        amount = int(life.ext_amount[i])
        out[p] = (f'{{"amount":{amount},"approved":true,"deadline":"{d}"}}' if life.ext_approved[i]
                  else f'{{"amount":{amount},"approved":false}}')
    pos, cs = rows("decide_suspension")
    for p, i in zip(pos, cs.tolist(), strict=True):
        out[p] = f'{{"approved":{_b(bool(life.susp_approved[i]))}}}'
    pos, cs = rows("resume")
    for p, d, s in zip(pos, iso(c["resume.deadline"][cs]), c["resume.stopped"][cs].tolist(), strict=True):
        out[p] = f'{{"deadline":"{d}","stopped_seconds":{s}}}'
    for name in ("feedback", "feedback_rework"):
        pos, cs = rows(name)
        for p, d in zip(pos, iso(c[f"{name}.node_deadline"][cs]), strict=True):
            out[p] = f'{{"node_deadline":"{d}"}}'
    pos, cs = rows("verify_fail")
    for p in pos:
        out[p] = '{"passed":false}'
    pos, cs = rows("verify_pass")
    for p, ok in zip(pos, c["closed_on_time"][cs].tolist(), strict=True):
        out[p] = f'{{"on_time":{_b(ok)},"passed":true}}'
    pos, cs = rows("evaluate")
    for p, s in zip(pos, life.satisfaction[cs].tolist(), strict=True):
        out[p] = f'{{"satisfaction":"{s}"}}'
    return out


def _case_rows(rows_idx: np.ndarray, intake: Intake, life: Lifecycle, ids: np.ndarray, numbers: list[str],
               heads: list[str], defaults: dict[str, object], vendor: str, unit_code: dict[int, str]) -> list[tuple]:
    c = life.cols
    r = rows_idx

    def opt(values: np.ndarray) -> list:
        return [None if v < 0 else v for v in values[r].tolist()]

    def dts(values: np.ndarray) -> list:
        return tl.db_datetimes(values[r], vendor)

    last = np.where(life.present[r], np.arange(NSLOT), -1).max(axis=1)
    final_state = [_final_state(s, m) for s, m in zip(last.tolist(), life.mask[r].tolist(), strict=True)]
    lon = [None if np.isnan(v) else v for v in intake.lon[r].tolist()]
    lat = [None if np.isnan(v) else v for v in intake.lat[r].tolist()]
    closed = life.present[r, S["verify_pass"]]
    registered = life.present[r, S["register"]]
    pending_ext = c["pending_extension"][r]
    merged_into: list[int | None] = [None] * len(r)
    master = intake.master[r]
    merged = life.present[r, S["merge_reported"]] | life.present[r, S["merge_registered"]]
    for j in np.flatnonzero(merged & (master >= 0)).tolist():
        merged_into[j] = int(ids[master[j]])
    values: dict[str, list] = {
        "id": ids[r].tolist(),
        "number": [numbers[i] for i in r.tolist()],
        "channel": intake.channel[r].tolist(),
        "category_id": intake.category[r].tolist(),
        "request_type_id": opt(intake.request_type),
        "description": [intake.description[i] for i in r.tolist()],
        "address": [intake.address[i] for i in r.tolist()],
        "lon": lon,
        "lat": lat,
        "micro_grid_id": opt(intake.micro),
        "grid_id": opt(intake.grid),
        "street_id": opt(intake.street),
        "center_id": life.center[r].tolist(),
        "reporter_name": [intake.reporter_name[i] for i in r.tolist()],
        "reporter_phone": [intake.reporter_phone[i] for i in r.tolist()],
        "reporter_user_id": opt(intake.reporter_user),
        "reported_by_id": intake.reporter_actor[r].tolist(),
        "external_ref": [intake.external_ref[i] for i in r.tolist()],
        "urgency": intake.urgency[r].tolist(),
        "state": final_state,
        "assignee_id": opt(c["assignee"]),
        "merged_into_id": merged_into,
        "reported_at": dts(intake.t_report),
        "registered_at": dts(life.t[:, S["register"]]),
        "first_dispatched_at": dts(c["first_dispatched_at"]),
        "dispatched_at": dts(c["dispatched_at"]),
        "accepted_at": dts(c["accepted_at"]),
        "handled_at": dts(c["handled_at"]),
        "closed_at": dts(c["closed_at"]),
        "evaluated_at": dts(c["evaluated_at"]),
        "suspended_at": dts(c["suspended_at"]),
        "clock_started_at": dts(life.t[:, S["register"]]),
        "deadline": dts(c["deadline"]),
        "warn_at": dts(c["warn_at"]),
        "node": c["node"][r].tolist(),
        "node_deadline": dts(c["node_deadline"]),
        "suspended_working_seconds": c["suspended_working_seconds"][r].tolist(),
        "is_overdue": c["is_overdue"][r].tolist(),
        "pending_extension_amount": [int(a) if p else None
                                     for a, p in zip(life.ext_amount[r].tolist(), pending_ext.tolist(), strict=True)],
        "pending_suspension": c["pending_suspension"][r].tolist(),
        "dispatch_count": c["dispatch_count"][r].tolist(),
        "on_time_accept_count": c["on_time_accept_count"][r].tolist(),
        "returned_count": c["returned_count"][r].tolist(),
        "handled_count": c["handled_count"][r].tolist(),
        "reworked_count": c["reworked_count"][r].tolist(),
        "extension_count": c["extension_count"][r].tolist(),
        "suspension_count": c["suspension_count"][r].tolist(),
        "reopened_count": [0] * len(r),
        "closed_on_time": [bool(v) if cl else None
                           for v, cl in zip(c["closed_on_time"][r].tolist(), closed.tolist(), strict=True)],
        "handling_seconds": opt(c["handling_seconds"]),
        "satisfaction": life.satisfaction[r].tolist(),
        "version": c["event_count"][r].tolist(),
        "event_count": c["event_count"][r].tolist(),
        "audit_head": [heads[i] for i in r.tolist()],
        "is_synthetic": [True] * len(r),
    }
    del registered
    for column, value in defaults.items():
        values[column] = [value] * len(r)
    return list(zip(*(values[col] for col in CASE_COLUMNS), strict=True))


def _final_state(last_slot: int, mask: int) -> str:
    pat = pattern(mask)
    return pat.to_states[-1]


def _write_notices(writer: Writer, rows_idx: np.ndarray, intake: Intake, life: Lifecycle, ids: np.ndarray,
                   numbers: list[str], world: World, vendor: str) -> int:
    """督办 notices (node ``case``) the five-minute supervision task raised for the overdue cases."""
    c = life.cols
    rows = rows_idx[c["is_overdue"][rows_idx]]
    if not len(rows):
        return 0
    created = tl.db_datetimes(c["supervision_at"][rows], vendor)
    deadlines = c["deadline"][rows]
    deadline_db = tl.db_datetimes(deadlines, vendor)
    local = np.datetime_as_string((deadlines + 8 * 3600).astype("datetime64[m]")).tolist()
    out = []
    for j, i in enumerate(rows.tolist()):
        assignee = int(c["assignee"][i])
        unit = world.units[assignee if assignee >= 0 else int(life.center[i])]
        due = local[j].replace("T", " ")
        out.append((int(ids[i]), SupervisionNotice.Node.CASE.value, unit.pk, unit.parent_id, deadline_db[j],
                    created[j], f"案件 {numbers[i]} 办结已超期（期限 {due}）", None))
    columns = ["case_id", "node", "unit_id", "superior_unit_id", "deadline", "created_at", "message",
               "acknowledged_at"]
    writer.insert(SupervisionNotice._meta.db_table, columns, out)
    return len(out)
