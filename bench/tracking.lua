-- wrk script: GET /api/v1/tracking/<code> with a random existing code per request.
-- bench/intake.py fills in CODES (a file with one code a line) and SEED.
local CODES = "@CODES@"
local SEED = @SEED@

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  codes = {}
  for line in io.lines(CODES) do
    codes[#codes + 1] = line
  end
  math.randomseed(SEED + id)
  bad = 0
end

function request()
  return wrk.format("GET", "/api/v1/tracking/" .. codes[math.random(#codes)])
end

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
