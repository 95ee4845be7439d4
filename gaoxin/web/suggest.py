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

Boilerplate is kept out of the score (issue 15: "市民来电反映：路灯不亮" suggested 城乡建设/市容城管/生态环境):

- the stock phrases of hotline orders and reports (``STOCK_PHRASES``: 市民来电反映, 诉求人表示, 要求相关部门尽快处理 …)
  are cut from the query and from the history before the n-grams are taken;
- what is left of boilerplate is learned: an n-gram found in the history of at least ``COMMON_SHARE`` of the
  categories that have history (addresses, 附近, the channel's wording) carries no weight unless it is part of the
  category's own name.

``bench/bench_suggest.py`` measures top-1/top-3 on held-out orders written with and without such phrases, against
the scorer without these two steps; the figures are in docs/PERFORMANCE.md.

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

COMMON_SHARE = 0.5
# The stock phrases of 12345 orders, grid and public reports: who reported it and what is asked, never what it is.
STOCK_PHRASES = (
    "市民来电反映", "市民来电称", "市民来电", "来电人反映", "来电人称", "来电人表示", "来电反映", "来电称", "来电",
    "诉求人反映", "诉求人表示", "诉求人称", "诉求人", "群众网上反映", "群众通过移动端反映", "群众反映", "市民反映",
    "网格员巡查发现", "监督员巡查发现", "巡查发现", "反映", "要求相关部门尽快处理", "请相关部门核实处理",
    "希望相关部门尽快处理", "希望尽快解决", "希望尽快处理", "请尽快处理", "要求尽快处理", "要求处理", "请求处理",
    "相关部门", "尽快", "核实处理",
)
_STOCK = re.compile("|".join(sorted(STOCK_PHRASES, key=len, reverse=True)))
_KEEP = re.compile(r"[0-9a-z\u3400-\u9fff]+")


def normalise(text: str) -> str:
    return "".join(_KEEP.findall((text or "").lower()))


def without_stock_phrases(text: str) -> str:
    return _STOCK.sub(" ", text or "")


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
    def __init__(self, profiles: list[Profile], *, boilerplate_filter: bool = True) -> None:
        self.profiles = profiles
        self.boilerplate_filter = boilerplate_filter
        df: Counter[str] = Counter()
        history_df: Counter[str] = Counter()
        for p in profiles:
            df.update(p.name_grams | p.parent_grams | set(p.history))
            history_df.update(set(p.history))
        n = len(profiles)
        self.idf = {g: math.log((1 + n) / (1 + c)) + 1 for g, c in df.items()}
        with_history = sum(1 for p in profiles if p.history_docs)
        self.common = ({g for g, c in history_df.items() if c >= max(3, COMMON_SHARE * with_history)}
                       if boilerplate_filter else set())

    @classmethod
    def build(cls, *, boilerplate_filter: bool = True) -> CategoryIndex:
        """The index over the categories and their recent history (``boilerplate_filter=False``: the scorer as it
        was before the stock phrases and the common n-grams were left out, the bench's baseline)."""
        clean = without_stock_phrases if boilerplate_filter else str
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
            profile.history.update(ngrams(clean(description)))
            profile.history_docs += 1
        return cls(list(profiles.values()), boilerplate_filter=boilerplate_filter)

    def suggest(self, text: str, *, limit: int = 3) -> list[Suggestion]:
        if self.boilerplate_filter:
            text = without_stock_phrases(text)
        grams = ngrams(text)
        flat = normalise(text)
        if not grams:
            return []
        results = []
        for p in self.profiles:
            score = 0.0
            matched = []
            for g in grams:
                if g in self.common and g not in p.name_grams:
                    continue
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
