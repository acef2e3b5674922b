"""The sandbox's fault injection, seen from the product's HTTP client (what every adapter's
fault tests rely on)."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from motcua.integration.http import NationalSystemUnavailable, call, client


def test_sandbox_answers_and_faults_are_applied_then_cleared(sandbox):
    with client(sandbox.url) as http:
        assert call("sandbox", http, "GET", "/healthz").json()["status"] == "ok"
        sandbox.fault("/nowhere", "error", status=503, times=2)
        for _ in range(2):
            with pytest.raises(NationalSystemUnavailable, match="answered 503"):
                call("sandbox", http, "GET", "/nowhere")
        # The rule was used up: the path answers as it would without it (404, no such page).
        assert call("sandbox", http, "GET", "/nowhere").status_code == 404


def test_a_slow_system_times_out_for_a_waiting_person(sandbox):
    sandbox.fault("/slow", "timeout", seconds=1.5)
    with client(sandbox.url, timeout=0.3) as http, pytest.raises(
            NationalSystemUnavailable, match="timed out"):
        call("sandbox", http, "GET", "/slow")


def test_a_bad_fault_rule_is_refused_with_its_reason(sandbox):
    response = sandbox.post("/_faults/", json={"path": "/x", "kind": "explode"})
    assert response.status_code == 400
    assert "latency" in response.json()["kinds"]


def test_removing_a_latency_rule_ends_the_wait_it_started(sandbox):
    """A test's cleanup frees a request held by a long latency rule: the request answers
    normally instead of sleeping out the rule's ten minutes."""
    sandbox.fault("/held", "latency", seconds=600)
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(httpx.get, sandbox.url + "/held", timeout=60)
        while sandbox.get("/_faults/").json()["faults"][0]["hits"] == 0:
            assert not held.done(), held.result()
        assert not held.done()
        sandbox.clear_faults()
        assert held.result().status_code == 404  # answered as without the rule
