"""The public lookups (tracking by code: API and page) are limited per client and minute."""

import pytest

from motcua.core import ratelimit
from motcua.dossiers.tests.factories import at, received

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_800_000_000.0}  # on a minute boundary
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def test_the_api_answers_429_with_retry_after_beyond_the_limit(client, org, procedure,
                                                                settings, clock):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 3
    code = received(org, procedure, at("09:00 16/11/2026")).code
    assert [client.get(f"/api/v1/tracking/{code}").status_code for _ in range(3)] == [200] * 3
    clock["t"] += 20
    refused = client.get(f"/api/v1/tracking/{code}")
    assert refused.status_code == 429 and refused["Retry-After"] == "41"
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert code not in refused.content.decode()  # nothing of the dossier
    # unknown codes count too: walking through codes is what the limit stops
    assert client.get("/api/v1/tracking/000.01.20.H40-261116-9999").status_code == 429
    # another address is not affected; the next minute starts afresh
    assert client.get(f"/api/v1/tracking/{code}", REMOTE_ADDR="10.0.0.2").status_code == 200
    clock["t"] += 41
    assert client.get(f"/api/v1/tracking/{code}").status_code == 200


def test_the_page_answers_429_in_vietnamese(client, org, procedure, settings, clock):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 1
    code = received(org, procedure, at("09:00 16/11/2026")).code
    assert client.get(f"/tra-cuu/{code}").status_code == 200
    refused = client.get(f"/tra-cuu/{code}")
    assert refused.status_code == 429 and refused["Retry-After"] == "61"
    html = refused.content.decode()
    assert "Bạn đã tra cứu quá nhiều lần" in html and "N***** V** An" not in html
    assert client.get("/tra-cuu/").status_code == 200  # the empty form is not a lookup


def test_zero_turns_the_limit_off(client, org, procedure, settings, clock):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 0
    code = received(org, procedure, at("09:00 16/11/2026")).code
    assert {client.get(f"/api/v1/tracking/{code}").status_code for _ in range(100)} == {200}


def test_behind_a_proxy_the_client_is_the_forwarded_address(client, org, procedure, settings,
                                                            clock):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    code = received(org, procedure, at("09:00 16/11/2026")).code

    def lookup(forwarded):
        return client.get(f"/api/v1/tracking/{code}", HTTP_X_FORWARDED_FOR=forwarded,
                          REMOTE_ADDR="10.9.9.9").status_code

    assert lookup("203.0.113.7") == 200
    assert lookup("203.0.113.8") == 200  # another citizen behind the same proxy
    assert lookup("198.51.100.1, 203.0.113.7") == 429  # a spoofed first hop changes nothing


def test_a_count_is_per_minute_and_a_late_stamp_counts_in_the_current_one():
    assert [ratelimit.count_hit("b", 100) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count_hit("b", 101) == 1  # a new minute starts afresh
    assert ratelimit.count_hit("b", 100) == 2  # a server whose clock is behind: still counted
    assert ratelimit.count_hit("c", 101) == 1


def test_an_overlong_forwarded_address_is_still_counted(client, settings, clock):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 1
    settings.TRUSTED_PROXY_COUNT = 1
    junk = "x" * 500
    assert client.get("/api/v1/tracking/A-1", HTTP_X_FORWARDED_FOR=junk).status_code == 404
    assert client.get("/api/v1/tracking/A-1", HTTP_X_FORWARDED_FOR=junk).status_code == 429
