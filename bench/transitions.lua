-- wrk script: step transitions through the HTTP API, one connection per wrk thread (-t N -c N).
--
-- Thread i is one officer (token i) working through its own list of open steps (file
-- STEPS/steps-<i>.txt, one step id a line, from its agency's queue): POST
-- /api/v1/steps/<id>/claim, then POST /api/v1/steps/<id>/actions/forward, then the next step.
-- A thread finishes after a forward once its list is done or its deadline (SECONDS after its first
-- request) has passed, so no transition is cut off in flight. It stops when wrk next asks it for
-- a request, and sends a harmless GET /healthz then: gunicorn's sync workers close the connection
-- after each response and wrk reconnects at once; a connection left without a request would hold
-- one of the 3 workers until wrk exits. Even so, gunicorn lingers up to 2 s on each closing
-- connection until the client closes it (util.close_graceful), which a stopped wrk thread never
-- does: the requests still queued then wait. Each response is therefore marked in or after its
-- thread's deadline; the figures use those in it. done() writes OUT/lat-<i>.txt for every thread
-- (also one wrk stopped at -d): its counts, where it was, every claim and forward (ms, request
-- written → response parsed; 1 if before the deadline) and its first error. bench/worklist.py
-- fills in STEPS, OUT, SECONDS and TOKENS.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } wl_timespec;
int clock_gettime(int clk, wl_timespec *ts);
]]
local ts = ffi.new("wl_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC, shared by all threads
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local STEPS = "@STEPS@"
local OUT = "@OUT@"
local SECONDS = @SECONDS@
local TOKENS = { @TOKENS@ }

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  token = TOKENS[id]
  steps = {}
  for line in io.lines(STEPS .. "/steps-" .. id .. ".txt") do
    steps[#steps + 1] = line
  end
  pos, phase, finished = 1, "claim", (#steps == 0)
  moved, moved_in, errors, first_error = 0, 0, 0, ""
  claims, forwards = {}, {}
  t_first, t_last, deadline, t_sent = 0, 0, nil, 0
  headers = {
    ["Authorization"] = "Token " .. token,
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/json",
  }
end

function request()
  if finished then
    wrk.thread:stop() -- after this request is written (see the top)
    return wrk.format("GET", "/healthz")
  end
  t_sent = now()
  if deadline == nil then
    t_first = t_sent
    deadline = t_first + SECONDS
  end
  if phase == "claim" then
    return wrk.format("POST", "/api/v1/steps/" .. steps[pos] .. "/claim", headers, "")
  end
  return wrk.format("POST", "/api/v1/steps/" .. steps[pos] .. "/actions/forward", headers, "{}")
end

function response(status, resp_headers, body)
  if finished then
    return
  end
  t_last = now()
  local ms = (t_last - t_sent) * 1000
  local inside = (t_last <= deadline) and 1 or 0
  local ok = status == 200
  if not ok then
    errors = errors + 1
    if first_error == "" then
      first_error = phase .. " " .. steps[pos] .. ": " .. status .. " " ..
                    string.gsub(string.sub(body or "", 1, 300), "\n", " ")
    end
  end
  if phase == "claim" then
    claims[#claims + 1] = string.format("%.3f %d", ms, inside)
    if ok then
      phase = "forward"
      return
    end
    pos = pos + 1 -- a refused claim: leave the step alone
  else
    forwards[#forwards + 1] = string.format("%.3f %d", ms, inside)
    if ok then
      moved = moved + 1
      moved_in = moved_in + inside
    end
    pos = pos + 1
    phase = "claim"
  end
  if pos > #steps or t_last >= deadline then
    finished = true
  end
end

function done(summary, latency, requests)
  for i, t in ipairs(threads) do
    local f = io.open(OUT .. "/lat-" .. i .. ".txt", "w")
    f:write(string.format("moved %d\nmoved_in %d\nerrors %d\nt_first %.6f\nt_last %.6f\n",
                          t:get("moved"), t:get("moved_in"), t:get("errors"), t:get("t_first"),
                          t:get("t_last")))
    f:write(string.format("finished %s\nphase %s\npos %d\n", tostring(t:get("finished")),
                          t:get("phase"), t:get("pos")))
    for _, v in ipairs(t:get("claims")) do f:write("c ", v, "\n") end
    for _, v in ipairs(t:get("forwards")) do f:write("f ", v, "\n") end
    local err = t:get("first_error")
    if err ~= "" then f:write("error ", err, "\n") end
    f:close()
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT completed=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "connect_err=%d read_err=%d write_err=%d timeout_err=%d status_err=%d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
