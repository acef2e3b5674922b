"""Agency keys on a PKCS#11 token (SIGNING_KEY_STORE=pkcs11): SoftHSM2 in development, an HSM
in production. The private key is generated on the token and never leaves it; pyHanko's
PKCS11Signer signs through it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pkcs11
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from django.conf import settings
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

_libs: dict[str, Any] = {}
_lock = threading.Lock()


def _lib() -> Any:
    path = str(settings.SIGNING_PKCS11_MODULE)
    with _lock:
        if path not in _libs:
            _libs[path] = pkcs11.lib(path)
        return _libs[path]


@contextmanager
def session(*, rw: bool = False) -> Iterator[Any]:
    """A logged-in session on the configured token."""
    token = _lib().get_token(token_label=settings.SIGNING_PKCS11_TOKEN)
    with token.open(rw=rw, user_pin=settings.SIGNING_PKCS11_PIN or None) as opened:
        yield opened


def generate_key(label: str) -> ec.EllipticCurvePublicKey:
    """A new ECDSA P-256 key pair on the token under `label`; returns its public key."""
    with session(rw=True) as s:
        params = s.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True)
        public, _private = params.generate_keypair(store=True, label=label)
        der = encode_ec_public_key(public)
    key = load_der_public_key(der)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def has_key(label: str) -> bool:
    with session() as s:
        return any(True for _k in s.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                                                 Attribute.LABEL: label}))
