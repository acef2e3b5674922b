from django.urls import path

from sandbox.faults.views import faults

urlpatterns = [path("", faults)]
