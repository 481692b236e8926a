# Sterk: `make run` to try it, `make test` to check it. Needs Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The suite runs in parallel (pytest-xdist): one worker per CPU core, at most 4; the browser
# tests form one group that a single worker runs. PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_PARALLEL := -n auto --maxprocesses=4 --dist loadgroup

.PHONY: run serve test test-postgres lint format migrate seed messages check clean bench prod-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: set everything up (venv, packages, SQLite, demo data) and serve http://127.0.0.1:8000
run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## test: the whole suite, in parallel (browser tests need /usr/bin/chromium; REQUIRE_BROWSER=1 makes that a must)
test: $(STAMP)
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

## test-postgres: the suite on the local PostgreSQL
test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/sterk $(MAKE) test

## prod-check: Sterk as in production on a fresh PostgreSQL database (sterk_prodcheck, dropped
## after) with S3 storage (moto on the loopback): gunicorn with 2 workers and the task worker,
## then /healthz, a static file, signing in, and a version PDF rendered by the worker.
## PROD_CHECK_ARGS="--storage local" for the local disk; see docs/deploy.md.
prod-check: $(STAMP)
	$(BIN)/python scripts/prod_check.py $(PROD_CHECK_ARGS)

## bench: Sterk against Django's admin, WeasyPrint and a reference view, on DATABASE_URL
## (PostgreSQL recommended; SQLite with a warning); writes benchmarks/results/. Not in CI.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

## lint: ruff, the import contracts (pyproject.toml), Django's checks and missing migrations
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: extract and compile the Dutch translation (needs GNU gettext)
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l nl --no-obsolete --no-location -i '.venv/*' -i 'var/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages -l nl -i '.venv' -i 'var'

clean:
	rm -rf $(VENV) db.sqlite3 var
