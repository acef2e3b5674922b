"""Return of results (/can-bo/tra-ket-qua/): the dossiers whose result is ready at the
officer's one-stop unit, returned at the counter, by post or online through the API's
`return_result` action and policy."""

from __future__ import annotations

import pytest

from motcua.dossiers import returns
from motcua.dossiers.models import Dossier, Status
from motcua.workspace.tests.one_stop import at, ready, received

pytestmark = pytest.mark.django_db

URL = "/can-bo/tra-ket-qua/"


def by_post(address="Số 5 Lê Lợi, Phường Hoa Lư"):
    return returns.ResultReturn(method="postal", address=address)


@pytest.fixture
def officer(client, org):
    client.force_login(org.officer_a)
    return client


def listed(html: str) -> int:
    return html.count('class="motcua-result motcua-queue-item"')


def ready_with(org, procedure, result_return, when="09:00 16/11/2026"):
    """Ready, with the applicant's choice of where the result is returned."""
    from motcua.dossiers import actions
    from motcua.dossiers.tests.factories import submission

    sub = submission(org, procedure, channel=1)
    sub = actions.Submission(**{**sub.__dict__, "result_return": result_return})
    d = actions.intake_at_counter(sub, officer=org.officer_a, now=at(when))
    d = actions.perform(d, "start_processing", org.specialist_a, now=at(when))
    return actions.perform(d, "mark_result_ready", org.specialist_a, now=at(when))


def test_the_ready_results_of_the_unit_are_listed_and_one_is_returned(officer, org,
                                                                        procedure):
    d = ready(org, procedure)
    not_ready = received(org, procedure, at("10:00 16/11/2026"))
    html = officer.get(URL).content.decode()
    assert d.code in html and not_ready.code not in html
    assert f'href="/can-bo/ho-so/{d.code}/"' in html
    response = officer.post(f"{URL}{d.code}/", {"note": "Ông An nhận trực tiếp"})
    assert response.status_code == 303 and response["Location"] == URL
    d.refresh_from_db()
    assert d.status == Status.RETURNED and d.returned_at is not None
    event = d.events.get(action="return_result")
    assert event.reason == "Ông An nhận trực tiếp" and event.actor == org.officer_a
    assert listed(officer.get(URL).content.decode()) == 0


def test_find_by_code_and_by_the_way_it_is_returned(officer, org, procedure):
    here = ready(org, procedure)
    posted = ready_with(org, procedure, by_post(), "10:00 16/11/2026")
    online = ready_with(org, procedure, returns.ResultReturn(method="online"),
                        "11:00 16/11/2026")
    html = officer.get(URL, {"q": posted.code}).content.decode()
    assert listed(html) == 1 and posted.code in html and "Số 5 Lê Lợi" in html
    html = officer.get(URL, {"method": "online"}).content.decode()
    assert listed(html) == 1 and online.code in html and "Hồ sơ của tôi" in html
    html = officer.get(URL, {"method": "unit"}).content.decode()
    assert listed(html) == 1 and here.code in html


def test_a_code_whose_result_is_not_ready_says_its_status(officer, org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    html = officer.get(URL, {"q": d.code}).content.decode()
    assert "không có kết quả chờ trả" in html and "Được tiếp nhận" in html


def test_the_unit_the_applicant_chose_returns_it(client, org, procedure):
    """Received at center A, collected at center B (the applicant's choice): B's officer
    returns it; an officer of neither sees nothing."""
    d = ready_with(org, procedure, returns.ResultReturn(method="unit",
                                                        agency_code=org.center_b.code))
    client.force_login(org.officer_b)
    assert d.code in client.get(URL).content.decode()
    client.post(f"{URL}{d.code}/", {"note": ""})
    d.refresh_from_db()
    assert d.status == Status.RETURNED


def test_an_officer_of_another_center_can_neither_see_nor_return(client, org, procedure):
    d = ready(org, procedure)
    client.force_login(org.officer_b)
    assert d.code not in client.get(URL).content.decode()
    assert client.post(f"{URL}{d.code}/").status_code == 404
    assert Dossier.objects.get().status == Status.RESULT_READY


@pytest.mark.parametrize("who", ["citizen", "specialist_a"])
def test_others_are_refused(client, org, procedure, who):
    d = ready(org, procedure)
    client.force_login(getattr(org, who))
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{d.code}/").status_code == 403
    assert Dossier.objects.get().status == Status.RESULT_READY


def test_returning_twice_acts_once(officer, org, procedure):
    d = ready(org, procedure)
    officer.post(f"{URL}{d.code}/")
    again = officer.post(f"{URL}{d.code}/")
    assert again.status_code == 400 and "Không thể thực hiện" in again.content.decode()
    assert d.events.filter(action="return_result").count() == 1


def test_a_bad_note_is_shown_and_nothing_changes(officer, org, procedure):
    d = ready(org, procedure)
    response = officer.post(f"{URL}{d.code}/", {"note": "Ông \u202eAn"})
    assert response.status_code == 400
    assert "ký tự điều khiển đổi chiều viết" in response.content.decode()
    d.refresh_from_db()
    assert d.status == Status.RESULT_READY


def test_the_list_takes_the_same_queries_for_one_or_many(officer, org, procedure,
                                                         django_assert_num_queries):
    ready(org, procedure)
    officer.get(URL)
    with django_assert_num_queries(6):
        officer.get(URL)
    for hour in range(10, 16):
        ready_with(org, procedure, by_post(), f"{hour}:00 16/11/2026")
    with django_assert_num_queries(6):
        html = officer.get(URL).content.decode()
    assert listed(html) == 7
