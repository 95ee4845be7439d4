"""Writing the simulated cases: numbers, rows, the hash-chained events and the supervision notices, in batches
with the database cursor's ``executemany`` inside the caller's transaction.

What the rows and events contain comes from ``simulation.engine`` (the live transitions applied to the planned
steps); the events of a batch are the (case, slot) pairs of its cases' validated patterns in order, each hashed
with ``cases.audit.canonical_text`` — the canonical JSON the live services hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

from gaoxin.cases import notices
from gaoxin.cases.canonical import CANONICAL_TEMPLATE
from gaoxin.cases.models import Case, CaseEvent, CaseNumberCounter, SupervisionNotice
from gaoxin.cases.services import case_number_last_serials
from gaoxin.cases.transitions import json_value
from gaoxin.core import calendar, timetext
from gaoxin.simulation.engine import ACTION_INDEX, Replay
from gaoxin.simulation.indexes import IndexDefinition, indexes_deferred
from gaoxin.simulation.lifecycle import NSLOT, Intake, Lifecycle, S, pattern
from gaoxin.simulation.world import World

# One column of a batch of rows. (The writer takes its columns as ``list[Any]``: those named in ``times`` must be
# arrays, which a list of this union cannot say.)
Column = list[Any] | np.ndarray

BATCH = 20_000
# The writer thread needs the GIL twice per multi-row statement (to bind its values, and back after the
# statement ran); with CPython's default 5 ms switch interval it waits up to that long each time while this
# thread computes the next batch. 1 ms lets the two threads take turns more often during the load.
SWITCH_INTERVAL = 0.001

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


@dataclass
class Numbering:
    """The cases' numbers and ids, by intake row, and the order they are written in (report time)."""

    order: np.ndarray
    numbers: list[str]
    ids: np.ndarray
    counters: dict[str, int]


def number_cases(t_report: np.ndarray) -> Numbering:
    """Numbers continuing each day's counter, ids after the largest one in the table."""
    n = len(t_report)
    first_day = calendar.local_midnight(_date_of(int(t_report.min()))) if n else 0
    existing = {f"{d:%Y-%m-%d}": last for d, last in case_number_last_serials(_date_of(first_day)).items()}
    order, ordered_numbers, counters = case_numbers(t_report, existing)
    numbers = [""] * n
    for row, number in zip(order.tolist(), ordered_numbers, strict=True):
        numbers[row] = number
    base = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    ids = np.empty(n, dtype=np.int64)
    ids[order] = base + np.arange(n, dtype=np.int64)
    return Numbering(order=order, numbers=numbers, ids=ids, counters=counters)


class Writer:
    """Inserts on the connection's own cursor inside the caller's transaction: multi-row ``INSERT … VALUES``
    statements (SQLite) or ``COPY`` (PostgreSQL).

    The inserts run on a background thread, one batch behind: the database works on batch k (the drivers
    release the GIL while a statement runs) while the caller prepares batch k + 1. On SQLite each statement
    carries up to ``MULTI_ROW`` rows, so the thread takes the GIL once per few hundred rows (to bind their
    values) instead of once per row, and the caller's Python really runs beside the inserts. Moments are passed
    as Unix seconds (``-1`` for none) where the caller says so (``times``) and turned into the backend's
    datetime text by the database (``datetime(?, 'unixepoch')``, the UTC text Django stores on SQLite) or by
    ``timetext.db_datetimes`` for ``COPY``. Nothing else may use the connection until ``close``, which waits
    for the last batch and re-raises any error of the thread."""

    MULTI_ROW = 500  # rows per statement, at most (SQLite's limit of bound variables also caps it)

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection
        self.seconds: dict[str, float] = {}  # time spent in the inserts, per table
        self.rows: dict[str, int] = {}
        self._queue: queue.Queue[tuple[str, list[str], list[Any], frozenset[str]] | None] = queue.Queue(maxsize=2)
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

    def _execute(self, table: str, columns: list[str], values: list[Any], times: frozenset[str]) -> None:
        started = time.perf_counter()
        n = len(values[0])
        qn = connection.ops.quote_name
        names = ", ".join(qn(c) for c in columns)
        cursor = self.raw.cursor()
        try:
            if self.vendor == "postgresql":  # COPY: PostgreSQL's own bulk path, same rows, same constraints
                cols = [timetext.db_datetimes(v, self.vendor) if c in times else _listed(v) for c, v in
                        zip(columns, values, strict=True)]
                with cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                    for row in zip(*cols, strict=True):
                        copy.write_row(row)
            else:
                width = len(columns)
                flat: list[Any] = [None] * (n * width)
                for j, (column, value) in enumerate(zip(columns, values, strict=True)):
                    flat[j::width] = _none_if_negative(value) if column in times else _listed(value)
                one = "(" + ", ".join("datetime(?, 'unixepoch')" if c in times else "?" for c in columns) + ")"
                per = min(self.MULTI_ROW, self.raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width)
                full = n // per
                insert = f"INSERT INTO {qn(table)} ({names}) VALUES "  # noqa: S608 - names from model metadata
                if full:
                    step = per * width
                    cursor.executemany(insert + ", ".join([one] * per),
                                       [flat[i : i + step] for i in range(0, full * step, step)])
                if n > full * per:
                    cursor.execute(insert + ", ".join([one] * (n - full * per)), flat[full * per * width :])
        finally:
            cursor.close()
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started
        self.rows[table] = self.rows.get(table, 0) + n

    def insert(self, table: str, columns: list[str], values: list[Any], *, times: frozenset[str] = frozenset()) -> None:
        """Queue the rows given column by column (``values[j]`` is the list or array of ``columns[j]``);
        ``times`` names the columns given as Unix seconds."""
        if self._error is not None:
            self.close()
        if len(values[0]):
            self._queue.put((table, columns, values, times))

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def reset_sequences(self, models: list[type[Model]]) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _listed(value: Column) -> list[Any]:
    return value.tolist() if isinstance(value, np.ndarray) else value


WRITTEN_MODELS = [Case, CaseEvent, SupervisionNotice, CaseNumberCounter]
BULK_TABLES = [Case._meta.db_table, CaseEvent._meta.db_table, SupervisionNotice._meta.db_table]
CASE_COLUMNS = [f.column for f in Case._meta.concrete_fields]
EVENT_COLUMNS = [f.column for f in CaseEvent._meta.concrete_fields if f.column != "id"]


def deferred_tables() -> list[str]:
    """The tables whose secondary indexes are built after the load: SQLite only. On PostgreSQL ``DROP INDEX``
    would lock the case tables against every reader until the commit, for a gain of about a seventh of the
    load (measured at scale 0.3: 22 s instead of 26 s), so ``COPY`` maintains them as it goes."""
    return BULK_TABLES if connection.vendor == "sqlite" else []


def _defaults(model: type[Model], columns: list[str], given: frozenset[str], vendor: str) -> dict[str, object]:
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
    *, intake: Intake, life: Lifecycle, actors: Actors, world: World, rng: np.random.Generator, replay: Replay,
    numbering: Numbering, progress: Callable[[int], None] = lambda n: None,
    index_built: Callable[[IndexDefinition], None] = lambda d: None,
) -> WriteResult:
    """Write the cases, their events and the supervision notices in the caller's transaction. On SQLite the
    secondary indexes of the three tables are set aside for the load and built again at the end (``indexes``)."""
    with indexes_deferred(deferred_tables(), built=index_built):
        return _write_cases(intake=intake, life=life, actors=actors, world=world, rng=rng, replay=replay,
                            numbering=numbering, progress=progress)


@dataclass
class Events:
    """The events of a batch of cases, flat, in (case, seq) order; action and states also JSON-encoded, as the
    canonical JSON contains them."""

    offsets: np.ndarray  # (k + 1,) first event of each case of the batch
    row: np.ndarray  # position of the event's case in the batch
    case: np.ndarray  # intake row of the event's case
    slot: np.ndarray
    seq: np.ndarray
    action: list[str]
    action_index: np.ndarray  # the action's index in ``workflow.ACTIONS``
    from_state: list[str]
    to_state: list[str]
    action_json: list[str]
    from_json: list[str]
    to_json: list[str]


PIECES = ("action", "from", "to", "action_json", "from_json", "to_json")


def _events(rows_idx: np.ndarray, life: Lifecycle) -> Events:
    present = life.present[rows_idx]
    counts = present.sum(axis=1)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    total = int(offsets[-1])
    slot = np.empty(total, dtype=np.int64)
    row = np.repeat(np.arange(len(rows_idx)), counts)
    columns = {name: np.empty(total, dtype=object) for name in PIECES}
    action_index = np.empty(total, dtype=np.int64)
    uniq, inverse = np.unique(life.mask[rows_idx], return_inverse=True)
    for j, mask in enumerate(uniq.tolist()):
        pat = pattern(int(mask))
        pieces = _pattern_pieces(int(mask))
        rows = np.flatnonzero(inverse == j)
        pos = (offsets[rows][:, None] + np.arange(len(pat.slots))).ravel()
        slot[pos] = np.tile(pat.slots, len(rows))
        for name, values in pieces.items():
            columns[name][pos] = np.tile(values, len(rows))
        action_index[pos] = np.tile([ACTION_INDEX[a] for a in pat.actions], len(rows))
    assert np.array_equal(slot, np.nonzero(present)[1]), "pattern and present steps disagree"
    return Events(offsets=offsets, row=row, case=rows_idx[row], slot=slot, seq=np.arange(total) - offsets[row] + 1,
                  action=columns["action"].tolist(), action_index=action_index, from_state=columns["from"].tolist(),
                  to_state=columns["to"].tolist(), action_json=columns["action_json"].tolist(),
                  from_json=columns["from_json"].tolist(), to_json=columns["to_json"].tolist())


@cache
def _pattern_pieces(mask: int) -> dict[str, np.ndarray]:
    pat = pattern(mask)
    return {
        "action": np.array(pat.actions, dtype=object),
        "from": np.array(pat.from_states, dtype=object),
        "to": np.array(pat.to_states, dtype=object),
        "action_json": np.array([json_value(a) for a in pat.actions], dtype=object),
        "from_json": np.array([json_value(f) for f in pat.from_states], dtype=object),
        "to_json": np.array([json_value(t) for t in pat.to_states], dtype=object),
    }


def _chain(ev: Events, actor: list[int], at_utc: list[str], numbers: list[str], notes_json: list[str],
           payloads: list[str]) -> tuple[list[str], list[str]]:
    """(prev_hash, hash) of every event: SHA-256 of ``audit.CANONICAL_TEMPLATE`` filled (``at_utc`` and
    ``numbers`` already JSON strings), chained per case — the only sequential part."""
    sha = hashlib.sha256
    template = CANONICAL_TEMPLATE
    total = len(ev.seq)
    hashes: list[str] = [""] * total
    prevs: list[str] = [""] * total
    prev = ""
    for e, (a, at, number, action, from_state, to_state, note, payload, seq) in enumerate(zip(
            actor, at_utc, numbers, ev.action_json, ev.from_json, ev.to_json, notes_json, payloads, ev.seq.tolist(),
            strict=True)):
        if seq == 1:
            prev = ""
        prevs[e] = prev
        prev = sha((template % (action, a if a >= 0 else "null", at, number, from_state, note, payload,
                                '"' + prev + '"', seq, to_state)).encode()).hexdigest()
        hashes[e] = prev
    return prevs, hashes


def _write_cases(
    *, intake: Intake, life: Lifecycle, actors: Actors, world: World, rng: np.random.Generator, replay: Replay,
    numbering: Numbering, progress: Callable[[int], None],
) -> WriteResult:
    writer = Writer()
    vendor = writer.vendor
    n = len(intake)
    numbers, ids = numbering.numbers, numbering.ids
    quoted_numbers = [json_value(number) for number in numbers]
    heads = [""] * n

    # Notes: one random template per (case, slot) that needs one.
    note_index = rng.integers(0, 1 << 30, size=(n, NSLOT))
    events_total = 0
    defaults = _defaults(Case, CASE_COLUMNS, CASE_GIVEN, vendor)

    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        for start in range(0, n, BATCH):
            rows_idx = numbering.order[start : start + BATCH]  # write in number order
            ev = _events(rows_idx, life)
            ev_t = life.t[ev.case, ev.slot]
            ev_case = ev.case.tolist()
            ev_actor = actors.matrix[ev.case, ev.slot]
            payload = replay.payloads(ev.case, ev.slot, ev.action_index)
            notes_text, notes_json = _notes(ev.case, ev.slot, note_index)
            prevs, hashes = _chain(ev, ev_actor.tolist(), timetext.iso_utc_micro(ev_t, quoted=True),
                                   list(map(quoted_numbers.__getitem__, ev_case)), notes_json, payload)
            for r, e in zip(rows_idx.tolist(), (ev.offsets[1:] - 1).tolist(), strict=True):
                heads[r] = hashes[e]

            writer.insert(Case._meta.db_table, CASE_COLUMNS,
                          _case_values(rows_idx, intake, replay, ids, numbers, heads, defaults, vendor))
            event_values = {"case_id": ids[ev.case], "seq": ev.seq, "actor_id": _none_if_negative(ev_actor),
                            "at": ev_t, "action": ev.action, "from_state": ev.from_state, "to_state": ev.to_state,
                            "note": notes_text, "payload": payload, "prev_hash": prevs, "hash": hashes}
            writer.insert(CaseEvent._meta.db_table, EVENT_COLUMNS, [event_values[c] for c in EVENT_COLUMNS],
                          times=frozenset({"at"}))
            events_total += len(ev_case)
            progress(len(rows_idx))
        notices = _write_notices(writer, replay, ids, numbers, world)
    finally:
        writer.close()  # waits for the last batch (also when this thread failed)
        sys.setswitchinterval(switch_interval)
    writer.reset_sequences([Case])
    _write_counters(numbering.counters, vendor)
    return WriteResult(cases=n, events=events_total, notices=notices, numbers=numbers, ids=ids, heads=heads,
                       insert_seconds=writer.seconds, insert_rows=writer.rows)


def _date_of(unix_seconds: int) -> dt.date:
    return dt.datetime.fromtimestamp(unix_seconds, calendar.SHANGHAI).date()


def _write_counters(counters: dict[str, int], vendor: str) -> None:
    existing = set(CaseNumberCounter.objects.filter(
        day__in=[dt.date.fromisoformat(d) for d in counters]).values_list("day", flat=True))
    new: list[CaseNumberCounter] = []
    update: list[CaseNumberCounter] = []
    for day, last in counters.items():
        obj = CaseNumberCounter(day=dt.date.fromisoformat(day), last=last, base=None)
        (update if obj.day in existing else new).append(obj)
    CaseNumberCounter.objects.bulk_create(new, batch_size=1000)
    CaseNumberCounter.objects.bulk_update(update, ["last", "base"], batch_size=1000)


def _notes(ev_case: np.ndarray, ev_slot: np.ndarray, note_index: np.ndarray) -> tuple[list[str], list[str]]:
    text = [""] * len(ev_case)
    encoded = ['""'] * len(ev_case)
    for name, key in NOTE_SLOTS.items():
        options = NOTES[key]
        options_json = [json_value(o) for o in options]
        pos = np.flatnonzero(ev_slot == S[name])
        picks = (note_index[ev_case[pos], S[name]] % len(options)).tolist()
        for p, choice in zip(pos.tolist(), picks, strict=True):
            text[p] = options[choice]
            encoded[p] = options_json[choice]
    return text, encoded


CASE_GIVEN = frozenset({
    "id", "number", "channel", "category_id", "request_type_id", "description", "address", "lon", "lat",
    "micro_grid_id", "grid_id", "street_id", "center_id", "reporter_name", "reporter_phone", "reporter_user_id",
    "reported_by_id", "external_ref", "urgency", "state", "assignee_id", "merged_into_id", "reported_at",
    "registered_at", "first_dispatched_at", "dispatched_at", "accepted_at", "handled_at", "closed_at",
    "evaluated_at", "suspended_at", "clock_started_at", "deadline", "warn_at", "node", "node_deadline",
    "suspended_working_seconds", "is_overdue", "pending_extension_amount", "pending_suspension", "dispatch_count",
    "on_time_accept_count", "returned_count", "handled_count", "reworked_count", "extension_count",
    "suspension_count", "reopened_count", "closed_on_time", "handling_seconds", "satisfaction", "version",
    "event_count", "audit_head", "is_synthetic"})
CASE_TIMES = frozenset({
    "reported_at", "registered_at", "first_dispatched_at", "dispatched_at", "accepted_at", "handled_at",
    "closed_at", "evaluated_at", "suspended_at", "clock_started_at", "deadline", "warn_at", "node_deadline"})


def _none_if_negative(values: np.ndarray) -> list[Any]:
    out = values.astype(object)
    out[values < 0] = None
    listed: list[Any] = out.tolist()  # numpy types tolist() as Any
    return listed


def _case_values(rows_idx: np.ndarray, intake: Intake, replay: Replay, ids: np.ndarray, numbers: list[str],
                 heads: list[str], defaults: dict[str, object], vendor: str) -> list[Column]:
    """The case rows of a batch column by column, in ``CASE_COLUMNS`` order: the intake's fields, and every field
    the steps set as ``replay`` left it. The thirteen moments of a case are formatted here
    (``timetext.db_datetimes``) rather than by the database: this thread has time to spare while the writer thread
    is the busier one."""
    f = replay.fields
    r = rows_idx
    r_list = r.tolist()
    k = len(r)

    def opt(values: np.ndarray) -> list[Any]:
        return _none_if_negative(values[r])

    def pick(values: list[Any]) -> list[Any]:
        return list(map(values.__getitem__, r_list))

    def coords(values: np.ndarray) -> list[Any]:
        v = values[r]
        out = v.astype(object)
        out[np.isnan(v)] = None
        listed: list[Any] = out.tolist()  # numpy types tolist() as Any
        return listed

    closed_on_time = f["closed_on_time"][r]
    decided = closed_on_time.astype(bool).astype(object)
    decided[closed_on_time < 0] = None  # open cases: not decided yet
    values: dict[str, Column] = {
        "id": ids[r],
        "number": pick(numbers),
        "channel": intake.channel[r],
        "request_type_id": opt(intake.request_type),
        "description": pick(intake.description),
        "address": pick(intake.address),
        "lon": coords(intake.lon),
        "lat": coords(intake.lat),
        "micro_grid_id": opt(intake.micro),
        "grid_id": opt(intake.grid),
        "street_id": opt(intake.street),
        "reporter_name": pick(intake.reporter_name),
        "reporter_phone": pick(intake.reporter_phone),
        "reporter_user_id": opt(intake.reporter_user),
        "reported_by_id": intake.reporter_actor[r],
        "external_ref": pick(intake.external_ref),
        "closed_on_time": decided.tolist(),
        "audit_head": pick(heads),
        "is_synthetic": [True] * k,
    }
    for column in ("assignee_id", "merged_into_id", "pending_extension_amount", "handling_seconds"):
        values[column] = opt(f[column])
    for column in CASE_COLUMNS:
        if column not in values and column in f:
            values[column] = f[column][r]
    for column, value in defaults.items():
        values[column] = [value] * k
    for column in CASE_TIMES:
        values[column] = timetext.db_datetimes(np.asarray(values[column]), vendor)
    missing = set(CASE_COLUMNS) - set(values)
    assert not missing, f"no value for the case columns {sorted(missing)}"
    return [values[col] for col in CASE_COLUMNS]


def _write_notices(writer: Writer, replay: Replay, ids: np.ndarray, numbers: list[str], world: World) -> int:
    """督办 notices the five-minute supervision task raised (``engine``), worded as ``cases.notices`` words them."""
    found = replay.notices
    k = len(found["case"])
    if not k:
        return 0
    rows = found["case"]
    superiors = [world.units[u].parent_id for u in found["unit"].tolist()]
    messages = [notices.notice_message(numbers[i], node, due) for i, node, due in zip(
        rows.tolist(), found["node"].tolist(), timetext.minute_texts(found["deadline"]), strict=True)]
    columns = ["case_id", "node", "unit_id", "superior_unit_id", "deadline", "created_at", "message",
               "acknowledged_at"]
    writer.insert(SupervisionNotice._meta.db_table, columns, [
        ids[rows], found["node"].tolist(), found["unit"], superiors, found["deadline"], found["created_at"],
        messages, [None] * k], times=frozenset({"deadline", "created_at"}))
    return k
