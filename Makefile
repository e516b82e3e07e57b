# Quick start: `make demo`, `make test`. Everything runs offline on the embedded PostgreSQL.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds dbt_project/tests dbt_project/snapshots -type f 2>/dev/null) dbt_project/dbt_project.yml macro_models/catalog/series_catalog.csv

export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: setup demo test test-fast bench lint clean

setup: $(STAMP) $(MANIFEST) postgres-binaries

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# Cosmos renders the dbt task group from this manifest, so DAG parsing never runs dbt.
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir . --project-dir .
	@touch $(MANIFEST)

# The embedded default runs the machine's own PostgreSQL; install Debian's when it is missing.
postgres-binaries:
	@if [ -z "$$MACRO_DATABASE_URL" ] && ! $(BIN)/python -c "from macro_models.db.embedded import find_bin_dir; find_bin_dir()" 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing PostgreSQL server binaries (apt-get install postgresql)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else \
	    echo "PostgreSQL server binaries not found: install postgresql or set MACRO_DATABASE_URL" >&2; exit 1; \
	  fi; \
	fi

demo: setup
	$(BIN)/macro demo

test: setup
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not slow"

bench: setup
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: setup
	$(BIN)/ruff check macro_models api dags plugins tests benchmarks
	$(BIN)/ruff format --check macro_models api dags plugins tests benchmarks
	$(BIN)/mypy macro_models api

clean:
	-$(BIN)/macro db stop
	rm -rf $(VENV) .data dbt_project/target dbt_project/logs
