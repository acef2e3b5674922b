"""PAdES signatures with pyHanko: an agency's certificate signs a PDF (sub-filter
ETSI.CAdES.detached, SHA-256), with a visible stamp in Vietnamese and an RFC 3161 time stamp
from the time-stamping service (TSA_URL, by default the sandbox's, over HTTP): PAdES B-T.

The key is read from its file, or used on the PKCS#11 token, as its certificate row says
(`certificates`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

import httpx
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.records import certificates
from motcua.records.models import SigningCertificate

# The stamp's font: DejaVu Sans (Debian's fonts-dejavu-core) has every Vietnamese glyph.
STAMP_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FIELD_NAME = "ChuKySo"
# Where the stamp sits on the document's last page, in PDF points from the bottom left: the
# result templates leave this box empty above the signer's name (results/base.html).
STAMP_BOX = (312, 150, 552, 222)


class SigningFailed(Exception):
    """The document could not be signed (no key, or no time stamp): nothing was stored."""


class TimeStampUnavailable(SigningFailed):
    pass


def tsa_url() -> str:
    return str(settings.TSA_URL or str(settings.NATIONAL_SANDBOX_URL).rstrip("/") + "/tsa/")


_http_lock = threading.Lock()
_http: httpx.Client | None = None
# pyHanko asks the TSA for a "dummy" token first, to know the size of the signature to reserve:
# kept per TSA address for the process (one request per signature instead of two).
_dummies: dict[str, tuple[dict[str, Any], dict[Any, Any]]] = {}


def _client() -> httpx.Client:
    global _http
    with _http_lock:
        if _http is None:
            _http = httpx.Client(headers={"User-Agent": "Motcua"})
        return _http


class HttpTimeStamper(TimeStamper):
    """RFC 3161 over HTTP with httpx; remembers the time of the last token it received."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.url = url
        self.timeout = timeout
        self.last_time: dt.datetime | None = None
        known = _dummies.get(url)
        if known is not None:
            self._dummy_response_cache, self._certs = dict(known[0]), dict(known[1])

    def keep_dummy(self) -> None:
        if self._dummy_response_cache and self.url not in _dummies:
            _dummies[self.url] = (dict(self._dummy_response_cache), dict(self._certs))

    async def async_request_tsa_response(self, req: Any) -> Any:  # tsp.TimeStampReq/Resp
        try:
            answer = _client().post(self.url, content=req.dump(), timeout=self.timeout,
                                    headers={"Content-Type": "application/timestamp-query"})
        except httpx.HTTPError as error:
            raise TimeStampUnavailable(f"time-stamping service unreachable: {error}") from None
        if answer.status_code != 200 or \
                answer.headers.get("content-type") != "application/timestamp-reply":
            raise TimeStampUnavailable(
                f"time-stamping service answered {answer.status_code}")
        response = tsp.TimeStampResp.load(answer.content)
        if response["status"]["status"].native not in ("granted", "granted_with_mods"):
            raise TimeStampUnavailable("time-stamping service refused the request")
        token = response["time_stamp_token"]
        info = token["content"]["encap_content_info"]["content"].parsed
        self.last_time = info["gen_time"].native
        return response


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    timestamp_at: dt.datetime | None


_font_lock = threading.Lock()
_font: GlyphAccumulatorFactory | None = None


# What the stamp writes: ASCII, Latin-1 and Latin Extended-A/B, the combining accents and the
# precomposed Vietnamese letters, dashes and quotes.
STAMP_UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x300, 0x324),
                  *range(0x1EA0, 0x1EFA), *range(0x2010, 0x2028)]


def _stamp_font() -> GlyphAccumulatorFactory:
    """The stamp's font, made once per machine from DejaVu Sans: cut to the characters above,
    without its layout tables (GSUB/GPOS: pyHanko subsets the font again for every signature,
    and DejaVu's tables made that take most of a signature's time), and rescaled to 1,000
    units per em (pyHanko writes a TrueType font's glyph widths in the font's own units, which
    PDF reads as thousandths of an em: DejaVu's 2,048 spread the letters twice as wide)."""
    global _font
    with _font_lock:
        if _font is None:
            from fontTools import subset
            from fontTools.ttLib import TTFont
            from fontTools.ttLib.scaleUpem import scale_upem

            source = Path(STAMP_FONT)
            target = Path(tempfile.gettempdir()) / f"motcua-stamp-{os.getuid()}-v2.ttf"
            if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
                font = TTFont(str(source))
                options = subset.Options()
                options.layout_features = []
                options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM"]
                options.notdef_outline = True
                subsetter = subset.Subsetter(options)
                subsetter.populate(unicodes=STAMP_UNICODES)
                subsetter.subset(font)
                scale_upem(font, 1000)
                partial = target.with_name(target.name + f".{os.getpid()}")
                font.save(str(partial))
                os.replace(partial, target)
            _font = GlyphAccumulatorFactory(str(target))
        return _font


def _asn1_cert(pem: str | bytes) -> Any:  # asn1crypto.x509.Certificate
    data = pem.encode() if isinstance(pem, str) else pem
    if data.startswith(b"-----"):
        from cryptography import x509

        data = x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(data)


def root_asn1() -> Any:  # asn1crypto.x509.Certificate
    return _asn1_cert(certificates.root_certificate().public_bytes(serialization.Encoding.PEM))


@contextmanager
def _signer(cert: SigningCertificate) -> Iterator[signers.Signer]:
    signing_cert = _asn1_cert(cert.pem)
    root = root_asn1()
    if cert.key_store == SigningCertificate.KeyStore.PKCS11:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        from motcua.records import signing_pkcs11

        with signing_pkcs11.session() as session:
            # the digest is made here, the token signs it (CKM_ECDSA): SoftHSM2 and many
            # HSMs have no combined ECDSA-with-SHA-256 mechanism
            yield PKCS11Signer(session, key_label=cert.key_ref, signing_cert=signing_cert,
                               ca_chain=[root], use_raw_mechanism=True)
        return
    key = certificates.load_key(cert)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    yield signers.SimpleSigner(
        signing_cert=signing_cert, signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([root]))  # type: ignore[no-untyped-call]


def _escape(text: str) -> str:
    return text.replace("%", "%%")


T = TypeVar("T")


def outside_event_loop(work: Callable[[], T]) -> T:
    """Run pyHanko's synchronous API, which calls asyncio.run(), also from a thread whose event
    loop is running (an async view, a worker or a test that drives Playwright's sync API):
    there asyncio.run() refuses, so the work runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def sign_pdf(pdf: bytes, cert: SigningCertificate, *, reason: str, location: str,
             stamp_lines: list[str], box: tuple[int, int, int, int] = STAMP_BOX,
             timestamp: bool = True) -> Signed:
    """`pdf` signed with `cert` (PAdES, a visible stamp of `stamp_lines` and the signing time
    on the last page, a time stamp from the TSA). Raises SigningFailed."""
    if cert.revoked_at is not None:
        raise SigningFailed("the certificate is revoked")
    timestamper = HttpTimeStamper(tsa_url(), settings.TSA_TIMEOUT_SECONDS) if timestamp \
        else None
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=location,
        name=cert.agency.name)
    style = TextStampStyle(
        stamp_text="\n".join(_escape(line) for line in stamp_lines) + "\nThời gian ký: %(ts)s",
        timestamp_format="%H:%M:%S %d/%m/%Y",
        text_box_style=TextBoxStyle(font=_stamp_font(), font_size=8, leading=10),
        border_width=1)
    spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=-1, box=box)
    out = BytesIO()
    try:
        def sign() -> None:
            with _signer(cert) as signer:
                pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper,
                                               stamp_style=style, new_field_spec=spec)
                pdf_signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), output=out)

        outside_event_loop(sign)
    except SigningFailed:
        raise
    except certificates.NoCertificate as error:
        raise SigningFailed(str(error)) from None
    except Exception as error:  # pyHanko's and the token's errors, in words
        cause: Any = error.__cause__
        if isinstance(cause, SigningFailed):
            raise cause from None
        raise SigningFailed(f"{type(error).__name__}: {error}") from error
    if timestamper is None:
        return Signed(out.getvalue(), None)
    timestamper.keep_dummy()
    return Signed(out.getvalue(), timestamper.last_time)
