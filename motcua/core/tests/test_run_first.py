"""A web form's one-time key: the work runs once per key; a refusal frees the key."""

import pytest

from motcua.core.errors import DomainError, InvalidInput
from motcua.core.idempotency import run_first

pytestmark = pytest.mark.django_db


def test_the_work_runs_once_per_owner_and_key():
    runs = []
    assert run_first("web:1", "k", lambda: runs.append(1) or "done") == (True, "done")
    assert run_first("web:1", "k", lambda: runs.append(2) or "again") == (False, None)
    assert run_first("web:2", "k", lambda: runs.append(3) or "other") == (True, "other")
    assert runs == [1, 3]


def test_a_refusal_frees_the_key_for_the_corrected_form():
    def refused():
        raise DomainError("no", code="nope")

    with pytest.raises(DomainError):
        run_first("web:1", "k", refused)
    assert run_first("web:1", "k", lambda: "fixed") == (True, "fixed")


@pytest.mark.parametrize("key", ["", "x" * 256, "bad\nkey"])
def test_a_missing_or_malformed_key_is_refused(key):
    with pytest.raises(InvalidInput):
        run_first("web:1", key, lambda: "never")
