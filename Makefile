# Everything a fresh machine needs: `make run` (ingest seeds/) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test check lint typecheck pytest bench clean

setup: $(STAMP)

# The venv is rebuilt whenever the lock file or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --require-hashes --no-deps -r requirements.lock
	@$(BIN)/python -m pip install -qq --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/newsflow ingest

test: check

check: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check flows extractors warehouse fetchers tests bench
	$(BIN)/ruff format --check flows extractors warehouse fetchers tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) warehouse/news.duckdb warehouse/news.duckdb.wal warehouse/raw .prefect
