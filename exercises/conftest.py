"""pytest hooks for the exercise notebooks, which nbval runs (``pytest --nbval-lax exercises``).

Solution notebooks (``exercises/source/``) run in strict mode: ``NEURODYN_LAB_STRICT=1`` in the
kernel's environment makes a failing check raise, so a broken solution fails the suite. Student
notebooks (``exercises/*.ipynb``) run with strict mode off: they must go from top to bottom without
an error while their checks say "not answered yet". Every notebook item is marked ``notebooks``.
"""

import os
from pathlib import Path

import pytest

_STRICT = "NEURODYN_LAB_STRICT"
_SOURCE = Path(__file__).resolve().parent / "source"


def _is_notebook(item):
    return Path(str(item.fspath)).suffix == ".ipynb"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_notebook(item):
            item.add_marker(pytest.mark.notebooks)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    # nbval starts a notebook's kernel in the set-up of its first cell, and the kernel inherits this
    # process's environment; restore it afterwards so no other test sees strict mode.
    if not _is_notebook(item):
        yield
        return
    saved = os.environ.get(_STRICT)
    os.environ[_STRICT] = "1" if _SOURCE in Path(str(item.fspath)).resolve().parents else "0"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(_STRICT, None)
        else:
            os.environ[_STRICT] = saved
