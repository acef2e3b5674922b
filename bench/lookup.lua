-- wrk script: GET <PATH><code> with a random existing code per request, e.g. the public
-- tracking (PATH /api/v1/tracking/) or a dossier's detail (PATH /api/v1/dossiers/, with TOKEN);
-- with CODES empty, GET <PATH> every time (a worklist: PATH /api/v1/worklist?view=mine).
-- bench/intake.py, bench/worklist.py and bench/pages.py fill in PATH, CODES (a file with one code
-- a line, or empty), SEED, TOKEN (an API token, or empty for no Authorization header) and COOKIE
-- (a signed-in session's Cookie header for the web pages, or empty). Non-2xx responses are
-- counted by wrk.
local PATH = "@PATH@"
local CODES = "@CODES@"
local SEED = @SEED@
local TOKEN = "@TOKEN@"
local COOKIE = "@COOKIE@"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  codes = {}
  if CODES == "" then
    codes[1] = ""
  else
    for line in io.lines(CODES) do
      codes[#codes + 1] = line
    end
  end
  math.randomseed(SEED + id)
  bad = 0
end

function request()
  local headers = {["Accept"] = "application/json"}
  if TOKEN ~= "" then
    headers["Authorization"] = "Token " .. TOKEN
  end
  if COOKIE ~= "" then
    headers["Accept"] = "text/html"
    headers["Cookie"] = COOKIE
  end
  return wrk.format("GET", PATH .. codes[math.random(#codes)], headers)
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
