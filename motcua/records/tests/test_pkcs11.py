"""Agency keys on a PKCS#11 token (SIGNING_KEY_STORE=pkcs11), with SoftHSM2 from Debian: a
token made in a temporary folder (SOFTHSM2_CONF) once per test process; the key pair is
generated on it, the certificate issued by the development CA, and the result signed through
the token validates like one signed with a key file."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from motcua.records import certificates, results, signing_pkcs11, verification
from motcua.records.models import ResultState, SigningCertificate
from motcua.records.tests.conftest import pdfsig

PIN = "246810"


@pytest.fixture(scope="session")
def softhsm_token() -> str:
    folder = Path(tempfile.mkdtemp(prefix="motcua-softhsm-"))
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read when the library is first loaded
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "motcua-test",
                    "--pin", PIN, "--so-pin", "13579111"], check=True, capture_output=True)
    return "motcua-test"


@pytest.fixture
def on_token(settings, softhsm_token):
    settings.SIGNING_KEY_STORE = "pkcs11"
    settings.SIGNING_PKCS11_TOKEN = softhsm_token
    settings.SIGNING_PKCS11_PIN = PIN


def test_a_result_signed_on_the_token_validates(on_token, dev_ca, org, ready_dossier, sandbox,
                                               nss_db, tmp_path):
    cert = certificates.issue_for(org.pc_a)
    assert cert.key_store == SigningCertificate.KeyStore.PKCS11
    assert signing_pkcs11.has_key(cert.key_ref)
    assert not (certificates.pki_dir() / "agencies" / f"{cert.serial}.key").exists()
    signed = results.sign_result(ready_dossier.signed_results.get())
    assert signed.state == ResultState.SIGNED and signed.certificate == cert
    data = signed.file.read()
    verdict = verification.verify_pdf(data)
    assert verdict.valid, verdict.reason
    path = tmp_path / "token.pdf"
    path.write_bytes(data)
    assert "Signature is Valid" in pdfsig(path, nss_db)


def test_a_wrong_pin_signs_nothing(on_token, settings, dev_ca, org, ready_dossier, sandbox):
    certificates.issue_for(org.pc_a)
    settings.SIGNING_PKCS11_PIN = "000000"
    with pytest.raises(results.signing.SigningFailed):
        results.sign_result(ready_dossier.signed_results.get())
    result = ready_dossier.signed_results.get()
    assert result.state == ResultState.FAILED and not result.file
