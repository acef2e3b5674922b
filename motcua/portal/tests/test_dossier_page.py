"""The applicant's dossier page (/ho-so-cua-toi/<code>/): what it shows, who sees it, and the
actions the applicant takes there (the same actions and policy as the API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.dossiers import actions
from motcua.dossiers.models import DossierFile, Status
from motcua.dossiers.tests.factories import at, online, received
from motcua.petitions.models import Petition, Rating
from motcua.tests.builders import build_procedure, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(d, tail=""):
    return f"/ho-so-cua-toi/{d.code}/{tail}"


def returned_with_result(org, procedure, when="09:00 02/03/2026"):
    """Received at the counter; the commune's specialist attaches the result (a file of no
    component), marks it ready, and the officer returns it."""
    d = received(org, procedure, at(when))
    later = at(when) + dt.timedelta(hours=2)
    d = actions.perform(d, "start_processing", org.specialist_a, now=later)
    d = actions.perform(d, "attach_file", org.specialist_a, now=later, upload=SimpleUploadedFile(
        "giay-xac-nhan.pdf", pdf_bytes(), content_type="application/pdf"))
    d = actions.perform(d, "mark_result_ready", org.specialist_a, now=later)
    return actions.perform(d, "return_result", org.officer_a, now=later + dt.timedelta(hours=1))


def asked(org, procedure):
    """Online, received, then asked for a supplement by the officer."""
    d = online(org, procedure, at("08:00 02/03/2026"))
    d = actions.perform(d, "accept", org.officer_a, now=at("09:00 02/03/2026"))
    return actions.perform(d, "request_supplement", org.officer_a, now=at("10:00 02/03/2026"),
                           items=[{"name": "Bản sao giấy khai sinh", "note": "có chứng thực"}],
                           reason="Thiếu giấy tờ")


def test_sign_in_is_needed_and_others_get_404(client, org, procedure):
    d = received(org, procedure, at("09:00 02/03/2026"))
    assert client.get(url(d))["Location"].startswith("/dang-nhap/")
    for stranger in (org.other_citizen, org.officer_b):
        client.force_login(stranger)
        assert client.get(url(d)).status_code == 404
        assert client.get(url(d, "rut/")).status_code == 404
        assert client.post(url(d, "danh-gia/"), {"satisfied": "yes"}).status_code == 404
    client.force_login(org.citizen)
    assert client.get("/ho-so-cua-toi/000.01.20.H40-260302-9999/").status_code == 404


def test_the_page_tells_the_dossier_in_plain_words(client, org, procedure):
    d = returned_with_result(org, procedure)
    client.force_login(org.citizen)
    html = client.get(url(d)).content.decode()
    assert d.code in html and "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân" in html
    assert "Đã trả kết quả" in html  # the status in words
    assert "09:00 02/03/2026" in html  # received, hh:mm dd/mm/yyyy
    assert "Hồ sơ đã được tiếp nhận tại Trung tâm Phục vụ hành chính công phường Hoa Lư" in html
    assert "Kết quả đã được trả cho bạn" in html
    for code in ("return_result", "mark_result_ready", "start_processing", "attach_file"):
        assert code not in html  # no internal codes
    assert "Tải về giay-xac-nhan.pdf" in html


def test_results_download_through_the_file_policy(client, org, procedure):
    d = returned_with_result(org, procedure)
    result = DossierFile.objects.get(dossier=d)
    client.force_login(org.citizen)
    response = client.get(url(d, f"tep/{result.pk}/"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(org.other_citizen)
    assert client.get(url(d, f"tep/{result.pk}/")).status_code == 404
    other = received(org, procedure, at("09:00 03/03/2026"))  # another dossier of the citizen
    client.force_login(org.citizen)
    assert client.get(url(other, f"tep/{result.pk}/")).status_code == 404


def test_answering_a_supplement_request(client, org, procedure):
    d = asked(org, procedure)
    client.force_login(org.citizen)
    html = client.get(url(d)).content.decode()
    assert "Bản sao giấy khai sinh" in html and "có chứng thực" in html
    component = d.components.first()
    upload = SimpleUploadedFile("ban-sao.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(url(d, "bo-sung/tep/"), {"component": component.pk, "file": upload})
    assert response.status_code == 302 and response["Location"].endswith("#supplement")
    assert DossierFile.objects.filter(component=component, original_name="ban-sao.pdf").exists()
    html = client.get(url(d)).content.decode()
    assert "“ban-sao.pdf” đã được thêm" in html and "ban-sao.pdf" in html
    response = client.post(url(d, "bo-sung/"), {"note": "Đã bổ sung"}, follow=True)
    d.refresh_from_db()
    assert d.status == Status.PROCESSING
    assert "Đã gửi phần bổ sung" in response.content.decode()
    # a second click: the lifecycle refuses it, in words
    response = client.post(url(d, "bo-sung/"), {"note": "Đã bổ sung"}, follow=True)
    assert "Chưa thực hiện" in response.content.decode()
    assert d.events.filter(action="receive_supplement").count() == 1


def test_a_file_the_upload_checks_refuse_is_shown_next_to_the_field(client, org, procedure):
    d = asked(org, procedure)
    client.force_login(org.citizen)
    fake = SimpleUploadedFile("to-khai.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url(d, "bo-sung/tep/"), {"component": "", "file": fake})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_file-error"' in html
    assert "govuk-error-summary" in html
    assert not DossierFile.objects.filter(original_name="to-khai.pdf").exists()
    response = client.post(url(d, "bo-sung/tep/"), {"component": "999999"})
    html = response.content.decode()
    assert 'id="id_file-error"' in html and 'id="id_component-error"' in html


def test_the_upload_is_refused_to_the_applicant_by_id_who_did_not_file_it(client, org, procedure):
    """The person the dossier was filed for reads it; acting on it stays with the account that
    filed it (dossiers.policy): no upload form, and a forged POST is refused."""
    d = asked(org, procedure)
    filer = org.citizen
    d.account = org.other_citizen  # filed from another account for the citizen
    d.save(update_fields=["account"])
    client.force_login(filer)
    html = client.get(url(d)).content.decode()
    assert "bo-sung/tep/" not in html
    upload = SimpleUploadedFile("x.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(url(d, "bo-sung/tep/"), {"file": upload}, follow=True)
    assert "Chưa thực hiện" in response.content.decode()
    assert not DossierFile.objects.filter(original_name="x.pdf").exists()


def test_withdrawing_before_receipt_asks_for_a_reason_and_a_confirmation(client, org, procedure):
    d = online(org, procedure, at("09:00 02/03/2026"))
    client.force_login(org.citizen)
    assert "Rút hồ sơ" in client.get(url(d)).content.decode()
    response = client.post(url(d, "rut/"), {"reason": " "})
    assert 'id="id_reason-error"' in response.content.decode()
    response = client.post(url(d, "rut/"), {"reason": "Nộp nhầm thủ tục"})
    html = response.content.decode()
    assert "Bạn có chắc" in html and 'value="Nộp nhầm thủ tục"' in html
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED  # nothing done before the confirmation
    response = client.post(url(d, "rut/"), {"reason": "Nộp nhầm thủ tục", "confirm": "yes"},
                           follow=True)
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN
    assert "Hồ sơ của bạn đã được rút" in response.content.decode()
    response = client.post(url(d, "rut/"), {"reason": "Nộp nhầm thủ tục", "confirm": "yes"},
                           follow=True)  # again: no longer possible
    assert "không thể rút" in response.content.decode()


def test_after_receipt_the_applicant_asks_to_withdraw_once(client, org, procedure):
    d = online(org, procedure, at("08:00 02/03/2026"))
    d = actions.perform(d, "accept", org.officer_a, now=at("09:00 02/03/2026"))
    client.force_login(org.citizen)
    client.post(url(d, "rut/"), {"reason": "Không cần nữa", "confirm": "yes"})
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and d.requests.get().reason == "Không cần nữa"
    html = client.get(url(d)).content.decode()
    assert url(d, "rut/") not in html  # the request waits for the agency's decision
    assert "Bạn đã đề nghị rút hồ sơ." in html  # the timeline in words


def test_rating_a_finished_dossier(client, org, procedure):
    d = returned_with_result(org, procedure)
    client.force_login(org.citizen)
    response = client.post(url(d, "danh-gia/"), {"satisfied": "no", "reason": ""})
    html = response.content.decode()
    assert 'id="id_reason-error"' in html and not Rating.objects.exists()
    assert 'checked' in html  # what was chosen is kept
    response = client.post(url(d, "danh-gia/"), {"satisfied": "no", "reason": "Chờ lâu"},
                           follow=True)
    assert Rating.objects.get().disliked and "đánh giá của bạn đã được ghi nhận" in \
        response.content.decode()
    response = client.post(url(d, "danh-gia/"), {"satisfied": "yes"}, follow=True)
    assert Rating.objects.count() == 1 and "đánh giá là cuối cùng" in response.content.decode()


def test_an_unfinished_dossier_is_not_rated(client, org, procedure):
    d = received(org, procedure, at("09:00 02/03/2026"))
    client.force_login(org.citizen)
    assert "danh-gia/" not in client.get(url(d)).content.decode()
    response = client.post(url(d, "danh-gia/"), {"satisfied": "yes"}, follow=True)
    assert not Rating.objects.exists() and "khi đã kết thúc" in response.content.decode()


def test_a_petition_about_the_dossier(client, org, procedure):
    d = returned_with_result(org, procedure)
    client.force_login(org.citizen)
    response = client.post(url(d, "phan-anh/"), {"topic": "conduct", "text": ""})
    assert 'id="id_text-error"' in response.content.decode()
    response = client.post(url(d, "phan-anh/"), {"topic": "conduct", "text": "Trả chậm"},
                           follow=True)
    p = Petition.objects.get()
    assert (p.agency, p.dossier) == (org.pc_a, d)
    assert response.redirect_chain[-1][0] == f"/phan-anh-cua-toi/{p.pk}/"
    assert "Ủy ban nhân dân phường Hoa Lư" in response.content.decode()
    response = client.post(url(d, "phan-anh/"), {"topic": "conduct", "text": "Trả chậm"},
                           follow=True)  # a second click
    assert Petition.objects.count() == 1 and "vẫn đang được giải quyết" in \
        response.content.decode()


def test_late_and_due_soon_marks(client, org, procedure):
    late = received(org, procedure, at("09:00 02/03/2026"))  # due long ago, still open
    quick = build_procedure(code="1.000201", duration=4, unit="working_hours")
    soon = received(org, quick, timezone.now())  # due within one working day from now
    client.force_login(org.citizen)
    assert "Quá hạn" in client.get(url(late)).content.decode()
    html = client.get(url(soon)).content.decode()
    assert "Sắp đến hạn" in html and "Quá hạn" not in html
