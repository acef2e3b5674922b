"""The online intake queue (/can-bo/ho-so-truc-tuyen/) and the dispatch queue
(/can-bo/dieu-phoi/): the dossiers waiting at the officer's unit, each received, refused or
routed through the API's own action and policy."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier, Status
from motcua.tests.builders import build_procedure
from motcua.workspace.tests.one_stop import at, online, to_route

pytestmark = pytest.mark.django_db

QUEUE = "/can-bo/ho-so-truc-tuyen/"
DISPATCH = "/can-bo/dieu-phoi/"


def accept_url(d):
    return f"{QUEUE}{d.code}/tiep-nhan/"


def refuse_url(d):
    return f"{QUEUE}{d.code}/tu-choi/"


@pytest.fixture
def officer(client, org):
    client.force_login(org.officer_a)
    return client


def test_the_queue_lists_the_units_dossiers_oldest_first_with_their_wait(officer, org,
                                                                           procedure):
    newer = online(org, procedure, at("10:00 16/11/2026"))
    older = online(org, procedure, at("09:00 16/11/2026"))
    elsewhere = online(org, procedure, at("09:30 16/11/2026"), agency=org.center_b)
    html = officer.get(QUEUE).content.decode()
    assert html.index(older.code) < html.index(newer.code)
    assert elsewhere.code not in html
    assert f'href="/can-bo/ho-so/{older.code}/"' in html
    assert "09:00 16/11/2026" in html
    assert "Đã chờ" in html  # how long it has waited


@pytest.mark.parametrize("who", ["citizen", "specialist_a"])
def test_the_queue_is_refused_to_others(client, org, procedure, who):
    d = online(org, procedure, at("09:00 16/11/2026"))
    client.force_login(getattr(org, who))
    assert client.get(QUEUE).status_code == 403
    assert client.post(accept_url(d)).status_code in (403, 404)
    assert Dossier.objects.get().status == Status.SUBMITTED


def test_an_officer_of_another_center_cannot_accept(client, org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"))
    client.force_login(org.officer_b)
    assert client.post(accept_url(d)).status_code == 404
    assert client.post(refuse_url(d), {"reason": "x"}).status_code == 404
    assert Dossier.objects.get().status == Status.SUBMITTED


def test_accepting_receives_the_dossier_and_offers_form_01(officer, org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"))
    response = officer.post(accept_url(d))
    assert response.status_code == 303 and response["Location"] == QUEUE
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and d.received_at is not None
    html = officer.get(QUEUE).content.decode()
    assert f"/api/v1/dossiers/{d.code}/slips/01.pdf" in html
    assert "Không có hồ sơ nào chờ tiếp nhận" in html


def test_accepting_twice_acts_once(officer, org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"))
    officer.post(accept_url(d))
    again = officer.post(accept_url(d))  # the dossier is received: nothing happens twice
    assert again.status_code == 400
    assert "Không thể thực hiện “tiếp nhận hồ sơ”" in again.content.decode()
    assert d.events.filter(action="accept").count() == 1


def test_a_dossier_whose_files_have_not_arrived_says_so(officer, org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"), files=False)
    html = officer.get(QUEUE).content.decode()
    assert "Chờ tệp" in html
    response = officer.post(accept_url(d))
    assert response.status_code == 400
    assert "Chưa thể tiếp nhận hồ sơ" in response.content.decode()
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED


def test_refusing_needs_a_reason(officer, org, procedure):
    d = online(org, procedure, at("09:00 16/11/2026"))
    response = officer.post(refuse_url(d), {"reason": "  "})
    assert response.status_code == 400
    assert "Nêu lý do" in response.content.decode()
    officer.post(refuse_url(d), {"reason": "Hồ sơ không thuộc thẩm quyền"})
    d.refresh_from_db()
    assert d.status == Status.REFUSED
    assert d.events.get(action="refuse").reason == "Hồ sơ không thuộc thẩm quyền"


def test_accept_offers_the_duration_cases_and_needs_a_reason_for_another(officer, org):
    cases = [{"key": "verification", "label_vi": "Cần xác minh", "label_en": "Verification",
              "value": 5, "unit": "working_days"}]
    marriage = build_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn", duration=1,
                               unit="working_days", duration_cases=cases)
    d = online(org, marriage, at("09:00 16/11/2026"))
    html = officer.get(QUEUE).content.decode()
    assert 'value="verification"' in html
    response = officer.post(accept_url(d), {"duration_case": "verification"})
    assert response.status_code == 400 and "nêu lý do chọn" in response.content.decode()
    officer.post(accept_url(d), {"duration_case": "verification", "duration_reason": "Xác minh"})
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and d.duration_value == 5


def test_the_queue_takes_the_same_queries_for_one_or_many(officer, org, procedure,
                                                          django_assert_num_queries):
    online(org, procedure, at("09:00 16/11/2026"))
    officer.get(QUEUE)
    with django_assert_num_queries(6):
        officer.get(QUEUE)
    for minute in range(10, 16):
        online(org, procedure, at(f"09:{minute} 16/11/2026"))
    with django_assert_num_queries(6):
        response = officer.get(QUEUE)
    assert response.content.decode().count('class="motcua-result motcua-queue-item"') == 7


# -- dispatch ------------------------------------------------------------------------------


def test_the_dispatch_queue_lists_what_waits_and_routes_it(officer, org, procedure):
    d = to_route(org, procedure)
    html = officer.get(DISPATCH).content.decode()
    assert d.code in html and d.dispatch_reason in html
    page = officer.get(f"{DISPATCH}{d.code}/")
    assert page.status_code == 200 and org.pc_a.code in page.content.decode()
    response = officer.post(f"{DISPATCH}{d.code}/", {"to_agency": org.pc_a.code,
                                                     "reason": "Cư trú tại phường Hoa Lư"})
    assert response.status_code == 303
    d.refresh_from_db()
    assert d.handling_agency == org.pc_a and d.dispatch_reason == ""
    assert d.events.get(action="route").reason == "Cư trú tại phường Hoa Lư"
    assert "motcua-queue-item" not in officer.get(DISPATCH).content.decode()


def test_routing_needs_an_agency_and_a_reason(officer, org, procedure):
    d = to_route(org, procedure)
    response = officer.post(f"{DISPATCH}{d.code}/", {"to_agency": "", "reason": ""})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"to_agency", "reason"}
    d.refresh_from_db()
    assert d.dispatch_reason


def test_dispatch_is_refused_to_a_specialist_and_hidden_from_another_center(client, org,
                                                                              procedure):
    d = to_route(org, procedure)
    client.force_login(org.specialist_a)
    assert client.get(DISPATCH).status_code == 403
    client.force_login(org.officer_b)
    assert d.code not in client.get(DISPATCH).content.decode()
    assert client.post(f"{DISPATCH}{d.code}/", {"to_agency": org.pc_a.code,
                                                "reason": "x"}).status_code == 404
    d.refresh_from_db()
    assert d.dispatch_reason


def test_the_dispatch_queue_takes_the_same_queries_for_one_or_many(
        officer, org, procedure, django_assert_num_queries):
    to_route(org, procedure)
    officer.get(DISPATCH)
    with django_assert_num_queries(6):
        officer.get(DISPATCH)
    for minute in range(10, 16):
        to_route(org, procedure, f"09:{minute} 16/11/2026")
    with django_assert_num_queries(6):
        response = officer.get(DISPATCH)
    assert response.content.decode().count('class="motcua-result motcua-queue-item"') == 7
