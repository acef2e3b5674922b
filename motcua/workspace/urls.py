from django.urls import path

from motcua.workspace import dashboard, views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("chi-so/", dashboard.page, name="dashboard"),
    path("chi-so/theo-doi/", dashboard.live, name="dashboard-live"),
    path("chi-so/bao-cao.xlsx", dashboard.report_workbook, name="dashboard-report"),
    path("chi-so/tai-ve/<str:table>.<str:fmt>", dashboard.download, name="dashboard-download"),
    path("chi-so/xuat/", dashboard.start_export, name="export-start"),
    path("chi-so/xuat/<uuid:export_id>/", dashboard.export_status, name="export"),
    path("chi-so/xuat/<uuid:export_id>/tai-ve", dashboard.export_file, name="export-file"),
]
