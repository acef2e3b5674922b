from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "motcua.processing"
    label = "processing"

    def ready(self) -> None:
        # Imported here, not at the top: models are not loaded when app configs are built.
        from motcua.core.events import subscribe
        from motcua.dossiers import policy
        from motcua.dossiers.events import (
            DossierClosed,
            DossierReceived,
            DossierResumed,
            DossierRouted,
            DossierWaiting,
        )
        from motcua.processing import actions, selectors

        subscribe(DossierReceived, actions.start_run)
        subscribe(DossierRouted, actions.start_run)
        subscribe(DossierWaiting, actions.wait_steps)
        subscribe(DossierResumed, actions.resume_steps)
        subscribe(DossierClosed, actions.end_run)
        policy.involve(selectors.STEP_AGENCIES)
        policy.drive_steps(actions.follows_process)
