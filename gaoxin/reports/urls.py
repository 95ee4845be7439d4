from django.urls import path

from gaoxin.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("close/", views.latest, {"page": "close"}, name="close_latest"),
    path("<int:year>/", views.report, name="html"),
    path("<int:year>.docx", views.report, {"fmt": "docx"}, name="docx"),
    path("<int:year>.json", views.report, {"fmt": "json"}, name="json"),
    path("<int:year>/close/", views.close, name="close"),
]
