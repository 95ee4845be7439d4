from django.urls import path

from gaoxin.land import views

app_name = "land"

urlpatterns = [
    path("", views.parcel_list, name="parcels"),
    path("new/", views.parcel_new, name="new"),
    path("supplies/", views.supply_list, name="supplies"),
    path("<str:code>/", views.parcel_detail, name="parcel"),
    path("<str:code>/supply/", views.supply_record, name="supply"),
    path("<str:code>/permit/", views.permit_issue, name="permit"),
    path("<str:code>/permits/", views.permits_issue, name="permits"),
    path("<str:code>/agreement/", views.agreement_check, name="agreement"),
    path("<str:code>/split/", views.parcel_split, name="split"),
    path("<str:code>/merge/", views.parcel_merge, name="merge"),
]
