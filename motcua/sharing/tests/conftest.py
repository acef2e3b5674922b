"""Fixtures of the data-sharing API's tests: consumer systems with real credentials, tokens
asked for at the real token endpoint, and a dossier received for the org's citizen."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import quote

import pytest

from motcua.dossiers.tests.factories import at, received
from motcua.integration import consumers
from motcua.integration.models import ConsumerSystem, Scope

# the signed results' fixtures of the records app (development CA, a ready dossier)
from motcua.records.tests.conftest import agency_cert, dev_ca, leader, ready_dossier  # noqa: F401

TOKEN = "/api/v1/sharing/token"
PURPOSE = "Xác minh hồ sơ đăng ký kết hôn"
OFFICER = "Lê Thị Hồng (hotich.hong)"


@dataclass
class Consumer:
    system: ConsumerSystem
    client_id: str
    client_secret: str


def make_consumer(code: str = "stp-hotich", scopes=tuple(Scope.values), rate: int = 1000,
                  agencies=()) -> Consumer:
    system, credentials = consumers.create_consumer(
        code=code, name="Hệ thống hộ tịch điện tử", agency_name="Sở Tư pháp tỉnh Ninh Bình",
        scopes=scopes, rate_limit_per_minute=rate, agencies=agencies,
        contact_email="hotich@stp.ninhbinh.gov.vn")
    return Consumer(system, credentials.client_id, credentials.client_secret)


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def ask_token(client, consumer: Consumer, secret: str | None = None, **form):
    return client.post(TOKEN, {"grant_type": "client_credentials", **form},
                       HTTP_AUTHORIZATION=basic(consumer.client_id,
                                                consumer.client_secret if secret is None
                                                else secret))


def token_of(client, consumer: Consumer, **form) -> str:
    response = ask_token(client, consumer, **form)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def declared(purpose: str = PURPOSE, officer: str = OFFICER) -> dict[str, str]:
    """The headers of a personal-data call, percent-encoded as Motcua's own adapters send."""
    return {"HTTP_X_PURPOSE": quote(purpose), "HTTP_X_OFFICER": quote(officer)}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def consumer(org) -> Consumer:
    return make_consumer()


@pytest.fixture
def token(client, consumer) -> str:
    return token_of(client, consumer)


@pytest.fixture
def dossier(org, procedure):
    """Received at center A for the org's citizen (ID 037095001234)."""
    return received(org, procedure, at("09:00 16/11/2026"))
