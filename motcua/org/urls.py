from django.urls import path

from motcua.org import api

urlpatterns = [
    path("auth/token", api.TokenLoginView.as_view(), name="auth-token"),
    path("auth/logout", api.LogoutView.as_view(), name="auth-logout"),
    path("me", api.MeView.as_view(), name="me"),
    path("units", api.UnitListView.as_view(), name="unit-list"),
    path("agencies", api.AgencyListView.as_view(), name="agency-list"),
    path("agencies/<str:code>", api.AgencyDetailView.as_view(), name="agency-detail"),
]
