from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "高新区运营平台 管理后台"
admin.site.site_title = "高新 Gaoxin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("gaoxin.api.urls")),
    path("indicators/", include("gaoxin.indicators.urls")),
    path("reports/", include("gaoxin.reports.urls")),
    path("", include("gaoxin.web.urls")),
]
