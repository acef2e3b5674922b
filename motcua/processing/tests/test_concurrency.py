"""Concurrent claims and actions on one step (PostgreSQL): exactly one wins."""

import threading

import pytest
from django.db import close_old_connections, connection

from motcua.core.errors import DomainError
from motcua.processing import actions as pactions
from motcua.processing.models import StepInstance
from motcua.processing.tests.conftest import T0, at


def race(*calls):
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            start.wait()
            results[i] = call()
        except BaseException as exc:  # reported below
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_claim_the_same_step_and_one_gets_it(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    d = world.receive()
    step = world.open_step(d)
    users = (world.org.specialist_a, world.specialist_a2)
    results = race(*(lambda u=u: pactions.claim(step, user=u, now=at(T0)) for u in users))
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert errors[0].code == "step_taken"
    step.refresh_from_db()
    assert step.assignee in users


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_forwards_of_one_step_move_the_dossier_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    results = race(*(lambda: pactions.act(step, "forward", actor=world.org.specialist_a,
                                        now=at("10:00 16/11/2026")) for _ in range(2)))
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and errors[0].code == "step_finished"
    assert list(StepInstance.objects.filter(dossier=d).values_list("key", flat=True)
                .order_by("id")) == ["check", "approve"]
