"""Masking of personal data for display (DESIGN §7: masked by default; a reveal is a separate, audited act).

Storage keeps what the reporter gave; every page, export and API response that is not an audited reveal shows
``mask_phone`` / ``mask_name`` output instead, and free text (a description, a note) through ``mask_free_text``,
which masks the phone, ID and bank card numbers and e-mail addresses written into it. ``case_reveal_reporter`` is
the one way to see them in clear: a role of ``PERSONAL_DATA_ROLES``, a case in the actor's scope, a stated
purpose, one case at a time, and a ``PersonalDataReveal`` row for every reveal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gaoxin.accounts.models import User
    from gaoxin.cases.models import Case, PersonalDataReveal

REVEAL_VIA = frozenset({"web", "api", "admin"})


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


# Personal data inside free text (a description, a note): found and masked wherever the text is shown outside an
# audited reveal. Longest candidates first, so an ID number is not read as a phone number inside it.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])(\d[\d\s-]{9,22}[\dXx])(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def is_id_number(text: str) -> bool:
    """A resident identity number (居民身份证号码, GB 11643-1999): 18 characters whose last is the ISO 7064
    MOD 11-2 check character of the first 17 digits, with a plausible birth date; or an old 15-digit one."""
    if len(text) == 15 and text.isdecimal():
        return 1 <= int(text[8:10]) <= 12 and 1 <= int(text[10:12]) <= 31
    if len(text) != 18 or not text[:17].isdecimal():
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != text[17].upper():
        return False
    return 1900 <= int(text[6:10]) <= 2100 and 1 <= int(text[10:12]) <= 12 and 1 <= int(text[12:14]) <= 31


def is_bank_card(text: str) -> bool:
    """A bank card number: 13–19 digits passing the Luhn check (ISO/IEC 7812)."""
    if not (13 <= len(text) <= 19 and text.isdecimal()):
        return False
    total = 0
    for i, digit in enumerate(reversed(text)):
        n = int(digit)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def is_phone(text: str) -> bool:
    """A mainland mobile (11 digits from 13–19, optionally +86 / 86) or a landline with its area code
    (0 + 2–3 digits + 7–8 digits)."""
    digits = text.removeprefix("+86").removeprefix("86") if len(text) > 11 else text
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return True
    return digits.startswith("0") and 10 <= len(digits) <= 12


_ID_WORDS = re.compile(r"(身份证|证件|身份号|公民号)")


def _looks_like_id(compact: str) -> bool:
    """18 characters of an ID's shape with a plausible birth date, whatever its check character."""
    return (len(compact) == 18 and compact[:17].isdecimal() and (compact[17].isdecimal() or compact[17] in "Xx")
            and 1900 <= int(compact[6:10]) <= 2100 and 1 <= int(compact[10:12]) <= 12
            and 1 <= int(compact[12:14]) <= 31)


def _mask_run(match: re.Match[str]) -> str:
    raw = match.group(1)
    compact = re.sub(r"[\s-]", "", raw)
    # An ID number is recognised by its check character — or, mistyped, by the word that names it just before.
    named = _ID_WORDS.search(match.string[max(0, match.start() - 8):match.start()]) is not None
    if is_id_number(compact) or (named and _looks_like_id(compact)):
        return compact[:6] + "*" * (len(compact) - 10) + compact[-4:]
    if compact.isdecimal() and is_phone(compact):  # before cards: 86 + a mobile is 13 digits too
        prefix = "86" if len(compact) == 13 and compact.startswith("86") else ""
        return prefix + mask_phone(compact[len(prefix):])
    if is_bank_card(compact):
        return compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    return raw


def _mask_email(match: re.Match[str]) -> str:
    local, _, domain = match.group(0).partition("@")
    return f"{local[:1]}***@{domain}"


def mask_free_text(text: str | None) -> str:
    """``text`` with the personal data a reporter may write into it masked: resident ID numbers (checked by their
    check character), bank cards (Luhn), mobile and landline numbers, e-mail addresses. Other numbers (case
    numbers, house numbers, amounts) are left as they are."""
    if not text:
        return ""
    return _EMAIL.sub(_mask_email, _DIGIT_RUN.sub(_mask_run, text))


@dataclass(frozen=True)
class RevealedReporter:
    """What a reveal shows, and the audit row that records it."""

    case_id: int
    name: str
    phone: str
    description: str  # in clear: the personal data it may hold are shown only through a reveal
    reveal: PersonalDataReveal


def case_reveal_reporter(*, actor: User, case: Case, purpose: str, via: str = "web") -> RevealedReporter:
    """Show ``case``'s reporter name and phone in clear to ``actor`` and record the reveal (who, when, which case,
    why). Refused (PermissionDenied, nothing recorded) for roles outside ``PERSONAL_DATA_ROLES``; a case outside
    the actor's scope is NotFound, as everywhere else."""
    from django.db import transaction

    from gaoxin.accounts.roles import PERSONAL_DATA_ROLES, Role
    from gaoxin.cases import selectors
    from gaoxin.cases.models import PersonalDataReveal
    from gaoxin.core import clock
    from gaoxin.core.errors import ApplicationError, PermissionDenied

    if not actor.is_active or actor.role not in PERSONAL_DATA_ROLES:
        label = Role(actor.role).label if actor.role in Role.values else actor.role
        raise PermissionDenied(f"{label}无权查看反映人信息", code="reveal_not_allowed")
    text = (purpose or "").strip()
    if len(text) < 2:
        raise ApplicationError("请填写查看目的", field="purpose", code="required")
    if len(text) > 200:
        raise ApplicationError("查看目的不能超过 200 字", field="purpose", code="too_long")
    if via not in REVEAL_VIA:
        raise ApplicationError(f"未知的查看途径：{via}", field="via")
    with transaction.atomic():
        current = selectors.case_get(actor=actor, pk=case.pk)
        reveal = PersonalDataReveal.objects.create(case=current, actor=actor, at=clock.now(), purpose=text, via=via)
    return RevealedReporter(case_id=current.pk, name=current.reporter_name, phone=current.reporter_phone,
                            description=current.description, reveal=reveal)


def personal_data_reveal_list(*, actor: User, case: Case | None = None) -> QuerySet[PersonalDataReveal]:
    """The reveal log: leaders and admins see every reveal, everyone else only their own."""
    from gaoxin.accounts.roles import ZONE_WIDE_ROLES
    from gaoxin.cases.models import PersonalDataReveal

    qs = PersonalDataReveal.objects.select_related("case", "actor").order_by("-at", "-id")
    if not (actor.role in ZONE_WIDE_ROLES or actor.is_superuser):
        qs = qs.filter(actor=actor)
    if case is not None:
        qs = qs.filter(case_id=case.pk)
    return qs
