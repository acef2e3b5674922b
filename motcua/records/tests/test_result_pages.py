"""The pages of signed results: the public verification page (by the QR code's address, and
by uploading a PDF), the downloads (owner and staff who may see the dossier; everyone else the
same 404), and the leader's "sign the result" on the staff dossier page."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.org.models import Role
from motcua.records import certificates, results, signing
from motcua.records.models import ResultState, SigningCertificate
from motcua.tests.builders import pdf_bytes, staff


@pytest.fixture
def signed(ready_dossier, agency_cert, sandbox):
    return results.sign_result(ready_dossier.signed_results.get())


def _upload(client, data: bytes, name: str = "ket-qua.pdf"):
    return client.post(reverse("portal:verify"),
                       {"document": SimpleUploadedFile(name, data, "application/pdf")})


def test_the_qr_address_shows_a_valid_result_without_sign_in(client, signed):
    page = client.get(reverse("portal:verify-result", kwargs={"public_id": signed.public_id}))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-verdict="valid"' in html
    assert signed.number in html
    assert "Ủy ban nhân dân phường Hoa Lư" in html
    assert "Nguyễn Văn An" not in html  # the owner's name is masked
    assert signed.owner_id_number not in html


def test_an_uploaded_copy_is_recognised_and_a_changed_byte_is_not(client, signed):
    data = signed.file.read()
    same = _upload(client, data)
    assert same.status_code == 200
    assert 'data-verdict="valid"' in same.content.decode()
    assert signed.number in same.content.decode()

    changed = bytearray(data)
    changed[12] ^= 0x01
    tampered = _upload(client, bytes(changed))
    html = tampered.content.decode()
    assert 'data-verdict="invalid"' in html
    assert signed.number not in html


def test_a_revoked_certificate_makes_the_result_invalid(client, signed, agency_cert):
    certificates.revoke(agency_cert, "key compromise")
    page = client.get(reverse("portal:verify-result", kwargs={"public_id": signed.public_id}))
    html = page.content.decode()
    assert 'data-verdict="invalid"' in html


def test_an_unknown_certificate_is_invalid(client, dev_ca, org, sandbox):
    # chained to the root but not in the registry
    cert = certificates.issue_for(org.pc_b)
    data = signing.sign_pdf(pdf_bytes(), cert, reason="r", location="l",
                            stamp_lines=["Ký bởi: thử"]).pdf
    SigningCertificate.objects.filter(pk=cert.pk).delete()
    html = _upload(client, data).content.decode()
    assert 'data-verdict="invalid"' in html


def test_a_certificate_of_another_authority_is_invalid(client, dev_ca, org, sandbox,
                                                      tmp_path):
    """A self-made CA's certificate, registered by mistake: not trusted all the same."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Kẻ giả mạo")])
    now = dt.datetime.now(dt.UTC)
    fake = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    (tmp_path / "fake.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    row = SigningCertificate.objects.create(
        agency=org.pc_b, subject="CN=fake", serial="1", fingerprint=certificates.fingerprint(fake),
        not_before=now, not_after=now + dt.timedelta(days=30),
        pem=fake.public_bytes(serialization.Encoding.PEM).decode(), key_store="file",
        key_ref=str(tmp_path / "fake.key"))
    data = signing.sign_pdf(pdf_bytes(), row, reason="r", location="l",
                            stamp_lines=["Ký bởi: thử"]).pdf
    html = _upload(client, data).content.decode()
    assert 'data-verdict="invalid"' in html


@pytest.mark.parametrize("data, name", [
    (b"not a pdf at all", "x.pdf"),
    (b"", "empty.pdf"),
])
def test_an_upload_that_is_no_pdf_is_refused_next_to_the_field(client, db, data, name):
    answer = _upload(client, data, name)
    assert answer.status_code == 400
    assert "govuk-error-message" in answer.content.decode()


def test_an_oversized_upload_is_refused(client, db, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    answer = _upload(client, b"%PDF-1.7\n" + b"0" * 2000)
    assert answer.status_code == 400


def test_an_unsigned_pdf_is_invalid(client, db, dev_ca):
    html = _upload(client, pdf_bytes()).content.decode()
    assert 'data-verdict="invalid"' in html


def test_an_unknown_address_is_404(client, db):
    assert client.get("/xac-thuc/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_a_pending_result_has_no_public_page(client, ready_dossier):
    pending = ready_dossier.signed_results.get()
    assert pending.state == ResultState.PENDING
    url = reverse("portal:verify-result", kwargs={"public_id": pending.public_id})
    assert client.get(url).status_code == 404


# --- downloads -------------------------------------------------------------------------


def _portal_download(signed):
    return reverse("portal:result-download",
                   kwargs={"code": signed.dossier.code, "public_id": signed.public_id})


def _staff_download(signed):
    return reverse("workspace:result-download",
                   kwargs={"code": signed.dossier.code, "public_id": signed.public_id})


def test_the_owner_downloads_the_signed_pdf(client, signed, org):
    client.force_login(org.citizen)  # the applicant's ID is the account's
    answer = client.get(_portal_download(signed))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content).startswith(b"%PDF")


def test_another_person_gets_the_same_404(client, signed, org):
    client.force_login(org.other_citizen)
    assert client.get(_portal_download(signed)).status_code == 404
    client.logout()
    assert client.get(_portal_download(signed)).status_code == 302  # to sign in


def test_staff_who_see_the_dossier_download_it_others_get_404(client, signed, org):
    client.force_login(org.specialist_a)
    assert client.get(_staff_download(signed)).status_code == 200
    client.force_login(org.officer_b)  # another commune's center
    assert client.get(_staff_download(signed)).status_code == 404
    # a result of another dossier under this dossier's code: 404 too
    client.force_login(org.specialist_a)
    url = reverse("workspace:result-download", kwargs={
        "code": signed.dossier.code, "public_id": "00000000-0000-0000-0000-000000000000"})
    assert client.get(url).status_code == 404


# --- the leader signs from the dossier page ----------------------------------------------


def _sign_url(d):
    return reverse("workspace:result-sign", kwargs={"code": d.code})


def test_the_leader_signs_from_the_dossier_page(client, ready_dossier, agency_cert, sandbox,
                                               leader):
    client.force_login(leader)
    page = client.get(reverse("workspace:dossier", kwargs={"code": ready_dossier.code}))
    assert _sign_url(ready_dossier) in page.content.decode()
    answer = client.post(_sign_url(ready_dossier))
    assert answer.status_code == 302
    result = ready_dossier.signed_results.get()
    assert result.state == ResultState.SIGNED
    page = client.get(reverse("workspace:dossier", kwargs={"code": ready_dossier.code}))
    html = page.content.decode()
    assert _staff_download(result) in html
    assert _sign_url(ready_dossier) not in html  # signed: nothing more to sign


def test_a_specialist_may_not_sign_and_another_commune_sees_nothing(
        client, ready_dossier, agency_cert, org):
    client.force_login(org.specialist_a)
    page = client.get(reverse("workspace:dossier", kwargs={"code": ready_dossier.code}))
    assert _sign_url(ready_dossier) not in page.content.decode()
    assert client.post(_sign_url(ready_dossier)).status_code == 403
    client.force_login(org.officer_b)
    assert client.post(_sign_url(ready_dossier)).status_code == 404
    head_b = staff("head.b", "Vũ Thị Hạnh", org.pc_b, Role.LEADER)
    client.force_login(head_b)
    assert client.post(_sign_url(ready_dossier)).status_code == 404
    assert ready_dossier.signed_results.get().state == ResultState.PENDING


def test_signing_without_a_certificate_says_why(client, ready_dossier, leader, dev_ca):
    client.force_login(leader)
    answer = client.post(_sign_url(ready_dossier), follow=True)
    assert answer.status_code == 200
    result = ready_dossier.signed_results.get()
    assert result.state == ResultState.FAILED
    assert "Ủy ban nhân dân phường Hoa Lư" in result.error


def test_the_owner_sees_the_result_on_their_dossier_page(client, signed, org):
    client.force_login(org.citizen)
    page = client.get(reverse("portal:dossier", kwargs={"code": signed.dossier.code}))
    assert _portal_download(signed) in page.content.decode()

