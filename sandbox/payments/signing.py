"""The platform's message authentication: SHA-256 over the fields joined by "|", then "|" and
the partner's shared secret, in lowercase hex (the partner computes the same)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

INIT_FIELDS = ("partnerCode", "reference", "amount", "currency", "channel", "time", "ip",
               "returnUrl", "notifyUrl")
CALLBACK_FIELDS = ("partnerCode", "reference", "transactionNo", "amount", "currency", "status",
                   "paidTime", "messageId")
# The partner's status query of a payment whose confirm callback did not come.
QUERY_FIELDS = ("partnerCode", "reference", "time")


def signature(values: Iterable[object], secret: str) -> str:
    text = "|".join(str(v) for v in values) + "|" + secret
    return hashlib.sha256(text.encode()).hexdigest()


def sign(message: dict[str, object], fields: tuple[str, ...], secret: str) -> str:
    return signature((message[f] for f in fields), secret)


def verify(message: dict[str, object], fields: tuple[str, ...], secret: str) -> bool:
    given = message.get("signature")
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given, sign(message, fields, secret))
