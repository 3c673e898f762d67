# mesoplan's front door. `make run` and `make test` set everything up on a fresh machine
# (only Python 3.11+ and pip needed): each creates .venv and installs the package.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-plans

.PHONY: install run test test-fast lint bench fuzz docs clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The main job: the demo plans, then the web app with a demo clinic (login printed).
run: install
	$(VENV)/bin/mesoplan protocols list
	$(VENV)/bin/mesoplan demo-plans --output $(DEMO_DIR)
	@echo "Starting the web app on http://127.0.0.1:8000 (the demo clinic is made on first start)"
	$(PY) -m mesoplan.entrypoints.web.demo --serve --host 127.0.0.1 --port 8000

## Every test: unit, integration (SQLite and, when MESOPLAN_TEST_DATABASE_URL is set,
## PostgreSQL) and end-to-end.
test: install
	$(PY) -m pytest --durations=15

test-fast: install
	$(PY) -m pytest tests/unit -q

lint: install
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy

bench: install
	@for f in benchmarks/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

## Regenerate docs/cli-reference.md from the commands' help and the API's permission tables.
docs: install
	$(PY) scripts/cli_reference.py
	$(PY) scripts/api_permissions.py

## A longer property-testing campaign than CI runs.
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/unit -q -k "property or fuzz"
	MESOPLAN_FUZZ_EXAMPLES=200 $(PY) -m pytest tests/integration/test_api_schemathesis.py -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_DIR)
