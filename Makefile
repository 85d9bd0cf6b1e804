# The handbook's commands. `make serve` and `make test` set up everything they
# need on a fresh Debian machine: a Python venv (pinned), npm packages (lock
# file), and Debian's chromium for the browser tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test check translations accuracy train bench bench-checker bench-browser clean

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python macros/runtime.py fetch-wheels
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium for the browser tests, nginx to test the publishing example.
/usr/bin/chromium /usr/sbin/nginx:
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx-light >/dev/null

setup: $(VENV)/.installed node_modules/.installed

## serve: preview the site with live reload at http://127.0.0.1:8000
serve: setup
	$(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

## build: the static site, into site/, ready for any static host
build: setup
	$(BIN)/mkdocs build --strict -d site

## test: every test (checker, Pyodide, site build, real browser, accessibility)
test: setup /usr/bin/chromium /usr/sbin/nginx
	$(BIN)/python -m pytest

## check: the content checks an editor runs before publishing (no browser)
check: setup
	$(BIN)/python -m pytest --ignore=tests/browser

## translations: which translated pages are stale or missing
translations: setup
	$(BIN)/python macros/translations.py status

## accuracy: precision, recall and verdicts on the blind corpus (dev and frozen test split), then the phrase banks
accuracy: setup
	$(BIN)/python tests/accuracy.py
	$(BIN)/python tests/accuracy.py --phrases

## train: learn the checker's weights again, levels chosen on the batches named here (why these: tests/corpus/README.md)
train: setup
	$(BIN)/python tests/train_model.py --hold-out=-b13- --hold-out=-b14- --hold-out=-b15- --hold-out=-b16- --hold-out=-b17- --hold-out=-b18- --hold-out=-b19- --hold-out=-b20- --hold-out=-b21- --hold-out=-b22- --blind=-b23-

## bench: latency figures for the checker and for the site in Chromium
bench: bench-checker bench-browser
bench-checker: setup
	$(BIN)/python tests/benchmarks/bench_checker.py
bench-browser: setup /usr/bin/chromium
	$(BIN)/python tests/benchmarks/bench_browser.py

clean:
	rm -rf site $(VENV) node_modules .pytest_cache .hypothesis
