# The two commands of the README: `make lab` and `make test`. Both create .venv when it is missing
# and are safe to repeat: installs are redone only when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check

.PHONY: lab test test-core bench exercises docs install install-test clean help

help:
	@echo "make lab        create $(VENV), install neurodyn_lab, open JupyterLab on the exercises"
	@echo "make test       install the test extras into $(VENV) and run the whole test suite"
	@echo "make test-core  the package's own tests only (no notebooks, no browser)"
	@echo "make bench      run the benchmarks (figures, baselines and ratios)"
	@echo "make exercises  regenerate the student notebooks from exercises/source/"
	@echo "make docs       build the documentation site into docs/_build/html (warnings are errors)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-lab: pyproject.toml | $(PY)
	$(PIP) install -q -e ".[lab]"
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install -q -e ".[test,docs]"
	@touch $@ $(VENV)/.installed-lab

install: $(VENV)/.installed-lab

install-test: $(VENV)/.installed-test

lab: $(VENV)/.installed-lab
	$(VENV)/bin/neurodyn-lab lab

test: $(VENV)/.installed-test
	$(PY) -m pytest

test-core: $(VENV)/.installed-test
	$(PY) -m pytest tests --ignore=tests/e2e --ignore=tests/test_binder_build.py -m "not notebooks and not slow"

bench: $(VENV)/.installed-test
	$(PY) benchmarks/bench_core.py
	$(PY) benchmarks/bench_panels.py
	$(PY) benchmarks/bench_browser.py

# -E: a fresh environment every time (nothing cached that could go stale); -n: every cross
# reference must resolve; -W --keep-going: all warnings are listed, then the build fails.
docs: $(VENV)/.installed-test
	rm -rf docs/_build
	$(PY) -m sphinx -j auto -E -W --keep-going -n -b html -d docs/_build/doctrees docs docs/_build/html

exercises: $(VENV)/.installed-test
	$(PY) -m neurodyn_lab.grading.build

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
