"""Electronic certified copies from originals (index 4.6): offered by the communes that do them,
made by their officers, signed by the commune's People's Committee (checked by pyHanko and by
poppler's pdfsig), verifiable by the QR code's address, in the owner's data store; and every
refusal: who, where, which upload, which certificate."""

from __future__ import annotations

import io
import shutil
import subprocess

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from motcua.core.errors import DomainError, InvalidInput, NotAllowed
from motcua.core.models import AuditEvent
from motcua.org.models import Role
from motcua.records import certified, digitization, files, verification
from motcua.records.models import (
    Blob,
    CertificationService,
    CertifiedCopy,
    CertifiedState,
    StoreItem,
)
from motcua.records.models.store import Origin
from motcua.records.tests.conftest import image_bytes, pdfsig
from motcua.tests.builders import citizen, pdf_bytes, staff

pytestmark = pytest.mark.django_db

DIPLOMA = "Bằng tốt nghiệp trung học phổ thông"


@pytest.fixture
def offering(org):
    return CertificationService.objects.create(unit=org.commune_a, offered=True)


def original(org, **kw) -> certified.Original:
    values = dict(document_type="diploma", owner_key=org.citizen.national_id,
                  owner_name="Nguyễn Văn An", number="B1234567",
                  issuer="Sở Giáo dục và Đào tạo tỉnh Ninh Bình", issued_on=None,
                  valid_until=None)
    values.update(kw)
    return certified.Original(title=DIPLOMA, tags=digitization.Tags(**values))


def scan(content: bytes | None = None, name: str = "bang-tot-nghiep.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(2) if content is None else content)


def _read(blob) -> bytes:
    with files.open_blob(blob) as f:
        return f.read()


def test_an_officer_certifies_a_copy_signed_by_the_commune(org, offering, agency_cert, sandbox,
                                                          nss_db, tmp_path, settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.ninhbinh.example"
    copy = certified.certify(scan(), original(org), actor=org.officer_a)
    assert copy.state == CertifiedState.SIGNED
    assert (copy.unit, copy.signer_agency, copy.certificate) == (org.commune_a, org.pc_a,
                                                                 agency_cert)
    assert copy.number.startswith("1/") and copy.number.endswith("-SCT/BS")
    assert (copy.pages, copy.fee_vnd, copy.certified_by) == (2, None, org.officer_a)
    assert copy.timestamp_at is not None and copy.signed_at is not None
    data = _read(copy.blob)
    assert copy.sha256 == copy.blob.sha256
    verdict = verification.verify_pdf(data)
    assert verdict.valid, verdict.reason
    assert verdict.certificate == agency_cert
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    report = pdfsig(path, nss_db)
    assert "Signature is Valid" in report and "Certificate is Trusted" in report, report

    # the original's two pages, then the certification page with its statement and address
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3
    statement = " ".join(reader.pages[-1].extract_text().split())
    assert "Chứng thực bản sao điện tử này đúng với bản chính" in statement
    assert f"Số chứng thực: {copy.number}" in statement and DIPLOMA in statement
    url = f"https://dichvucong.ninhbinh.example/xac-thuc/{copy.public_id}/"
    assert url in statement.replace(" ", "") or url in statement
    assert "Phí chứng thực" not in statement  # no fee set, none printed

    item = StoreItem.objects.get()
    assert (item.owner_key, item.origin, item.title, item.blob_id) == (
        org.citizen.national_id, Origin.CERTIFIED, DIPLOMA, copy.blob_id)
    assert [a.action for a in AuditEvent.objects.filter(
        object_id=str(copy.pk)).order_by("id")] == ["certified_copy.issue",
                                                    "certified_copy.sign"]
    # the book numbers the next one
    again = certified.certify(scan(pdf_bytes(1), "cccd.pdf"), original(org), actor=org.officer_a)
    assert again.number.startswith("2/")


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)")
def test_the_qr_code_carries_the_verification_address(org, offering, agency_cert, sandbox,
                                                      tmp_path, client, settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    copy = certified.certify(scan(), original(org), actor=org.officer_a)
    pdf = tmp_path / "copy.pdf"
    pdf.write_bytes(_read(copy.blob))
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "3", "-l", "3", str(pdf),
                    str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
                              str(page)], capture_output=True, text=True, check=True)
    url = decoded.stdout.strip()
    assert url == f"http://testserver/xac-thuc/{copy.public_id}/"
    html = client.get(url.removeprefix("http://testserver")).content.decode()
    assert 'data-verdict="valid"' in html and copy.number in html
    assert "Nguyễn Văn An" not in html and org.citizen.national_id not in html


def test_the_communes_fee_is_recorded_and_printed(org, offering, agency_cert, sandbox):
    offering.fee_vnd = 10_000
    offering.save()
    copy = certified.certify(scan(), original(org), actor=org.officer_a)
    assert copy.fee_vnd == 10_000
    text = PdfReader(io.BytesIO(_read(copy.blob))).pages[-1].extract_text()
    assert "10.000" in text


@pytest.mark.parametrize(("content", "name"), [
    (image_bytes("JPEG"), "bang.jpg"),
    (image_bytes("PNG", mode="RGBA"), "bang.png"),
])
def test_a_scanned_image_is_certified_as_a_pdf(org, offering, agency_cert, sandbox, content,
                                              name):
    copy = certified.certify(scan(content, name), original(org), actor=org.officer_a)
    assert copy.pages == 1 and copy.original_blob.content_type.startswith("image/")
    assert verification.verify_pdf(_read(copy.blob)).valid


def test_a_pdf_only_restricted_by_an_owner_password_is_certified(org, offering, agency_cert,
                                                                sandbox):
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(1)))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="chu", user="",
                                                allow=pikepdf.Permissions(print_highres=False)))
    copy = certified.certify(scan(out.getvalue()), original(org), actor=org.officer_a)
    assert verification.verify_pdf(_read(copy.blob)).valid


def test_the_time_stamp_down_leaves_the_copy_recorded_to_sign_again(org, offering, agency_cert,
                                                                   sandbox):
    sandbox.fault("/tsa/", "error", status=503, times=1)
    with pytest.raises(certified.NotSigned) as failed:
        certified.certify(scan(), original(org), actor=org.officer_a)
    copy = CertifiedCopy.objects.get()
    assert failed.value.copy == copy
    assert copy.state == CertifiedState.FAILED and "503" in copy.error and copy.blob is None
    assert not StoreItem.objects.exists()
    signed = certified.sign_certified(copy, actor=org.officer_a)
    assert signed.state == CertifiedState.SIGNED and signed.error == ""
    assert StoreItem.objects.get().blob_id == signed.blob_id


# --- refusals --------------------------------------------------------------------------------


def _nothing_written():
    assert not CertifiedCopy.objects.exists() and not StoreItem.objects.exists()
    assert not Blob.objects.exists()


def test_who_may_not_certify(org, offering, agency_cert, sandbox):
    department = staff("head.tuphap", "Lê Thị Hoa", org.department, Role.HEAD)
    auditor = staff("auditor", "Kiểm Tra", org.pc_a, Role.AUDITOR)
    for user in (org.officer_b, department, auditor, org.citizen):
        with pytest.raises(NotAllowed):
            certified.certify(scan(), original(org), actor=user)
    # commune A's specialist is an officer of commune A: allowed
    assert certified.certify(scan(), original(org), actor=org.specialist_a).state == "signed"
    # an officer of commune A certifying for commune B: refused
    with pytest.raises(NotAllowed):
        certified.certify(scan(), original(org), actor=org.officer_a, unit=org.commune_b)


def test_a_commune_that_stopped_offering_it_refuses(org, offering, agency_cert):
    offering.offered = False
    offering.save()
    with pytest.raises(NotAllowed) as refused:
        certified.certify(scan(), original(org), actor=org.officer_a)
    assert "does not certify" in str(refused.value.detail) or "không" in str(
        refused.value.detail)
    _nothing_written()


def test_without_the_communes_certificate_nothing_is_written(org, offering, dev_ca):
    with pytest.raises(DomainError) as refused:
        certified.certify(scan(), original(org), actor=org.officer_a)
    assert refused.value.code == "no_certificate"
    _nothing_written()


def _javascript_pdf() -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(1)))
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                             JS=pikepdf.String("app.alert(1)"))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


REFUSED = {
    "program": (lambda: b"MZ\x90\x00 a program", "bang.exe", "type"),
    "html": (lambda: b"%PDF-1.7\n<html><script>alert(1)</script></html>", "bang.pdf",
             "pdf_unreadable"),
    "javascript": (_javascript_pdf, "bang.pdf", "pdf_script"),
    "empty": (lambda: b"", "bang.pdf", "empty"),
    "png named pdf": (lambda: image_bytes("PNG"), "bang.pdf", "name"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_uploads_write_nothing(org, offering, agency_cert, case):
    make, name, reason = REFUSED[case]
    content = make()
    with pytest.raises(InvalidInput) as refused:
        certified.certify(scan(content, name), original(org), actor=org.officer_a)
    assert refused.value.extra.get("reason") == reason
    _nothing_written()


def test_an_oversized_upload_writes_nothing(org, offering, agency_cert, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(InvalidInput) as refused:
        certified.certify(scan(pdf_bytes(30)), original(org), actor=org.officer_a)
    assert refused.value.extra.get("reason") == "too_large"
    _nothing_written()


@pytest.mark.parametrize(("bad", "code"), [
    ({"owner_key": "123"}, "owner_key"),
    ({"document_type": "nonsense"}, "document_type"),
    ({"owner_name": " "}, "owner_name"),
])
def test_wrong_facts_write_nothing(org, offering, agency_cert, bad, code):
    with pytest.raises(InvalidInput) as refused:
        certified.certify(scan(), original(org, **bad), actor=org.officer_a)
    assert refused.value.code == code
    _nothing_written()


# --- the staff page ----------------------------------------------------------------------------


URL = "/can-bo/chung-thuc/"


def _form(org, **kw):
    values = {"title": DIPLOMA, "upload": scan(), "document_type": "diploma",
              "number": "B1234567", "issuer": "Sở Giáo dục và Đào tạo", "issued_on": "",
              "valid_until": "", "owner_name": "Nguyễn Văn An",
              "owner_key": org.citizen.national_id}
    values.update(kw)
    return values


def test_the_page_certifies_and_shows_the_copy(client, org, offering, agency_cert, sandbox):
    client.force_login(org.officer_a)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ủy ban nhân dân phường Hoa Lư" in html and 'href="/can-bo/chung-thuc/"' in html
    answer = client.post(URL, _form(org))
    copy = CertifiedCopy.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/can-bo/chung-thuc/{copy.public_id}/"
    shown = client.get(answer["Location"]).content.decode()
    assert copy.number in shown and DIPLOMA in shown
    download = client.get(reverse("workspace:certified-file",
                                  kwargs={"public_id": copy.public_id}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == _read(copy.blob)
    assert copy.number in client.get(URL).content.decode()  # in the book


def test_the_page_shows_errors_next_to_the_fields(client, org, offering, agency_cert):
    client.force_login(org.officer_a)
    answer = client.post(URL, _form(org, upload=scan(b"MZ\x90\x00", "bang.exe"), title=""))
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "govuk-error-summary" in html and "govuk-form-group--error" in html
    answer = client.post(URL, _form(org, upload=scan(b"MZ\x90\x00", "bang.exe")))
    assert answer.status_code == 400 and "id_upload-error" in answer.content.decode()
    _nothing_written()


def test_the_page_refuses_who_may_not_certify(client, org, offering, agency_cert):
    assert client.get(URL).status_code == 302  # to sign in
    for user in (org.officer_b, staff("head.tuphap", "Lê Thị Hoa", org.department, Role.HEAD),
                 org.citizen):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, _form(org)).status_code == 403
        page = client.get("/can-bo/").content.decode() if user != org.citizen else ""
        assert 'href="/can-bo/chung-thuc/"' not in page  # no menu entry either
    offering.offered = False
    offering.save()
    client.force_login(org.officer_a)
    assert client.get(URL).status_code == 403
    _nothing_written()


def test_another_communes_copy_is_not_found(client, org, offering, agency_cert, sandbox):
    copy = certified.certify(scan(), original(org), actor=org.officer_a)
    CertificationService.objects.create(unit=org.commune_b, offered=True)
    client.force_login(org.officer_b)
    for name in ("workspace:certified-copy", "workspace:certified-file"):
        theirs = client.get(reverse(name, kwargs={"public_id": copy.public_id}))
        missing = client.get(reverse(name, kwargs={
            "public_id": "00000000-0000-0000-0000-000000000000"}))
        assert theirs.status_code == missing.status_code == 404
    assert client.post(reverse("workspace:certified-sign",
                               kwargs={"public_id": copy.public_id})).status_code == 404
    assert copy.number not in client.get(URL).content.decode()


def test_the_owner_finds_it_in_their_store_and_nobody_else(client, org, offering, agency_cert,
                                                           sandbox):
    copy = certified.certify(scan(), original(org), actor=org.officer_a)
    item = StoreItem.objects.get()
    client.force_login(org.citizen)
    assert DIPLOMA in client.get(reverse("portal:my-store")).content.decode()
    mine = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk}))
    assert b"".join(mine.streaming_content) == _read(copy.blob)
    client.force_login(citizen("someone", "Trần Văn Bình", "001099012345"))
    theirs = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk}))
    missing = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk + 1}))
    assert theirs.status_code == missing.status_code == 404
    # and the staff have no store: the same 404
    client.force_login(org.officer_a)
    assert client.get(reverse("portal:store-file",
                              kwargs={"item_id": item.pk})).status_code == 404
