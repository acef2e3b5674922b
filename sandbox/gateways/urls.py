from django.urls import path

from sandbox.gateways import views

urlpatterns = [
    path("sms", views.sms),
    path("app", views.app),
    path("messages/", views.messages),
]
