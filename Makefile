# The two commands of the README: `make lab` and `make test`. Both create .venv when it is missing
# and are safe to repeat: installs are redone only when pyproject.toml or the lock file changes.
#
# Every install goes through the lock file of the Python in use (requirements/py3.X.txt, made by
# `make lock`), so a fresh machine next year gets the versions the suite passed with.
# `make test-latest` installs the newest versions pyproject.toml allows instead, to see drift first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
LOCK := requirements/py$(PYVER).txt
LOCK_PYTHONS := 3.10 3.11 3.12 3.13
# The suite runs on this many worker processes (pytest-xdist; a test file stays on one worker, so a
# notebook's cells and a module's fixtures stay together) and in random order (pytest-randomly; the
# seed is printed first; `make test PYTEST_ARGS=--randomly-seed=N` repeats an order), except that the
# longest files start first (conftest.py's HEAVIEST; --no-loadscope-reorder keeps xdist from putting
# the files with the most tests first, which put the nbgrader round last).
TEST_WORKERS ?= 2
# Installs go through uv (bootstrapped with pip from the lock): the test extras in about 15 s against
# pip's 35-41 s (2026-12-03). Should uv fail (no direct access to PyPI, say), pip installs the same lock.
UV := $(VENV)/bin/uv
define install_locked
	$(PIP) install -q -c $(LOCK) uv && $(UV) pip install -q --python $(PY) --compile-bytecode -c $(LOCK) $(1) \
	  || $(PIP) install -q -c $(LOCK) $(1)
endef
TEST_EXTRAS := .[test,docs]
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

.PHONY: lab test test-core test-latest lint bench bench-hub exercises docs install install-test lock clean help

help:
	@echo "make lab          create $(VENV), install neurodyn_lab, open JupyterLab on the exercises"
	@echo "make test         install the test extras into $(VENV) and run the whole test suite"
	@echo "make test-core    the package's own tests only (no notebooks, no browser)"
	@echo "make lint         ruff (bug risks, private access, banned APIs) and mypy (lower layers); part of make test"
	@echo "make test-latest  the core tests with the newest allowed versions (in .venv-latest)"
	@echo "make lock         re-resolve requirements/py3.X.txt for every supported Python"
	@echo "make bench        run the benchmarks (figures, baselines and ratios)"
	@echo "make bench-hub    a real JupyterHub's capacity: students dragging at once, memory per student (root)"
	@echo "make exercises    regenerate the student notebooks from exercises/source/"
	@echo "make docs         build the documentation site into docs/_build/html (warnings are errors)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(LOCK):
	@echo "no lock file for Python $(PYVER): supported are $(LOCK_PYTHONS) ($(LOCK) is missing)" >&2
	@exit 1

$(VENV)/.installed-lab: pyproject.toml $(LOCK) | $(PY)
	$(call install_locked,-e ".[lab]")
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) | $(PY)
	$(call install_locked,-e "$(TEST_EXTRAS)")
	@touch $@ $(VENV)/.installed-lab

install: $(VENV)/.installed-lab

install-test: $(VENV)/.installed-test

lab: $(VENV)/.installed-lab
	$(VENV)/bin/neurodyn-lab lab

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m mypy

test: lint
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-core: lint
	$(PY) -m pytest $(PYTEST_PARALLEL) neurodyn_lab tests --ignore=tests/e2e --ignore=tests/test_binder_build.py -m "not notebooks and not slow"

# Drift: the newest releases pyproject.toml allows, in a venv of their own, never the students' lock.
test-latest:
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install -q --disable-pip-version-check --upgrade --upgrade-strategy eager -e ".[test,docs]"
	.venv-latest/bin/python -m pip list --disable-pip-version-check 2>/dev/null | grep -i -E "^(brian2|numpy|matplotlib|ipympl|ipywidgets) "
	NEURODYN_LAB_UNLOCKED=1 .venv-latest/bin/python -m pytest neurodyn_lab tests --ignore=tests/e2e --ignore=tests/test_binder_build.py -m "not notebooks and not slow"

# One lock per supported Python, resolved by uv for that version without needing the interpreter.
# binder/requirements.txt takes its pins from the Python 3.11 lock (binder/runtime.txt).
lock: | $(PY)
	$(PIP) install -q "uv>=0.5"
	@mkdir -p requirements
	for v in $(LOCK_PYTHONS); do \
	  $(VENV)/bin/uv pip compile pyproject.toml --all-extras --python-version $$v --python-platform linux \
	    --custom-compile-command "make lock" -q -o requirements/py$$v.txt || exit 1; \
	done
	$(PY) requirements/binder_pins.py requirements/py3.11.txt binder/requirements.txt

bench: $(VENV)/.installed-test
	$(PY) benchmarks/bench_core.py
	$(PY) benchmarks/bench_panels.py
	$(PY) benchmarks/bench_compat.py
	$(PY) benchmarks/bench_browser.py
	$(PY) benchmarks/bench_canvas.py

# A real JupyterHub's capacity for a class (as root, with node and configurable-http-proxy; about 10 min).
bench-hub: $(VENV)/.installed-test
	$(PY) benchmarks/bench_hub.py

docs: $(VENV)/.installed-test
	rm -rf docs/_build
	$(PY) -m sphinx -j auto -E -W --keep-going -n -b html -d docs/_build/doctrees docs docs/_build/html

exercises: $(VENV)/.installed-test
	$(PY) -m neurodyn_lab.grading.build

clean:
	rm -rf $(VENV) .venv-latest build dist *.egg-info .pytest_cache
