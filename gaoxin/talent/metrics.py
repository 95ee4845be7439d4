"""The talent figures and their records: applications approved in a period under a kind of program (F039
重点产业急需紧缺人才 persons, F041 创新创业团队, F089 青年人才)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.talent.models import TalentApplication
from gaoxin.talent.services import is_reader


def approvals(*, actor: User, program: str, start: dt.datetime, end: dt.datetime) -> QuerySet[TalentApplication]:
    if not is_reader(actor):
        return TalentApplication.objects.none()
    return TalentApplication.objects.filter(program__code=program, status=TalentApplication.Status.APPROVED,
                                            decided_at__gte=start, decided_at__lt=end)
