from django.contrib.auth import views as auth_views
from django.urls import path

from gaoxin.web import views, views_cases, views_dashboard, views_public, views_work

app_name = "web"

urlpatterns = [
    path("", views_work.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    # Workbenches
    path("work/operator/", views_work.work_operator, name="work_operator"),
    path("work/operator/new/", views_work.work_operator_new, name="work_operator_new"),
    path("work/dispatch/", views_work.work_dispatch, name="work_dispatch"),
    path("work/handler/", views_work.work_handler, name="work_handler"),
    path("work/grid/", views_work.work_grid, name="work_grid"),
    path("work/supervision/", views_work.work_supervision, name="work_supervision"),
    path("work/supervision/<int:pk>/ack/", views_work.supervision_acknowledge, name="supervision_acknowledge"),
    path("work/suggest/", views_cases.category_suggest, name="category_suggest"),
    # Cases
    path("cases/", views_cases.case_list, name="case_list"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/reveal/", views_cases.case_reveal, name="case_reveal"),
    path("cases/<int:pk>/<str:action>/", views_cases.case_action, name="case_action"),
    path("attachments/<int:pk>/", views_cases.attachment_download, name="attachment"),
    # Dashboard and maps
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("maps/grids.geojson", views_dashboard.grid_geojson, name="grid_geojson"),
    # Public pages (no login)
    path("public/", views_public.public_report, name="public_report"),
    path("public/track/", views_public.public_track, name="public_track"),
]
