from django.urls import path

from gaoxin.talent import views

app_name = "talent"

urlpatterns = [
    path("", views.board, name="board"),
    path("programs/", views.program_list, name="program_list"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/import/", views.application_import, name="application_import"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/decide/", views.application_action, name="application_action"),
]
