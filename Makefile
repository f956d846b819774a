# The README's two commands: `make demo` and `make test`. Each sets up .venv first (idempotent).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test lint setup clean screenshots bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/apiwatch --demo

lint: $(STAMP)
	$(VENV)/bin/ruff check apiwatch tests
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/python -m pytest

screenshots: $(STAMP)
	$(VENV)/bin/python screenshots/generate.py

bench: $(STAMP)
	$(VENV)/bin/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
