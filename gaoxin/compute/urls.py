from django.urls import path

from gaoxin.compute import views

app_name = "compute"
urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("pools/", views.pool_list, name="pool_list"),
    path("pools/<int:pk>/", views.pool_detail, name="pool_detail"),
    path("bills/", views.billing, name="billing"),
    path("bills/<int:pk>/", views.bill_detail, name="bill_detail"),
    path("settlements/", views.settlement_list, name="settlement_list"),
    path("vouchers/", views.voucher_list, name="voucher_list"),
    path("overview/", views.overview, name="overview"),
]
