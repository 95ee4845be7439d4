from django.urls import path, re_path

from gaoxin.api import open311
from gaoxin.api.api import api

FMT = r"(?P<fmt>json|xml)"

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(rf"^open311/v2/discovery\.{FMT}$", open311.discovery, name="open311-discovery"),
    re_path(rf"^open311/v2/services\.{FMT}$", open311.services, name="open311-services"),
    re_path(rf"^open311/v2/services/(?P<code>[\w-]{{1,16}})\.{FMT}$", open311.service_definition,
            name="open311-service"),
    re_path(rf"^open311/v2/requests\.{FMT}$", open311.requests, name="open311-requests"),
    re_path(rf"^open311/v2/requests/(?P<number>[\w-]{{1,20}})\.{FMT}$", open311.request_detail,
            name="open311-request"),
]
