"""Fixtures of the text-message tests: the case tests' zone and people, the handler and the grid worker of street
A with a phone on record."""

from __future__ import annotations

import pytest

from gaoxin.cases.tests.conftest import People, people  # noqa: F401


@pytest.fixture
def phones(people):  # noqa: F811  # the imported fixture
    for user, phone in [(people.street_a_handler, "13900000001"), (people.worker_west, "13900000002")]:
        user.phone = phone
        user.save(update_fields=["phone"])
    return people
