from django.urls import path

from sandbox.portal import views

urlpatterns = [
    path("messages", views.messages),
    path("received", views.received),
    path("dossiers/<str:code>", views.dossier),
    path("stats", views.stats),
]
