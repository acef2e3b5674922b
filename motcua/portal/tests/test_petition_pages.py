"""The citizen's petitions: filing one about a procedure, the list with the answers, a
petition's page (the information asked for, the rating of the answer), and who sees them."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.factories import at
from motcua.org.models import Role
from motcua.petitions import actions
from motcua.petitions.models import Petition, Topic
from motcua.tests.builders import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_a(org):
    return staff("head.a", "Đỗ Văn Minh", org.pc_a, Role.HEAD)


def file(org, procedure, when="09:00 02/03/2026", who=None, text="Mẫu tờ khai khó hiểu"):
    return actions.file_petition(who or org.citizen, text=text, topic=Topic.RULES,
                                 procedure=procedure, agency=org.pc_a, now=at(when))


def test_a_petition_about_a_procedure_from_its_page(client, org, procedure):
    client.force_login(org.citizen)
    page = client.get(f"/thu-tuc/{procedure.code}/").content.decode()
    assert f"/thu-tuc/{procedure.code}/phan-anh/" in page
    form = client.get(f"/thu-tuc/{procedure.code}/phan-anh/").content.decode()
    assert org.pc_a.name in form and org.pc_b.name in form  # a commune-level procedure
    response = client.post(f"/thu-tuc/{procedure.code}/phan-anh/",
                           {"agency": "", "topic": "rules", "text": "Mẫu khó hiểu"})
    html = response.content.decode()
    assert 'id="id_agency-error"' in html and "Mẫu khó hiểu" in html  # kept as typed
    response = client.post(f"/thu-tuc/{procedure.code}/phan-anh/",
                           {"agency": org.department.code, "topic": "rules", "text": "x"})
    assert 'id="id_agency-error"' in response.content.decode()  # not one of the choices
    response = client.post(f"/thu-tuc/{procedure.code}/phan-anh/",
                           {"agency": org.pc_b.code, "topic": "rules", "text": "Mẫu khó hiểu"},
                           follow=True)
    p = Petition.objects.get()
    assert (p.agency, p.procedure, p.dossier) == (org.pc_b, procedure, None)
    assert "Phản ánh số" in response.content.decode()


def test_staff_do_not_file_petitions(client, org, procedure):
    client.force_login(org.officer_a)
    response = client.post(f"/thu-tuc/{procedure.code}/phan-anh/",
                           {"agency": org.pc_a.code, "topic": "rules", "text": "x"}, follow=True)
    assert not Petition.objects.exists()
    assert "tài khoản của người dân" in response.content.decode()


def test_the_petitioner_sees_only_their_petitions(client, org, procedure):
    mine = file(org, procedure)
    theirs = file(org, procedure, who=org.other_citizen)
    client.force_login(org.citizen)
    html = client.get("/phan-anh-cua-toi/").content.decode()
    assert f"/phan-anh-cua-toi/{mine.pk}/" in html and f"/phan-anh-cua-toi/{theirs.pk}/" not in html
    assert client.get(f"/phan-anh-cua-toi/{theirs.pk}/").status_code == 404
    for tail in ("bo-sung/", "danh-gia/"):
        assert client.post(f"/phan-anh-cua-toi/{theirs.pk}/{tail}",
                           {"text": "x", "satisfied": "yes"}).status_code == 404


def test_the_list_takes_the_same_queries_for_one_or_many(client, org, procedure,
                                                         django_assert_num_queries):
    Petition.objects.filter(pk=file(org, procedure).pk).update(status="answered")
    client.force_login(org.citizen)
    client.get("/phan-anh-cua-toi/")
    with django_assert_num_queries(4):  # session, user, count, the page with its relations
        client.get("/phan-anh-cua-toi/")
    for n in range(5):
        # handled, so that the next one on the same matter is not refused as open
        Petition.objects.filter(pk=file(org, procedure, when=f"09:00 0{n + 3}/03/2026").pk) \
            .update(status="answered")
    with django_assert_num_queries(4):
        html = client.get("/phan-anh-cua-toi/").content.decode()
    assert html.count('class="motcua-result"') == 6


def test_giving_the_information_asked_for_then_rating_the_answer(client, org, procedure,
                                                                 head_a):
    p = file(org, procedure)
    actions.answer_petition(p, head_a, outcome="clarify", text="Bạn dùng mẫu nào?",
                            now=at("09:00 03/03/2026"))
    client.force_login(org.citizen)
    html = client.get(f"/phan-anh-cua-toi/{p.pk}/").content.decode()
    assert "Bạn dùng mẫu nào?" in html and "Gửi thông tin bổ sung" in html
    response = client.post(f"/phan-anh-cua-toi/{p.pk}/bo-sung/", {"text": " "})
    assert 'id="id_text-error"' in response.content.decode()
    client.post(f"/phan-anh-cua-toi/{p.pk}/bo-sung/", {"text": "Mẫu TP/HT-2020"})
    p.refresh_from_db()
    assert p.status == "open" and p.information == "Mẫu TP/HT-2020"
    response = client.post(f"/phan-anh-cua-toi/{p.pk}/danh-gia/", {"satisfied": "yes"},
                           follow=True)
    assert "chưa có trả lời" in response.content.decode()  # nothing to rate yet
    actions.answer_petition(p, head_a, outcome="answer", text="Mẫu đã được sửa",
                            now=at("09:00 05/03/2026"))
    html = client.get(f"/phan-anh-cua-toi/{p.pk}/").content.decode()
    assert "Mẫu đã được sửa" in html and "Bạn có hài lòng với câu trả lời không?" in html
    response = client.post(f"/phan-anh-cua-toi/{p.pk}/danh-gia/", {})
    assert 'id="id_satisfied-error"' in response.content.decode()
    response = client.post(f"/phan-anh-cua-toi/{p.pk}/danh-gia/", {"satisfied": "yes"},
                           follow=True)
    p.refresh_from_db()
    assert p.rating == "satisfied" and "hài lòng với câu trả lời" in response.content.decode()
    response = client.post(f"/phan-anh-cua-toi/{p.pk}/danh-gia/", {"satisfied": "no"},
                           follow=True)
    p.refresh_from_db()
    assert p.rating == "satisfied" and "không sửa được" in response.content.decode()
