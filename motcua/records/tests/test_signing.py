"""Signing results: PAdES with the agency's certificate and a time stamp from the sandbox's
TSA over HTTP, checked by pyHanko's validator and independently by poppler's pdfsig."""

from __future__ import annotations

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.records import results, signing, verification
from motcua.records.models import ResultDocument, ResultState
from motcua.records.tests.conftest import pdfsig


def _signed(ready_dossier, agency_cert, sandbox) -> ResultDocument:
    result = ready_dossier.signed_results.get()
    return results.sign_result(result)


def test_a_ready_result_is_issued_numbered_and_signed(ready_dossier, agency_cert, sandbox,
                                                     leader, org):
    result = ready_dossier.signed_results.get()
    assert result.state == ResultState.PENDING
    assert result.number == "1/GCN-UBND"
    assert result.owner_id_number == "037095001234"
    assert result.approved_by == leader
    assert result.signer_agency == org.pc_a
    signed = results.sign_result(result, actor=leader)
    assert signed.state == ResultState.SIGNED
    assert signed.certificate == agency_cert
    assert signed.timestamp_at is not None
    data = signed.file.read()
    assert data.startswith(b"%PDF")
    sig = PdfFileReader(__import__("io").BytesIO(data)).embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    verdict = verification.verify_pdf(data)
    assert verdict.valid, verdict.reason
    assert verdict.timestamped and verdict.intact and verdict.whole_file
    assert "Hoa Lư" in verdict.signer
    assert ready_dossier.events.filter(action="result_signed").count() == 1
    # signing again changes nothing
    assert results.sign_result(signed).sha256 == signed.sha256


def test_pdfsig_validates_it_and_refuses_a_changed_byte(ready_dossier, agency_cert, sandbox,
                                                       nss_db, tmp_path):
    signed = _signed(ready_dossier, agency_cert, sandbox)
    data = signed.file.read()
    good = tmp_path / "good.pdf"
    good.write_bytes(data)
    report = pdfsig(good, nss_db)
    assert "Signature is Valid" in report, report
    assert "Certificate is Trusted" in report, report
    assert "ETSI.CAdES.detached" in report or "PAdES" in report, report

    changed = bytearray(data)
    changed[12] ^= 0x01  # in the binary comment after %PDF-: inside the signed bytes
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(changed))
    report = pdfsig(bad, nss_db)
    assert "Signature is Valid" not in report, report
    verdict = verification.verify_pdf(bytes(changed))
    assert not verdict.valid
    assert not verdict.intact


def test_no_time_stamp_no_signature(ready_dossier, agency_cert, sandbox):
    sandbox.fault("/tsa/", "error", status=503)
    result = ready_dossier.signed_results.get()
    with pytest.raises(signing.SigningFailed):
        results.sign_result(result)
    result.refresh_from_db()
    assert result.state == ResultState.FAILED
    assert "503" in result.error
    assert not result.file


def test_the_leaders_approval_enqueues_the_signing_which_the_worker_does(
        org, procedure, leader, agency_cert, sandbox, django_capture_on_commit_callbacks):
    """Marking the result ready (what a leader's approve or sign step does through the
    processing app) issues the result (the dossiers' event, subscribed by records) and, once
    committed, enqueues its signing; the task signs it."""
    from django_tasks_db.models import DBTaskResult

    from motcua.dossiers import actions
    from motcua.dossiers.tests.factories import at, received
    from motcua.records import results_tasks

    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    with django_capture_on_commit_callbacks(execute=True):
        d = actions.perform(d, "mark_result_ready", leader, now=at("15:00 18/11/2026"))
    result = d.signed_results.get()
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [result.pk]
    assert results_tasks.sign_result_task.call(result.pk) == "signed"
    result.refresh_from_db()
    assert result.state == ResultState.SIGNED


def test_a_refusal_issues_no_result(org, procedure, leader):
    from motcua.dossiers import actions
    from motcua.dossiers.tests.factories import at, received

    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    d = actions.perform(d, "refuse_on_merits", leader, reason="Không đủ điều kiện",
                        now=at("15:00 18/11/2026"))
    assert not d.signed_results.exists()


def test_a_time_stamp_that_does_not_come_is_tried_again_later(ready_dossier, agency_cert,
                                                             sandbox):
    from django_tasks_db.models import DBTaskResult

    from motcua.records import results_tasks

    sandbox.fault("/tsa/", "error", status=503, times=1)
    result = ready_dossier.signed_results.get()
    assert results_tasks.sign_result_task.call(result.pk).startswith("retrying")
    again = DBTaskResult.objects.get()
    assert again.args_kwargs["args"] == [result.pk, 2] and again.run_after is not None
    assert results_tasks.sign_result_task.call(result.pk, 2) == "signed"


def test_a_long_agency_name_still_gets_a_certificate(dev_ca, org):
    from motcua.records import certificates

    org.pc_b.name = "Ủy ban nhân dân phường Nam Định thuộc tỉnh Ninh Bình (tên rất dài để thử)"
    org.pc_b.save()
    cert = certificates.issue_for(org.pc_b)
    assert cert.subject.startswith("CN=Ủy ban nhân dân phường")


def test_a_signed_result_goes_to_its_owners_store(ready_dossier, agency_cert, sandbox, org,
                                                  client):
    from django.urls import reverse

    from motcua.core.formatting import local
    from motcua.records.models import StoreItem
    from motcua.records.models.store import Origin

    signed = _signed(ready_dossier, agency_cert, sandbox)
    item = StoreItem.objects.get()
    assert (item.owner_key, item.origin, item.number, item.dossier_id) == (
        org.citizen.national_id, Origin.RESULT, signed.number, ready_dossier.pk)
    assert item.valid_from == item.issued_on == local(signed.issued_at).date()
    assert item.valid_until is None and item.blob.sha256 == signed.sha256
    assert item.source_ref == f"result:{signed.public_id}"
    # the owner downloads it from the store; anyone else gets the same 404 as for nothing
    client.force_login(org.citizen)
    answer = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk}))
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == signed.file.open("rb").read()
    name = f"ket-qua-{signed.number.replace('/', '-')}.pdf"
    assert answer["Content-Disposition"].endswith(f'filename="{name}"')
    client.force_login(org.other_citizen)
    theirs = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk}))
    missing = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk + 999}))
    assert theirs.status_code == missing.status_code == 404
    # signing again adds nothing to the store
    results.sign_result(signed)
    assert StoreItem.objects.count() == 1
