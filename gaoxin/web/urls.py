from django.contrib.auth import views as auth_views
from django.urls import path

from gaoxin.web.views import account, cases, dashboard, enterprises, evaluation, exports, notify, public, work

app_name = "web"

urlpatterns = [
    path("", work.home, name="home"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", account.healthz, name="healthz"),
    # Workbenches
    path("work/operator/", work.work_operator, name="work_operator"),
    path("work/operator/new/", work.work_operator_new, name="work_operator_new"),
    path("work/dispatch/", work.work_dispatch, name="work_dispatch"),
    path("work/dispatch/batch/", work.work_dispatch_batch, name="work_dispatch_batch"),
    path("work/handler/", work.work_handler, name="work_handler"),
    path("work/grid/", work.work_grid, name="work_grid"),
    path("work/supervision/", work.work_supervision, name="work_supervision"),
    path("work/supervision/<int:pk>/ack/", work.supervision_acknowledge, name="supervision_acknowledge"),
    path("work/suggest/", cases.category_suggest, name="category_suggest"),
    # Cases
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/reveal/", cases.case_reveal, name="case_reveal"),
    path("cases/<int:pk>/dispatch-order/", cases.case_dispatch_order, name="case_dispatch_order"),
    path("cases/<int:pk>/instructions/", cases.case_instruct, name="case_instruct"),
    path("instructions/<int:pk>/ack/", cases.instruction_acknowledge, name="instruction_acknowledge"),
    path("cases/<int:pk>/field-checks/", cases.field_check_send, name="field_check_send"),
    path("field-checks/<int:pk>/answer/", cases.field_check_answer, name="field_check_answer"),
    path("cases/<int:pk>/<str:action>/", cases.case_action, name="case_action"),
    path("attachments/<int:pk>/", cases.attachment_download, name="attachment"),
    # Exports
    path("exports/", exports.export_list, name="export_list"),
    path("exports/cases/", exports.export_cases, name="export_cases"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/download", exports.export_download, name="export_download"),
    # Dashboard and maps
    path("enterprises/", enterprises.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("enterprises/visits/", enterprises.visit_list, name="visit_list"),
    path("enterprises/visits/new/", enterprises.visit_new, name="visit_new"),
    path("enterprises/reception-days/", enterprises.reception_list, name="reception_list"),
    path("enterprises/reception-days/new/", enterprises.reception_new, name="reception_new"),
    path("enterprises/reception-days/<int:pk>/", enterprises.reception_detail, name="reception_detail"),
    path("my/problems/", enterprises.my_problem_list, name="my_problem_list"),
    path("my/problems/<int:pk>/", enterprises.my_problem_detail, name="my_problem_detail"),
    path("my/notifications/", enterprises.my_notification_list, name="my_notification_list"),
    path("my/reports/", work.my_reports, name="my_reports"),

    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("maps/grids.geojson", dashboard.grid_geojson, name="grid_geojson"),
    path("maps/base.geojson", dashboard.basemap_geojson, name="basemap_geojson"),
    path("evaluation/", evaluation.evaluation, name="evaluation"),
    path("sms/", notify.sms_outbox, name="sms_outbox"),
    path("sms/retry-dead/", notify.sms_retry_dead, name="sms_retry_dead"),
    # Public pages (no login)
    path("public/", public.public_report, name="public_report"),
    path("public/track/", public.public_track, name="public_track"),
    path("public/nearby/", public.public_nearby, name="public_nearby"),
]
