"""Counter reception (/can-bo/tiep-nhan/): a one-stop officer finds the applicant and the
procedure, ticks the components handed in and receives the dossier (Form 01), asks for what is
missing (Form 02) or refuses it (Form 03), through the API's own action and policy."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierFile,
    Status,
    SupplementRequest,
)
from motcua.dossiers.tests.test_slips import pdf_text
from motcua.tests.builders import build_procedure, pdf_bytes
from motcua.workspace.tests.one_stop import at, person, received

pytestmark = pytest.mark.django_db

URL = "/can-bo/tiep-nhan/"
ID = "037095001234"


def requirements(procedure):
    return list(procedure.versions.get().components.order_by("position"))


def intake(org, procedure, *, decision="receive", token="form-1", **over):
    """What the intake form sends for `procedure`: the required component ticked, an original
    (the catalogue's default), the optional one left unticked."""
    first, second = requirements(procedure)[:2]
    data = {
        "token": token, "receiving_agency": str(org.center_a.pk), "applicant_kind": "person",
        "applicant_name": "Nguyễn Văn An", "applicant_id_number": ID,
        "applicant_commune": org.commune_a.code, "applicant_phone": "0912345678",
        "return_method": "unit", "decision": decision,
        f"received_{first.pk}": "on", f"paper_form_{first.pk}": "original",
        f"copies_{first.pk}": "1", f"paper_form_{second.pk}": "copy",
        f"copies_{second.pk}": "1",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def post(client, procedure, data, **extra):
    return client.post(f"{URL}?procedure={procedure.code}", data, **extra)


@pytest.fixture
def officer(client, org):
    client.force_login(org.officer_a)
    return client


def nothing_written():
    return Dossier.objects.count() == 0 and DossierComponent.objects.count() == 0


# -- who may ---------------------------------------------------------------------------------


def test_sign_in_is_needed(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("who", ["citizen", "specialist_a"])
def test_only_one_stop_officers_receive_at_the_counter(client, org, procedure, who):
    client.force_login(getattr(org, who))
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}?procedure={procedure.code}",
                       intake(org, procedure)).status_code == 403
    assert nothing_written()


def test_an_officer_cannot_receive_for_another_center(officer, org, procedure):
    response = post(officer, procedure, intake(org, procedure,
                                               receiving_agency=str(org.center_b.pk)))
    assert response.status_code == 200
    assert "receiving_agency" in response.context["form"].errors
    assert nothing_written()


def test_the_menu_leads_a_one_stop_officer_to_the_counter(officer, org):
    html = officer.get("/can-bo/").content.decode()
    for path in ("/can-bo/tiep-nhan/", "/can-bo/ho-so-truc-tuyen/", "/can-bo/dieu-phoi/",
                 "/can-bo/tra-ket-qua/"):
        assert f'href="{path}"' in html


def test_the_menu_has_no_counter_for_a_specialist(client, org):
    client.force_login(org.specialist_a)
    html = client.get("/can-bo/").content.decode()
    assert "/can-bo/tiep-nhan/" not in html and "/can-bo/tra-ket-qua/" not in html


# -- finding the applicant and the procedure ---------------------------------------------------


def test_an_earlier_applicant_is_found_by_id_number_and_fills_the_form(
        officer, org, procedure):
    earlier = received(org, procedure, at("09:00 16/11/2026"),
                       applicant=person(commune_code=org.commune_a.code,
                                        address="Số 12 đường Trần Hưng Đạo", phone="0912345678"))
    response = officer.get(URL, {"applicant_q": ID})
    html = response.content.decode()
    assert "Nguyễn Văn An" in html and f"from={earlier.code}" in html
    # Enter on the search with one match takes it at once
    response = officer.get(URL, {"applicant_q": ID, "find": "applicant"})
    assert response.status_code == 302 and f"from={earlier.code}" in response["Location"]
    form = officer.get(f"{URL}?from={earlier.code}&procedure={procedure.code}").context["form"]
    assert form.initial["applicant_name"] == "Nguyễn Văn An"
    assert form.initial["applicant_address"] == "Số 12 đường Trần Hưng Đạo"
    assert form.initial["applicant_commune"] == org.commune_a.code


def test_an_officer_finds_only_the_applicants_of_their_unit(client, org, procedure):
    earlier = received(org, procedure, at("09:00 16/11/2026"))  # at center A
    client.force_login(org.officer_b)
    html = client.get(URL, {"applicant_q": ID}).content.decode()
    assert earlier.code not in html and "Không tìm thấy người nộp" in html
    response = client.get(URL, {"from": earlier.code})  # the policy: not visible to B
    assert "Không có hồ sơ nào có mã này mà bạn được phép xem" in response.content.decode()
    assert response.context["source"] is None


def test_a_name_finds_the_applicant_too(officer, org, procedure):
    received(org, procedure, at("09:00 16/11/2026"))
    html = officer.get(URL, {"applicant_q": "Văn An"}).content.decode()
    assert ID in html


@pytest.mark.parametrize("typed", ["nguyen van an", "NGUYEN VAN AN", "Nguyễn  Văn An", "van an",
                                   "NGUYỄN"])
def test_a_name_is_found_without_its_diacritics_and_in_any_case(officer, org, procedure,
                                                                 typed):
    """As the procedure search: "nguyen van an" finds "Nguyễn Văn An" (core.text.fold)."""
    received(org, procedure, at("09:00 16/11/2026"))
    received(org, procedure, at("10:00 16/11/2026"),
             applicant=person(name="Đặng Thị Đào", id_number="036198004321"))
    html = officer.get(URL, {"applicant_q": typed}).content.decode()
    assert ID in html and "036198004321" not in html
    html = officer.get(URL, {"applicant_q": "dang thi dao"}).content.decode()  # đ → d
    assert "036198004321" in html and ID not in html
    html = officer.get(URL, {"applicant_q": "nguyen van anh"}).content.decode()
    assert ID not in html and "Không tìm thấy người nộp" in html


def test_the_procedure_is_found_without_diacritics_and_chosen(officer, procedure):
    response = officer.get(URL, {"procedure_q": "xac nhan tinh trang hon nhan"})
    html = response.content.decode()
    assert "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân" in html
    assert f"procedure={procedure.code}" in html
    response = officer.get(URL, {"procedure_q": "1.004873", "find": "procedure"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?procedure={procedure.code}"


def test_the_form_lists_the_components_with_the_catalogues_defaults(officer, procedure):
    form = officer.get(f"{URL}?procedure={procedure.code}").context["form"]
    first, second = form.rows
    assert first.requirement.name == "Tờ khai theo mẫu" and first.needed
    assert first.received.value() is True and first.paper_form.value() == "original"
    assert second.received.value() is False and second.paper_form.value() == "copy"
    assert first.copies.value() == 1
    assert "autofocus" in form.fields["applicant_name"].widget.attrs


# -- receive -----------------------------------------------------------------------------------


def test_receive_creates_the_received_dossier_and_offers_form_01(officer, org, procedure):
    first, second = requirements(procedure)[:2]
    data = intake(org, procedure, **{f"received_{second.pk}": "on", f"copies_{second.pk}": "2"})
    response = post(officer, procedure, data)
    d = Dossier.objects.get()
    assert response.status_code == 303 and response["Location"] == f"{URL}{d.code}/"
    assert d.status == Status.RECEIVED and d.channel == 1
    assert d.receiving_agency == org.center_a and d.handling_agency == org.pc_a
    assert d.applicant_id_number == ID and d.return_agency == org.center_a
    components = list(d.components.order_by("id").values_list(
        "requirement_id", "is_paper", "paper_form", "copies"))
    assert components == [(first.pk, True, "original", 1), (second.pk, True, "copy", 2)]

    done = officer.get(response["Location"]).content.decode()
    slip = f"/api/v1/dossiers/{d.code}/slips/01.pdf"
    assert "Đã tiếp nhận hồ sơ" in done and f'href="{slip}"' in done
    assert f'href="/can-bo/ho-so/{d.code}/"' in done
    pdf = officer.get(slip)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert d.code in text and "Tờ khai theo mẫu (bản chính)" in text


def test_a_missing_required_component_stops_the_receipt(officer, org, procedure):
    first = requirements(procedure)[0]
    response = post(officer, procedure, intake(org, procedure, **{f"received_{first.pk}": None}))
    assert response.status_code == 200
    form = response.context["form"]
    assert "Bắt buộc" in form.errors[f"received_{first.pk}"][0]
    assert nothing_written()


@pytest.mark.parametrize("field,value,message", [
    ("applicant_id_number", "12345", "đúng 12 chữ số"),
    ("applicant_id_number", "", "Nhập số định danh cá nhân"),
    ("applicant_name", "", "Nhập tên người nộp"),
    ("applicant_phone", "abc", "8 đến 20"),
])
def test_bad_input_is_shown_next_to_its_field_and_kept(officer, org, procedure, field, value,
                                                        message):
    data = intake(org, procedure, **{field: value}, applicant_address="Số 5 Lê Lợi")
    response = post(officer, procedure, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert 'value="Số 5 Lê Lợi"' in html  # what was typed stays
    assert 'class="govuk-error-summary"' in html
    assert nothing_written()


def test_an_error_of_the_action_comes_back_next_to_its_field(officer, org, procedure):
    # a copy of the result is sent by post, but neither an address is given nor known
    response = post(officer, procedure, intake(org, procedure, return_method="postal"))
    assert "return_address" in response.context["form"].errors
    assert nothing_written()


def test_a_procedure_received_only_in_its_area_is_refused_elsewhere(officer, org):
    local = build_procedure(code="1.001022", name="Thủ tục đăng ký thường trú",
                            any_boundary=False)
    response = post(officer, local, intake(org, local, applicant_commune=org.commune_b.code))
    errors = response.context["form"].non_field_errors()
    assert "không thể tiếp nhận" in errors[0]
    assert nothing_written()


def test_a_double_submit_creates_one_dossier(officer, org, procedure):
    first = post(officer, procedure, intake(org, procedure))
    again = post(officer, procedure, intake(org, procedure))
    assert Dossier.objects.count() == 1
    assert again.status_code == 303 and again["Location"] == first["Location"]
    other = post(officer, procedure, intake(org, procedure, applicant_name="Lê Thị Hoa"))
    assert "đã được gửi" in other.context["form"].non_field_errors()[0]
    assert Dossier.objects.count() == 1


def test_htmx_is_told_where_to_go(officer, org, procedure):
    response = post(officer, procedure, intake(org, procedure), HTTP_HX_REQUEST="true")
    d = Dossier.objects.get()
    assert response.status_code == 200 and response["HX-Redirect"] == f"{URL}{d.code}/"


# -- scans -------------------------------------------------------------------------------------


def test_a_scan_is_attached_to_its_component(officer, org, procedure):
    first = requirements(procedure)[0]
    scan = SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf")
    post(officer, procedure, intake(org, procedure, **{f"file_{first.pk}": scan}))
    stored = DossierFile.objects.get()
    assert stored.component.requirement_id == first.pk
    assert stored.uploaded_by == org.officer_a and stored.original_name == "to-khai.pdf"


def test_a_bad_scan_is_refused_before_anything_is_written(officer, org, procedure):
    first = requirements(procedure)[0]
    fake = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 not really", content_type="application/pdf")
    response = post(officer, procedure, intake(org, procedure, **{f"file_{first.pk}": fake}))
    assert response.context["form"].errors[f"file_{first.pk}"]
    assert nothing_written() and DossierFile.objects.count() == 0


# -- ask for what is missing (Form 02), refuse (Form 03) ---------------------------------------


def test_asking_for_what_is_missing_lists_everything_on_form_02(officer, org, procedure):
    first = requirements(procedure)[0]
    data = intake(org, procedure, decision="supplement", **{f"received_{first.pk}": None},
                  extra_missing="Ảnh 4x6\n\nBản sao sổ hộ khẩu")
    response = post(officer, procedure, data)
    d = Dossier.objects.get()
    assert response.status_code == 303
    assert d.status == Status.SUPPLEMENT and d.received_at is None
    request = SupplementRequest.objects.get()
    assert request.before_receipt
    assert [i["name"] for i in request.items] == ["Tờ khai theo mẫu", "Ảnh 4x6",
                                                  "Bản sao sổ hộ khẩu"]
    done = officer.get(response["Location"]).content.decode()
    assert f'href="/api/v1/dossiers/{d.code}/slips/02.pdf"' in done


def test_asking_with_nothing_missing_says_so(officer, org, procedure):
    response = post(officer, procedure, intake(org, procedure, decision="supplement"))
    assert "extra_missing" in response.context["form"].errors
    assert nothing_written()


def test_refusing_needs_a_reason_and_prints_form_03(officer, org, procedure):
    response = post(officer, procedure, intake(org, procedure, decision="refuse"))
    assert "reason" in response.context["form"].errors and nothing_written()
    response = post(officer, procedure, intake(org, procedure, decision="refuse",
                                               reason="Không thuộc thẩm quyền"))
    d = Dossier.objects.get()
    assert d.status == Status.REFUSED
    done = officer.get(response["Location"]).content.decode()
    assert f'href="/api/v1/dossiers/{d.code}/slips/03.pdf"' in done
    assert "/slips/01.pdf" not in done


def test_a_duration_case_other_than_the_procedures_needs_a_reason(officer, org):
    cases = [{"key": "verification", "label_vi": "Cần xác minh", "label_en": "Verification",
              "value": 5, "unit": "working_days"}]
    marriage = build_procedure(code="1.000894", name="Thủ tục đăng ký kết hôn", duration=1,
                               unit="working_days", duration_cases=cases)
    response = post(officer, marriage, intake(org, marriage, duration_case="verification"))
    assert "duration_reason" in response.context["form"].errors and nothing_written()
    post(officer, marriage, intake(org, marriage, duration_case="verification",
                                   duration_reason="Cần xác minh ở nơi cư trú cũ"))
    assert Dossier.objects.get().duration_value == 5


def test_the_done_page_of_another_centers_dossier_is_not_found(client, org, procedure):
    d = received(org, procedure, at("09:00 16/11/2026"))
    client.force_login(org.officer_b)
    assert client.get(f"{URL}{d.code}/").status_code == 404
