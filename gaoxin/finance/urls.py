from django.urls import path

from gaoxin.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.manager_list, name="home"),
    path("import/", views.ledger_import, name="ledger_import"),
    path("managers/", views.manager_list, name="manager_list"),
    path("managers/<int:pk>/", views.manager_detail, name="manager_detail"),
    path("guidance/", views.guidance_list, name="guidance_list"),
    path("guidance/<int:pk>/", views.guidance_detail, name="guidance_detail"),
    path("guidance/investments/", views.investment_list, name="investment_list"),
    path("events/", views.event_list, name="event_list"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("deals/", views.deal_list, name="deal_list"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("bank/", views.bank_desk, name="bank_desk"),
    path("certifications/", views.certification_list, name="certification_list"),
    path("banks/", views.bank_list, name="bank_list"),
    path("index/", views.index_overview, name="index_overview"),
    path("index/mine/", views.index_mine, name="index_mine"),
    path("index/enterprise/<int:pk>/", views.index_enterprise, name="index_enterprise"),
    path("overview/", views.overview, name="overview"),
    path("loans/", views.loan_list, name="loan_list"),
    path("loans/<int:pk>/", views.loan_detail, name="loan_detail"),
]
