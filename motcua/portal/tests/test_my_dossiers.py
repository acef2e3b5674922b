"""'My dossiers': after sign-in, the dossiers the policy lets the person read (dossiers.policy),
the newest first."""

import pytest

from motcua.dossiers.tests.factories import at, online, person, received

pytestmark = pytest.mark.django_db


def test_sign_in_is_needed(client, db):
    response = client.get("/ho-so-cua-toi/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_citizen_sees_their_dossiers_and_no_one_elses(client, org, procedure):
    mine = online(org, procedure, at("09:00 16/11/2026"))
    for_me = received(org, procedure, at("10:00 16/11/2026"))  # at the counter, for their ID
    other = received(org, procedure, at("11:00 16/11/2026"),
                     applicant=person(name="Hoàng Thị Lan", id_number="036198004321",
                                      commune_code=org.commune_a.code))
    client.force_login(org.citizen)
    html = client.get("/ho-so-cua-toi/").content.decode()
    assert mine.code in html and for_me.code in html and other.code not in html
    assert html.index(for_me.code) < html.index(mine.code)  # the newest first
    assert f'href="/ho-so-cua-toi/{mine.code}/"' in html
    assert "Được tiếp nhận" in html and "09:00 16/11/2026" in html


def test_the_list_takes_the_same_queries_for_one_or_many_dossiers(
        client, org, procedure, django_assert_num_queries):
    online(org, procedure, at("09:00 16/11/2026"))
    client.force_login(org.citizen)
    client.get("/ho-so-cua-toi/")  # the session's first read
    with django_assert_num_queries(4):  # session, user, count, the page with its procedures
        client.get("/ho-so-cua-toi/")
    for hour in range(10, 16):
        online(org, procedure, at(f"{hour}:00 16/11/2026"))
    with django_assert_num_queries(4):
        response = client.get("/ho-so-cua-toi/")
    assert response.content.decode().count('class="motcua-result"') == 7
