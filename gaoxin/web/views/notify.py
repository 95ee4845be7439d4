"""短信发件箱: the administrator sees every text message the platform queued — to whom (masked), about which case,
saying what, and whether the gateway took it — filters them, and requeues the ones the gateway refused."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.accounts.roles import Role
from gaoxin.cases.privacy import mask_phone
from gaoxin.core.errors import ApplicationError
from gaoxin.notify import conf, selectors, services
from gaoxin.notify.models import SmsMessage
from gaoxin.web.access import actor_of, error_page, role_required

OUTBOX_ROLES = frozenset({Role.ADMIN})
PAGE_SIZE = 50


@role_required(OUTBOX_ROLES)
def sms_outbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    state, kind = request.GET.get("state") or "", request.GET.get("kind") or ""
    number = (request.GET.get("q") or "").strip()
    page_number = request.GET.get("page") or "1"
    if len(number) > 20 or (number and not number.isdecimal()):
        return error_page(request, ApplicationError(_("案件编号应为数字（可输部分）"), field="q"))
    if not page_number.isdecimal() or len(page_number) > 6:
        return error_page(request, ApplicationError(_("页码应为正整数"), field="page"))
    page = Paginator(selectors.sms_list(actor=actor, state=state, kind=kind, case_number=number),
                     PAGE_SIZE).get_page(int(page_number))
    for message in page:
        message.masked_phone = mask_phone(message.phone)  # type: ignore[attr-defined]  # display only
    query = "&".join(f"{k}={v}" for k, v in (("state", state), ("kind", kind), ("q", number)) if v)
    return render(request, "web/sms_outbox.html", {
        "page": page, "total": page.paginator.count, "counts": selectors.sms_status(actor=actor),
        "states": SmsMessage.State.choices, "kinds": SmsMessage.Kind.choices, "state": state, "kind": kind,
        "q": number, "query": query, "gateway": conf.gateway_url(), "sign": conf.signature()})


@require_POST
@role_required(OUTBOX_ROLES)
def sms_retry_dead(request: HttpRequest) -> HttpResponse:
    try:
        count = services.sms_retry_dead(actor=actor_of(request))
    except ApplicationError as error:
        return error_page(request, error)
    messages.success(request, _("已重新排队发送 %(n)s 条短信") % {"n": count})
    return redirect("web:sms_outbox")
