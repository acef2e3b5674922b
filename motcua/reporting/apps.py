from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The Decision 766 index: facts and monthly rollups kept by the dossier events."""

    name = "motcua.reporting"
    label = "reporting"
    verbose_name = _("Service-quality index")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from motcua.core import housekeeping
        from motcua.core.events import subscribe
        from motcua.dossiers.events import DossierChanged
        from motcua.integration.events import DossierIdentified, DossiersSynced
        from motcua.petitions.events import DossierRated, PetitionChanged
        from motcua.processing.events import StepChanged
        from motcua.records.events import DossierDigitized, NationalStoreUsed, ResultSigned
        from motcua.reporting import actions, indicators, jobs, satisfaction_actions

        try:  # a wrong INDEX_UNCONFIRMED_RULES stops the start, not a request
            indicators.registry(settings.INDEX_UNCONFIRMED_RULES)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ImproperlyConfigured(f"INDEX_UNCONFIRMED_RULES: {exc}") from exc
        subscribe(DossierChanged, actions.record_change)
        subscribe(PetitionChanged, satisfaction_actions.record_petition)
        subscribe(DossierRated, satisfaction_actions.record_rating)
        subscribe(StepChanged, actions.record_step)
        subscribe(DossierIdentified, actions.record_identified)
        subscribe(DossiersSynced, actions.record_synced)
        subscribe(ResultSigned, actions.record_result_signed)
        subscribe(DossierDigitized, actions.record_digitized)
        subscribe(NationalStoreUsed, actions.record_national_store)
        housekeeping.register("statistics_exports", jobs.prune_exports)
