"""The project's URL configuration, and the place where the interfaces are composed.

The JSON API v1 is the API app's routers (``gaoxin.api.api``) plus the routers of the adapters above it — the city
12345 link (``gaoxin.hotline.api``), which uses the API app's services, schemas and idempotency. It is put together
here, at the top, so that ``gaoxin.api`` never imports an app above it (the layers in pyproject.toml,
``[tool.importlinter]``)."""

from django.contrib import admin
from django.urls import include, path

from gaoxin.api.api import api
from gaoxin.compute.api import router as compute_router
from gaoxin.finance.api import router as finance_router
from gaoxin.hotline.api import router as hotline_router
from gaoxin.innovation.api import router as innovation_router
from gaoxin.policies.api import router as policies_router
from gaoxin.projects.api import router as projects_router
from gaoxin.talent.api import router as talent_router

api.add_router("/hotline/12345", hotline_router)
api.add_router("/projects", projects_router)
api.add_router("/innovation", innovation_router)
api.add_router("/talent", talent_router)
api.add_router("/policies", policies_router)
api.add_router("/finance", finance_router)
api.add_router("/compute", compute_router)

handler500 = "gaoxin.web.views.errors.server_error"

admin.site.site_header = "高新区运营平台 管理后台"
admin.site.site_title = "高新 Gaoxin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("gaoxin.api.urls")),  # Open311
    path("indicators/", include("gaoxin.indicators.urls")),
    path("reports/", include("gaoxin.reports.urls")),
    path("projects/", include("gaoxin.projects.urls")),
    path("land/", include("gaoxin.land.urls")),
    path("innovation/", include("gaoxin.innovation.urls")),  # issue 22
    path("talent/", include("gaoxin.talent.urls")),  # issue 22
    path("policies/", include("gaoxin.policies.urls")),  # issue 18
    path("finance/", include("gaoxin.finance.urls")),  # issue 19
    path("compute/", include("gaoxin.compute.urls")),  # issue 21
    path("", include("gaoxin.web.urls")),
    path("ledgers/", include("gaoxin.ledgers.urls")),
]
