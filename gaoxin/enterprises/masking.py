"""Personal data of enterprise contacts is masked by default everywhere it is shown or exported."""

from __future__ import annotations

from gaoxin.accounts.roles import Role

# Roles that may see enterprise contacts in clear (one reveal at a time, audited).
REVEAL_ROLES = frozenset({Role.ADMIN, Role.SERVICE_CADRE})


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; short numbers keep only their last two characters."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * (len(phone) - 2) + phone[-2:] if len(phone) > 2 else "*" * len(phone)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
