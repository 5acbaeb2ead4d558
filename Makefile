# Two commands do everything: `make run` and `make test`. Both set up what they need first
# (a virtual environment in .venv, the Python packages, the browser's Socket.IO client from
# npm) and are safe to run again.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: run test lint bench setup clean

setup: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: setup
	$(PY) server.py

# One pytest process by default, as CI runs it: on two workers (PYTEST_WORKERS=2, about
# 60 % of the time) the timing-sensitive tests (connection caps, processes migrating at
# once) failed in a fresh-clone run, as their waits are sized for one.
PYTEST_WORKERS ?= 0

test: setup
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m game validate cards/*
	$(PY) -m game lessons cards/*
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

bench: setup
	$(PY) bench/engine.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
