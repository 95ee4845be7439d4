from django.urls import path

from gaoxin.innovation import views

app_name = "innovation"

urlpatterns = [
    path("", views.board, name="board"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/<str:action>/", views.demand_action, name="demand_action"),
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("achievements/new/", views.achievement_new, name="achievement_new"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("achievements/publish/", views.achievements_publish, name="achievements_publish"),
    path("import/", views.ledger_import, name="ledger_import"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/submit/", views.contract_submit, name="contract_submit"),
    path("contracts/<int:pk>/decide/", views.contract_decide, name="contract_decide"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<int:pk>/", views.project_action, name="project_action"),
    path("events/", views.event_list, name="event_list"),
    path("institutions/", views.institution_list, name="institution_list"),
]
