# fonds: two commands on a fresh machine.
#   make demo   create .venv, install fonds, load the demo archive, serve it on 127.0.0.1:8000
#   make test   lint, type-check, migrations check, and the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export FONDS_HOME ?= $(CURDIR)/fonds-data

.PHONY: demo test install browser-tools oai-schema lint typecheck migrations-check pytest bench clean

$(BIN)/fonds: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/fonds

# axe-core from npm (package.json, package-lock.json) for the browser tests in
# tests/browser, which drive Debian's chromium (apt-get install chromium). `make demo`
# does not need it. Without npm the accessibility tests skip, saying why; under
# CI=true a missing npm is an error. (npm gives unpacked files a 1985 mtime: touch.)
AXE = node_modules/axe-core/axe.min.js
$(AXE): package.json $(wildcard package-lock.json)
	@if command -v npm >/dev/null 2>&1; then \
	  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
	  else npm install --no-audit --no-fund; fi && touch $@; \
	elif [ "$$CI" = true ]; then echo "npm not found: tests/browser needs axe-core from npm" >&2; exit 1; \
	else echo "npm not found: the accessibility tests in tests/browser will skip"; fi

browser-tools: $(AXE)

# The official OAI-PMH 2.0 schema (OAI-PMH.xsd) that tests/oai holds every response to:
# PyPI's pyoai ships it in its source distribution, not in what it installs, so it is
# taken from there into the virtualenv (never committed). Without it the schema checks
# skip, saying why; under CI=true they fail.
OAI_XSD = $(VENV)/share/fonds-test-schemas/OAI-PMH.xsd
PYOAI = pyoai-2.5.0
$(OAI_XSD): | $(BIN)/fonds
	@tmp=$$(mktemp -d) && \
	$(BIN)/pip download --quiet --no-deps --no-binary=:all: -d $$tmp $(subst -,==,$(PYOAI)) && \
	tar -xzf $$tmp/$(PYOAI).tar.gz -C $$tmp $(PYOAI)/src/oaipmh/tests/OAI-PMH.xsd && \
	mkdir -p $(dir $@) && cp $$tmp/$(PYOAI)/src/oaipmh/tests/OAI-PMH.xsd $@ && \
	rm -rf $$tmp || { rm -rf $$tmp; echo "OAI-PMH.xsd not fetched: tests/oai will skip its schema checks"; \
	  [ "$$CI" != true ]; }

oai-schema: $(OAI_XSD)

demo: install
	$(BIN)/fonds demo
	$(BIN)/fonds serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy fonds

migrations-check: install
	FONDS_HOME=$$(mktemp -d) $(BIN)/python -m django makemigrations --check --dry-run --settings=fonds.settings

# The whole suite on SQLite with the embedded search index; then again on PostgreSQL
# (Debian's, started on loopback by scripts/postgres-test-server) with PostgreSQL's
# full-text search: the tests in pytest's process and the fonds processes they start
# (each FONDS_HOME gets a database of its own, see tests/servers.py), browser tests
# included. Left out of the second run: the pure readers (tests/formats) and the
# documentation checks, which touch no database. Tests of what only SQLite has (WAL,
# the embedded index's folders) run on SQLite in both. Without PostgreSQL installed
# the second run is skipped, except under CI=true where it fails.
PG_SUITE = --ignore=tests/formats --ignore=tests/test_documentation.py

pytest: install browser-tools oai-schema
	FONDS_HOME=$$(mktemp -d) $(BIN)/pytest
	@if [ "$$CI" = true ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then \
	  url=$$(scripts/postgres-test-server) && \
	  echo "PostgreSQL run: $$url" && \
	  FONDS_HOME=$$(mktemp -d) FONDS_DATABASE_URL=$$url FONDS_SEARCH_BACKEND=postgres \
	    $(BIN)/pytest $(PG_SUITE); \
	else echo "PostgreSQL not installed: the PostgreSQL run is skipped"; fi

test: lint typecheck migrations-check pytest

bench: install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) fonds-data .pytest_cache .mypy_cache .ruff_cache node_modules test-results
