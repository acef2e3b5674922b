# Motcua: `make run` serves the demo, `make test` runs every test. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Debian packages: WeasyPrint's pango, fonts with Vietnamese glyphs, gettext for translations,
# poppler-utils and libnss3-tools for PDF checks, wrk and pgbench for benchmarks, chromium for
# the browser tests (Playwright drives it; no browser is downloaded), softhsm2 for the PKCS#11
# signing keys of the signed results (its tests make a token in a temporary folder).
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	gettext poppler-utils zbar-tools libnss3-tools wrk postgresql-client chromium softhsm2
STAMP := $(VENV)/.installed
# The web pages' front end (README, "How the front end is built"): npm packages pinned in
# package-lock.json, built by scripts/build_frontend.mjs into motcua/web/static/web/build/
# (git-ignored), again only when an input changed.
NPM_STAMP := node_modules/.installed
FRONTEND := motcua/web/static/web/build/motcua.css
FRONTEND_SOURCES := $(shell find motcua/web/assets -type f) scripts/build_frontend.mjs

.PHONY: run test test-sqlite test-postgres deps system-deps lint typecheck messages frontend \
	screenshots bench clean

deps: system-deps $(STAMP) messages frontend

system-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

frontend: $(FRONTEND)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NPM_STAMP)

$(FRONTEND): $(NPM_STAMP) $(FRONTEND_SOURCES)
	node scripts/build_frontend.mjs

messages: $(STAMP)
	@if ls motcua/locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	  SECRET_KEY="$${SECRET_KEY:-unused-by-compilemessages}" \
	  $(BIN)/python manage.py compilemessages --ignore=.venv -v 0; fi

# Lints (ruff, the layers contract, mypy), then runs every test on SQLite, then on PostgreSQL
# when DATABASE_URL points at one.
test: deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-sqlite
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then $(MAKE) --no-print-directory test-postgres; fi

test-sqlite:
	@echo "== tests on SQLite"
	env -u DATABASE_URL $(BIN)/pytest -n 2 --dist loadfile --durations=15

test-postgres:
	@echo "== tests on PostgreSQL ($${DATABASE_URL%%@*}@...)"
	$(BIN)/pytest -n 2 --dist loadfile --durations=15

# ruff, the layers contract of DESIGN.md (import-linter, config in pyproject.toml), mypy.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo
	SECRET_KEY="$${SECRET_KEY:-unused-by-mypy}" $(BIN)/mypy motcua

# Without SECRET_KEY in the environment, the installation's own key (scripts/secret_key.sh).
run: deps
	export SECRET_KEY="$${SECRET_KEY:-$$(bash scripts/secret_key.sh)}" && \
	  $(BIN)/python manage.py migrate --noinput -v 0 && \
	  $(BIN)/python manage.py load_demo && \
	  bash scripts/serve.sh $(PORT)

# PNG screenshots of the web pages, desk-sized and 360 px wide, into docs/screenshots/ (the same
# Playwright and Chromium as the browser tests, on test data: the real catalogue, one dossier;
# the staff's pages on the tests' small province at a fixed clock).
screenshots: deps
	SCREENSHOTS_DIR=docs/screenshots env -u DATABASE_URL $(BIN)/pytest -q \
	  motcua/portal/tests/test_screenshots.py motcua/workspace/tests/test_screenshots.py

bench: deps
	$(BIN)/python bench/intake.py

clean:
	rm -rf $(VENV) var .pytest_cache node_modules motcua/web/static/web/build
