"""The port to the national payment platform (DOMAIN.md §7, PayGov), and its message rules.

An adapter (settings.PAYMENT_GATEWAY, a dotted path; the sandbox's over HTTP by default)
turns an `InitMessage` into the address the payer is sent to, reads a confirm callback into a
`Confirmation` once its signature is right, and asks the platform what became of a payment
whose callback did not come (`query`: its answer carries the same signed confirm message).
Every message is authenticated the same way: SHA-256 over the message's fields joined by "|",
then "|" and the shared secret (settings.PAYMENT_SECRET), in lowercase hex.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.core.formatting import LOCAL_TZ, local

SUCCESS, CANCELLED = "00", "24"
TIME_FORMAT = "%Y%m%d%H%M%S"  # the platform's yyyyMMddHHmmss, Vietnam time


class InvalidCallback(Exception):
    """A callback that must not be acted on (its reason goes to the callback log)."""

    def __init__(self, reason: str, reference: str = "", message_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.reference = reference
        self.message_id = message_id


@dataclass(frozen=True)
class FeeLine:
    name: str
    amount_vnd: int


@dataclass(frozen=True)
class ReceiptSection:
    """What the payer's page and the platform's receipt show."""

    service: str
    procedure: str
    unit: str
    dossier_code: str
    payer: str
    fees: tuple[FeeLine, ...]


@dataclass(frozen=True)
class InitMessage:
    reference: str
    amount_vnd: int
    time: dt.datetime
    ip: str
    return_url: str
    notify_url: str
    receipt: ReceiptSection
    channel: str = "WEB"
    currency: str = "VND"


@dataclass(frozen=True)
class Confirmation:
    """A confirm callback whose signature is right: what the platform says happened."""

    reference: str
    transaction_no: str
    amount_vnd: int
    succeeded: bool
    paid_at: dt.datetime | None
    message_id: str
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusAnswer:
    """The platform's answer to a status query: whether it knows the reference at all, and
    the signed confirm message once the payer paid or cancelled (None while pending)."""

    known: bool
    confirmation: Mapping[str, Any] | None = None


class PaymentGateway(Protocol):
    def init(self, message: InitMessage) -> str:
        """Register the payment; the address of the payer's page. Raises
        NationalSystemUnavailable when the platform does not answer or refuses."""

    def read_callback(self, payload: Mapping[str, Any]) -> Confirmation:
        """The callback's content if it is authentic; InvalidCallback otherwise."""

    def origin(self) -> str:
        """Where the payer's pages are (scheme://host[:port]), "" if not on the web."""

    def query(self, reference: str, time: dt.datetime) -> StatusAnswer:
        """What the platform holds for `reference` now. Raises NationalSystemUnavailable when
        it does not answer (or answers something that cannot be trusted)."""


def signature(values: Iterable[object], secret: str) -> str:
    text = "|".join(str(v) for v in values) + "|" + secret
    return hashlib.sha256(text.encode()).hexdigest()


def signature_matches(given: object, values: Iterable[object], secret: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given, signature(values, secret))


def platform_time(value: dt.datetime) -> str:
    return local(value).strftime(TIME_FORMAT)


def parse_platform_time(value: str) -> dt.datetime:
    naive = dt.datetime.strptime(value, TIME_FORMAT)
    return naive.replace(tzinfo=LOCAL_TZ)


def platform_origin() -> str:
    """scheme://host[:port] of the payer's pages (for the Content-Security-Policy)."""
    return gateway().origin()


@cache
def _gateway(path: str) -> PaymentGateway:
    gateway: PaymentGateway = import_string(path)()
    return gateway


def gateway() -> PaymentGateway:
    """The adapter chosen by settings.PAYMENT_GATEWAY."""
    return _gateway(str(settings.PAYMENT_GATEWAY))
