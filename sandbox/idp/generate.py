"""The OIDC provider's keys and its one client, Motcua (settings.SANDBOX_SEEDERS).

The RSA signing key is generated once, here, into the sandbox's var folder (settings read it
from there at start); the client's redirect addresses are the product's callback on the
loopback address (any port, RFC 8252) plus SANDBOX_RP_REDIRECT_URIS.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from oauth2_provider.models import Application


def write_key(path: Path) -> None:
    if path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_bytes(pem)
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def seed(rng: random.Random) -> None:
    write_key(settings.OIDC_KEY_FILE)
    uris = " ".join(settings.SANDBOX_RP_REDIRECT_URIS)
    app = Application.objects.filter(client_id=settings.SANDBOX_RP_CLIENT_ID).first()
    if app is None:
        Application.objects.create(
            name="Motcua", client_id=settings.SANDBOX_RP_CLIENT_ID,
            client_secret=settings.SANDBOX_RP_CLIENT_SECRET,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=uris, algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
            # kept plain: a hashed one costs a PBKDF2 run per token request, and the sandbox's
            # secret protects nothing
            hash_client_secret=False)
    elif app.redirect_uris != uris:
        app.redirect_uris = uris
        app.save(update_fields=["redirect_uris"])
