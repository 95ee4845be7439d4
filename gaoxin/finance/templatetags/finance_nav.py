"""What the navigation shows an enterprise-role user of the financing platform: a bank's desk or its own
enterprise's demands (``finance.policy``)."""

from __future__ import annotations

from typing import Any

from django import template

from gaoxin.finance import policy

register = template.Library()


@register.simple_tag
def finance_platform_role(user: Any) -> str:
    if policy.bank_id_of(user) is not None:
        return "bank"
    return "enterprise" if policy.enterprise_id_of(user) is not None else ""
