"""Writes of the web pages that are not a case workflow step: the public reporting page (a report through the
case engine with a tracking code, its rate limit and anti-abuse challenge) and its rating."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases import services as case_services
from gaoxin.cases.models import Category, Channel
from gaoxin.core import clock, ratelimit
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.web.models import PublicReport

PUBLIC_USERNAME = "public_web"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 10
CHALLENGE_SALT = "gaoxin.web.public.challenge"
CHALLENGE_MAX_AGE = 2 * 3600


def public_user() -> User:
    """The system account public reports are filed as (role citizen, cannot log in). It is the reporter of every
    public case, so the case engine lets the page rate a closed case on the reporter's behalf — the page
    itself only does so for a visitor who holds the case's tracking code."""
    user, _created = User.objects.get_or_create(
        username=PUBLIC_USERNAME,
        defaults={"role": Role.CITIZEN, "is_active": False, "display_name": "网上群众上报",
                  "password": make_password(None)},
    )
    return user


def client_hash(ip: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "-").encode(), hashlib.sha256).hexdigest()


def rate_limit_key(ip: str) -> str:
    return f"web:public-report:{client_hash(ip)[:32]}"


def rate_limit_exceeded(ip: str) -> bool:
    """Counts this report against the client's hourly allowance (``GAOXIN_PUBLIC_REPORTS_PER_HOUR``, one count
    for every worker and server: ``core.ratelimit``); True when the allowance is used up."""
    result = ratelimit.hit(rate_limit_key(ip), limit=settings.GAOXIN_PUBLIC_REPORTS_PER_HOUR, window_seconds=3600)
    return not result.allowed


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def challenge_new() -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "n": secrets.token_hex(12)}, salt=CHALLENGE_SALT)
    return Challenge(question=f"{a} + {b} = ?", token=token)


def challenge_check(*, token: str, answer: str, honeypot: str) -> str:
    """A server-side arithmetic challenge (signed, expires after two hours, single-use) and a honeypot field that
    people never see and form-filling robots fill. Returns the challenge's nonce, which the report it files keeps
    (``PublicReport.challenge_nonce``, unique): an answer replayed is refused."""
    if honeypot:
        raise ApplicationError(_("提交被拒绝"), field="website", code="honeypot")
    try:
        content = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        expected, nonce = content["s"], str(content["n"])
    except (signing.BadSignature, KeyError, TypeError):
        raise ApplicationError(_("验证题已过期，请重新作答"), field="answer", code="challenge_expired") from None
    if answer.strip() != str(expected):
        raise ApplicationError(_("验证题答案不正确"), field="answer", code="challenge_wrong")
    if PublicReport.objects.filter(challenge_nonce=nonce).exists():
        raise ApplicationError(_("该验证题已使用，请重新作答"), field="answer", code="challenge_used")
    return nonce


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
@transaction.atomic
def public_report_create(*, category: Category, description: str, address: str = "", lon: float | None = None,
                         lat: float | None = None, reporter_name: str = "", reporter_phone: str = "",
                         photos: list[UploadedFile] | tuple[UploadedFile, ...] = (), ip: str = "",
                         challenge_nonce: str | None = None, account: User | None = None) -> PublicReport:
    """The case and its tracking code, together or not at all; ``challenge_nonce`` (from ``challenge_check``) is
    kept, so that the same answered challenge cannot file a second report, even concurrently. A logged-in citizen's
    report is kept with their account (it appears in their 我的上报)."""
    case = case_services.case_report(actor=public_user(), channel=Channel.PUBLIC_WEB, category=category,
                                     description=description, address=address, lon=lon, lat=lat,
                                     reporter_name=reporter_name, reporter_phone=reporter_phone,
                                     attachments=list(photos))
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return PublicReport.objects.create(code=code, case=case, created_at=clock.now(),
                                                   client_hash=client_hash(ip), challenge_nonce=challenge_nonce,
                                                   account=account)
        except IntegrityError:
            if challenge_nonce and PublicReport.objects.filter(challenge_nonce=challenge_nonce).exists():
                raise ApplicationError(_("该验证题已使用，请重新作答"), field="answer", code="challenge_used") from None
            continue
    raise ApplicationError(_("生成查询码失败，请重试"), code="code_collision", status=500)


def public_report_get(*, code: str) -> PublicReport:
    report = PublicReport.objects.select_related("case", "case__category").filter(code=normalise_code(code)).first()
    if report is None:
        raise NotFound(_("查询码不存在，请核对后重新输入"), field="code", code="tracking_code_not_found")
    return report


@transaction.atomic
def public_report_rate(*, report: PublicReport, satisfaction: str, note: str = "") -> PublicReport:
    if len(note) > 500:
        raise ApplicationError(_("评价说明不能超过 500 字"), field="note")
    case_services.case_evaluate(actor=public_user(), case=report.case, satisfaction=satisfaction, note=note)
    report.rated_at = clock.now()
    report.save(update_fields=["rated_at"])
    return report
