"""How the apps are wired together: who subscribes to which domain event. Outside the layers,
since it looks at all of them."""

from motcua.core.events import events
from motcua.dossiers import lifecycle
from motcua.dossiers.events import (
    DossierChanged,
    DossierClosed,
    DossierReceived,
    DossierResumed,
    DossierRouted,
    DossierSubmitted,
    DossierWaiting,
)
from motcua.integration.events import FeePaidOnline
from motcua.notifications.messages import KINDS
from motcua.petitions.events import (
    DossierRated,
    PetitionChanged,
    PetitionFiled,
    PetitionHandled,
    PetitionRated,
)
from motcua.processing.events import StepChanged
from motcua.records.digitization import ComponentDigitized
from motcua.records.events import DossierDigitized, NationalStoreUsed, ResultSigned


def test_subscribers_of_each_dossier_event():
    """Who reacts to what: change this list only together with a subscription in apps.py."""
    notify = "motcua.notifications.subscribers.queue_applicant_notice"
    result = "motcua.records.results.on_dossier_changed"  # a result ready: the signed result
    portal = "motcua.integration.portal_sync.queue_dossier_change"  # the outbox message
    index = "motcua.reporting.actions.record_change"  # last: after the process has moved
    assert events.subscribers(DossierChanged) == [notify, result, portal, index]
    # the data store's documents a new dossier reuses, checked and recorded first (a refusal
    # rolls the submission back before anything is sent); a VNeID-linked account filing for
    # itself: its verified number, the 4.5b mark
    assert events.subscribers(DossierSubmitted) == [
        "motcua.records.reuse.record", "motcua.integration.identity.on_submitted", notify,
        result, portal, index]
    assert events.subscribers(DossierReceived) == [
        "motcua.processing.actions.start_run", notify, result, portal, index]
    assert events.subscribers(DossierWaiting) == [
        "motcua.processing.actions.wait_steps", notify, result, portal, index]
    assert events.subscribers(DossierResumed) == [
        "motcua.processing.actions.resume_steps", notify, result, portal, index]
    assert events.subscribers(DossierClosed) == [
        "motcua.processing.actions.end_run", notify, result, portal, index]
    assert events.subscribers(DossierRouted) == [
        "motcua.processing.actions.start_run", notify, result, portal, index]


def test_subscribers_of_each_petition_event():
    """The index keeps the satisfaction group from the petitions' events."""
    petition = "motcua.reporting.satisfaction_actions.record_petition"
    for kind in (PetitionChanged, PetitionFiled, PetitionHandled, PetitionRated):
        assert events.subscribers(kind) == [petition]
    assert events.subscribers(DossierRated) == [
        "motcua.reporting.satisfaction_actions.record_rating"]


def test_subscribers_of_the_records_events():
    """A digitized copy is signed by the one-stop unit (a task enqueued on commit); a signed
    result is told to its applicant (delivery rows) and goes to the national data store (the
    outbox); the index counts signed results, digitized dossiers and the national data store's
    use (3.3, 4.1, 4.2, 4.4)."""
    assert events.subscribers(ComponentDigitized) == [
        "motcua.records.copy_signing.on_component_digitized"]
    assert events.subscribers(ResultSigned) == [
        "motcua.records.result_notices.queue_signed_notice",
        "motcua.integration.national_store.queue_result",
        "motcua.reporting.actions.record_result_signed"]
    assert events.subscribers(DossierDigitized) == ["motcua.reporting.actions.record_digitized"]
    assert events.subscribers(NationalStoreUsed) == [
        "motcua.reporting.actions.record_national_store"]


def test_subscribers_of_the_payment_event():
    """A fee paid online: the dossier's update to the national portal."""
    assert events.subscribers(FeePaidOnline) == [
        "motcua.integration.portal_sync.queue_payment"]


def test_subscribers_of_each_step_event():
    assert events.subscribers(StepChanged) == ["motcua.reporting.actions.record_step"]


def test_every_notice_of_the_registry_has_a_message():
    assert {a.notice for a in lifecycle.ACTIONS.values() if a.notice} <= set(KINDS)
