"""Masking of personal data for display (DESIGN §7: masked by default; a reveal is a separate, audited act).

Storage keeps what the reporter gave; every page, export and API response that is not an audited reveal shows
``mask_phone`` / ``mask_name`` output instead."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    """``13812341234`` → ``138****1234``; other numbers keep their first 3 and last 4 characters (or, when shorter
    than 8, only the last 2), every character between becomes ``*``."""
    if not phone:
        return ""
    text = "".join(phone.split())
    if len(text) >= 8:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) <= 2:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


def mask_name(name: str | None) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``, a single character → ``*``."""
    if not name:
        return ""
    text = name.strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)
