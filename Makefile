# Two commands do everything (see README): `make run` and `make test`.
# Both create .venv and install what they need on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
STORE ?= .kg/store
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install system-deps bench clean-store

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Build the graph from seeds/ into an embedded store and serve it on http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(BIN)/kg build seeds --store $(STORE)
	$(BIN)/kg serve --store $(STORE) --port $(PORT)

## Install everything (Python packages, Chromium, CJK fonts) and run the whole test suite
test: $(STAMP) system-deps
	$(BIN)/python -m pytest

system-deps:
	bash scripts/install-system-deps.sh

bench: $(STAMP)
	$(BIN)/python -m bench

clean-store:
	rm -rf $(STORE)
