"""The SMS gateway and the citizen app's message service: the notifications app's channel
adapters for `sms` and `app`, registered into its registry by this app's AppConfig.ready
(notifications sits below integration and never imports it).

Both post one JSON message over HTTP (the sandbox's /gateways/… by default, a real gateway by
SMS_GATEWAY_URL / APP_GATEWAY_URL) with the delivery's id, which the gateway de-duplicates on.
A refusal (4xx: a bad number, an unknown citizen) is permanent; a gateway that does not answer
(NationalSystemUnavailable) is retried by the delivery worker with its backoff.
"""

from __future__ import annotations

from django.conf import settings

from motcua.integration import http
from motcua.notifications.channels import PermanentFailure
from motcua.notifications.models import Delivery


def _post(system: str, url: str, payload: dict[str, str]) -> None:
    with http.client("") as client:
        response = http.call(system, client, "POST", url, json=payload)
    if response.status_code >= 400:
        raise PermanentFailure(f"{system} refused the message ({response.status_code}): "
                               f"{response.text[:300]}")


class SmsAdapter:
    def send(self, delivery: Delivery) -> None:
        url = str(settings.SMS_GATEWAY_URL) or http.sandbox_url("/gateways/sms")
        _post("SMS gateway", url, {"id": f"delivery-{delivery.pk}", "to": delivery.recipient,
                                    "text": delivery.body})


class AppAdapter:
    def send(self, delivery: Delivery) -> None:
        url = str(settings.APP_GATEWAY_URL) or http.sandbox_url("/gateways/app")
        _post("citizen app", url, {"id": f"delivery-{delivery.pk}", "to": delivery.recipient,
                                    "title": delivery.subject, "text": delivery.body})
