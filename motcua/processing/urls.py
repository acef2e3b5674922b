from django.urls import path

from motcua.processing import api

urlpatterns = [
    path("worklist", api.Worklist.as_view(), name="worklist"),
    path("worklist/unit/<str:code>", api.UnitWorklist.as_view(), name="unit-worklist"),
    path("dossiers/<str:code>/steps", api.DossierSteps.as_view(), name="dossier-steps"),
    path("steps/<int:step_id>/claim", api.StepClaim.as_view(), name="step-claim"),
    path("steps/<int:step_id>/assign", api.StepAssign.as_view(), name="step-assign"),
    path("steps/<int:step_id>/actions/<str:action>", api.StepAction.as_view(),
         name="step-action"),
]
