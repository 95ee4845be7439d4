from __future__ import annotations

import pytest

from gaoxin.land.tests.factories import LandStaff, land_staff


@pytest.fixture
def people(org, make_user) -> LandStaff:
    return land_staff(org, make_user)
