from django.urls import path

from gaoxin.reports import views

app_name = "reports"

urlpatterns = [
    path("<int:year>/", views.report, name="html"),
    path("<int:year>.docx", views.report, {"fmt": "docx"}, name="docx"),
    path("<int:year>.json", views.report, {"fmt": "json"}, name="json"),
]
