import pytest

from motcua.dossiers.lifecycle import IllegalTransition, allowed_actions, check_transition
from motcua.dossiers.models import Status as S


@pytest.mark.parametrize(
    "action,start,end",
    [
        ("accept", S.SUBMITTED, S.RECEIVED),
        ("refuse", S.SUBMITTED, S.REFUSED),
        ("request_supplement", S.SUBMITTED, S.SUPPLEMENT),
        ("request_supplement", S.PROCESSING, S.SUPPLEMENT),
        ("start_processing", S.RECEIVED, S.PROCESSING),
        ("request_payment", S.PROCESSING, S.PAYING),
        ("confirm_payment", S.PAYING, S.PROCESSING),
        ("send_interagency", S.PROCESSING, S.INTEROPERATING),
        ("return_interagency", S.INTEROPERATING, S.PROCESSING),
        ("mark_result_ready", S.PROCESSING, S.RESULT_READY),
        ("mark_result_ready", S.INTEROPERATING, S.RESULT_READY),
        ("return_result", S.RESULT_READY, S.RETURNED),
        ("withdraw", S.SUBMITTED, S.WITHDRAWN),
        ("grant_withdrawal", S.SUPPLEMENT, S.WITHDRAWN),
        ("refuse_on_merits", S.PROCESSING, S.RESULT_READY),
        ("stop", S.PROCESSING, S.STOPPED),
        ("apologize", S.PROCESSING, S.PROCESSING),
    ],
)
def test_legal_transitions_lead_where_the_law_says(action, start, end):
    assert check_transition(action, start) == end


@pytest.mark.parametrize(
    "action,start",
    [
        ("accept", S.RECEIVED),  # cannot receive twice
        ("return_result", S.PROCESSING),  # no result yet
        ("mark_result_ready", S.SUPPLEMENT),  # waiting for the applicant
        ("withdraw", S.RETURNED),  # finished
        ("withdraw", S.PROCESSING),  # received: asked, then decided (grant_withdrawal)
        ("apologize", S.SUPPLEMENT),  # the clock stands
        ("refuse_on_merits", S.SUPPLEMENT),
        ("stop", S.SUBMITTED),  # not received: refuse instead
        ("refuse", S.PROCESSING),  # refusal happens at receipt only
        ("apologize", S.RESULT_READY),  # no longer late-able
        ("start_processing", S.REFUSED),
    ],
)
def test_illegal_transitions_are_refused_with_the_allowed_ones(action, start):
    with pytest.raises(IllegalTransition) as error:
        check_transition(action, start)
    assert error.value.extra["allowed"] == allowed_actions(start)


def test_finished_statuses_allow_nothing_but_returning_a_ready_result():
    for status in (S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED):
        assert allowed_actions(status) == []
    assert allowed_actions(S.RESULT_READY) == ["return_result"]


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        check_transition("teleport", S.SUBMITTED)
