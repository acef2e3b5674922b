"""The sandbox's fault injection, seen from the product's HTTP client (what every adapter's
fault tests rely on)."""

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
