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
