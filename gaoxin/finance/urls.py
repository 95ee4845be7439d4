from django.urls import path

from gaoxin.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.manager_list, name="home"),
    path("managers/", views.manager_list, name="manager_list"),
    path("managers/<int:pk>/", views.manager_detail, name="manager_detail"),
]
