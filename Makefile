# Two commands matter: `make run` (the app with demo data on SQLite) and `make test` (installs and tests).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CATALOGS := $(wildcard ballot/locale/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: install run test test-fast lint messages constraints bench clean

BUNDLE := ballot/static/build/ballot-crypto.js

install: $(STAMP) node_modules/.installed $(BUNDLE) $(COMPILED)

$(STAMP): pyproject.toml crypto/pyproject.toml audits/pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e crypto -e audits -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BUNDLE): node_modules/.installed $(wildcard ballot/static/js/crypto/*.js)
	npm run --silent build

ballot/locale/%/LC_MESSAGES/messages.mo: ballot/locale/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -d ballot/locale -D messages -l $*

run: install
	$(BIN)/ballot db upgrade
	$(BIN)/ballot demo
	$(BIN)/ballot serve

test: install
	$(BIN)/python -m pytest -n 2 -q

test-fast: install
	$(BIN)/python -m pytest -q -x -m "not browser and not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy --ignore-missing-imports ballot
	$(BIN)/mypy --ignore-missing-imports crypto/ballot_crypto audits/ballot_audit

messages: install
	$(BIN)/pybabel -q extract -w 120 -F babel.cfg -k lazy_gettext -k N_ -k ngettext:1,2 --no-location --sort-output -o ballot/locale/messages.pot .
	$(BIN)/pybabel -q update -w 120 -i ballot/locale/messages.pot -d ballot/locale -D messages --no-fuzzy-matching

constraints:
	$(BIN)/pip freeze --exclude-editable > constraints.txt

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules var/ballot.sqlite3* .pytest_cache
