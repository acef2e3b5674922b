"""Only staff holding a role open the workspace: anyone else is sent to sign in or refused."""

import pytest

from motcua.tests.builders import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_is_needed(client):
    response = client.get("/can-bo/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_citizen_is_refused(client, org):
    client.force_login(org.citizen)
    response = client.get("/can-bo/")
    assert response.status_code == 403


def test_an_officer_sees_their_roles(client, org):
    client.force_login(org.officer_a)
    html = client.get("/can-bo/").content.decode()
    assert "Trần Thị Mai" in html
    assert org.officer_a.staff_roles.first().agency.name in html


def test_staff_start_in_the_workspace_after_signing_in(client, org):
    response = client.post("/dang-nhap/", {"username": org.officer_a.username,
                                           "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/can-bo/"
