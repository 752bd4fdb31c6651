# Two commands: `make run` serves the demo on the embedded default (SQLite, the in-memory channel
# layer, agency checks in a worker thread inside daphne), `make test` runs the suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint install migrate lock

$(BIN)/python:
	$(PY) -m venv $(VENV)

# The exact versions of requirements.lock (hashes checked), then the project itself.
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# The demo's development values, set explicitly: production is the settings' default.
DEMO_ENV := DEBUG=1 SECRET_KEY=insecure-dev-key-change-me-in-production-0123456789 \
	SERVE_KNET_SANDBOX=1 SERVE_AGENCY_SIMULATOR=1 IQAMA_INPROCESS_WORKER=1 PORT=$(PORT) \
	LOG_FORMAT=plain

install: $(STAMP)

migrate: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

run: migrate
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/daphne -b 127.0.0.1 -p $(PORT) iqama.asgi:application

test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m tests.runner

# Re-pin after changing pyproject.toml's dependencies: kept pins stay, new ones are resolved.
# Moving a pinned package: add --upgrade-package NAME (and see schema/fastpath for three).
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
		-o requirements.lock

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
