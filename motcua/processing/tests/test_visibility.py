"""Who reads which dossier: `policy.can_read` (one dossier already read, used by every lookup)
gives the same answer as `policy.visible_dossiers` (the lists' filter) for every pair of a
user and a dossier, across the sides a dossier can be seen from: receiving, handling, a
process step at the agency, a handover to it, the province's auditors, the applicant."""

import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.dossiers import actions, policy
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import own, person, submission
from motcua.org.models import Role
from motcua.processing import actions as pactions
from motcua.processing.tests.conftest import T0, at
from motcua.tests.builders import agency, citizen, staff

pytestmark = pytest.mark.django_db


def test_can_read_matches_the_list_filter_for_every_user_and_dossier(world):
    org = world.org
    queued = world.receive()  # at center A, handled by PC A, check step in its queue
    handed = world.receive("09:30 16/11/2026")
    pactions.claim(world.open_step(handed), user=org.specialist_a, now=at(T0))
    pactions.act(world.open_step(handed), "handover", actor=org.specialist_a,
               now=at("10:00 16/11/2026"))  # a step at the tax agency now
    online = actions.submit(submission(org, world.procedure), account=org.citizen,
                            now=at("10:30 16/11/2026"))
    at_b = actions.submit(submission(org, world.procedure, agency=org.center_b,
                                     applicant=own(org.other_citizen)),
                          account=org.other_citizen, now=at("11:00 16/11/2026"))
    # filed by the other citizen as the citizen's authorized representative
    represented = actions.submit(
        submission(org, world.procedure, authorization=True,
                   applicant=person(representative_relationship="authorized")),
        account=org.other_citizen, now=at("11:30 16/11/2026"))
    stranger = citizen("citizen3", "Đỗ Minh Khoa", "001203009876")
    auditor = staff("auditor", "Lương Thị Thanh", org.province_center, Role.AUDITOR)
    other_province = agency("000.00.01.H41", "Trung tâm tỉnh khác", "province_center",
                            _other_province())
    outsider_auditor = staff("auditor.x", "Người ngoài", other_province, Role.AUDITOR)
    retired = staff("retired", "Đã nghỉ", org.pc_a, Role.SPECIALIST)
    retired.staff_roles.update(is_active=False)

    users = [AnonymousUser(), org.citizen, org.other_citizen, stranger, org.system,
             org.officer_a, org.officer_b, org.specialist_a, world.head_a, world.specialist_b,
             world.tax_officer, world.tax_head, auditor, outsider_auditor, retired]
    dossiers = [queued, handed, online, at_b, represented]
    seen = {}
    for user in users:
        listed = set(policy.visible_dossiers(user).values_list("pk", flat=True))
        for d in dossiers:
            fresh = Dossier.objects.get(pk=d.pk)
            name = user.username or "anonymous"
            assert policy.can_read(user, fresh) == (d.pk in listed), (name, d.code)
            seen[name, d.pk] = d.pk in listed
    # the matrix covers both answers on each side
    assert seen["tax.officer", handed.pk] and not seen["tax.officer", queued.pk]
    assert seen["auditor", at_b.pk] and not seen["auditor.x", at_b.pk]
    assert seen["citizen", online.pk] and not seen["citizen", at_b.pk]
    # the applicant reads what was filed for them, at the counter or by a representative;
    # the representative what they filed; nobody else
    assert seen["citizen", queued.pk] and seen["citizen", represented.pk]
    assert seen["citizen2", represented.pk] and not seen["citizen2", online.pk]
    assert not any(seen["citizen3", d.pk] for d in dossiers)
    assert not seen["retired", queued.pk] and not seen["anonymous", queued.pk]
    assert seen["officer.b", at_b.pk] and not seen["officer.b", queued.pk]


def _other_province():
    from motcua.tests.builders import unit

    return unit("38", "Thanh Hóa", "province")
