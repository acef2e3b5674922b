from django.urls import path

from motcua.reporting.api import IndexView, IndicatorsView, RankingView

urlpatterns = [
    path("index", IndexView.as_view(), name="index"),
    path("index/ranking", RankingView.as_view(), name="index-ranking"),
    path("index/indicators", IndicatorsView.as_view(), name="index-indicators"),
]
