#!/usr/bin/env bash
# Print this installation's SECRET_KEY, creating it on first use: scripts/secret_key.sh
#
# The key is random, kept in $MOTCUA_VAR_DIR/secret_key (default var/secret_key, git-ignored,
# readable by its owner only) and reused, so sessions and signed links survive a restart and
# every process (gunicorn workers, the worker, manage.py commands) signs with the same key.
# `make run` and scripts/serve.sh use it when SECRET_KEY is not set; a production deployment
# sets SECRET_KEY itself (from its secret store) and never runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
VAR_DIR="${MOTCUA_VAR_DIR:-var}"
KEY_FILE="$VAR_DIR/secret_key"
if [[ ! -s "$KEY_FILE" ]]; then
  mkdir -p "$VAR_DIR"
  umask 077
  tmp=$(mktemp "$KEY_FILE.XXXXXX")
  python3 -c 'import secrets; print(secrets.token_urlsafe(50))' >"$tmp"
  mv -n "$tmp" "$KEY_FILE"  # two first runs at once: the first key written wins
  rm -f "$tmp"
fi
cat "$KEY_FILE"
