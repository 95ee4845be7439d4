"""The bulk twin of ``services.contract_submit`` followed by ``services.contract_register`` for many technology
contracts at once (the simulated year): the same contract rows, numbers, certificates and two events each
(submitted, registered), chained by ``core.audit.chained``, in a few statements instead of about fifteen a
contract. Each row's fields must already be checked (``services.contract_checked``,
``services.registration_checked``) and the officer allowed: this module writes, it does not judge. The
differential test (``tests/test_bulk.py``) proves both paths write the same rows, events and valid chains."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gaoxin.accounts.models import User
from gaoxin.core import audit
from gaoxin.core.calendar import SHANGHAI, add_working_time
from gaoxin.core.db import insert_many
from gaoxin.core.numbering import next_sequence
from gaoxin.enterprises.models import Enterprise
from gaoxin.innovation import services
from gaoxin.innovation.models import ContractEvent, Institution, TechContract

BATCH = 2000


@dataclass(frozen=True)
class RegisteredContract:
    """A contract submitted at ``submitted_at`` with its ``checked`` fields, registered at ``registered_at``."""

    checked: Mapping[str, Any]
    signed_on: dt.date
    submitted_at: dt.datetime
    registered_at: dt.datetime
    classification: str
    tech_income: Decimal
    seller_institution: Institution | None = None
    buyer_enterprise: Enterprise | None = None


def contracts_registered_many(*, actor: User, rows: Sequence[RegisteredContract],
                              is_synthetic: bool = False) -> list[TechContract]:
    """Write ``rows`` as the officer's submissions and registrations, in the order of ``rows`` (each contract
    registered before the next is submitted), in the caller's transaction."""
    numbers: dict[int, int] = {}
    certificates: dict[str, int] = {}
    contracts = []
    steps = []
    for row in rows:
        year = row.submitted_at.astimezone(SHANGHAI).year
        if year not in numbers:
            numbers[year] = next_sequence(TechContract, "HT", year)
        stem = services.certificate_stem(row.registered_at)
        if stem not in certificates:
            certificates[stem] = TechContract.objects.filter(certificate_no__startswith=stem).count() + 1
        contract = TechContract(
            number=f"HT{year}{numbers[year]:06d}", signed_on=row.signed_on, seller_institution=row.seller_institution,
            buyer_enterprise=row.buyer_enterprise, submitted_at=row.submitted_at,
            review_due=add_working_time(row.submitted_at, services.CONTRACT_REVIEW_WORKING_DAYS, "day"),
            submitted_by=actor, is_synthetic=is_synthetic, status=TechContract.Status.REGISTERED,
            classification=row.classification, tech_income=row.tech_income,
            certificate_no=f"{stem}{certificates[stem]:06d}{services.CERTIFICATE_LETTERS[row.checked['kind']]}",
            registered_at=row.registered_at, reviewer=actor, **row.checked)
        numbers[year] += 1
        certificates[stem] += 1
        steps.append([
            audit.Step(at=row.submitted_at, actor_id=actor.pk, fields={"action": "submit"}),
            audit.Step(at=row.registered_at, actor_id=actor.pk, fields={"action": "register"},
                       payload={"certificate_no": contract.certificate_no,
                                "overdue": row.registered_at > contract.review_due})])
        contracts.append(contract)
    chains = []
    for contract, contract_steps in zip(contracts, steps, strict=True):
        chained = audit.chained(ContractEvent, contract.number, contract_steps)
        contract.audit_head, contract.event_count = chained[-1]["hash"], len(chained)
        chains.append(chained)
    TechContract.objects.bulk_create(contracts, batch_size=BATCH)
    events = [{**values, "contract_id": contract.pk} for contract, chained in zip(contracts, chains, strict=True)
              for values in chained]
    insert_many(ContractEvent, events)  # the events' own keys are not needed back
    return contracts
