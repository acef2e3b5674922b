-- wrk script: GET one officer's worklist (the same URL every request) with his API token.
-- bench/worklist.py fills in TOKEN; the path (e.g. /api/v1/worklist?view=mine) is wrk's URL.
-- Non-2xx responses are counted by wrk itself (summary.errors.status).
wrk.method = "GET"
wrk.headers["Authorization"] = "Token @TOKEN@"
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT completed=%d duration_s=%.3f rps=%.1f " ..
    "p50_ms=%.2f p90_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f " ..
    "connect_err=%d read_err=%d write_err=%d timeout_err=%d status_err=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
