# Set-up and the two jobs the README opens with.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DB ?= dossier.db

.PHONY: demo test eval clean-db

## demo: create the venv, install the core (no extras), ingest the bundled samples into ./dossier.db, print a profile
demo: $(VENV)/.core
	$(BIN)/dossier demo --db $(DB)

## test: create the venv, install with test extras, run the test suite
test: $(VENV)/.installed
	$(BIN)/pytest -q

## eval: score extraction on the shared dev set
eval: $(VENV)/.core
	$(BIN)/dossier eval ../shared/dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The core: what `dossier` needs to run, and nothing more.
$(VENV)/.core: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

# The core and the test extra (Ray, Playwright, schemathesis, pandas, hypothesis, ...).
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e ".[test]"
	touch $(VENV)/.core $@

clean-db:
	rm -f $(DB) $(DB)-wal $(DB)-shm
