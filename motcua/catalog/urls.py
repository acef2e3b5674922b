from django.urls import path

from motcua.catalog.api import ProcedureDetailView, ProcedureListView, SectorListView

urlpatterns = [
    path("procedures", ProcedureListView.as_view(), name="procedure-list"),
    path("procedures/<str:ref>", ProcedureDetailView.as_view(), name="procedure-detail"),
    path("sectors", SectorListView.as_view(), name="sector-list"),
]
