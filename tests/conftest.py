"""Shared test set-up: a non-interactive matplotlib backend and common parameter sets."""


import matplotlib

matplotlib.use("Agg")

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


def pytest_collection_modifyitems(session, config, items):
    """Run the real-browser tests last.

    Playwright's sync API keeps an asyncio event loop running in the main thread until the session
    ends; tests after it would see a "running loop" as if they were inside a Jupyter kernel (the
    panels then defer their updates to that loop).
    """
    items.sort(key=lambda item: item.nodeid.startswith("tests/e2e/"))
