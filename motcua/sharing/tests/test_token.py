"""The token endpoint as a consumer system uses it: client credentials in, a bearer token of
its own scopes out, stored only as a checksum; wrong, revoked or inactive credentials and
other grants refused; at most SHARING_TOKEN_REQUESTS_PER_MINUTE requests per address."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
from oauth2_provider.models import AccessToken

from motcua.integration import consumers
from motcua.integration.models import Scope
from motcua.sharing.tests.conftest import TOKEN, ask_token, basic, make_consumer

pytestmark = pytest.mark.django_db


def test_client_credentials_give_a_token_of_the_consumers_scopes(client, consumer):
    response = ask_token(client, consumer)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) == set(Scope.values)
    stored = AccessToken.objects.get()
    assert stored.token == ""  # only its checksum is kept
    assert stored.token_checksum == hashlib.sha256(body["access_token"].encode()).hexdigest()
    # the secret in the body (RFC 6749 allows it, less preferred) works too
    in_body = client.post(TOKEN, {"grant_type": "client_credentials",
                                  "client_id": consumer.client_id,
                                  "client_secret": consumer.client_secret})
    assert in_body.status_code == 200


def test_a_token_asked_for_fewer_scopes_has_only_those_and_never_more(client, org):
    narrow = make_consumer("narrow", scopes=[Scope.CATALOGUE, Scope.STATISTICS])
    fewer = ask_token(client, narrow, scope="catalogue")
    assert fewer.json()["scope"] == "catalogue"
    more = ask_token(client, narrow, scope="catalogue dossier-status")
    assert more.status_code == 400 and more.json()["error"] == "invalid_scope"
    assert set(ask_token(client, narrow).json()["scope"].split()) == {"catalogue", "statistics"}


@pytest.mark.parametrize("form, status, error", [
    ({"grant_type": "password", "username": "x", "password": "y"}, 400, None),
    ({"grant_type": "authorization_code", "code": "x"}, 400, None),
    ({}, 400, "unsupported_grant_type"),
])
def test_other_grants_are_refused(client, consumer, form, status, error):
    response = client.post(TOKEN, form, HTTP_AUTHORIZATION=basic(consumer.client_id,
                                                                 consumer.client_secret))
    assert response.status_code in (status, 401)
    if error:
        assert response.json()["error"] == error
    assert not AccessToken.objects.exists()


def test_wrong_revoked_or_inactive_credentials_get_no_token(client, consumer):
    assert ask_token(client, consumer, secret="wrong").status_code == 401
    assert client.post(TOKEN, {"grant_type": "client_credentials"},
                       HTTP_AUTHORIZATION=basic("nobody", "x")).status_code == 401
    assert client.post(TOKEN, {"grant_type": "client_credentials"}).status_code == 401
    assert client.post(TOKEN, {"grant_type": "client_credentials"},
                       HTTP_AUTHORIZATION="Basic %%%").status_code == 401
    consumer.system.is_active = False
    consumer.system.save()
    assert ask_token(client, consumer).status_code == 401
    consumer.system.is_active = True
    consumer.system.save()
    assert ask_token(client, consumer).status_code == 200
    fresh = consumers.issue_credentials(consumer.system)
    assert ask_token(client, consumer).status_code == 401  # the old secret
    assert client.post(TOKEN, {"grant_type": "client_credentials"},
                       HTTP_AUTHORIZATION=basic(fresh.client_id,
                                                fresh.client_secret)).status_code == 200
    consumers.revoke_credentials(consumer.system)
    assert client.post(TOKEN, {"grant_type": "client_credentials"},
                       HTTP_AUTHORIZATION=basic(fresh.client_id,
                                                fresh.client_secret)).status_code == 401
    assert not AccessToken.objects.exists()


def test_the_token_endpoint_limits_each_address(client, consumer, settings, monkeypatch):
    settings.SHARING_TOKEN_REQUESTS_PER_MINUTE = 2
    start = 1_790_000_000.0 - 1_790_000_000.0 % 60 + 30  # a fake clock, mid-minute
    monkeypatch.setattr("motcua.core.ratelimit.time", SimpleNamespace(time=lambda: start))
    statuses = [ask_token(client, consumer, secret="guess").status_code for _ in range(2)]
    assert statuses == [401, 401]
    refused = ask_token(client, consumer)
    assert refused.status_code == 429 and refused["Retry-After"] == "31"
    assert refused.json()["error"] == "slow_down"
    other = client.post(TOKEN, {"grant_type": "client_credentials"}, REMOTE_ADDR="10.9.9.9",
                        HTTP_AUTHORIZATION=basic(consumer.client_id, consumer.client_secret))
    assert other.status_code == 200
