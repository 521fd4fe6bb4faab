# fonds: two commands on a fresh machine.
#   make demo   create .venv, install fonds, load the demo archive, serve it on 127.0.0.1:8000
#   make test   lint, type-check, migrations check, and the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export FONDS_HOME ?= $(CURDIR)/fonds-data

.PHONY: demo test install lint typecheck migrations-check pytest bench clean

$(BIN)/fonds: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/fonds

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

pytest: install
	$(BIN)/pytest

test: lint typecheck migrations-check pytest

bench: install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) fonds-data .pytest_cache .mypy_cache .ruff_cache
