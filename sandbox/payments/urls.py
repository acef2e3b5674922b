from django.urls import path

from sandbox.payments import views

urlpatterns = [
    path("init", views.init),
    path("pay/<str:token>/", views.pay),
    path("query", views.query),
    path("transactions/", views.transactions),
]
