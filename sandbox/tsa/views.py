"""An RFC 3161 time-stamping authority over HTTP (RFC 3161 §3.4: POST of an
application/timestamp-query, answer application/timestamp-reply).

Its key and certificate are the development CA's TSA pair (`manage.py create_dev_ca` of the
product writes them to SIGNING_PKI_DIR, default var/pki): tsa.key, tsa.crt, with root.crt
embedded beside it. pyHanko's DummyTimeStamper builds and signs the token (SHA-256 imprint,
the request's nonce echoed, a random serial). Without the key files the service answers 503.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from asn1crypto import keys, pem, tsp, x509
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

MAX_QUERY_BYTES = 16 * 1024
_lock = threading.Lock()
_stamper: tuple[tuple[float, float], Any] | None = None


def _der(path: Path) -> bytes:
    data = path.read_bytes()
    if pem.detect(data):
        _kind, _headers, data = pem.unarmor(data)
    return data


def _load() -> Any:
    """The stamper for the current key files (made again when they change)."""
    global _stamper
    folder = Path(settings.TSA_DIR)
    cert_path, key_path, root_path = folder / "tsa.crt", folder / "tsa.key", folder / "root.crt"
    stamp = (os.stat(cert_path).st_mtime, os.stat(key_path).st_mtime)
    with _lock:
        if _stamper is None or _stamper[0] != stamp:
            cert = x509.Certificate.load(_der(cert_path))
            key = keys.PrivateKeyInfo.load(_der(key_path))
            chain = [x509.Certificate.load(_der(root_path))] if root_path.exists() else []
            _stamper = (stamp, DummyTimeStamper(
                tsa_cert=cert, tsa_key=key,
                certs_to_embed=SimpleCertificateStore.from_certs(chain)))
        return _stamper[1]


def _problem(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def timestamp(request: HttpRequest) -> HttpResponse:
    if request.content_type != "application/timestamp-query":
        return _problem(415, "Content-Type must be application/timestamp-query")
    body = request.body
    if not body or len(body) > MAX_QUERY_BYTES:
        return _problem(400, "empty or oversized time-stamp query")
    try:
        query = tsp.TimeStampReq.load(body)
        query.native  # noqa: B018  (parses it all: a malformed query fails here)
        algorithm = query["message_imprint"]["hash_algorithm"]["algorithm"].native
    except (ValueError, TypeError, KeyError):
        return _problem(400, "malformed time-stamp query")
    if algorithm not in ("sha256", "sha384", "sha512"):
        return _problem(400, f"unsupported hash algorithm {algorithm}")
    try:
        stamper = _load()
    except FileNotFoundError:
        return _problem(503, "the time-stamping service has no key (run create_dev_ca)")
    reply = stamper.request_tsa_response(query)
    return HttpResponse(reply.dump(), content_type="application/timestamp-reply")
