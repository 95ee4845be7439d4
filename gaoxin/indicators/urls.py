from django.urls import path

from gaoxin.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("catalog/", views.catalog, name="catalog"),
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path("template.xlsx", views.template_download, name="template"),
    path("upload/", views.upload, name="upload"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("<str:ref>/", views.detail, name="detail"),
]
