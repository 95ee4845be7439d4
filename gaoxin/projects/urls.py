from django.urls import path

from gaoxin.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("lights/", views.lights_board, name="lights"),
    path("problems/", views.problem_list, name="problems"),
    path("map/", views.project_map, name="map"),
    path("contracts/", views.contract_list, name="contracts"),
    path("reports/excel/", views.reports_excel, name="excel"),
    path("dossier/", views.dossier, name="dossier"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/advance/", views.project_advance, name="advance"),
    path("<int:pk>/report/", views.report_submit, name="report"),
    path("<int:pk>/milestone/", views.milestone_plan, name="milestone"),
    path("<int:pk>/contract/", views.contract_sign, name="contract"),
    path("<int:pk>/problem/", views.problem_raise, name="problem"),
]
