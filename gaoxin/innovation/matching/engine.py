"""The matcher: recall with BM25 over words and concepts, then re-rank the best candidates by field, readiness
(GB/T 22900-2022 levels) and budget. The same engine serves both directions (a demand against achievements, an
achievement against demands) and the plain baseline (jieba's own dictionary, words only, no re-ranking)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gaoxin.innovation.matching.bm25 import Index, top_k
from gaoxin.innovation.matching.text import CONCEPT_PREFIX, analyze

CONCEPT_WEIGHT = 0.6  # a concept hit counts a little more than half a word hit
TITLE_REPEAT = 2  # the title counts twice
CANDIDATES = 100  # re-ranked from the BM25 recall
FIELD_BONUS = 0.25  # same industrial chain / field (on scores normalised to the best candidate = 1)
READINESS_PENALTY = 0.15  # the achievement is less mature than the demand requires
BUDGET_PENALTY = 0.10  # the asking price exceeds the budget by more than 20 %


@dataclass(frozen=True)
class Item:
    """A demand or an achievement as the matcher sees it. ``readiness`` is the achievement's level or the
    demand's required level; ``amount`` its price or the demand's budget (万元)."""

    id: str
    title: str
    text: str
    field: str = ""
    readiness: int | None = None
    amount: Decimal | float | None = None


@dataclass(frozen=True)
class Proposal:
    id: str
    score: float
    terms: tuple[str, ...]  # the words and concepts (§…) the two texts share


def _document_terms(item: Item, *, domain: bool) -> tuple[str, ...]:
    title = analyze(item.title, domain=domain).terms
    return title * (TITLE_REPEAT - 1) + analyze(f"{item.title} {item.text}", domain=domain).terms


class Matcher:
    def __init__(self, targets: Sequence[Item], *, domain: bool = True, rerank: bool = True,
                 query_is_demand: bool = True) -> None:
        self.targets = list(targets)
        self.query_is_demand = query_is_demand
        self.domain = domain
        self.rerank = rerank and domain
        documents = [_document_terms(t, domain=domain) for t in self.targets]
        self.term_sets = [frozenset(d) for d in documents]
        self.index = Index.build(documents)

    def query_terms(self, item: Item) -> dict[str, float]:
        terms: dict[str, float] = {}
        for term in _document_terms(item, domain=self.domain):
            weight = CONCEPT_WEIGHT if term.startswith(CONCEPT_PREFIX) else 1.0
            terms[term] = terms.get(term, 0.0) + weight
        return terms

    def match(self, item: Item, *, top: int = 10) -> list[Proposal]:
        query = self.query_terms(item)
        scores = self.index.scores(query)
        candidates = top_k(scores, max(top, CANDIDATES) if self.rerank else top)
        if len(candidates) == 0:
            return []
        best = float(scores[candidates[0]])
        ranked: list[tuple[float, int]] = []
        for i in candidates.tolist():
            score = float(scores[i]) / best if self.rerank else float(scores[i])
            if self.rerank:
                score += self._adjust(item, self.targets[i])
            ranked.append((score, i))
        ranked.sort(key=lambda pair: (-pair[0], pair[1]))
        return [Proposal(self.targets[i].id, round(score, 4), self._shared(query, i)) for score, i in ranked[:top]]

    def _adjust(self, query: Item, target: Item) -> float:
        demand, achievement = (query, target) if self.query_is_demand else (target, query)
        bonus = FIELD_BONUS if query.field and query.field == target.field else 0.0
        required, offered = demand.readiness, achievement.readiness
        if required is not None and offered is not None and offered < required:
            bonus -= READINESS_PENALTY
        budget, price = demand.amount, achievement.amount
        if budget is not None and price is not None and float(price) > float(budget) * 1.2:
            bonus -= BUDGET_PENALTY
        return bonus

    def _shared(self, query: dict[str, float], i: int) -> tuple[str, ...]:
        found = self.term_sets[i]
        return tuple(sorted((t for t in query if t in found), key=lambda t: (t.startswith(CONCEPT_PREFIX), t)))
