# The two commands of the README:
#   make demo   installs everything into .venv and runs kefulint on the bundled samples/
#   make test   installs everything (incl. headless Chromium for the page tests) and runs every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: demo test install browser bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,spark]'
	touch $@

install: $(VENV)/.installed

browser: install
	PYTHON=$(PY) bash scripts/install-browser.sh

demo: install
	$(VENV)/bin/kefulint check --fail-on never samples/drafts.txt samples/drafts.jsonl
	$(VENV)/bin/kefulint scan --fail-on never samples/scan/
	cd samples/templates && ../../$(VENV)/bin/kefulint lint --fail-on never --no-cache

test: install browser
	bash scripts/run-tests.sh $(PY)

bench: install
	cd benchmarks && ../$(PY) run_all.py
