"""The development certificate authority and the agencies' signing certificates.

`manage.py create_dev_ca` (and the tests' session fixture) makes, under SIGNING_PKI_DIR:

    root.crt, root.key    the development root CA (ECDSA P-256, 10 years)
    tsa.crt, tsa.key      the time-stamping service's certificate (RSA 2048, EKU timeStamping,
                          critical), read by the sandbox's TSA (sandbox/tsa)
    agencies/<serial>.key one key per agency certificate (SIGNING_KEY_STORE=file)

and one `SigningCertificate` row per agency (root → agency: one level). With
SIGNING_KEY_STORE=pkcs11 an agency's key pair is generated on the PKCS#11 token and never
leaves it; the row names its label. Files are written with mode 0600 (keys) and the directory
is git-ignored (var/).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.org.models import Agency
from motcua.records.models import SigningCertificate

ROOT_NAME = "Motcua Development Root CA"
ROOT_YEARS = 10
LEAF_YEARS = 3
ROOT_CERT, ROOT_KEY = "root.crt", "root.key"
TSA_CERT, TSA_KEY = "tsa.crt", "tsa.key"


class NoCertificate(Exception):
    """An agency has no usable signing certificate, or the CA is not set up."""


def pki_dir() -> Path:
    return Path(settings.SIGNING_PKI_DIR)


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _write(path: Path, data: bytes, *, secret: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)  # atomic: a reader never sees half a key


def _key_pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(common: str, *, organisation: str = "", unit: str = "") -> x509.Name:
    """X.520 caps a common, organisation or unit name at 64 (cryptography counts UTF-8 bytes):
    longer agency names are cut (the agency is identified by its row, not by the name)."""
    common, organisation, unit = _cut(common), _cut(organisation), _cut(unit)
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    return x509.Name(parts)


def _cut(text: str, limit: int = 64) -> str:
    while len(text.encode()) > limit:
        text = text[:-1]
    return text.rstrip()


def _builder(subject: x509.Name, issuer: x509.Name, public_key: CertificatePublicKeyTypes,
             issuer_key: CertificateIssuerPrivateKeyTypes, now: dt.datetime, years: int,
             serial: int | None = None) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(issuer).public_key(public_key)
            .serial_number(serial or x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer_key.public_key()), critical=False))


# --- the root and the TSA ---------------------------------------------------------------


@dataclass(frozen=True)
class Root:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


_cache_lock = threading.Lock()
_cache: dict[tuple[str, float], Any] = {}


def _cached(path: Path, load: Any) -> Any:
    """`load(path)`, cached while the file is unchanged (the CA may be made again)."""
    key = (str(path), path.stat().st_mtime)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = load(path)
        return _cache[key]


def ensure_root(now: dt.datetime | None = None) -> tuple[Root, bool]:
    """The development root CA, made when missing. Returns (root, made)."""
    folder = pki_dir()
    if (folder / ROOT_CERT).exists() and (folder / ROOT_KEY).exists():
        return load_root(), False
    now = now or timezone.now()
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(ROOT_NAME, organisation="Motcua (development only)")
    cert = (_builder(name, name, key.public_key(), key, now, ROOT_YEARS)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    _write(folder / ROOT_KEY, _key_pem(key), secret=True)
    _write(folder / ROOT_CERT, cert.public_bytes(serialization.Encoding.PEM))
    return Root(cert, key), True


def _load_root(folder: Path) -> Root:
    cert = x509.load_pem_x509_certificate((folder / ROOT_CERT).read_bytes())
    key = serialization.load_pem_private_key((folder / ROOT_KEY).read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return Root(cert, key)


def load_root() -> Root:
    folder = pki_dir()
    if not (folder / ROOT_CERT).exists():
        raise NoCertificate(f"no development CA in {folder}: run `manage.py create_dev_ca`")
    root: Root = _cached(folder / ROOT_CERT, lambda _p: _load_root(folder))
    return root


def root_certificate() -> x509.Certificate:
    return load_root().cert


def ensure_tsa(root: Root, now: dt.datetime | None = None) -> bool:
    """The time-stamping service's key and certificate, made when missing (or when the root
    changed). Returns whether they were made."""
    folder = pki_dir()
    if (folder / TSA_CERT).exists() and (folder / TSA_KEY).exists():
        existing = x509.load_pem_x509_certificate((folder / TSA_CERT).read_bytes())
        if _issued_by(existing, root):
            return False
    now = now or timezone.now()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (_builder(_name("Motcua Development Time-Stamping Authority",
                           organisation="Motcua (development only)"),
                     root.cert.subject, key.public_key(), root.key, now, ROOT_YEARS)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                           critical=True)
            .sign(root.key, hashes.SHA256()))
    _write(folder / TSA_KEY, _key_pem(key), secret=True)
    _write(folder / TSA_CERT, cert.public_bytes(serialization.Encoding.PEM))
    return True


# --- the agencies' certificates -------------------------------------------------------


def current_for(agency: Agency | int) -> SigningCertificate | None:
    """The agency's newest certificate that is neither revoked nor expired."""
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    return (SigningCertificate.objects.usable()
            .filter(agency_id=agency_id, not_after__gt=timezone.now())
            .order_by("-not_before", "-id").first())


def issue_for(agency: Agency, *, store: str | None = None,
              now: dt.datetime | None = None) -> SigningCertificate:
    """A new certificate for `agency`, signed by the development root; its key in a file
    under SIGNING_PKI_DIR/agencies/ or on the PKCS#11 token (`store`, default the setting)."""
    store = store or settings.SIGNING_KEY_STORE
    if store not in SigningCertificate.KeyStore.values:
        raise ValueError(f"unknown key store {store!r} (file or pkcs11)")
    now = now or timezone.now()
    root = load_root()
    serial = x509.random_serial_number()
    key_ref = f"motcua-{agency.code}-{serial:x}"[:64]
    private: ec.EllipticCurvePrivateKey | None = None
    if store == SigningCertificate.KeyStore.PKCS11:
        from motcua.records import signing_pkcs11

        public = signing_pkcs11.generate_key(key_ref)
    else:
        private = ec.generate_private_key(ec.SECP256R1())
        public = private.public_key()
        key_ref = f"agencies/{serial:x}.key"
    builder = _builder(_name(agency.name, organisation=agency.name, unit=agency.code),
                       root.cert.subject, public, root.key, now, LEAF_YEARS, serial)
    cert = (builder
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(root.key, hashes.SHA256()))
    if private is not None:
        _write(pki_dir() / key_ref, _key_pem(private), secret=True)
    with transaction.atomic():
        return SigningCertificate.objects.create(
            agency=agency, subject=cert.subject.rfc4514_string(), serial=f"{serial:x}",
            fingerprint=fingerprint(cert), not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            pem=cert.public_bytes(serialization.Encoding.PEM).decode(), key_store=store,
            key_ref=key_ref)


def revoke(cert: SigningCertificate, reason: str, *, now: dt.datetime | None = None) -> None:
    """Mark `cert` revoked: signatures made with it no longer verify as valid."""
    SigningCertificate.objects.filter(pk=cert.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revocation_reason=reason[:255])
    cert.refresh_from_db()


def load_certificate(cert: SigningCertificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(cert.pem.encode())


def load_key(cert: SigningCertificate) -> ec.EllipticCurvePrivateKey:
    """The private key of a file-stored certificate."""
    if cert.key_store != SigningCertificate.KeyStore.FILE:
        raise ValueError("the key of this certificate is on a PKCS#11 token")
    path = pki_dir() / cert.key_ref
    if not path.is_file():
        raise NoCertificate(f"the key file of certificate {cert.serial} is missing")
    key: ec.EllipticCurvePrivateKey = _cached(
        path, lambda p: serialization.load_pem_private_key(p.read_bytes(), password=None))
    return key


def create_dev_ca(agencies: list[Agency], *, store: str | None = None
                  ) -> tuple[bool, list[SigningCertificate]]:
    """The development CA (made when missing), the TSA's certificate, and a certificate for
    each agency that has no usable one. Returns (root made, certificates issued)."""
    root, made = ensure_root()
    ensure_tsa(root)
    issued = []
    for agency in agencies:
        existing = current_for(agency)
        if existing is not None and existing.fingerprint and _chains_to(existing, root) \
                and _key_present(existing):
            continue
        issued.append(issue_for(agency, store=store))
    return made, issued


def _chains_to(cert: SigningCertificate, root: Root) -> bool:
    return _issued_by(load_certificate(cert), root)


def _issued_by(cert: x509.Certificate, root: Root) -> bool:
    try:
        cert.verify_directly_issued_by(root.cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _key_present(cert: SigningCertificate) -> bool:
    if cert.key_store == SigningCertificate.KeyStore.FILE:
        return (pki_dir() / cert.key_ref).is_file()
    return True
