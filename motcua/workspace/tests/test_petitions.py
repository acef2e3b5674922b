"""The petitions worklist and a petition's page in the staff workspace: the petitions of the
person's agencies only, the late and due soon marked and counted, the answer for the agency's
one-stop officers, heads and leaders only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.dossiers.tests.factories import at
from motcua.org.models import Role
from motcua.petitions import actions
from motcua.petitions.models import Petition, Topic
from motcua.tests.builders import citizen, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_a(org):
    return staff("head.a", "Đỗ Văn Minh", org.pc_a, Role.HEAD)


def petition(org, procedure, when, agency=None, who=None):
    return actions.file_petition(who or org.citizen, text=f"Phản ánh {when}", topic=Topic.RULES,
                                 procedure=procedure, agency=agency or org.pc_a, now=when)


def test_only_staff_of_the_agency_see_its_petitions(client, org, procedure, head_a):
    p = petition(org, procedure, at("09:00 02/03/2026"))
    client.force_login(org.officer_b)  # a one-stop officer of commune B's center
    assert f"/can-bo/phan-anh/{p.pk}/" not in client.get("/can-bo/phan-anh/").content.decode()
    assert client.get(f"/can-bo/phan-anh/{p.pk}/").status_code == 404
    assert client.post(f"/can-bo/phan-anh/{p.pk}/tra-loi/",
                       {"outcome": "answer", "text": "x"}).status_code == 404
    client.force_login(org.citizen)
    assert client.get("/can-bo/phan-anh/").status_code == 403  # not staff
    client.force_login(head_a)
    assert f"/can-bo/phan-anh/{p.pk}/" in client.get("/can-bo/phan-anh/").content.decode()


def test_the_worklist_puts_open_first_by_deadline_and_marks_late_and_due_soon(
        client, org, procedure, head_a):
    now = timezone.now()
    late = petition(org, procedure, now - dt.timedelta(days=40))
    soon = petition(org, procedure, now - dt.timedelta(days=30), who=org.other_citizen)
    Petition.objects.filter(pk=soon.pk).update(deadline=now + dt.timedelta(hours=2))
    fresh = petition(org, procedure, now, who=citizen("c3", "Lý Văn Tâm", "001090001111"))
    answered = petition(org, procedure, now - dt.timedelta(days=3), agency=org.pc_b)
    actions.answer_petition(answered, staff("l.b", "Lãnh đạo B", org.pc_b, Role.LEADER),
                            outcome="answer", text="Đã trả lời", now=now)
    client.force_login(head_a)
    html = client.get("/can-bo/phan-anh/").content.decode()
    order = [html.index(f"/can-bo/phan-anh/{p.pk}/") for p in (late, soon, fresh)]
    assert order == sorted(order)
    assert f"/can-bo/phan-anh/{answered.pk}/" not in html  # commune B's
    assert "Quá hạn" in html and "Sắp đến hạn" in html
    assert "Chờ xử lý (3)" in html and "Quá hạn (1)" in html and "Sắp đến hạn (1)" in html
    late_view = client.get("/can-bo/phan-anh/?view=late").content.decode()
    assert f"/can-bo/phan-anh/{late.pk}/" in late_view
    assert f"/can-bo/phan-anh/{fresh.pk}/" not in late_view
    assert client.get("/can-bo/phan-anh/?view=nonsense").status_code == 200


def test_the_worklist_takes_the_same_queries_for_one_or_many(
        client, org, procedure, head_a, django_assert_num_queries):
    petition(org, procedure, at("09:00 02/03/2026"))
    client.force_login(head_a)
    client.get("/can-bo/phan-anh/")  # the session's and the calendar's first reads
    # session, user, the roles for the menu check, the roles of the policy for the count and
    # the page (2), the counts, the page's count, the page with its procedure/agency/dossier
    with django_assert_num_queries(7):
        client.get("/can-bo/phan-anh/")
    for n in range(6):
        who = citizen(f"c{n}", "Người dân", f"00109000{n:04d}")
        petition(org, procedure, at(f"09:00 0{n + 3}/03/2026"), who=who)
    with django_assert_num_queries(7):
        html = client.get("/can-bo/phan-anh/").content.decode()
    assert html.count('class="govuk-table__row"') == 1 + 7


def test_a_head_answers_in_time(client, org, procedure, head_a):
    p = petition(org, procedure, timezone.now())
    client.force_login(head_a)
    html = client.get(f"/can-bo/phan-anh/{p.pk}/").content.decode()
    assert "Xử lý phản ánh, kiến nghị" in html and "15 ngày làm việc" in html
    response = client.post(f"/can-bo/phan-anh/{p.pk}/tra-loi/", {"outcome": "answer",
                                                                  "text": ""})
    assert 'id="id_text-error"' in response.content.decode()
    response = client.post(f"/can-bo/phan-anh/{p.pk}/tra-loi/",
                           {"outcome": "answer", "text": "Đã hướng dẫn lại mẫu tờ khai"},
                           follow=True)
    p.refresh_from_db()
    assert (p.status, p.answered_by, p.late_since) == ("answered", head_a, None)
    assert "Đã gửi câu trả lời" in response.content.decode()
    response = client.post(f"/can-bo/phan-anh/{p.pk}/tra-loi/",
                           {"outcome": "refuse", "text": "Lần hai"}, follow=True)
    p.refresh_from_db()
    assert p.status == "answered" and "Chưa thực hiện" in response.content.decode()


def test_a_specialist_of_the_agency_reads_but_does_not_answer(client, org, procedure):
    p = petition(org, procedure, timezone.now())
    client.force_login(org.specialist_a)
    html = client.get(f"/can-bo/phan-anh/{p.pk}/").content.decode()
    assert "tra-loi/" not in html
    response = client.post(f"/can-bo/phan-anh/{p.pk}/tra-loi/",
                           {"outcome": "answer", "text": "Trả lời"}, follow=True)
    p.refresh_from_db()
    assert p.status == "open" and "Chưa thực hiện" in response.content.decode()


def test_the_petition_links_its_dossier_for_those_who_may_read_it(client, org, procedure,
                                                                 head_a):
    from motcua.dossiers.tests.factories import received

    d = received(org, procedure, at("09:00 02/03/2026"))
    p = actions.file_petition(org.citizen, text="Trả kết quả chậm", topic=Topic.CONDUCT,
                              dossier=d, now=at("09:00 04/03/2026"))
    client.force_login(head_a)  # at the handling agency: reads the dossier
    html = client.get(f"/can-bo/phan-anh/{p.pk}/").content.decode()
    assert f'<a class="govuk-link" href="/can-bo/ho-so/{d.code}/">Hồ sơ {d.code}</a>' in html
    # The petition moved to commune B's People's Committee, which has no part in the dossier:
    # its leader reads the petition, and its dossier's code, but gets no link to a page that
    # would be a 404 for them.
    Petition.objects.filter(pk=p.pk).update(agency=org.pc_b)
    leader_b = staff("leader.b", "Vũ Thị Hoa", org.pc_b, Role.LEADER)
    client.force_login(leader_b)
    html = client.get(f"/can-bo/phan-anh/{p.pk}/").content.decode()
    assert f"Hồ sơ {d.code}" in html and f"/can-bo/ho-so/{d.code}/" not in html
    assert client.get(f"/can-bo/ho-so/{d.code}/").status_code == 404
