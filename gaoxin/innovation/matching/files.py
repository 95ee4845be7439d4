"""JSON Lines in and out for scripts: items with ``id``, ``title``, ``text``, ``field`` (and optionally
``readiness`` and ``amount``); errors name the line and the field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gaoxin.core.errors import ApplicationError
from gaoxin.innovation.matching.engine import Item, Matcher, Proposal


def read_items(path: Path) -> list[Item]:
    items: list[Item] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row: Any = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ApplicationError(f"{path.name} 第 {number} 行：不是 JSON（{exc.msg}）", field="file",
                                       code="jsonl_invalid") from None
            if not isinstance(row, dict):
                raise ApplicationError(f"{path.name} 第 {number} 行：应为 JSON 对象", field="file",
                                       code="jsonl_invalid")
            for key in ("id", "title", "text"):
                if not isinstance(row.get(key), str | int) or str(row.get(key)).strip() == "":
                    raise ApplicationError(f"{path.name} 第 {number} 行：缺少字段 {key}", field=key, code="required")
            item_id = str(row["id"])
            if item_id in seen:
                raise ApplicationError(f"{path.name} 第 {number} 行：id {item_id} 重复", field="id", code="duplicate")
            seen.add(item_id)
            readiness = row.get("readiness")
            amount = row.get("amount")
            items.append(Item(item_id, str(row["title"]), str(row["text"]), str(row.get("field") or ""),
                              int(readiness) if isinstance(readiness, int) else None,
                              float(amount) if isinstance(amount, int | float) else None))
    return items


def match_lines(demands: Iterable[Item], achievements: list[Item], *, top: int) -> Iterator[str]:
    matcher = Matcher(achievements)
    for demand in demands:
        proposals: list[Proposal] = matcher.match(demand, top=top)
        yield json.dumps({"id": demand.id, "matches": [
            {"id": p.id, "score": p.score, "terms": [t.lstrip("§") for t in p.terms]} for p in proposals]},
            ensure_ascii=False)
