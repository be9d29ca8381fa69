# The two commands of the README:
#   make demo   installs kefulint (the base package only) into .venv and runs it on the bundled samples/
#   make test   installs what the tests need (dev tools, the spark extra for the Spark test, headless
#               Chromium for the page tests) and runs every test
# and the quick loop while working:
#   make check  ruff, mypy on linter/ and cli/, unit and rule tests on every core (pytest-xdist),
#               under 30 s; tests/system/ (processes that build a Linter of their own, many threads,
#               kills, soaks, the browser, Spark, the whole JD corpus) runs in make test only
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: demo test check install install-dev browser bench

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# kefulint alone: what the demo (and a user) needs
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

# the tests and benchmarks: pytest, hypothesis, ruff, mypy, the baselines, and pyspark for tests/system/test_spark_scan.py
$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev,spark]'
	touch $@ $(VENV)/.installed

# the dev tools only (no Spark, no browser): enough for `make check`
$(VENV)/.dev-installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

browser: install-dev
	PYTHON=$(PY) bash scripts/install-browser.sh

demo: install
	$(VENV)/bin/kefulint check --fail-on never samples/drafts.txt samples/drafts.jsonl
	$(VENV)/bin/kefulint scan --fail-on never samples/scan/
	cd samples/templates && ../../$(VENV)/bin/kefulint lint --fail-on never --no-cache

test: install-dev browser
	bash scripts/run-tests.sh $(PY)

# PYTHONDONTWRITEBYTECODE is emptied for the tests: without bytecode caches (__pycache__, ignored by
# git) every run compiles the package again, in pytest and in each subprocess a test starts, and
# rewrites every test module's asserts (collection alone: 3.5 s -> 1.9 s)
check: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	bash scripts/typecheck.sh $(PY)
	KEFULINT_QUICK=1 PYTHONDONTWRITEBYTECODE= bash scripts/run-tests.sh $(PY) -n auto tests/unit tests/rules

bench: install-dev
	cd benchmarks && ../$(PY) run_all.py
