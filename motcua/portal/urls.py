from django.urls import path

from motcua.portal import dossier, petitions, views

app_name = "portal"
urlpatterns = [
    path("tra-cuu/", views.tracking, name="tracking"),
    path("tra-cuu/<str:code>", views.tracking, name="tracking-code"),
    path("", views.home, name="home"),
    path("thu-tuc/<str:ref>/", views.procedure, name="procedure"),
    path("thu-tuc/<str:ref>/phan-anh/", petitions.procedure_petition,
         name="procedure-petition"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<str:code>/", dossier.dossier, name="dossier"),
    path("ho-so-cua-toi/<str:code>/tep/<int:file_id>/", dossier.dossier_file,
         name="dossier-file"),
    path("ho-so-cua-toi/<str:code>/bo-sung/tep/", dossier.supplement_file,
         name="dossier-supplement-file"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", dossier.supplement_send,
         name="dossier-supplement"),
    path("ho-so-cua-toi/<str:code>/rut/", dossier.withdraw, name="dossier-withdraw"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", dossier.rate, name="dossier-rating"),
    path("ho-so-cua-toi/<str:code>/phan-anh/", dossier.petition, name="dossier-petition"),
    path("phan-anh-cua-toi/", petitions.my_petitions, name="my-petitions"),
    path("phan-anh-cua-toi/<int:petition_id>/", petitions.petition, name="petition"),
    path("phan-anh-cua-toi/<int:petition_id>/bo-sung/", petitions.petition_information,
         name="petition-information"),
    path("phan-anh-cua-toi/<int:petition_id>/danh-gia/", petitions.petition_rating,
         name="petition-rating"),
]
