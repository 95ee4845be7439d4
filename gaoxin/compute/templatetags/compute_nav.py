"""What the navigation shows an enterprise-role user of the compute network: a provider's pools, or its own
enterprise's jobs (``compute.policy``)."""

from __future__ import annotations

from typing import Any

from django import template

from gaoxin.compute import policy

register = template.Library()


@register.simple_tag
def compute_role(user: Any) -> str:
    if policy.provider_ids_of(user):
        return "provider"
    return "enterprise" if policy.enterprise_id_of(user) is not None else ""
