from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from gaoxin.accounts.synthetic import synthetic_org_ensure
from gaoxin.ledgers.models import Ledger, LedgerVersion
from gaoxin.ledgers.shipped import shipped_codes

pytestmark = pytest.mark.django_db


def test_the_shipped_ledgers_load_once():
    synthetic_org_ensure()
    out = StringIO()
    call_command("ledgers_load", stdout=out)
    assert out.getvalue().splitlines()[-1] == "23 ledger definition(s) published"
    assert sorted(Ledger.objects.exclude(current_version=None).values_list("code", flat=True)) == shipped_codes()
    assert Ledger.objects.get(code="guaranteed_delivery").owner.code == "GX-D02"
    assert Ledger.objects.get(code="party_study").current_version.fillers == [  # type: ignore[union-attr]
        "GX-S01", "GX-S02", "GX-S03", "GX-S04", "GX-S05", "GX-S06"]
    out = StringIO()
    call_command("ledgers_load", stdout=out)
    assert out.getvalue() == "0 ledger definition(s) published\n"
    assert LedgerVersion.objects.count() == 23
