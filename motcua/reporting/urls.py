from django.urls import path

from motcua.reporting.api import (
    HandlingReportView,
    IndexView,
    IndicatorsView,
    RankingView,
    StatisticsFileView,
    StatisticsView,
)

urlpatterns = [
    path("index", IndexView.as_view(), name="index"),
    path("index/ranking", RankingView.as_view(), name="index-ranking"),
    path("index/indicators", IndicatorsView.as_view(), name="index-indicators"),
    path("statistics/report.xlsx", HandlingReportView.as_view(), name="statistics-report"),
    path("statistics/<str:table>.<str:fmt>", StatisticsFileView.as_view(),
         name="statistics-file"),
    path("statistics/<str:table>", StatisticsView.as_view(), name="statistics"),
]
