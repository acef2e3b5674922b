"""/api/v1/sharing/: the data-sharing API for other agencies' systems (api.py)."""

from django.urls import path

from motcua.sharing import api

urlpatterns = [
    path("token", api.Token.as_view(), name="sharing-token"),
    path("procedures", api.SharedProcedureList.as_view(), name="sharing-procedures"),
    path("procedures/<str:ref>", api.SharedProcedureDetail.as_view(),
         name="sharing-procedure"),
    path("dossiers/<str:code>", api.SharedDossier.as_view(), name="sharing-dossier"),
    path("dossiers/<str:code>/results", api.SharedResults.as_view(), name="sharing-results"),
    path("dossiers/<str:code>/results/<uuid:public_id>.pdf", api.SharedResultFile.as_view(),
         name="sharing-result-file"),
    path("statistics/index", api.SharedIndex.as_view(), name="sharing-index"),
    path("statistics/<str:table>", api.SharedStatistics.as_view(), name="sharing-statistics"),
]
