"""A VNeID-linked account filing for itself: its verified ID number is required, and a level-2
account marks the dossier VNeID-verified (index 4.5b)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.core.errors import InvalidInput
from motcua.dossiers import actions
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import person, submission
from motcua.integration.models import DossierIdentity, EIdAccount

pytestmark = pytest.mark.django_db
AN = "037095001234"


def link(user, level):
    user.national_id = AN
    user.save()
    return EIdAccount.objects.create(user=user, subject="s-1", id_number=AN,
                                     assurance_level=level, full_name="Nguyễn Văn An",
                                     verified_at=timezone.now())


def test_a_level_2_account_filing_for_itself_marks_the_dossier(org, procedure):
    link(org.citizen, 2)
    applicant = person(id_number=AN, commune_code=org.commune_a.code)
    dossier = actions.submit(submission(org, procedure, applicant=applicant),
                             account=org.citizen)
    mark = DossierIdentity.objects.get(dossier=dossier)
    assert (mark.vneid_verified, mark.population_data_used, mark.id_number) == (True, False, AN)


def test_a_level_1_account_does_not_count_as_verified(org, procedure):
    link(org.citizen, 1)
    applicant = person(id_number=AN, commune_code=org.commune_a.code)
    actions.submit(submission(org, procedure, applicant=applicant), account=org.citizen)
    assert not DossierIdentity.objects.exists()


def test_filing_for_oneself_with_another_id_number_is_refused_and_nothing_is_kept(
        org, procedure):
    link(org.citizen, 2)
    applicant = person(id_number="036198004321", commune_code=org.commune_a.code)
    with pytest.raises(InvalidInput) as refused:
        actions.submit(submission(org, procedure, applicant=applicant), account=org.citizen)
    assert refused.value.code == "applicant_id_number"
    assert not Dossier.objects.exists() and not DossierIdentity.objects.exists()


def test_filing_for_someone_else_is_not_checked_against_ones_own_number(org, procedure):
    link(org.citizen, 2)
    applicant = person(id_number="036198004321", commune_code=org.commune_a.code,
                       representative_name="Nguyễn Văn An",
                       representative_relationship="authorized")
    dossier = actions.submit(submission(org, procedure, applicant=applicant, authorization=True),
                             account=org.citizen)
    assert not DossierIdentity.objects.filter(dossier=dossier).exists()
