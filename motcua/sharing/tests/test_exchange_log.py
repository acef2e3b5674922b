"""Every personal-data call of a consumer system shows where people look for it: on the
citizen's "who accessed my data" page (Decree 13/2023) and in the auditors' search."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.dossiers.tests.factories import at, person, received
from motcua.integration.models import EIdAccount
from motcua.sharing.tests.conftest import (
    OFFICER,
    PURPOSE,
    bearer,
    declared,
)
from motcua.tests.builders import staff

PAGE = "/tai-khoan/truy-cap-du-lieu/"
AUDIT = "/can-bo/nhat-ky-trao-doi/"


def verify(user, id_number):
    EIdAccount.objects.create(user=user, subject=f"s-{id_number}", id_number=id_number,
                              assurance_level=2, full_name=user.full_name,
                              verified_at=timezone.now())


@pytest.mark.django_db
def test_the_citizen_sees_which_system_asked_about_them_and_why(client, org, procedure,
                                                                 dossier, consumer, token):
    other = received(org, procedure, at("10:00 16/11/2026"),
                     applicant=person("Hoàng Thị Lan", "036198004321",
                                      commune_code=org.commune_a.code))
    for code in (dossier.code, other.code):
        assert client.get(f"/api/v1/sharing/dossiers/{code}", **bearer(token),
                          **declared()).status_code == 200
    assert client.get(f"/api/v1/sharing/dossiers/{dossier.code}/results", **bearer(token),
                      **declared("Cấp bản sao trích lục")).status_code == 200
    verify(org.citizen, "037095001234")
    client.force_login(org.citizen)
    html = client.get(PAGE).content.decode()
    assert 'id="data-access"' in html
    assert "Hệ thống hộ tịch điện tử (Sở Tư pháp tỉnh Ninh Bình)" in html
    assert PURPOSE in html and "Cấp bản sao trích lục" in html and OFFICER in html
    assert dossier.code in html and other.code not in html  # Lan's, not An's
    assert "tình trạng hồ sơ" in html  # the data, in Vietnamese
    client.force_login(org.other_citizen)  # Lan's number, typed, not verified: nothing
    assert PURPOSE not in client.get(PAGE).content.decode()


@pytest.mark.django_db
def test_auditors_find_the_calls_by_person_and_by_consumer(client, org, dossier, consumer,
                                                           token):
    client.get(f"/api/v1/sharing/dossiers/{dossier.code}", **bearer(token), **declared())
    client.logout()
    auditor = staff("auditor", "Lương Thị Thanh", org.department, "auditor")
    client.force_login(auditor)
    for query in ({"q": "037095001234"}, {"q": consumer.system.code},
                  {"q": dossier.code, "system": "sharing"}):
        html = client.get(AUDIT, query).content.decode()
        assert PURPOSE in html and OFFICER in html, query
        assert "Hệ thống hộ tịch điện tử" in html
    assert PURPOSE not in client.get(AUDIT, {"q": "036198004321"}).content.decode()
    assert PURPOSE not in client.get(AUDIT, {"system": "population"}).content.decode()
