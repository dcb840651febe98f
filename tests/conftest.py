"""Shared test set-up: a non-interactive matplotlib backend and common parameter sets."""


import os
import tempfile

import matplotlib

matplotlib.use("Agg")
# check() keeps attempt counts under NEURODYN_LAB_HOME (default ~/.neurodyn_lab): never the real home.
os.environ.setdefault("NEURODYN_LAB_HOME", tempfile.mkdtemp(prefix="neurodyn-lab-home-"))

import pytest  # noqa: E402
from brian2 import ms  # noqa: E402

from neurodyn_lab import LIFParams  # noqa: E402


@pytest.fixture
def book():
    return LIFParams()


@pytest.fixture
def book_tref3():
    return LIFParams().replace(t_ref=3 * ms)


@pytest.fixture
def classic():
    return LIFParams.classic()


@pytest.fixture
def kernel_env(tmp_path):
    """``kernel_env(**variables)``: the notebook functions (check, summary, student, ...) act from now
    on as in a kernel started with these environment variables (a new grading session made from
    them; attempts under tmp_path). Called once with none at the start of the test."""
    from neurodyn_lab._config import Settings
    from neurodyn_lab.grading.session import GradingSession, set_default_session

    def start(**variables):
        env = {"NEURODYN_LAB_HOME": str(tmp_path / "home"), **variables}
        set_default_session(GradingSession(Settings.from_environ(env)))

    start()
    return start
