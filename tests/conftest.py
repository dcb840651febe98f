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
