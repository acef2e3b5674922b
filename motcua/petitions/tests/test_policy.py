"""Who reads, answers and rates a petition, and who rates a dossier: a matrix of people and
objects; the list (visible_petitions) and the single check (can_read) agree."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.core.models import AuditEvent
from motcua.dossiers.tests.factories import at, received
from motcua.org.models import Role
from motcua.petitions import actions, policy
from motcua.petitions.models import Topic
from motcua.tests.builders import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org, head_a, leader_b):
    return {
        "petitioner": org.citizen, "other citizen": org.other_citizen, "head A": head_a,
        "specialist A": org.specialist_a, "officer of center A": org.officer_a,
        "leader B": leader_b, "system": org.system, "anonymous": AnonymousUser(),
        "one-stop officer at A": staff("o.pc_a", "Mai Anh", org.pc_a, Role.ONE_STOP_OFFICER),
    }


READ = {"petitioner", "head A", "specialist A", "one-stop officer at A"}
ANSWER = {"head A", "one-stop officer at A"}


def test_the_matrix(org, returned, people):
    p = actions.file_petition(org.citizen, text="Chậm", topic=Topic.CONDUCT, dossier=returned,
                              now=at("09:00 04/03/2026"))
    for name, user in people.items():
        assert policy.can_read(user, p) == (name in READ), name
        assert policy.visible_petitions(user).filter(pk=p.pk).exists() == (name in READ), name
        assert policy.can_answer(user, p) == (name in ANSWER), name
        assert policy.is_petitioner(user, p) == (name == "petitioner"), name
        if name not in READ:
            with pytest.raises(NotFound):
                policy.get_visible(user, p.pk)
        if name not in ANSWER:
            with pytest.raises(NotAllowed):
                policy.require_answer(user, p)
    assert AuditEvent.objects.filter(action="petition.refused").exists()


def test_who_rates_a_dossier(org, returned, people, procedure):
    allowed = {n for n, u in people.items() if policy.can_rate_dossier(u, returned)}
    assert allowed == {"petitioner"}  # a citizen who may read the finished dossier
    running = received(org, procedure, at("09:00 04/03/2026"))
    assert not policy.can_rate_dossier(org.citizen, running)
    with pytest.raises(DomainError) as early:
        policy.require_rate_dossier(org.citizen, running)
    assert early.value.code == "not_finished"
    with pytest.raises(NotAllowed):
        policy.require_rate_dossier(org.officer_a, returned)
    with pytest.raises(NotFound):
        policy.require_rate_dossier(org.other_citizen, returned)
