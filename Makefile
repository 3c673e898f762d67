# mesoplan's front door. `make run` and `make test` set everything up on a fresh machine
# (only Python 3.11+ and pip needed): each creates .venv and installs the package.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-plans

.PHONY: install run test test-fast lint bench fuzz docs chaos screenshots clean

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

## Every test: unit, integration and end-to-end, on SQLite and PostgreSQL, and the short
## chaos run. PostgreSQL: MESOPLAN_TEST_DATABASE_URL when set; else a throwaway database
## on 127.0.0.1:5432 when it answers (dropped after); else one line says they are skipped.
test: install
	$(PY) scripts/run_tests.py --durations=15

## The long crash and race run: 20 kills per database, 30 s of racing; figures in build/.
chaos: install
	mkdir -p build && rm -f build/chaos.txt
	MESOPLAN_CHAOS_KILLS=20 MESOPLAN_CHAOS_RACE_S=30 MESOPLAN_CHAOS_REPORT=build/chaos.txt \
		$(PY) scripts/run_tests.py tests/chaos -q
	cat build/chaos.txt

## Refresh the screenshots in docs/screenshots from a browser run (tests write build/).
screenshots: install
	MESOPLAN_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/e2e/browser -q

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis $(DEMO_DIR) build
