from django.urls import path

from sandbox.tsa import views

urlpatterns = [path("", views.timestamp, name="tsa")]
