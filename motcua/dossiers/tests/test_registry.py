"""The action registry (lifecycle.ACTIONS) is the one description of each dossier action."""

import pytest

from motcua.core.errors import InvalidInput
from motcua.core.events import events
from motcua.dossiers import actions, lifecycle
from motcua.dossiers.events import (
    DossierChanged,
    DossierReceived,
    DossierSubmitted,
)
from motcua.dossiers.slips import FORMS
from motcua.dossiers.tests.factories import at, online


def test_every_action_has_one_handler_and_every_handler_one_action():
    assert set(actions.HANDLERS) == set(lifecycle.ACTIONS)


def test_each_entry_names_a_real_slip_and_roles():
    for action in lifecycle.ACTIONS.values():
        assert not action.slip or action.slip in FORMS, action.name
        assert action.who and action.sources, action.name
        assert str(action.label) and str(action.label) != action.name


def test_the_api_offers_every_entry_marked_for_it():
    assert sorted(
        n for n in lifecycle.ACTIONS if n != "attach_file") == lifecycle.API_ACTIONS


@pytest.mark.django_db
def test_perform_checks_the_input_against_the_entry(org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"), files=False)
    with pytest.raises(InvalidInput) as missing:
        actions.perform(d, "refuse", org.officer_a, now=at("09:10 16/11/2026"))
    assert missing.value.code == "reason"
    with pytest.raises(InvalidInput) as blank:
        actions.perform(d, "refuse", org.officer_a, reason="   ", now=at("09:10 16/11/2026"))
    assert blank.value.code == "reason"
    with pytest.raises(TypeError):
        actions.perform(d, "accept", org.officer_a, amount_vnd=5)
    with pytest.raises(ValueError):
        actions.perform(d, "approve", org.officer_a)
    d.refresh_from_db()
    assert d.status == 1 and d.events.count() == 1  # nothing half-written


@pytest.mark.django_db
def test_each_action_publishes_one_event_with_its_notice(org, procedure):
    seen: list[DossierChanged] = []
    events.subscribe(DossierChanged, seen.append)
    try:
        d = online(org, procedure, at("09:00 16/11/2026"))
        actions.perform(d, "accept", org.officer_a, now=at("09:10 16/11/2026"))
    finally:
        events.unsubscribe(DossierChanged, seen.append)
    assert [(type(e), e.action, e.notice) for e in seen] == [
        (DossierSubmitted, "submit", ""), (DossierChanged, "attach_file", ""),
        (DossierReceived, "accept", "received")]
    assert seen[2].timeline.action == "accept" and seen[2].dossier.pk == d.pk
