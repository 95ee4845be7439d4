"""CSV written safely and as a stream: every cell that a spreadsheet would run as a formula (starting with
``= + - @``, a tab or a carriage return, or their full-width forms) is neutralised with a leading single quote
(OWASP's rule against CSV injection, the same triggers as the Excel writer's ``core.ledger.write``); the file
starts with a byte-order mark so that Excel opens UTF-8 as such; rows are encoded a chunk at a time, so a large
export never sits whole in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from gaoxin.core.ledger.write import is_formula_like

BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text a spreadsheet would run as a formula gets a leading ``'``."""
    return "'" + value if is_formula_like(value) else value


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk_rows: int = 1000) -> Iterator[str]:
    """The CSV text — BOM, header line, rows — in chunks of ``chunk_rows`` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([safe_cell(h) for h in headers])
    pending = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    text = buffer.getvalue()
    if text:
        yield text
