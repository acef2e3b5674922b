"""Dossiers at each stage of the one-stop unit's day, for the workspace's tests: through the
real actions (dossiers.tests.factories), at fixed times."""

from __future__ import annotations

from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import at, online, person, received, submission


def ready(org, procedure, when: str = "09:00 16/11/2026", **kw) -> Dossier:
    """Received at center A's counter, processed by commune A's People's Committee: its
    result is ready (status 9)."""
    d = received(org, procedure, at(when), **kw)
    d = actions.perform(d, "start_processing", org.specialist_a, now=at(when))
    return actions.perform(d, "mark_result_ready", org.specialist_a, now=at(when))


def to_route(org, procedure, when: str = "09:00 16/11/2026") -> Dossier:
    """Submitted online at center A by an applicant who names no commune: the competent agency
    (by residence) cannot be found, so it waits in center A's dispatch queue."""
    return online(org, procedure, at(when), applicant=person())


__all__ = ["at", "online", "person", "ready", "received", "submission", "to_route"]
