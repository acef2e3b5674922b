"""The sandbox's time-stamping service over HTTP: a well-formed RFC 3161 query gets a granted
token for its imprint and nonce, signed by the development CA's TSA certificate; bad queries get
a clear 4xx."""

from __future__ import annotations

import hashlib

import httpx
from asn1crypto import algos, core, tsp


def _query(digest: bytes, nonce: int = 42, algorithm: str = "sha256") -> bytes:
    return tsp.TimeStampReq({
        "version": 1,
        "message_imprint": tsp.MessageImprint({
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": algorithm}),
            "hashed_message": digest}),
        "nonce": core.Integer(nonce), "cert_req": True}).dump()


def _post(sandbox, body: bytes, content_type: str = "application/timestamp-query"):
    return httpx.post(sandbox.url + "/tsa/", content=body, timeout=10,
                      headers={"Content-Type": content_type})


def test_a_query_gets_a_token_for_its_imprint_and_nonce(sandbox, dev_ca):
    digest = hashlib.sha256(b"ket qua").digest()
    answer = _post(sandbox, _query(digest))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/timestamp-reply"
    reply = tsp.TimeStampResp.load(answer.content)
    assert reply["status"]["status"].native == "granted"
    signed = reply["time_stamp_token"]["content"]
    info = signed["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["nonce"].native == 42
    tsa = [c for c in signed["certificates"]
           if c.chosen.subject.native["common_name"].startswith("Motcua Development Time")]
    assert tsa and tsa[0].chosen.issuer == dev_ca_issuer(dev_ca)


def dev_ca_issuer(dev_ca):
    from asn1crypto import x509
    from cryptography.hazmat.primitives import serialization

    return x509.Certificate.load(
        dev_ca.cert.public_bytes(serialization.Encoding.DER)).subject


def test_bad_queries_are_refused(sandbox, dev_ca):
    assert _post(sandbox, b"garbage").status_code == 400
    assert _post(sandbox, b"").status_code == 400
    assert _post(sandbox, b"x" * 20000).status_code == 400
    assert _post(sandbox, _query(b"\0" * 20, algorithm="sha1")).status_code == 400
    assert _post(sandbox, _query(b"\0" * 32), "application/json").status_code == 415
    assert httpx.get(sandbox.url + "/tsa/", timeout=10).status_code == 405
