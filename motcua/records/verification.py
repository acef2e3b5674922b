"""Whether a signed PDF is what it claims: pyHanko's validator, trusting only the development
root (SIGNING_PKI_DIR/root.crt), with nothing fetched from the network, then the certificate
registry (records.models.SigningCertificate): a certificate not registered is unknown, a
revoked one invalid.

The verdict says who signed (the certificate's subject and the agency), when (the time stamp's
time, else the signer's claimed time), whether the bytes are intact and cover the whole file,
and one overall `valid`. A file that is no PDF, or has no signature, is invalid with a reason.
The cryptographic part of a verdict is cached by the file's SHA-256 (the registry is read on
every call, so a revocation counts at once)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from io import BytesIO

from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from motcua.records import files, signing
from motcua.records.models import (
    CertifiedCopy,
    CertifiedState,
    DigitizedCopy,
    ResultDocument,
    ResultState,
    SigningCertificate,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str  # why not valid ("" when valid)
    signed: bool = False  # the file bears a signature at all
    intact: bool = False  # the signed bytes are unchanged
    whole_file: bool = False  # the signature covers the whole file (nothing added after)
    trusted: bool = False  # the certificate chains to the root
    signer: str = ""  # the certificate's subject, in words
    fingerprint: str = ""
    certificate: SigningCertificate | None = None
    signed_at: dt.datetime | None = None  # the time stamp's (or the signer's claimed) time
    timestamped: bool = False
    revoked_at: dt.datetime | None = None
    sha256: str = ""


_cache_lock = threading.Lock()
_cache: OrderedDict[str, Verdict] = OrderedDict()
CACHE_SIZE = 512


def verify_pdf(data: bytes) -> Verdict:
    digest = hashlib.sha256(data).hexdigest()
    with _cache_lock:
        cached = _cache.get(digest)
    if cached is None:
        cached = _verify_crypto(data, digest)
        with _cache_lock:
            _cache[digest] = cached
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return _with_registry(cached)


def _context() -> ValidationContext:
    root = signing.root_asn1()
    return ValidationContext(trust_roots=[root], allow_fetching=False,
                             revocation_mode="soft-fail")


def _verify_crypto(data: bytes, digest: str) -> Verdict:
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = reader.embedded_signatures
    except Exception as error:  # a damaged file: pyHanko's parse errors
        log.info("not a readable PDF: %s", error)
        return Verdict(False, _("The file is not a readable PDF document."), sha256=digest)
    if not embedded:
        return Verdict(False, _("The document bears no electronic signature."),
                       sha256=digest)
    sig = embedded[-1]
    try:
        context = _context()
        status: PdfSignatureStatus = signing.outside_event_loop(
            lambda: validate_pdf_signature(sig, signer_validation_context=context,
                                           ts_validation_context=context))
    except Exception as error:
        log.info("signature not verifiable: %s", error)
        return Verdict(False, _("The signature cannot be verified: the document is damaged "
                                "or altered."), signed=True, sha256=digest)
    cert = status.signing_cert
    subject = cert.subject.human_friendly if cert is not None else ""
    fp = hashlib.sha256(cert.dump()).hexdigest() if cert is not None else ""
    stamp = status.timestamp_validity
    signed_at = stamp.timestamp if stamp is not None else status.signer_reported_dt
    whole = _covers_whole_file(sig, len(data))
    verdict = Verdict(
        valid=False, reason="", signed=True, intact=status.intact and status.valid,
        whole_file=whole, trusted=bool(status.trusted), signer=subject, fingerprint=fp,
        signed_at=signed_at,
        timestamped=stamp is not None and stamp.intact and stamp.valid and bool(stamp.trusted),
        sha256=digest)
    if not verdict.intact:
        return replace(verdict, reason=_("The document was altered after it was signed."))
    if not whole:
        return replace(verdict, reason=_("Content was added to the document after it was "
                                         "signed."))
    if not verdict.trusted:
        return replace(verdict, reason=_("The signer's certificate is not issued by a "
                                         "trusted authority."))
    return verdict


def _covers_whole_file(sig: object, size: int) -> bool:
    byte_range = getattr(sig, "byte_range", None) or \
        getattr(sig, "sig_object", {}).get("/ByteRange")
    if not byte_range or len(byte_range) != 4:
        return False
    start1, len1, start2, len2 = (int(v) for v in byte_range)
    return start1 == 0 and start2 + len2 == size


def _with_registry(verdict: Verdict) -> Verdict:
    """The registry's word on the certificate: known to it, and not revoked."""
    if not verdict.fingerprint:
        return verdict
    registered = (SigningCertificate.objects.select_related("agency")
                  .filter(fingerprint=verdict.fingerprint).first())
    verdict = replace(verdict, certificate=registered,
                      revoked_at=registered.revoked_at if registered else None)
    if verdict.reason:
        return verdict
    if registered is None:
        return replace(verdict, reason=_("The signer's certificate is unknown to this "
                                         "system."))
    if registered.revoked_at is not None:
        return replace(verdict, reason=_("The signer's certificate has been revoked."))
    if not verdict.timestamped:
        return replace(verdict, reason=_("The signature has no valid time stamp."))
    return replace(verdict, valid=True)


def reset_cache() -> None:
    with _cache_lock:
        _cache.clear()



# --- what was issued here -----------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """A document issued here that a verification page names: a signed result, an
    electronic certified copy, or a copy digitized (and signed) at a one-stop counter."""

    kind: str  # RESULT | CERTIFIED | DIGITIZED
    document: ResultDocument | CertifiedCopy | DigitizedCopy

    def read(self) -> bytes:
        """The signed file as stored."""
        data: bytes
        if isinstance(self.document, ResultDocument):
            with self.document.file.open("rb") as stored:
                data = stored.read()
            return data
        blob = self.document.blob if isinstance(self.document, CertifiedCopy) \
            else self.document.signed_blob
        assert blob is not None
        with files.open_blob(blob) as stored:
            data = stored.read()
        return data


RESULT, CERTIFIED, DIGITIZED = "result", "certified", "digitized"


def issued_by_public_id(public_id: str) -> Issued | None:
    """The signed result or certified copy whose QR code carries `public_id`."""
    result = (ResultDocument.objects.select_related("signer_agency", "procedure")
              .filter(public_id=public_id, state=ResultState.SIGNED).first())
    if result is not None and result.file:
        return Issued(RESULT, result)
    copy = (CertifiedCopy.objects.select_related("signer_agency", "blob")
            .filter(public_id=public_id, state=CertifiedState.SIGNED).first())
    return Issued(CERTIFIED, copy) if copy is not None else None


def issued_by_hash(sha256: str) -> Issued | None:
    """The document issued here whose signed file is byte for byte `sha256`."""
    found = _result_or_certified_of_hash(sha256)
    if found is not None:
        return found
    copy = (DigitizedCopy.objects.select_related("signer_agency", "signed_blob", "dossier")
            .filter(signed_blob__sha256=sha256, signed_at__isnull=False).first())
    return Issued(DIGITIZED, copy) if copy is not None else None


def _result_or_certified_of_hash(sha256: str) -> Issued | None:
    result = (ResultDocument.objects.select_related("signer_agency", "procedure")
              .filter(sha256=sha256, state=ResultState.SIGNED).first())
    if result is not None:
        return Issued(RESULT, result)
    copy = (CertifiedCopy.objects.select_related("signer_agency", "blob")
            .filter(sha256=sha256, state=CertifiedState.SIGNED).first())
    return Issued(CERTIFIED, copy) if copy is not None else None
