from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("tra-cuu/", views.tracking, name="tracking"),
    path("tra-cuu/<str:code>", views.tracking, name="tracking-code"),
    path("", views.home, name="home"),
    path("thu-tuc/<str:ref>/", views.procedure, name="procedure"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
]
