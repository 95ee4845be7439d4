"""Matching over the platform's records: the achievements still open for transfer against a demand, and the open
demands against an achievement. The index is built per call from the records (a few thousand at most in a
zone's year; the bench shows 50,000 index in seconds)."""

from __future__ import annotations

from gaoxin.innovation.matching.engine import Item, Matcher, Proposal
from gaoxin.innovation.models import Achievement, TechDemand


def demand_item(d: TechDemand) -> Item:
    return Item(str(d.pk), d.title, d.text, d.field.code, d.required_readiness, d.budget)


def achievement_item(a: Achievement) -> Item:
    return Item(str(a.pk), a.name, f"{'、'.join(a.keywords)} {a.text}", a.field.code, a.readiness, a.price)


class DbProposal(Proposal):
    @property
    def achievement_id(self) -> int:
        return int(self.id)


def recommend_for_demand(demand: TechDemand, *, top: int = 10) -> list[DbProposal]:
    targets = [achievement_item(a) for a in Achievement.objects.filter(transferred_on__isnull=True)
               .select_related("field").order_by("pk")]
    matcher = Matcher(targets)
    return [DbProposal(p.id, p.score, p.terms) for p in matcher.match(demand_item(demand), top=top)]


def recommend_for_achievement(achievement: Achievement, *, top: int = 10) -> list[Proposal]:
    targets = [demand_item(d) for d in TechDemand.objects.filter(status=TechDemand.Status.OPEN)
               .select_related("field").order_by("pk")]
    return Matcher(targets, query_is_demand=False).match(achievement_item(achievement), top=top)
