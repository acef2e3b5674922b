from __future__ import annotations

import pytest

from motcua.dossiers import actions as dossier_actions
from motcua.dossiers.tests.factories import at, received
from motcua.org.models import Role, StaffRole
from motcua.tests.builders import staff


@pytest.fixture
def head_a(org):
    """The head of commune A's People's Committee: the competent agency of org's dossiers."""
    return staff("head.a", "Đỗ Văn Minh", org.pc_a, Role.HEAD)


@pytest.fixture
def leader_b(org):
    return staff("leader.b", "Vũ Thị Hoa", org.pc_b, Role.LEADER)


def finish(org, d, when: str):
    """Processed (its result ready) and returned to the applicant, by the org's staff."""
    d = dossier_actions.perform(d, "start_processing", org.specialist_a, now=at(when))
    d = dossier_actions.perform(d, "mark_result_ready", org.specialist_a, now=at(when))
    return dossier_actions.perform(d, "return_result", org.officer_a, now=at(when))


@pytest.fixture
def returned(org, procedure):
    """A dossier of the org's citizen, received at the counter and returned (commune A's
    People's Committee handled it)."""
    return finish(org, received(org, procedure, at("09:00 02/03/2026")), "10:00 03/03/2026")


@pytest.fixture
def specialist_a_also_answers(org):
    StaffRole.objects.create(user=org.specialist_a, agency=org.pc_a, role=Role.LEADER)
    return org.specialist_a
