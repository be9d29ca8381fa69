# The two commands of the README:
#   make demo   installs everything into .venv and runs kefulint on the bundled samples/
#   make test   installs everything (incl. headless Chromium for the page tests) and runs every test
# and the quick loop while working:
#   make check  ruff, mypy on linter/ and cli/, unit and rule tests (under 30 s)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: demo test check install browser bench

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

# the dev tools only (no Spark, no browser): enough for `make check`
$(VENV)/.dev-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

check: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	bash scripts/typecheck.sh $(PY)
	KEFULINT_QUICK=1 bash scripts/run-tests.sh $(PY) tests/unit tests/rules

bench: install
	cd benchmarks && ../$(PY) run_all.py
