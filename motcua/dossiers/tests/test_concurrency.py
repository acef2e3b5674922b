"""Concurrent intake on PostgreSQL: dossier codes never repeat and leave no gaps."""

import threading

import pytest
from django.db import close_old_connections, connection

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import at, submission

THREADS = 8
PER_THREAD = 15


def at_once(work, threads: int = THREADS) -> list:
    """Run `work()` in `threads` threads released together, each on its own connection;
    returns what each returned; any exception fails the test."""
    start = threading.Barrier(threads)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(work())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_allocates_every_number_once_without_gaps(org, procedure):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    now = at("09:00 16/11/2026")
    sub = submission(org, procedure, channel=1)

    def intake_many() -> None:
        for _ in range(PER_THREAD):
            actions.intake_at_counter(sub, officer=org.officer_a, now=now)

    at_once(intake_many)
    codes = list(Dossier.objects.values_list("code", flat=True))
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert len(codes) == len(set(codes)) == THREADS * PER_THREAD
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_actions_on_one_dossier_apply_once(org, procedure):
    """Two officers press "return result" at once: one succeeds, the other gets a clear refusal."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    from motcua.dossiers.lifecycle import IllegalTransition

    d = actions.intake_at_counter(submission(org, procedure, channel=1), officer=org.officer_a,
                                  now=at("09:00 16/11/2026"))
    d = actions.perform(d, "start_processing", org.specialist_a)
    d = actions.perform(d, "mark_result_ready", org.specialist_a)

    def give_back() -> str:
        try:
            actions.perform(d, "return_result", org.officer_a)
            return "done"
        except IllegalTransition:
            return "refused"

    outcomes = at_once(give_back, 4)
    assert sorted(outcomes) == ["done", "refused", "refused", "refused"]
    assert d.events.filter(action="return_result").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_create_one_dossier(org, procedure):
    """A client that retries at once (a timeout, a double click) sends the same key several
    times in parallel: one dossier, one number, and every answer is that dossier."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    from motcua.core.idempotency import run_once
    from motcua.core.models import IdempotencyRecord

    now = at("09:00 16/11/2026")

    def create():
        d = actions.submit(submission(org, procedure), account=org.citizen, now=now)
        return 201, {"code": d.code}

    def retry() -> tuple[int, str, bool]:
        response = run_once(f"user:{org.citizen.pk}", "retry-1", {"same": "body"}, create)
        return (response.status_code, response.data["code"],
                response.get("Idempotent-Replayed") == "true")

    answers = at_once(retry)
    [code] = Dossier.objects.values_list("code", flat=True)
    assert code.endswith("-0001")
    assert sorted(answers) == [(201, code, False)] + [(201, code, True)] * (THREADS - 1)
    assert IdempotencyRecord.objects.count() == 1
