"""Online submission in the portal (issue 10): the steps, the same action as the API, and every
bad input a page can get."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from motcua.catalog.models import OnlineLevel, Procedure
from motcua.core import housekeeping
from motcua.dossiers.models import (
    Channel,
    ComponentSource,
    Dossier,
    DossierFile,
    Representation,
    ReturnMethod,
    Status,
)
from motcua.portal import drafts, submission
from motcua.portal.models import DraftFile, SubmissionDraft
from motcua.portal.submission_steps import prepare
from motcua.portal.tests.submitting import (
    ID_CARD,
    MARITAL,
    applicant,
    component,
    errors,
    field_error,
    fill_to_review,
    marital_eform,
    pdf,
    pdf_with_javascript,
    start,
)
from motcua.tests.builders import build_org


@pytest.fixture
def org(catalogue):
    return build_org()


@pytest.fixture
def citizen(client, org) -> Client:
    client.force_login(org.citizen)
    return client


def storage_files(folder: str) -> list[str]:
    root = os.path.join(settings.MEDIA_ROOT, folder)
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


# --- the entry ---------------------------------------------------------------------------


def test_the_procedure_page_offers_online_submission_where_the_level_allows(client, org):
    page = client.get("/thu-tuc/1.004873/").content.decode()
    assert 'href="/thu-tuc/1.004873/nop-truc-tuyen/"' in page
    assert "Nộp hồ sơ trực tuyến" in page
    Procedure.objects.get(code="1.004873").versions.update(online_level=OnlineLevel.NONE)
    page = client.get("/thu-tuc/1.004873/").content.decode()
    assert "nop-truc-tuyen" not in page
    assert "Thủ tục này không cung cấp trực tuyến" in page


def test_a_procedure_not_offered_online_is_refused(citizen, org):
    Procedure.objects.get(code=MARITAL).versions.update(online_level=OnlineLevel.NONE)
    page = citizen.get(f"/thu-tuc/{MARITAL}/nop-truc-tuyen/")
    assert page.status_code == 200
    assert "Thủ tục này không nộp trực tuyến được" in page.content.decode()
    assert "Bắt đầu" not in page.content.decode()
    refused = citizen.post(f"/thu-tuc/{MARITAL}/nop-truc-tuyen/")
    assert refused.status_code == 409
    assert not SubmissionDraft.objects.exists()


def test_submitting_needs_a_citizens_account(client, org):
    page = client.get(f"/thu-tuc/{MARITAL}/nop-truc-tuyen/")
    assert page.status_code == 302 and page["Location"].startswith("/dang-nhap/?next=")
    assert client.post(f"/thu-tuc/{MARITAL}/nop-truc-tuyen/").status_code == 302
    client.force_login(org.officer_a)
    refused = client.post(f"/thu-tuc/{MARITAL}/nop-truc-tuyen/")
    assert refused.status_code == 403  # staff receive dossiers at the counter, as in the API
    assert "tiếp nhận hồ sơ tại quầy" in refused.content.decode()
    assert not SubmissionDraft.objects.exists()


def test_csrf_protects_every_step(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.citizen)
    assert client.post(f"/thu-tuc/{MARITAL}/nop-truc-tuyen/").status_code == 403
    draft = drafts.start(org.citizen, Procedure.objects.get(code=MARITAL).versions.get(),
                         "applicant")
    response = client.post(f"/ho-so-dang-soan/{draft.key}/nguoi-nop/", applicant(org))
    assert response.status_code == 403
    assert client.post(f"/ho-so-dang-soan/{draft.key}/kiem-tra/",
                       {"declaration": "on"}).status_code == 403
    assert not Dossier.objects.exists()


# --- the whole submission ------------------------------------------------------------------


def test_a_citizen_submits_through_the_same_action_as_the_api(
        citizen, org, django_capture_on_commit_callbacks):
    draft = fill_to_review(citizen, org)
    review = draft.get("review")
    page = review.content.decode()
    assert review.status_code == 200 and errors(review) == []
    for shown in ("037095001234", "Phường Hoa Lư, Ninh Bình", "02/03/1995", "can-cuoc.pdf",
                  "Chưa đăng ký kết hôn với ai.", org.center_a.name):
        assert shown in page, shown

    with django_capture_on_commit_callbacks(execute=True):
        done = draft.post("review", {"declaration": "on"})
    dossier = Dossier.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/nop-ho-so/bien-nhan/{dossier.code}/"
    assert (dossier.status, dossier.channel) == (Status.SUBMITTED, Channel.ONLINE)
    assert dossier.account == org.citizen and dossier.received_at is None
    assert dossier.receiving_agency == org.center_a  # the applicant's commune's center
    assert dossier.handling_agency == org.pc_a  # competent: the residence's People's Committee
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_phone,
            dossier.applicant_commune) == ("Nguyễn Văn An", "037095001234", "0912 345 678",
                                           org.commune_a)
    assert dossier.form_data == {**marital_eform(), "birth_date": "1995-03-02"}
    assert (dossier.return_method, dossier.return_agency) == (ReturnMethod.UNIT, org.center_a)
    rows = {c.requirement.position: c for c in dossier.components.select_related("requirement")}
    assert rows[1].source == ComponentSource.EFORM and not rows[1].files.exists()
    stored = rows[ID_CARD].files.get()
    assert stored.original_name == "can-cuoc.pdf" and stored.uploaded_by == org.citizen
    with stored.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == stored.sha256
    assert stored.content_type == "application/pdf"
    assert dossier.events.filter(action="attach_file").count() == 1  # the API's upload action

    # The draft is submitted: its files are the dossier's now, gone from the draft's storage.
    kept = SubmissionDraft.objects.get()
    assert kept.dossier == dossier and kept.submitted_at == dossier.submitted_at
    assert storage_files(f"drafts/{kept.key}") == []

    receipt = citizen.get(done["Location"])
    page = receipt.content.decode()
    assert dossier.code in page
    assert timezone.localtime(dossier.submitted_at).strftime("%H:%M %d/%m/%Y") in page
    assert re.search(r'<svg role="img" aria-label="Mã QR[^"]*" ', page)
    assert f"http://testserver/tra-cuu/{dossier.code}" in page
    assert f'href="/ho-so-cua-toi/{dossier.code}/"' in page
    assert dossier.code in citizen.get("/ho-so-cua-toi/").content.decode()


def test_a_double_submit_files_one_dossier(citizen, org):
    draft = fill_to_review(citizen, org)
    first = draft.post("review", {"declaration": "on"})
    again = draft.post("review", {"declaration": "on"})  # a double click, back and resubmit
    assert Dossier.objects.count() == 1
    assert first["Location"] == again["Location"] == \
        f"/nop-ho-so/bien-nhan/{Dossier.objects.get().code}/"
    # the back button to any step of the submitted draft: its receipt
    assert draft.get("components")["Location"] == first["Location"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_of_one_draft_file_one_dossier(catalogue):
    from django.db import connection

    from motcua.dossiers.tests.test_concurrency import at_once

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    org = build_org()
    client = Client()
    client.force_login(org.citizen)
    draft = fill_to_review(client, org)
    codes = at_once(lambda: submission.submit(org.citizen, draft.key, prepare).code, threads=4)
    assert len(set(codes)) == 1 and Dossier.objects.count() == 1
    assert DossierFile.objects.count() == 1


# --- bad input: messages next to the fields, what was typed kept ----------------------------


def test_missing_and_wrong_fields_are_shown_next_to_them_with_what_was_typed(citizen, org):
    draft = start(citizen)
    response = draft.post("applicant", applicant(org, phone="", email="an@", commune_1="",
                                                 address="Số 12, đường Lê Lợi"))
    assert response.status_code == 200
    assert field_error(response, "id_phone") == "Hãy nhập số điện thoại."
    assert field_error(response, "id_email") != ""
    assert field_error(response, "id_commune") == "Hãy chọn xã, phường nơi cư trú."
    assert len(errors(response)) == 3
    page = response.content.decode()
    assert 'value="Số 12, đường Lê Lợi"' in page and 'value="an@"' in page

    other = draft.post("applicant", applicant(org, filing_for="other", other_id_number="123"))
    assert field_error(other, "id_other_name") == \
        "Hãy nhập họ, chữ đệm, tên người được đại diện."
    assert "12 chữ số" in field_error(other, "id_other_id_number")
    assert field_error(other, "id_relationship") == "Hãy chọn hình thức đại diện."

    assert draft.post("applicant", applicant(org)).status_code == 302
    response = draft.post("eform", marital_eform(full_name="", birth_date="2999-01-01",
                                                 id_number="037095", sex="khac"))
    assert field_error(response, "id_full_name") == "Hãy nhập “Họ, chữ đệm, tên”."
    assert field_error(response, "id_birth_date") == \
        "“Ngày, tháng, năm sinh” không được là ngày trong tương lai."
    assert "12 chữ số" in field_error(response, "id_id_number")
    assert "Giới tính" in field_error(response, "id_sex")
    page = response.content.decode()
    assert 'value="2999-01-01"' in page and 'value="037095"' in page
    assert re.search(r">\s*Chưa đăng ký kết hôn với ai.</textarea>", page)
    assert not Dossier.objects.exists()


def test_every_step_saves_the_draft_even_half_done(citizen, org):
    draft = start(citizen)
    saved = draft.post("applicant", applicant(org, phone=""), action="save")
    assert saved.status_code == 302 and saved["Location"] == "/ho-so-dang-soan/"
    kept = SubmissionDraft.objects.get()
    assert kept.data["applicant"]["address"] == "Số 12, đường Lê Lợi"
    page = draft.get("applicant")
    assert 'value="Số 12, đường Lê Lợi"' in page.content.decode()
    assert errors(page) == []  # shown as saved, without errors until asked
    assert "Hãy nhập số điện thoại." in errors(citizen.get(draft.url("applicant") + "?kiem-tra=1"))
    listed = citizen.get("/ho-so-dang-soan/").content.decode()
    assert "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân" in listed
    assert f"/ho-so-dang-soan/{kept.key}/" in listed


def test_the_review_sends_back_to_the_steps_not_done(citizen, org):
    draft = start(citizen)
    draft.post("applicant", applicant(org))
    review = draft.get("review")
    assert errors(review) == ["Hãy hoàn thành bước “Tờ khai”.",
                              "Hãy hoàn thành bước “Thành phần hồ sơ”.",
                              "Hãy hoàn thành bước “Nơi nhận kết quả”."]
    refused = draft.post("review", {"declaration": "on"})
    assert refused.status_code == 200 and len(errors(refused)) == 3
    assert not Dossier.objects.exists()
    unticked = fill_to_review(citizen, org).post("review", {})
    assert "Hãy đánh dấu ô cam đoan thông tin đã khai là đúng sự thật." in errors(unticked)
    assert not Dossier.objects.exists()


# --- uploads: checked as the API checks them -------------------------------------------------


@pytest.mark.parametrize(("upload", "reason"), [
    (lambda: SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 200), "Chỉ chấp nhận tệp PDF"),
    (lambda: SimpleUploadedFile("ghi-chu.pdf", "Không phải PDF".encode()), "Chỉ chấp nhận tệp PDF"),
    (lambda: pdf("anh.png"), "không khớp với nội dung"),
    (lambda: SimpleUploadedFile("hostile.pdf", pdf_with_javascript()), "JavaScript"),
    (lambda: SimpleUploadedFile("empty.pdf", b""), "Tệp rỗng"),
])
def test_a_refused_upload_is_said_next_to_its_component_and_not_kept(citizen, org, upload,
                                                                     reason):
    draft = start(citizen)
    id_card = component(MARITAL, ID_CARD)
    response = draft.post("components", {f"file-{id_card.pk}": upload()}, action="upload")
    assert response.status_code == 200
    assert reason in field_error(response, f"slot-{id_card.pk}"), response.content.decode()
    assert reason in " ".join(errors(response))
    assert not DraftFile.objects.exists()
    assert storage_files(f"drafts/{draft.key}") == []


def test_an_oversized_upload_is_refused(citizen, org, settings):
    settings.MAX_UPLOAD_BYTES = 500
    draft = start(citizen)
    id_card = component(MARITAL, ID_CARD)
    response = draft.post("components", {f"file-{id_card.pk}": pdf(pages=3)}, action="upload")
    assert "lớn hơn" in field_error(response, f"slot-{id_card.pk}")
    assert not DraftFile.objects.exists()


def test_an_upload_by_script_gets_its_component_back_and_a_file_can_be_removed(
        citizen, org, django_capture_on_commit_callbacks):
    draft = start(citizen)
    id_card = component(MARITAL, ID_CARD)
    response = citizen.post(draft.url("components"),
                            {f"file-{id_card.pk}": pdf(), "slot": str(id_card.pk),
                             "action": "upload"}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert response.status_code == 200 and fragment.lstrip().startswith(
        f'<div class="govuk-form-group motcua-slot" id="slot-{id_card.pk}">')
    assert "can-cuoc.pdf" in fragment and "<html" not in fragment
    stored = DraftFile.objects.get()
    path = stored.file.name
    assert default_storage.exists(path)

    with django_capture_on_commit_callbacks(execute=True):
        removed = citizen.post(draft.url("components"), {"remove": stored.pk})
    assert removed.status_code == 302 and not DraftFile.objects.exists()
    assert not default_storage.exists(path)


# --- only the owner ----------------------------------------------------------------------------


def test_another_citizens_draft_is_not_found(client, org):
    client.force_login(org.citizen)
    draft = fill_to_review(client, org)
    stored = DraftFile.objects.get()
    client.force_login(org.other_citizen)
    base = f"/ho-so-dang-soan/{draft.key}/"
    for url in (base, base + "nguoi-nop/", base + "to-khai/", base + "kiem-tra/",
                base + "xoa/", f"{base}tep/{stored.pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(base + "nguoi-nop/", applicant(org)).status_code == 404
    assert client.post(base + "thanh-phan/", {"remove": stored.pk}).status_code == 404
    assert client.post(base + "xoa/").status_code == 404
    assert client.post(base + "kiem-tra/", {"declaration": "on"}).status_code == 404
    assert client.get("/ho-so-dang-soan/not-a-key/nguoi-nop/").status_code == 404
    assert client.get("/ho-so-dang-soan/").content.decode().count("/ho-so-dang-soan/") == 1
    assert not Dossier.objects.exists() and DraftFile.objects.count() == 1
    assert SubmissionDraft.objects.get().data == draft_data(draft)

    client.force_login(org.citizen)  # the owner submits; the receipt is theirs only
    code = client.post(base + "kiem-tra/", {"declaration": "on"})["Location"]
    client.force_login(org.other_citizen)
    assert client.get(code).status_code == 404


def draft_data(draft) -> dict:
    return SubmissionDraft.objects.get(key=draft.key).data


# --- refusals of the action, in words; nothing half-written -----------------------------------


def test_a_refusal_of_the_action_is_shown_in_words_and_nothing_is_written(citizen, org):
    draft = start(citizen)
    draft.post("applicant", applicant(org))
    draft.post("eform", marital_eform())
    id_card = component(MARITAL, ID_CARD)
    draft.post("components", {f"source-{id_card.pk}": "paper"})
    draft.post("return", {"method": "unit", "agency": org.center_a.code})
    versions = Procedure.objects.get(code=MARITAL).versions
    # the province makes the procedure fully online meanwhile: no paper component any more,
    # and the step says so again
    versions.update(online_level=OnlineLevel.FULL)
    refused = draft.post("review", {"declaration": "on"})
    assert errors(refused) == ["Hãy hoàn thành bước “Thành phần hồ sơ”."]
    # or withdraws it from the online services: the action refuses, the page says why
    versions.update(online_level=OnlineLevel.NONE)
    refused = draft.post("review", {"declaration": "on"})
    assert refused.status_code == 200
    assert errors(refused) == ["Thủ tục này không được cung cấp trực tuyến."], errors(refused)
    assert not Dossier.objects.exists()


def test_a_failed_upload_at_submission_rolls_everything_back(citizen, org):
    draft = fill_to_review(citizen, org)
    stored = DraftFile.objects.get()
    # an earlier certificate too (component 2): attached first, it is stored, then undone
    draft.post("components", {f"file-{component(MARITAL, 2).pk}": pdf("giay-cu.pdf")},
               action="upload")
    assert DraftFile.objects.count() == 2
    with default_storage.open(stored.file.name, "wb") as f:  # damaged in storage since
        f.write(b"%PDF-1.4 broken")
    before = storage_files("dossiers")  # the test process's other tests' files
    refused = draft.post("review", {"declaration": "on"})
    assert refused.status_code == 200
    assert any("Không đọc được tệp PDF" in e for e in errors(refused)), errors(refused)
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert storage_files("dossiers") == before
    assert SubmissionDraft.objects.get().submitted_at is None  # the draft stays to correct


def test_a_draft_of_rules_no_longer_in_force_is_not_submitted(citizen, org):
    draft = fill_to_review(citizen, org)
    SubmissionDraft.objects.update(
        version=Procedure.objects.get(code=MARITAL).versions.get())
    Procedure.objects.get(code=MARITAL).versions.update(
        effective_to=timezone.localdate() - dt.timedelta(days=1))
    refused = draft.post("review", {"declaration": "on"})
    assert any("đã thay đổi" in e for e in errors(refused)), errors(refused)
    assert not Dossier.objects.exists()


# --- who files, where, and the result ------------------------------------------------------------


def test_filing_for_someone_else_asks_for_the_proof_of_representation(citizen, org):
    draft = start(citizen)
    draft.post("applicant", applicant(org, filing_for="other", other_name="Nguyễn Thị Bình",
                                      other_id_number="037195004321",
                                      relationship=Representation.AUTHORIZED))
    draft.post("eform", marital_eform(full_name="Nguyễn Thị Bình", id_number="037195004321"))
    id_card = component(MARITAL, ID_CARD)
    missing = draft.post("components", {f"file-{id_card.pk}": pdf()})
    assert errors(missing) == ["Hãy tải lên “Văn bản ủy quyền”."]
    assert draft.post("components", {"file-authorization": pdf("uy-quyen.pdf")}).status_code \
        == 302
    draft.post("return", {"method": "postal", "address": ""})
    done = draft.post("review", {"declaration": "on"})
    assert done.status_code == 302, errors(done)
    dossier = Dossier.objects.get()
    assert (dossier.applicant_name, dossier.applicant_id_number) == ("Nguyễn Thị Bình",
                                                                     "037195004321")
    assert (dossier.representative_name, dossier.representative_id_number,
            dossier.representative_relationship) == ("Nguyễn Văn An", "037095001234",
                                                     Representation.AUTHORIZED)
    proof = dossier.components.get(is_authorization=True)
    assert proof.files.get().original_name == "uy-quyen.pdf"
    # by post, to the applicant's address when none is given
    assert (dossier.return_method, dossier.return_address) == (ReturnMethod.POSTAL,
                                                               "Số 12, đường Lê Lợi")


def test_the_result_online_only_for_a_fully_online_procedure(citizen, org):
    draft = start(citizen)
    draft.post("applicant", applicant(org))
    page = draft.get("return").content.decode()
    assert 'value="online"' not in page and 'value="postal"' in page
    refused = draft.post("return", {"method": "online"})
    assert field_error(refused, "id_method") != ""
    Procedure.objects.get(code=MARITAL).versions.update(online_level=OnlineLevel.FULL)
    assert 'value="online"' in draft.get("return").content.decode()
    assert draft.post("return", {"method": "online"}).status_code == 302


def test_the_place_of_the_event_routes_the_dossier(citizen, org, sandbox):
    """Death registration: competent is the People's Committee of the deceased's last residence,
    asked by its e-form (event_commune_code), not the applicant's. (The ID card is taken from
    the population database, the sandbox's.)"""
    draft = start(citizen, "1.000656")
    draft.post("applicant", applicant(org))  # lives in commune A
    response = draft.post("eform", {
        "requester_relationship": "con", "deceased_full_name": "Nguyễn Văn Bảy",
        "deceased_sex": "nam", "deceased_last_residence": "Phường Nam Định",
        "event_commune_code_0": org.province.code, "event_commune_code_1": org.commune_b.code,
        "death_date": "2026-11-01", "death_place": "Tại nhà"})
    assert response.status_code == 302, errors(response)
    notice = component("1.000656", 2)
    id_card = component("1.000656", 5)
    draft.post("components", {f"file-{notice.pk}": pdf("giay-bao-tu.pdf"),
                              f"source-{id_card.pk}": "national"})
    draft.post("return", {"method": "unit", "agency": org.center_b.code})
    done = draft.post("review", {"declaration": "on"})
    assert done.status_code == 302, errors(done)
    dossier = Dossier.objects.get()
    assert dossier.form_data["event_commune_code"] == org.commune_b.code
    assert (dossier.receiving_agency, dossier.handling_agency) == (org.center_b, org.pc_b)
    sources = {c.requirement.position: (c.source, c.reference)
               for c in dossier.components.all()}
    assert sources == {1: (ComponentSource.EFORM, ""), 2: (ComponentSource.UPLOAD, ""),
                       5: (ComponentSource.NATIONAL, "population:037095001234")}


def test_a_procedure_without_an_e_form_asks_the_commune_its_competence_needs(citizen, org):
    """Household business registration: competent where the business is
    (form_data.property_commune_code); no e-form in the catalogue, so the portal asks it."""
    draft = start(citizen, "1.001612")
    page = draft.get("eform").content.decode()
    assert "Xã, phường nơi có tài sản" in page and 'name="property_commune_code_1"' in page
    response = draft.post("eform", {"property_commune_code_0": org.province.code,
                                    "property_commune_code_1": ""})
    assert field_error(response, "id_property_commune_code") != ""


def test_the_communes_of_a_province_for_the_picker(client, org):
    options = client.get(f"/dia-ban/xa/?province={org.province.code}").content.decode()
    assert f'<option value="{org.commune_a.code}">Phường Hoa Lư</option>' in options
    assert client.get("/dia-ban/xa/?province=99").content.decode().count("<option") == 1


def test_the_form_speaks_english(citizen, org):
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    draft = start(citizen)
    draft.post("applicant", applicant(org))
    page = draft.get("eform").content.decode()
    assert "Relationship to the person the certificate is for" in page
    assert "Step 2 of 5" in page and "Save and continue" in page


# --- the drafts: listed, deleted, expired ------------------------------------------------------


def test_the_drafts_list_reads_the_same_number_of_queries_for_any_number_of_drafts(
        citizen, org, django_assert_num_queries):
    version = Procedure.objects.get(code=MARITAL).versions.get()
    drafts.start(org.citizen, version, "applicant")
    with django_assert_num_queries(4) as one:  # session, user, count, the page of drafts
        citizen.get("/ho-so-dang-soan/")
    for _ in range(6):
        made = drafts.start(org.citizen, version, "applicant")
        drafts.add_file(made, pdf(), component(MARITAL, ID_CARD))
    drafts.start(org.other_citizen, version, "applicant")
    with django_assert_num_queries(len(one.captured_queries)):
        page = citizen.get("/ho-so-dang-soan/").content.decode()
    assert page.count("Tiếp tục<span") == 7


def test_a_draft_is_deleted_with_its_files(citizen, org, django_capture_on_commit_callbacks):
    draft = start(citizen)
    draft.post("components", {f"file-{component(MARITAL, ID_CARD).pk}": pdf()},
               action="upload")
    path = DraftFile.objects.get().file.name
    assert citizen.get(f"/ho-so-dang-soan/{draft.key}/xoa/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        deleted = citizen.post(f"/ho-so-dang-soan/{draft.key}/xoa/")
    assert deleted["Location"] == "/ho-so-dang-soan/"
    assert not SubmissionDraft.objects.exists() and not default_storage.exists(path)


def test_drafts_expire_with_their_files(org, settings, django_capture_on_commit_callbacks):
    settings.SUBMISSION_DRAFT_KEEP_DAYS = 30
    version = Procedure.objects.get(code=MARITAL).versions.get()
    old = drafts.start(org.citizen, version, "applicant")
    drafts.add_file(old, pdf(), component(MARITAL, ID_CARD))
    path = old.files.get().file.name
    fresh = drafts.start(org.citizen, version, "applicant")
    now = timezone.now()
    SubmissionDraft.objects.filter(pk=old.pk).update(updated_at=now - dt.timedelta(days=31))
    SubmissionDraft.objects.filter(pk=fresh.pk).update(updated_at=now - dt.timedelta(days=29))
    assert list(drafts.in_progress(org.citizen)) == [fresh]  # an expired one is not offered
    with django_capture_on_commit_callbacks(execute=True):
        removed = housekeeping.run_pass(now)
    assert removed["submission_drafts"] == 1
    assert list(SubmissionDraft.objects.all()) == [fresh]
    assert not default_storage.exists(path)


def test_what_cannot_be_stored_is_not_kept_in_a_draft(citizen, org):
    """A NUL (PostgreSQL refuses it), a lone surrogate, a flood: never a 500."""
    draft = start(citizen)
    response = draft.post("applicant", applicant(org, address="Số 12\x00", name="A" * 20000),
                          action="save")
    assert response.status_code == 302
    saved = SubmissionDraft.objects.get().data["applicant"]
    assert saved["address"] == "Số 12" and len(saved["name"]) == 5000
    id_card = component(MARITAL, ID_CARD)
    assert draft.post("components", {f"source-{id_card.pk}": "x\x00"},
                      action="save").status_code == 302
    assert SubmissionDraft.objects.get().data["components"][str(id_card.pk)] == "upload"
    page = draft.get("applicant")
    assert page.status_code == 200
    assert "Họ, chữ đệm, tên của bạn" in page.content.decode()
