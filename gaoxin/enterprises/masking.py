"""Personal data of enterprise contacts is masked by default everywhere it is shown or exported, with the same
masks as case reporters (``gaoxin.cases.privacy``)."""

from __future__ import annotations

from gaoxin.accounts.roles import Role
from gaoxin.cases.privacy import mask_name, mask_phone

__all__ = ["REVEAL_ROLES", "mask_name", "mask_phone"]

# Roles that may see enterprise contacts in clear (one reveal at a time, audited).
REVEAL_ROLES = frozenset({Role.ADMIN, Role.SERVICE_CADRE})
