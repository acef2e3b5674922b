-- wrk script: POST /api/v1/dossiers, one connection per wrk thread (-t N -c N).
--
-- Every request carries a unique Idempotency-Key. Each thread finishes on a response boundary once
-- its deadline has passed, so no request is ever cut off in flight: the number of 201s printed
-- here must equal the number of dossiers the server created. A finished thread stops when wrk
-- next asks it for a request and sends a harmless GET /healthz then: gunicorn's sync workers
-- close the connection after each response, wrk reconnects at once, and a connection left
-- without a request would hold one of the 3 workers until wrk exits. wrk's own "Requests/sec" counts the
-- whole -d period and is wrong for this script; the rate printed by done() is the right one.
-- bench/intake.py fills in RUN, SECONDS, TOKENS and BODIES before handing the script to wrk;
-- thread i uses token i mod #TOKENS and body i mod #BODIES (e.g. one receiving agency each).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC, shared by all threads
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local RUN = "@RUN@"
local SECONDS = @SECONDS@
local TOKENS = { @TOKENS@ }
local BODIES = { @BODIES@ }

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  token = TOKENS[(id - 1) % #TOKENS + 1]
  body = BODIES[(id - 1) % #BODIES + 1]
  sent, created, failed = 0, 0, 0
  t_first, t_last, deadline, finished = 0, 0, nil, false
  first_error = ""
end

function request()
  if finished then
    wrk.thread:stop() -- after this request is written (see the top)
    return wrk.format("GET", "/healthz")
  end
  if deadline == nil then
    t_first = now()
    deadline = t_first + SECONDS
  end
  sent = sent + 1
  return wrk.format("POST", "/api/v1/dossiers", {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Authorization"] = "Token " .. token,
    ["Idempotency-Key"] = RUN .. "-" .. id .. "-" .. sent,
  }, body)
end

function response(status, headers, resp_body)
  if finished then
    return
  end
  if status == 201 then
    created = created + 1
  else
    failed = failed + 1
    if first_error == "" then
      first_error = status .. " " .. string.sub(resp_body or "", 1, 300)
    end
  end
  t_last = now()
  if t_last >= deadline then
    finished = true
  end
end

function done(summary, latency, requests)
  local created_all, failed_all, sent_all = 0, 0, 0
  local t0, t1 = math.huge, 0
  for _, t in ipairs(threads) do
    created_all = created_all + t:get("created")
    failed_all = failed_all + t:get("failed")
    sent_all = sent_all + t:get("sent")
    local tf, tl = t:get("t_first"), t:get("t_last")
    if tf > 0 and tf < t0 then t0 = tf end
    if tl > t1 then t1 = tl end
    local err = t:get("first_error")
    if err ~= "" then io.write("FIRST_ERROR ", (err:gsub("\n", " ")), "\n") end
  end
  local elapsed = t1 - t0
  local e = summary.errors
  io.write(string.format(
    "RESULT sent=%d created=%d failed=%d completed=%d elapsed_s=%.3f " ..
    "p50_ms=%.2f p90_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f " ..
    "connect_err=%d read_err=%d write_err=%d timeout_err=%d status_err=%d\n",
    sent_all, created_all, failed_all, summary.requests, elapsed,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
