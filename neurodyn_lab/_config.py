"""The package's configuration: every environment variable it reads, read once, here.

A `Settings` is a frozen value. `settings()` reads the process's environment the first time it is
called and returns the same object afterwards, so a kernel's behaviour cannot change half-way
through a notebook because something wrote ``os.environ``; code that needs other settings (a test,
the autograder, a second engine) constructs its own with `Settings.from_environ` and passes it on.

========================================  ===================================================
variable                                  meaning
========================================  ===================================================
``NEURODYN_LAB_TARGET``                   Brian2 code target: ``cython`` or ``numpy`` (default:
                                          cython where a compiler works)
``NEURODYN_LAB_SHARED_CACHE``             a hub's shared compile cache (``neurodyn-lab warmup
                                          --shared DIR``), linked into the kernel's own
``NEURODYN_LAB_VIEW``                     how panels draw: ``auto``, ``image``, ``ipympl`` ...
``NEURODYN_LAB_QUESTIONS``                the course's file of question changes
``NEURODYN_LAB_STRICT``                   ``1``: a check that does not pass raises (tests)
``NEURODYN_LAB_HOME``                     where attempt counts are kept (``~/.neurodyn_lab``)
``NEURODYN_LAB_AUTOGRADE_STUDENT``        the student an autograded submission belongs to
``NEURODYN_LAB_SOLUTIONS``                a folder of the course's source notebooks: turns
                                          ``solution()`` on (default: off)
``NEURODYN_LAB_SOLUTION_ATTEMPTS``        checks of a question before ``solution()`` shows
                                          its worked solution (default 3)
``JUPYTERHUB_USER``                       the hub login (a student id when none is set)
``NBGRADER_EXECUTION``                    set by nbgrader while it executes a notebook
========================================  ===================================================

Examples
--------
>>> s = Settings.from_environ({"NEURODYN_LAB_STRICT": "yes", "NEURODYN_LAB_TARGET": " NumPy "})
>>> s.strict, s.target, s.view
(True, 'numpy', 'auto')
>>> Settings.from_environ({}).home.name
'.neurodyn_lab'
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings", "settings", "VARIABLES"]

#: Every environment variable the package reads.
VARIABLES = ("NEURODYN_LAB_TARGET", "NEURODYN_LAB_SHARED_CACHE", "NEURODYN_LAB_VIEW", "NEURODYN_LAB_QUESTIONS",
             "NEURODYN_LAB_STRICT", "NEURODYN_LAB_HOME", "NEURODYN_LAB_AUTOGRADE_STUDENT", "JUPYTERHUB_USER",
             "NBGRADER_EXECUTION", "NEURODYN_LAB_SOLUTIONS", "NEURODYN_LAB_SOLUTION_ATTEMPTS")

_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """The package's configuration (see the module docstring for each field's variable)."""

    target: str = ""
    shared_cache: str = ""
    view: str = "auto"
    questions: str = ""
    strict: bool = False
    home: Path = field(default_factory=lambda: Path.home() / ".neurodyn_lab")
    autograde_student: str = ""
    hub_user: str = ""
    nbgrader_execution: str = ""
    #: The folder of source notebooks `grading.solution` shows from; "" (the default): off.
    solutions: str = ""
    #: Checks of a question before its worked solution is shown; 0 when the variable is no whole
    #: number >= 1 (`grading.solution` then says so in one sentence).
    solution_attempts: int = 3

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings that `environ` (default: this process's environment) describes."""
        env = os.environ if environ is None else environ

        def text(name: str) -> str:
            return str(env.get(name, "") or "").strip()

        home = text("NEURODYN_LAB_HOME")
        return cls(
            target=text("NEURODYN_LAB_TARGET").lower(),
            shared_cache=text("NEURODYN_LAB_SHARED_CACHE"),
            view=text("NEURODYN_LAB_VIEW").lower() or "auto",
            questions=text("NEURODYN_LAB_QUESTIONS"),
            strict=text("NEURODYN_LAB_STRICT").lower() in _TRUE,
            home=Path(home).expanduser() if home else Path.home() / ".neurodyn_lab",
            autograde_student=text("NEURODYN_LAB_AUTOGRADE_STUDENT"),
            hub_user=text("JUPYTERHUB_USER"),
            nbgrader_execution=text("NBGRADER_EXECUTION"),
            solutions=text("NEURODYN_LAB_SOLUTIONS"),
            solution_attempts=_whole(text("NEURODYN_LAB_SOLUTION_ATTEMPTS"), 3),
        )

    @property
    def executed_by_nbgrader(self) -> bool:
        """Whether nbgrader is executing this notebook (autograde or validate)."""
        return bool(self.nbgrader_execution)

    @property
    def autograding(self) -> bool:
        """Whether nbgrader is autograding this notebook."""
        return self.nbgrader_execution == "autograde"


def _whole(text, default):
    """`text` as a whole number >= 1, `default` when empty, 0 when it is something else."""
    if not text:
        return default
    return int(text) if text.isdigit() and int(text) >= 1 else 0


@functools.cache
def settings() -> Settings:
    """This process's settings, read from its environment once (the first call).

    Examples
    --------
    >>> settings() is settings()
    True
    """
    return Settings.from_environ()
