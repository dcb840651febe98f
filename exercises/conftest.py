"""pytest hooks for the exercise notebooks, which nbval runs (``pytest --nbval-lax exercises``).

Solution notebooks (``exercises/source/``) run in strict mode: ``NEURODYN_LAB_STRICT=1`` in the
kernel's environment makes a failing check raise, so a broken solution fails the suite; they run as
a student (``JUPYTERHUB_USER``, default ``nbval-student``; set ``NEURODYN_LAB_TEST_STUDENT`` to try
another id), since they must pass for any student's neuron. Student notebooks (``exercises/*.ipynb``)
run with strict mode off and without an id: they must go from top to bottom without an error while
their checks say "not answered yet". Attempt counts go to a temporary folder, never to the user's
home. Every notebook item is marked ``notebooks``.
"""

import os
import tempfile
from pathlib import Path

import pytest

_SOURCE = Path(__file__).resolve().parent / "source"
_HOME = tempfile.mkdtemp(prefix="neurodyn-attempts-")


def _is_notebook(item):
    return Path(str(item.fspath)).suffix == ".ipynb"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_notebook(item):
            item.add_marker(pytest.mark.notebooks)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    # nbval starts a notebook's kernel in the set-up of its first cell, and the kernel inherits this
    # process's environment; restore it afterwards so no other test sees these settings.
    if not _is_notebook(item):
        yield
        return
    solution = _SOURCE in Path(str(item.fspath)).resolve().parents
    settings = {
        "NEURODYN_LAB_STRICT": "1" if solution else "0",
        "JUPYTERHUB_USER": os.environ.get("NEURODYN_LAB_TEST_STUDENT", "nbval-student") if solution else None,
        "NEURODYN_LAB_HOME": _HOME,
    }
    saved = {name: os.environ.get(name) for name in settings}
    for name, value in settings.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
