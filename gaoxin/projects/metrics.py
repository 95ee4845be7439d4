"""The key-project figures and the records they count, defined once (amounts in 万元; the report's 亿元 divide by
10,000): F011 signed (contracts signed in the year), F012 investment of the year's new starts (total investment
of projects started in the year), F013 provincial and municipal key projects of the year, F014 their completed
investment (自年初累计 of each one's last report of the year), F015 that ÷ their annual plans."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.projects import selectors
from gaoxin.projects.models import Contract, MonthlyReport, Project

KEY_LEVELS = (Project.Level.PROVINCE, Project.Level.CITY)


def signed_contracts(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Contract]:
    return selectors.contract_list(actor=actor, start=start, end=end)


def new_starts(*, actor: User, start: dt.date, end: dt.date) -> QuerySet[Project]:
    return selectors.project_list(actor=actor).filter(started_on__gte=start, started_on__lt=end)


def key_projects(*, actor: User, year: int) -> QuerySet[Project]:
    return selectors.project_list(actor=actor).filter(year=year, level__in=KEY_LEVELS)


def key_project_reports(*, actor: User, year: int) -> QuerySet[MonthlyReport]:
    return selectors.latest_reports(actor=actor, year=year, projects=key_projects(actor=actor, year=year))
