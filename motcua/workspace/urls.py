from django.urls import path

from motcua.workspace import (
    counter,
    dashboard,
    dossier,
    exchange_log,
    petitions,
    queues,
    results,
    unit,
    views,
    worklist,
)

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("viec-can-lam/", worklist.worklist, name="worklist"),
    path("viec-can-lam/nhan/<int:step_id>/", worklist.claim, name="worklist-claim"),
    path("ho-so/<str:code>/", dossier.dossier, name="dossier"),
    path("ho-so/<str:code>/hanh-dong/<str:action>/", dossier.dossier_action,
         name="dossier-action"),
    path("ho-so/<str:code>/buoc/<int:step_id>/<str:action>/", dossier.step_action,
         name="step-action"),
    path("don-vi/", unit.overview, name="unit"),
    path("don-vi/giao/<int:step_id>/", unit.assign, name="unit-assign"),
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
    path("phan-anh/", petitions.worklist, name="petitions"),
    path("phan-anh/<int:petition_id>/", petitions.petition, name="petition"),
    path("phan-anh/<int:petition_id>/tra-loi/", petitions.answer, name="petition-answer"),
    path("nhat-ky-trao-doi/", exchange_log.search, name="exchange-log"),
    path("chi-so/", dashboard.page, name="dashboard"),
    path("chi-so/theo-doi/", dashboard.live, name="dashboard-live"),
    path("chi-so/bao-cao.xlsx", dashboard.report_workbook, name="dashboard-report"),
    path("chi-so/tai-ve/<str:table>.<str:fmt>", dashboard.download, name="dashboard-download"),
    path("chi-so/xuat/", dashboard.start_export, name="export-start"),
    path("chi-so/xuat/<uuid:export_id>/", dashboard.export_status, name="export"),
    path("chi-so/xuat/<uuid:export_id>/tai-ve", dashboard.export_file, name="export-file"),
]
