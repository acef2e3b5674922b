from django.urls import path

from motcua.workspace import counter, dashboard, queues, results, views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    # the one-stop unit's day: the counter, the online intake queue, dispatch, results
    path("tiep-nhan/", counter.reception, name="counter"),
    path("tiep-nhan/<str:code>/", counter.reception_done, name="counter-done"),
    path("ho-so-truc-tuyen/", queues.intake_queue, name="intake-queue"),
    path("ho-so-truc-tuyen/<str:code>/<str:decision>/", queues.intake_decision,
         name="intake-decision"),
    path("dieu-phoi/", queues.dispatch_queue, name="dispatch"),
    path("dieu-phoi/<str:code>/", queues.route, name="dispatch-route"),
    path("tra-ket-qua/", results.results_queue, name="returns"),
    path("tra-ket-qua/<str:code>/", results.return_result, name="return-result"),
    path("chi-so/", dashboard.page, name="dashboard"),
    path("chi-so/theo-doi/", dashboard.live, name="dashboard-live"),
    path("chi-so/bao-cao.xlsx", dashboard.report_workbook, name="dashboard-report"),
    path("chi-so/tai-ve/<str:table>.<str:fmt>", dashboard.download, name="dashboard-download"),
    path("chi-so/xuat/", dashboard.start_export, name="export-start"),
    path("chi-so/xuat/<uuid:export_id>/", dashboard.export_status, name="export"),
    path("chi-so/xuat/<uuid:export_id>/tai-ve", dashboard.export_file, name="export-file"),
]
