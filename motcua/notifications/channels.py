"""The channel adapters: how a delivery row leaves the system.

`ADAPTERS` maps a channel to its adapter. Email's is here; a higher app registers the others
(`register`: integration's AppConfig.ready adds SMS and the citizen app, through its gateway
adapters). A channel without an adapter cannot be selected silently:

- `delivery.queue` refuses it (`ChannelUnavailable`, a programming error that rolls the
  causing change back), so no row is written that nothing could send;
- a row that exists anyway (an adapter removed from a deployment) is marked failed by the
  worker with that reason, never retried in a loop and never counted as sent.

An adapter's `send` either returns (the message left: the worker marks the row sent) or raises:
`PermanentFailure` for a message that will never go (bad address), any other exception for a
failure worth retrying (server down, timeout).
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage

from motcua.notifications.models import Channel, Delivery


class ChannelUnavailable(Exception):
    """No adapter sends this channel in this deployment."""


class PermanentFailure(Exception):
    """The message can never be sent (retrying would not help)."""


class Adapter(Protocol):
    def send(self, delivery: Delivery) -> None: ...


class EmailAdapter:
    """Django's mail (EMAIL_BACKEND: SMTP in production, files under var/mail in the demo)."""

    def send(self, delivery: Delivery) -> None:
        if "@" not in delivery.recipient:
            raise PermanentFailure(f"not an email address: {delivery.recipient!r}")
        message = EmailMessage(
            delivery.subject, delivery.body, None, [delivery.recipient],
            headers={
                # The same id on a re-send (the one duplicate window, see delivery.py), so
                # that mail systems which de-duplicate by Message-ID can drop it.
                "Message-ID": f"<delivery-{delivery.pk}@{message_domain()}>",
                "X-Motcua-Delivery": str(delivery.pk),
            },
        )
        message.send(fail_silently=False)


def message_domain() -> str:
    return urlparse(settings.PUBLIC_BASE_URL).hostname or "motcua.invalid"


ADAPTERS: dict[str, Adapter] = {Channel.EMAIL: EmailAdapter()}


def register(channel: str, adapter: Adapter) -> None:
    """Make `channel` sendable through `adapter` (called from an AppConfig.ready)."""
    ADAPTERS[channel] = adapter


def is_available(channel: str) -> bool:
    return channel in ADAPTERS


def adapter_for(channel: str) -> Adapter:
    try:
        return ADAPTERS[channel]
    except KeyError:
        raise ChannelUnavailable(f"no adapter for the {channel!r} channel") from None
