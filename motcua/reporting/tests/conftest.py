"""Dossiers driven through an internal process (processing's test world: a commune People's
Committee with specialists, a head and a leader, the commune's service center), for the
statistics that read who held a dossier at which step."""

from __future__ import annotations

import pytest

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, online
from motcua.processing import actions as pactions
from motcua.processing.models import StepInstance
from motcua.processing.tests.conftest import world  # noqa: F401 - the fixture


def step_action(d, user, action: str, when: str):
    step = StepInstance.objects.get(dossier=d, finished_at__isnull=True)
    if step.assignee_id != user.pk:
        pactions.claim(step, user=user, now=at(when))
    return pactions.act(step, action, actor=user, now=at(when)).dossier


@pytest.fixture
def november(world):  # noqa: F811 - the fixture above
    """Four dossiers of commune A's People's Committee (3 working days; 16/11/2026 is a
    Monday), each through check (specialist, 8 h) → approve (head, 4 h) → deliver (one-stop
    officer of the center, 4 h):

    - D1: counter, received 09:00 16/11, due 09:00 19/11. specialist.a holds the check step
      until Friday 20/11 10:00 (the step was due 09:00 17/11); approved 11:00, returned 11:30:
      finished late (result ready at 11:00 20/11).
    - D2: counter, received 10:00 16/11, due 10:00 19/11. specialist.a2 forwards it at 14:00
      16/11; the approval (due 08:00 17/11) waits in the head's queue ever since: overdue.
    - D3: counter, received 09:00 17/11; forwarded 10:00, approved 11:00, returned 11:30: early.
    - D4: online, accepted 09:00 18/11; forwarded 10:00, approved 11:00, returned 11:30: early.
    """
    org = world.org

    def through(d, specialist, day: str):
        step_action(d, specialist, "forward", f"10:00 {day}")
        step_action(d, world.head_a, "approve", f"11:00 {day}")
        return step_action(d, org.officer_a, "finish", f"11:30 {day}")

    d1 = world.receive("09:00 16/11/2026")
    d2 = world.receive("10:00 16/11/2026")
    step_action(d2, world.specialist_a2, "forward", "14:00 16/11/2026")
    d3 = through(world.receive("09:00 17/11/2026"), org.specialist_a, "17/11/2026")
    d4 = online(org, world.procedure, at("08:00 18/11/2026"))
    d4 = actions.perform(d4, "accept", org.officer_a, now=at("09:00 18/11/2026"))
    d4 = through(d4, world.specialist_a2, "18/11/2026")
    pactions.claim(StepInstance.objects.get(dossier=d1, key="check"), user=org.specialist_a,
                   now=at("09:30 16/11/2026"))
    d1 = through(d1, org.specialist_a, "20/11/2026")
    return {"D1": d1, "D2": d2, "D3": d3, "D4": d4}
