# Set-up and the two jobs the README opens with.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DB ?= dossier.db

.PHONY: demo test eval clean-db

## demo: create the venv, install, ingest the bundled samples into ./dossier.db, print a profile
demo: $(VENV)/.installed
	$(BIN)/dossier demo --db $(DB)

## test: create the venv, install with test extras, run the test suite
test: $(VENV)/.installed
	$(BIN)/pytest -q

## eval: score extraction on the shared dev set
eval: $(VENV)/.installed
	$(BIN)/dossier eval ../shared/dev

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

clean-db:
	rm -f $(DB) $(DB)-wal $(DB)-shm
