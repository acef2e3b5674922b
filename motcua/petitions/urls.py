from django.urls import path

from motcua.petitions import api

urlpatterns = [
    path("dossiers/<str:code>/rating", api.DossierRating.as_view(), name="dossier-rating"),
    path("petitions", api.Petitions.as_view(), name="petitions"),
    path("petitions/<int:petition_id>", api.PetitionDetail.as_view(), name="petition"),
    path("petitions/<int:petition_id>/answer", api.PetitionAnswer.as_view(),
         name="petition-answer"),
    path("petitions/<int:petition_id>/information", api.PetitionInformation.as_view(),
         name="petition-information"),
    path("petitions/<int:petition_id>/rating", api.PetitionRating.as_view(),
         name="petition-rating"),
]
