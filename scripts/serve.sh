#!/usr/bin/env bash
# Serve the demo: scripts/serve.sh [PORT]   (default 8000; `make run` calls it after load_demo)
#
# Runs, until Ctrl-C or SIGTERM (both stop cleanly):
#   * gunicorn on 127.0.0.1:PORT (WEB_CONCURRENCY workers, default 3; access log on stdout);
#   * the delivery worker (`manage.py deliver --loop 1`): sends the messages to persons (applicant
#     emails; SMS and app messages through the sandbox's gateways) that actions wrote as
#     delivery rows, retrying failures with a backoff;
#   * the outbox worker (`manage.py deliver_outbox --loop 1`): delivers the messages to national
#     systems (the national portal's dossier sync and catalogue) that actions wrote in the
#     outbox, in order per dossier, retrying with a backoff; `publish_catalogue` queues the
#     catalogue for the portal once at start (only what changed since the last time);
#   * the background worker of django-tasks-db (`manage.py db_worker`); nothing enqueues a task
#     today (applicant notices moved to `deliver`), it stays for the background work to come;
#   * the deadline escalation loop (`manage.py escalate --loop 60`, every ESCALATE_EVERY
#     seconds): warns assignees before a step is due, heads when it is late, heads and the
#     one-stop unit before a dossier's legal due time (in-app: GET /api/v1/notifications);
#   * housekeeping (`manage.py housekeep --loop`, every HOUSEKEEP_EVERY seconds, default an
#     hour): deletes expired idempotency records and old background-task results;
#   * the payment status queries (`manage.py query_payments --loop`, every PAYMENT_QUERY_EVERY
#     seconds, default 60): asks the payment platform about online payments whose confirm
#     callback never came.
# Prints the URLs (with a real demo dossier code, the worklist and notification endpoints), the
# demo logins and which accounts have worklist items before serving.
#
#   * the sandbox of national systems (sandbox/README.md) on SANDBOX_PORT (default PORT+1), its
#     own database under var/sandbox; the product's adapters point at it (NATIONAL_SANDBOX_URL).
#     It starts first: the loops that call national systems (the delivery, the outbox, the
#     payment queries) start once it answers GET /healthz (waiting at most SANDBOX_WAIT seconds,
#     default 60); on the way out they stop before it.
set -euo pipefail

cd "$(dirname "$0")/.."
PORT="${1:-${PORT:-8000}}"
BIN=.venv/bin
if [[ ! -x "$BIN/python" || ! -x "$BIN/gunicorn" ]]; then
  echo "serve.sh: $BIN/python or $BIN/gunicorn missing; run 'make deps' first." >&2
  exit 1
fi
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}"  # QR codes on the slips
# Settings refuse to start without a SECRET_KEY (DEBUG off): the installation's own, kept in var/.
export SECRET_KEY="${SECRET_KEY:-$(bash scripts/secret_key.sh)}"
# Plain HTTP on 127.0.0.1: cookies without the Secure flag, or a browser may drop the session and
# CSRF cookies and signing in to the admin fails (settings: SECURE_COOKIES; HTTPS=1 overrides).
export SECURE_COOKIES="${SECURE_COOKIES:-0}"

# Static files for the API docs, the admin and the web pages, collected into
# settings.STATIC_ROOT ($MOTCUA_VAR_DIR/static), which is what the server serves. collectstatic
# is slow (whitenoise compresses every file), so only when something changed since the last
# time: a fresh var dir, newly installed packages (the venv's stamp), or a file of ours under a
# static/ directory (the front-end build of `make deps` writes motcua/web/static/web/build/).
VAR="${MOTCUA_VAR_DIR:-var}"
COLLECTED="$VAR/static.collected"
if [[ ! -f "$COLLECTED" || "$BIN/../.installed" -nt "$COLLECTED" \
      || -n "$(find motcua -path '*/static/*' -type f -newer "$COLLECTED" -print -quit)" ]]; then
  echo "Collecting static files into $VAR/static (takes a while)..."
  "$BIN/python" manage.py collectstatic --noinput -v 0
  touch "$COLLECTED"
fi
SANDBOX_PORT="${SANDBOX_PORT:-$((PORT + 1))}"
export NATIONAL_SANDBOX_URL="${NATIONAL_SANDBOX_URL:-http://127.0.0.1:$SANDBOX_PORT}"
export SANDBOX_PUBLIC_URL="${SANDBOX_PUBLIC_URL:-$NATIONAL_SANDBOX_URL}"
mkdir -p "${SANDBOX_VAR_DIR:-var/sandbox}"
"$BIN/python" sandbox/manage.py migrate --noinput -v 0
"$BIN/python" sandbox/manage.py seed_sandbox
"$BIN/python" manage.py demo_logins --port "$PORT"

# The servers (the sandbox, the web) and the loops; on the way out the loops stop first, so
# that none is left calling a sandbox that is already gone.
servers=()
loops=()
stop() {
  trap - INT TERM EXIT
  if ((${#loops[@]} + ${#servers[@]})); then
    echo "Stopping (delivery, outbox, payment queries, worker, escalation and housekeeping loops, then web and sandbox)..."
    if ((${#loops[@]})); then
      kill -TERM "${loops[@]}" 2>/dev/null || true
      wait "${loops[@]}" 2>/dev/null || true
    fi
    if ((${#servers[@]})); then
      kill -TERM "${servers[@]}" 2>/dev/null || true
      wait "${servers[@]}" 2>/dev/null || true
    fi
  fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

"$BIN/gunicorn" sandbox.wsgi:application --bind "127.0.0.1:$SANDBOX_PORT" --workers 2 \
  --threads 4 --no-control-socket --log-level warning &
sandbox_pid=$!
servers+=("$sandbox_pid")
"$BIN/gunicorn" motcua.wsgi:application \
  --bind "127.0.0.1:$PORT" --workers "${WEB_CONCURRENCY:-3}" \
  --access-logfile - --graceful-timeout 10 --no-control-socket &
servers+=("$!")
"$BIN/python" manage.py db_worker --queue-name '*' --no-reload &
loops+=("$!")
"$BIN/python" manage.py escalate --loop "${ESCALATE_EVERY:-60}" &
loops+=("$!")
"$BIN/python" manage.py housekeep --loop "${HOUSEKEEP_EVERY:-3600}" >/dev/null &
loops+=("$!")

# The loops that talk to the national systems (the delivery of messages to persons, whose SMS
# and app gateways are the sandbox's; the outbox; the payment status queries) start once the
# sandbox answers: started before it listens, they would count failed attempts and back off for
# nothing. A bounded wait; a sandbox that exits or never answers stops everything, saying why.
health="http://127.0.0.1:$SANDBOX_PORT/healthz"
wait_for="${SANDBOX_WAIT:-60}"
echo "Waiting for the sandbox of national systems to answer $health (at most ${wait_for} s)..."
deadline=$((SECONDS + wait_for))
until "$BIN/python" -c 'import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as answer:
    sys.exit(answer.status != 200)' "$health" 2>/dev/null; do
  if ! kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "serve.sh: the sandbox of national systems exited before answering $health (its output is above); stopping." >&2
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "serve.sh: the sandbox of national systems did not answer $health within ${wait_for} s (SANDBOX_WAIT); stopping." >&2
    exit 1
  fi
  sleep 0.5
done
echo "The sandbox answers; starting the delivery, the outbox and the payment status queries."
"$BIN/python" manage.py deliver --loop "${DELIVER_EVERY:-1}" &
loops+=("$!")
"$BIN/python" manage.py publish_catalogue
"$BIN/python" manage.py deliver_outbox --loop "${DELIVER_OUTBOX_EVERY:-1}" &
loops+=("$!")
"$BIN/python" manage.py query_payments --loop "${PAYMENT_QUERY_EVERY:-60}" &
loops+=("$!")
echo "Sandbox of national systems on $NATIONAL_SANDBOX_URL (sandbox/README.md)."
echo "Serving on http://127.0.0.1:$PORT (sandbox and web: pids ${servers[*]}; delivery, outbox, payment queries, worker, escalation and housekeeping loops: pids ${loops[*]})."
echo "  GET http://127.0.0.1:$PORT/api/v1/worklist?view=mine   (mine, queue, due_soon, late, waiting, handed_over)"
echo "  GET http://127.0.0.1:$PORT/api/v1/notifications"
echo "Ctrl-C to stop."

# If any process ends (e.g. the port is taken), stop the others and report its status.
status=0
wait -n "${servers[@]}" "${loops[@]}" || status=$?
echo "serve.sh: a process exited with status $status; stopping." >&2
exit "$status"
