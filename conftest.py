"""Repository-wide pytest set-up (the package's doctests are collected from neurodyn_lab/).

Importing brian2 (2.9.0 to 2.11.0, checked 2026-12) replaces pytest's DoctestModule with a
subclass that fails to collect the examples of a package's ``__init__.py`` (IndexError in
brian2/tests/__init__.py). Our package docstrings are tests too, so pytest's own class is put back.
"""

import brian2  # noqa: F401  (the import applies Brian2's patch; undo it right after)
from _pytest import doctest as _pytest_doctest

_patched = _pytest_doctest.DoctestModule
if _patched.__module__.startswith("brian2"):
    _pytest_doctest.DoctestModule = _patched.__mro__[1]
