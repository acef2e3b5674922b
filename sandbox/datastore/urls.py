from django.urls import path

from sandbox.datastore import views

urlpatterns = [
    path("documents", views.documents),
    path("received", views.received),
    path("documents/<str:key>/file", views.document_file),
]
