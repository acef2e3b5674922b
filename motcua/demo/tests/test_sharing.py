"""The demo's consumer system works as the README's curl example says: its published
credentials give a token, the token reads a dossier's status, the call is in the exchange log;
loading the demo again keeps it."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from motcua.demo.sharing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, build_demo_consumer
from motcua.dossiers.tests.factories import at, received
from motcua.integration.models import ConsumerSystem, ExchangeLogEntry

pytestmark = pytest.mark.django_db


def test_the_readmes_example_with_the_demo_consumer(client, org, procedure):
    consumer, made = build_demo_consumer()
    assert made and build_demo_consumer() == (consumer, False)
    assert ConsumerSystem.objects.count() == 1
    d = received(org, procedure, at("09:00 16/11/2026"))
    basic = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode()
    got = client.post("/api/v1/sharing/token", {"grant_type": "client_credentials"},
                      HTTP_AUTHORIZATION=f"Basic {basic}")
    assert got.status_code == 200, got.content
    response = client.get(f"/api/v1/sharing/dossiers/{d.code}",
                          HTTP_AUTHORIZATION=f"Bearer {got.json()['access_token']}",
                          HTTP_X_PURPOSE=quote("Xác minh hồ sơ"), HTTP_X_OFFICER="hotich.hong")
    assert response.status_code == 200 and response.json()["code"] == d.code
    assert ExchangeLogEntry.objects.get().consumer == consumer
