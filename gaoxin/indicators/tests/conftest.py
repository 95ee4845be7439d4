"""Fixtures of the indicator tests: the catalog, the departments that submit, one user per role concerned,
and helpers that make records through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest
from django.core.files.base import ContentFile

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.cases.tests.conftest import people  # noqa: F401  (fixture reused: the case test's users)
from gaoxin.enterprises.tests.conftest import make_enterprise, refdata, staff  # noqa: F401  (fixtures reused)
from gaoxin.indicators import catalog as catalog_module
from gaoxin.indicators import services
from gaoxin.indicators.models import Indicator, Submission


@dataclass
class Officers:
    economy: OrgUnit  # 经济发展局 GX-D10 (projects, F001 …)
    science: OrgUnit  # 科技创新局 GX-D11
    officer: User  # data officer of 经济发展局
    officer_science: User
    approver: User  # leader
    admin: User
    citizen: User


@pytest.fixture
def catalog(db) -> None:
    services.catalog_sync()


# The submission workflow's tests were written on the 经济发展局's project figures while they were submitted; the
# projects system (issue 17) computes them now. These tests keep them as the catalog had them then — submitted by
# GX-D10, F015 derived from F014 against the plan — since what they test is the submission machinery, not the
# figures (the computed ones are tested in gaoxin/projects and the simulated year).
SUBMITTED_BEFORE_PROJECTS = ("F011", "F012", "F013", "F014")
# The same for the industry figures the ledgers compute now (issue 20): kept submitted by GX-D10 in the catalog
# itself while a test runs, so that a re-sync (the simulated submissions, a year close) keeps them so too.
SUBMITTED_BEFORE_LEDGERS = ("F001", "F005", "F006")
# And the policy figures the policies system computes now (issue 18), submitted by 企业服务局 before.
SUBMITTED_BEFORE_POLICIES = ("F057", "F058", "F059")


def as_before_the_ledgers(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = SUBMITTED_BEFORE_LEDGERS + SUBMITTED_BEFORE_POLICIES
    computed = {ref: v for ref, v in catalog_module.COMPUTED.items() if ref not in kept}
    monkeypatch.setattr(catalog_module, "COMPUTED", computed)
    monkeypatch.setattr(catalog_module, "definitions", cache(catalog_module.definitions.__wrapped__))
    services.catalog_sync()


def as_before_the_projects_system() -> None:
    Indicator.objects.filter(ref__in=SUBMITTED_BEFORE_PROJECTS).update(
        source=Indicator.Source.SUBMITTED, computation="", params={}, owner_code="GX-D10")
    Indicator.objects.filter(ref="F015").update(source=Indicator.Source.DERIVED, computation="", params={},
                                                derivation={"kind": "ratio", "base": "F014", "scope": "plan"})


@pytest.fixture
def officers(org, make_user, catalog, monkeypatch) -> Officers:
    as_before_the_ledgers(monkeypatch)
    as_before_the_projects_system()
    create = account_services.org_unit_create
    economy = create(code="GX-D10", name="经济发展局", kind=OrgUnit.Kind.DEPARTMENT, parent=org.committee)
    science = create(code="GX-D11", name="科技创新局", kind=OrgUnit.Kind.DEPARTMENT, parent=org.committee)
    return Officers(
        economy=economy, science=science,
        officer=make_user(Role.DATA_OFFICER, economy, username="officer_economy", display_name="李填报"),
        officer_science=make_user(Role.DATA_OFFICER, science, username="officer_science"),
        approver=make_user(Role.LEADER, org.committee, username="approver", display_name="赵领导"),
        admin=make_user(Role.ADMIN, org.committee, username="indicator_admin"),
        citizen=make_user(Role.CITIZEN, None, username="indicator_citizen"),
    )


def indicator(ref: str) -> Indicator:
    return Indicator.objects.get(ref=ref)


def approved(o: Officers, ref: str, value: object, *, year: int = 2023) -> Submission:
    """A value of ``ref`` taken through the whole workflow: draft, evidence, submit, approve."""
    actor = o.officer if indicator(ref).owner_code == "GX-D10" else o.admin
    sub = services.submission_save(actor=actor, indicator=indicator(ref), period=year, value=value)
    services.submission_evidence_add(actor=actor, submission=sub, file=ContentFile(b"%PDF-1.4 evidence"),
                                     name=f"{ref}-证明.pdf")
    services.submission_submit(actor=actor, submission=sub)
    return services.submission_approve(actor=o.approver, submission=sub)


def _box_for_tests(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}
