from django.urls import path

from motcua.workspace import petitions, views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("phan-anh/", petitions.worklist, name="petitions"),
    path("phan-anh/<int:petition_id>/", petitions.petition, name="petition"),
    path("phan-anh/<int:petition_id>/tra-loi/", petitions.answer, name="petition-answer"),
]
