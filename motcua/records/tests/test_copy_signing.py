"""The one-stop unit signs the copies digitized at its counter: the task enqueued when the
digitization commits, PAdES with the unit's certificate and the sandbox TSA's time stamp (an
image wrapped in a PDF first), checked by pyHanko and independently by poppler's pdfsig; the
copy, the owner's store and the dossier's digitization state then say so."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.core.errors import InvalidInput
from motcua.core.models import AuditEvent
from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at
from motcua.records import copy_signing, digitization, files, results, verification
from motcua.records.models import DigitizedCopy, DossierDigitization, StoreItem
from motcua.records.results_tasks import sign_copy_task
from motcua.records.tests.conftest import (
    BIRTH,
    birth_component,
    digitize_birth,
    image_bytes,
    pdfsig,
    tags,
    upload,
)
from motcua.tests.builders import pdf_bytes

pytestmark = pytest.mark.django_db


def _read(blob) -> bytes:
    with files.open_blob(blob) as f:
        return f.read()


def test_digitizing_enqueues_the_signing_which_the_worker_does(
        org, paper_dossier, center_cert, sandbox, nss_db, tmp_path,
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        copy = digitize_birth(org, paper_dossier)
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [copy.pk]
    assert copy.signed_at is None

    assert sign_copy_task.call(copy.pk) == "signed"
    copy.refresh_from_db()
    assert copy.signed_at is not None and copy.timestamp_at is not None
    assert (copy.certificate, copy.signer_agency) == (center_cert, org.center_a)
    assert copy.sign_error == ""
    data = _read(copy.signed_blob)
    sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    verdict = verification.verify_pdf(data)
    assert verdict.valid, verdict.reason
    assert "Hoa Lư" in verdict.signer and verdict.certificate == center_cert
    signed = tmp_path / "copy.pdf"
    signed.write_bytes(data)
    report = pdfsig(signed, nss_db)
    assert "Signature is Valid" in report and "Certificate is Trusted" in report, report

    # the owner's store serves the signed copy; the original scan is kept on the copy
    item = StoreItem.objects.get()
    assert item.blob_id == copy.signed_blob_id != copy.blob_id
    assert item.file_name == "khai-sinh.pdf"
    state = DossierDigitization.objects.get(dossier=paper_dossier)
    assert (state.digitized_components, state.signed_components) == (1, 1)
    assert AuditEvent.objects.filter(action="digitized_copy.sign",
                                     object_id=str(copy.pk)).count() == 1

    # the worker running it again changes nothing
    assert sign_copy_task.call(copy.pk) == "signed"
    again = DigitizedCopy.objects.get()
    assert (again.signed_blob_id, again.signed_at) == (copy.signed_blob_id, copy.signed_at)


@pytest.mark.parametrize(("fmt", "mode", "name"), [
    ("JPEG", "RGB", "cccd.jpg"),
    ("PNG", "RGBA", "cccd.png"),  # with transparency
    ("PNG", "L", "cccd.png"),
])
def test_a_scanned_image_is_wrapped_in_a_pdf_and_signed(org, paper_dossier, center_cert,
                                                       sandbox, fmt, mode, name):
    scan = SimpleUploadedFile(name, image_bytes(fmt, mode=mode))
    copy = digitization.digitize(paper_dossier, birth_component(paper_dossier).pk, scan,
                                 tags(org.citizen.national_id), actor=org.officer_a)
    assert copy.blob.content_type.startswith("image/")
    signed = copy_signing.sign_copy(copy)
    data = _read(signed.signed_blob)
    assert data.startswith(b"%PDF") and signed.signed_blob.content_type == "application/pdf"
    assert verification.verify_pdf(data).valid
    reader = PdfFileReader(io.BytesIO(data))
    box = reader.root["/Pages"]["/Kids"][0]["/MediaBox"]
    assert [round(float(v)) for v in box] == [0, 0, 595, 842]  # A4, the image fitted in
    assert StoreItem.objects.get().file_name == "cccd.pdf"


def test_without_a_certificate_the_copy_waits_and_says_why(org, paper_dossier, dev_ca,
                                                          sandbox):
    copy = digitize_birth(org, paper_dossier)
    assert sign_copy_task.call(copy.pk).startswith("failed")
    copy.refresh_from_db()
    assert copy.signed_at is None and org.center_a.name in copy.sign_error
    assert StoreItem.objects.get().blob_id == copy.blob_id  # the scan, until it is signed
    # once the unit has its certificate, signing again works and clears the reason
    from motcua.records import certificates

    certificates.issue_for(org.center_a)
    signed = copy_signing.sign_copy(copy)
    assert signed.signed_at is not None and signed.sign_error == ""


def test_a_time_stamp_that_does_not_come_is_tried_again_later(org, paper_dossier, center_cert,
                                                             sandbox):
    sandbox.fault("/tsa/", "error", status=503, times=1)
    copy = digitize_birth(org, paper_dossier)
    assert sign_copy_task.call(copy.pk).startswith("retrying")
    again = DBTaskResult.objects.get()
    assert again.args_kwargs["args"] == [copy.pk, 2] and again.run_after is not None
    assert "503" in DigitizedCopy.objects.get().sign_error
    assert sign_copy_task.call(copy.pk, 2) == "signed"


def test_a_copy_digitized_again_while_it_was_signed_is_not_marked_with_the_old_scan(
        org, paper_dossier, center_cert, sandbox):
    first = digitize_birth(org, paper_dossier)
    old_blob = first.blob_id
    second = digitization.digitize(paper_dossier, birth_component(paper_dossier).pk,
                                   upload(pdf_bytes(2), "khai-sinh-2.pdf"),
                                   tags(org.citizen.national_id), actor=org.officer_a)
    assert second.pk == first.pk and second.blob_id != old_blob
    kept = digitization.mark_signed(first, b"%PDF-1.7 signed from the old scan",
                                    source_blob_id=old_blob)
    assert kept.signed_at is None
    assert copy_signing.sign_copy(second).signed_at is not None


def test_a_rolled_back_digitization_enqueues_nothing(org, paper_dossier,
                                                    django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        digitize_birth(org, paper_dossier)
        raise RuntimeError("the request failed after")
    assert not DBTaskResult.objects.exists() and not DigitizedCopy.objects.exists()


def test_a_dossier_is_digitized_once_its_paper_copies_and_its_result_are_signed(
        org, paper_dossier, center_cert, agency_cert, leader, sandbox):
    d = paper_dossier
    for component in d.components.filter(is_paper=True):
        kind = "birth-certificate" if component.name == BIRTH else "other"
        copy = digitization.digitize(d, component.pk, upload(),
                                     tags(org.citizen.national_id, document_type=kind),
                                     actor=org.officer_a)
        copy_signing.sign_copy(copy)
    state = DossierDigitization.objects.get(dossier=d)
    assert state.state == "complete" and state.signed_components == 2
    assert state.complete_at is None  # the result is not signed yet
    assert not DossierDigitization.objects.digitized().exists()

    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    d = actions.perform(d, "mark_result_ready", leader, now=at("15:00 18/11/2026"))
    result = results.sign_result(d.signed_results.get(), actor=leader)
    state.refresh_from_db()
    assert state.result_signed_at == result.signed_at
    assert state.complete_at is not None
    assert list(DossierDigitization.objects.digitized()) == [state]


def test_a_scan_that_is_not_a_pdf_or_an_image_is_refused(org, paper_dossier):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", '<Relationships><Relationship Target="word/document.xml"'
                   ' Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument"/></Relationships>')
        z.writestr("word/document.xml", "<document/>")
    with pytest.raises(InvalidInput) as refused:
        digitization.digitize(paper_dossier, birth_component(paper_dossier).pk,
                              SimpleUploadedFile("don.docx", out.getvalue()),
                              tags(org.citizen.national_id), actor=org.officer_a)
    assert refused.value.extra.get("reason") == "type"
    assert not DigitizedCopy.objects.exists()


def test_the_verification_page_recognises_a_signed_copy(client, org, paper_dossier,
                                                        center_cert, sandbox):
    from django.urls import reverse

    copy = copy_signing.sign_copy(digitize_birth(org, paper_dossier))
    data = _read(copy.signed_blob)
    answer = client.post(reverse("portal:verify"),
                         {"document": SimpleUploadedFile("ban-sao.pdf", data)})
    html = answer.content.decode()
    assert answer.status_code == 200 and 'data-verdict="valid"' in html
    assert org.center_a.name in html and 'id="issued-digitized"' in html
    assert "Nguyễn Văn An" not in html  # the owner's name is masked
    # the unsigned scan is no document issued here, and bears no signature
    scan = _read(copy.blob)
    html = client.post(reverse("portal:verify"),
                       {"document": SimpleUploadedFile("scan.pdf", scan)}).content.decode()
    assert 'data-verdict="invalid"' in html and 'id="issued-digitized"' not in html
