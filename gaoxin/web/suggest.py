"""Category suggestion from a report's text (受理员 registers faster when the likely 小类 is offered first).

A small, explainable scorer, no model files:

1. Text is normalised (letters, digits and CJK characters kept, lower-cased) and cut into character bigrams
   and trigrams — Chinese has no spaces, and 2–3 character n-grams are the usual unit for short complaint
   texts (占道 / 道经营 / 井盖 …).
2. Each assignable category has two profiles: its **name** (and its 大类's name) and its **history**, the
   descriptions of the latest registered cases of that category (at most ``HISTORY_PER_CATEGORY`` each, from
   the latest ``HISTORY_CASES`` registered cases — the category on a registered case is the operator's
   confirmed choice, so corrections teach the scorer).
3. Rarer n-grams weigh more: ``idf(g) = ln((1 + C) / (1 + c_g)) + 1`` with C categories, c_g of which contain g.
4. ``score(category) = Σ_g idf(g) · (3·[g in name] + 1·[g in parent name] + 2·share_g)`` over the query's
   n-grams, where share_g is the fraction of the category's history descriptions containing g, plus a bonus of
   5 when the whole category name occurs in the text.

The top categories are returned with the n-grams that matched, so the operator sees why. The index is built
once per process and rebuilt after ``REBUILD_SECONDS``.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from gaoxin.cases.models import Case, Category

HISTORY_CASES = 5000
HISTORY_PER_CATEGORY = 200
REBUILD_SECONDS = 600
SUGGEST_KINDS = (Category.Kind.EVENT, Category.Kind.COMPONENT, Category.Kind.HOTLINE_CONTENT,
                 Category.Kind.ENTERPRISE)

_KEEP = re.compile(r"[0-9a-z\u3400-\u9fff]+")


def normalise(text: str) -> str:
    return "".join(_KEEP.findall((text or "").lower()))


def ngrams(text: str) -> set[str]:
    t = normalise(text)
    grams = {t[i:i + 2] for i in range(len(t) - 1)}
    grams |= {t[i:i + 3] for i in range(len(t) - 2)}
    return grams


@dataclass
class Profile:
    category_id: int
    code: str
    label: str
    name: str
    name_grams: set[str]
    parent_grams: set[str]
    history: Counter[str] = field(default_factory=Counter)
    history_docs: int = 0


@dataclass(frozen=True)
class Suggestion:
    category_id: int
    code: str
    label: str
    score: float
    matched: tuple[str, ...]


class CategoryIndex:
    def __init__(self, profiles: list[Profile]) -> None:
        self.profiles = profiles
        df: Counter[str] = Counter()
        for p in profiles:
            df.update(p.name_grams | p.parent_grams | set(p.history))
        n = len(profiles)
        self.idf = {g: math.log((1 + n) / (1 + c)) + 1 for g, c in df.items()}

    @classmethod
    def build(cls) -> CategoryIndex:
        categories = list(Category.objects.filter(is_active=True, is_assignable=True, kind__in=SUGGEST_KINDS)
                          .select_related("parent").order_by("code"))
        profiles: dict[int, Profile] = {}
        for c in categories:
            parent = c.parent.name if c.parent else ""
            label = f"{parent} › {c.name}" if parent else c.name
            profiles[c.pk] = Profile(c.pk, c.code, label, normalise(c.name), ngrams(c.name), ngrams(parent))
        per_category: dict[int, int] = defaultdict(int)
        recent = (Case.objects.filter(registered_at__isnull=False, category_id__in=list(profiles))
                  .order_by("-reported_at").values_list("category_id", "description")[:HISTORY_CASES])
        for category_id, description in recent:
            if per_category[category_id] >= HISTORY_PER_CATEGORY:
                continue
            per_category[category_id] += 1
            profile = profiles[category_id]
            profile.history.update(ngrams(description))
            profile.history_docs += 1
        return cls(list(profiles.values()))

    def suggest(self, text: str, *, limit: int = 3) -> list[Suggestion]:
        grams = ngrams(text)
        flat = normalise(text)
        if not grams:
            return []
        results = []
        for p in self.profiles:
            score = 0.0
            matched = []
            for g in grams:
                weight = 3.0 * (g in p.name_grams) + 1.0 * (g in p.parent_grams)
                if p.history_docs:
                    weight += 2.0 * p.history.get(g, 0) / p.history_docs
                if weight:
                    score += self.idf.get(g, 1.0) * weight
                    if g in p.name_grams or p.history.get(g, 0) * 4 >= max(1, p.history_docs):
                        matched.append(g)
            if len(p.name) >= 2 and p.name in flat:
                score += 5.0
            if score > 0:
                results.append(Suggestion(p.category_id, p.code, p.label, round(score, 2),
                                          tuple(sorted(matched, key=lambda g: (-len(g), g))[:6])))
        results.sort(key=lambda s: (-s.score, s.code))
        return results[:limit]


_lock = threading.Lock()
_index: tuple[float, CategoryIndex] | None = None


def get_index() -> CategoryIndex:
    global _index
    with _lock:
        if _index is None or time.monotonic() - _index[0] > REBUILD_SECONDS:
            _index = (time.monotonic(), CategoryIndex.build())
        return _index[1]


def reset() -> None:
    global _index
    with _lock:
        _index = None


def suggest_categories(text: str, *, limit: int = 3) -> list[Suggestion]:
    return get_index().suggest(text, limit=limit)
