from django.urls import path

from motcua.dossiers import api, due_api

urlpatterns = [
    path("tracking/<str:code>", api.tracking_fast, name="tracking"),  # the busiest: first
    path("dossiers", api.DossierListCreate.as_view(), name="dossiers"),
    path("counter/dossiers", api.CounterIntake.as_view(), name="counter-intake"),
    path("dispatch", api.DispatchQueue.as_view(), name="dispatch-queue"),
    path("dossiers/<str:code>", api.DossierDetail.as_view(), name="dossier"),
    path("dossiers/<str:code>/actions/<str:action>", api.DossierAction.as_view(),
         name="dossier-action"),
    path("dossiers/<str:code>/due-explanation", due_api.DossierDueExplanation.as_view(),
         name="dossier-due-explanation"),
    path("dossiers/<str:code>/files", api.DossierFiles.as_view(), name="dossier-files"),
    path("dossiers/<str:code>/files/<int:file_id>", api.DossierFileDownload.as_view(),
         name="dossier-file"),
    path("dossiers/<str:code>/slips/<str:form>.pdf", api.DossierSlip.as_view(),
         name="dossier-slip"),
    path("agencies/<str:code>/book.<str:fmt>", api.AgencyBook.as_view(),
         name="agency-book"),
    # Never reached (the fast view, first, answers); it documents the same endpoint in the
    # OpenAPI schema, which lists only DRF views.
    path("tracking/<str:code>", api.Tracking.as_view(), name="tracking-schema"),
]
