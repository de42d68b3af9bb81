# kzreg — two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSETS := node_modules/.installed

.PHONY: run test lint lock system-packages clean bench

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

system-packages:
	@sh scripts/install-system-packages

# Front-end assets (docs/cabinet.md): the locked npm packages, installed again only when the lock changes.
$(ASSETS): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(ASSETS)

## Creates the environment, migrates the data folder, loads demo data once, starts every service.
run: $(STAMP) system-packages $(ASSETS)
	$(BIN)/kzreg up

## Lint, the import contract, migration check, the whole suite on SQLite, and again on PostgreSQL when KZREG_TEST_DATABASE_URL is set.
test: $(STAMP) system-packages $(ASSETS)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	KZREG_DATABASE_URL= $(BIN)/python -m django makemigrations --check --dry-run --settings=kzreg.config.settings
	KZREG_DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$KZREG_TEST_DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL ($$KZREG_TEST_DATABASE_URL)"; \
		KZREG_DATABASE_URL="$$KZREG_TEST_DATABASE_URL" $(BIN)/pytest; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

## Regenerates requirements.lock from pyproject.toml.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock -q --python-version 3.11

clean:
	rm -rf $(VENV) var .pytest_cache node_modules
