from django.urls import path

from motcua.workspace import dossier, unit, views, worklist

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
]
