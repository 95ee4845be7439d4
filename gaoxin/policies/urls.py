from django.urls import path

from gaoxin.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.board, name="board"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/<str:code>/", views.policy_detail, name="policy_detail"),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("calculator/", views.calculator, name="calculator"),
    path("apply/<str:code>/", views.apply, name="apply"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
]
