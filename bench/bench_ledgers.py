"""Ledger benchmark (issue 20): validate and commit a 50,000-row Excel upload of one ledger, and recompute every
ledger figure of a year.

    .venv/bin/python bench/bench_ledgers.py [--rows 50000]

A throw-away SQLite database in a temporary directory (GAOXIN_DATA_DIR); after ``migrate``, the synthetic zone
and the shipped ledgers (not timed) it measures:

- template: the Excel template generated from the definition of 基层党组织集中学习台账 (monthly, 6 streets);
- preview: every row of the filled upload (``--rows`` rows written with openpyxl) checked against the definition,
  nothing written;
- commit: the same file checked again and written in one transaction — each row a submitted entry with its two
  hash-chained events, through the services;
- figures: every indicator over a ledger (``indicators.ledger_catalog``) computed for the year through the
  registry, as the year-end report does, after the entries were approved.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def setup_django(data_dir: str) -> None:
    os.environ["GAOXIN_DATA_DIR"] = data_dir
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gaoxin.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def upload_bytes(rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("基层党组织集中学习台账")
    ws.append(["填报单位*", "统计期*", "集中学习次数（次）*", "参学党员人次（人次）"])
    for i in range(rows):
        ws.append(["石佛办事处", f"2023-{i % 12 + 1:02d}", i % 7 + 1, (i % 7 + 1) * 30])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="gx-ledger-bench-")
    try:
        setup_django(data_dir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from gaoxin.accounts import services as account_services
        from gaoxin.accounts.models import OrgUnit
        from gaoxin.accounts.roles import Role
        from gaoxin.accounts.synthetic import synthetic_org_ensure
        from gaoxin.indicators.computations import Context, compute
        from gaoxin.indicators.figures import system_actor
        from gaoxin.indicators.ledger_catalog import LEDGER_COMPUTED
        from gaoxin.ledgers.excel import ledger_import_commit, ledger_import_preview, ledger_template
        from gaoxin.ledgers.models import Ledger, LedgerEntry
        from gaoxin.ledgers.shipped import ledgers_load

        synthetic_org_ensure()
        ledgers_load()
        filler = account_services.user_create(username="bench_filler", password="Bench-2023-ledger!",
                                              role=Role.DATA_OFFICER, org_unit=OrgUnit.objects.get(code="GX-S01"),
                                              validate=False)
        ledger = Ledger.objects.get(code="party_study")
        t = time.perf_counter()
        ledger_template(ledger=ledger)
        print(f"template   {time.perf_counter() - t:7.2f} s")
        body = upload_bytes(args.rows)
        t = time.perf_counter()
        preview = ledger_import_preview(actor=filler, ledger=ledger, file=body)
        took = time.perf_counter() - t
        assert preview.ok, preview.bad_rows[:3]
        print(f"preview    {took:7.2f} s  {args.rows / took:9.0f} rows/s  ({args.rows} rows, {len(body)} bytes)")
        t = time.perf_counter()
        result = ledger_import_commit(actor=filler, ledger=ledger, file=body)
        took = time.perf_counter() - t
        print(f"commit     {took:7.2f} s  {args.rows / took:9.0f} rows/s  ({result.created})")
        LedgerEntry.objects.filter(ledger=ledger).update(state="approved")  # not timed: approval is per entry
        t = time.perf_counter()
        ctx = Context(actor=system_actor(), year=2023)
        values = {ref: compute(ctx, name, params).value for ref, (name, params) in LEDGER_COMPUTED.items()}
        print(f"figures    {time.perf_counter() - t:7.2f} s  ({len(values)} figures; F101 = {values['F101']})")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
