"""Open311 GeoReport v2 at ``/open311/v2/``. The JSON API (``gaoxin.api.api.api``) is mounted by the project's URL
configuration, which composes it with the routers of the apps above this one (``gaoxin/urls.py``)."""

from django.urls import re_path

from gaoxin.api import open311

FMT = r"(?P<fmt>json|xml)"

urlpatterns = [
    re_path(rf"^open311/v2/discovery\.{FMT}$", open311.discovery, name="open311-discovery"),
    re_path(rf"^open311/v2/services\.{FMT}$", open311.services, name="open311-services"),
    re_path(rf"^open311/v2/services/(?P<code>[\w-]{{1,16}})\.{FMT}$", open311.service_definition,
            name="open311-service"),
    re_path(rf"^open311/v2/requests\.{FMT}$", open311.requests, name="open311-requests"),
    re_path(rf"^open311/v2/requests/(?P<number>[\w-]{{1,20}})\.{FMT}$", open311.request_detail,
            name="open311-request"),
    re_path(rf"^open311/v2/tokens/(?P<token>[\w-]{{1,20}})\.{FMT}$", open311.token_detail, name="open311-token"),
    re_path(r"^open311/v2/(?P<path>.*)$", open311.not_found, name="open311-not-found"),
]
