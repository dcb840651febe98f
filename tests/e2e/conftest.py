"""Fixtures for the real-browser tests: one `jupyter lab` (started by `neurodyn-lab lab` on a temp
copy of the student notebooks) and one headless Debian chromium for the whole session.

Each student notebook is opened and run once (`ran_notebook`) and kept open, so the tests that
then drive its panel reuse the same kernel instead of paying for another start and run. The
server and every kernel are ended at the end of the session, whatever happened.

Without /usr/bin/chromium the tests are skipped with the reason, except under CI (CI=true),
where .ci/run installs chromium and a missing one is a failure.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labdriver import ARTIFACTS, STUDENT_NOTEBOOKS, Browser, LabServer, chromium_available  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: drives a real JupyterLab in chromium")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def lab_home(tmp_path_factory):
    return tmp_path_factory.mktemp("jupyter-home")


@pytest.fixture(scope="session")
def lab_server(lab_home):
    if not chromium_available():
        message = "Debian chromium is not installed (/usr/bin/chromium): apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = LabServer.start(lab_home)
    try:
        yield server
    finally:
        server.stop()
        log = server.log()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "jupyter-lab.log").write_text(log)


@pytest.fixture(scope="session")
def browser(lab_server):
    b = Browser.launch()
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class RanNotebooks:
    """The student notebooks, opened as tabs of one JupyterLab page and run top to bottom once.

    The first request opens and starts all of them, one after the other without waiting for the
    previous run to end (a kernel starting overlaps another's run), then waits for each.
    """

    def __init__(self, server, browser, names):
        self.server = server
        self.browser = browser
        self.names = list(names)
        self.lab = None
        self.notebooks = {}
        self.run_seconds = {}
        self.failures = {}

    def _start_all(self):
        self.lab = self.browser.open_lab(self.server)
        for name in self.names:
            nb = self.lab.open_notebook(name)
            nb.start_run_all()
            self.notebooks[name] = nb
        for name, nb in self.notebooks.items():
            try:
                self.run_seconds[name] = nb.wait_run()
                if not nb.run_state()["failed"]:
                    nb.wait_for_no_loading_widgets()
            except Exception as exc:  # reported by the test of that notebook, not by the others
                self.failures[name] = exc

    def __call__(self, name):
        if self.lab is None:
            self._start_all()
        if name in self.failures:
            raise self.failures[name]
        nb = self.notebooks[name]
        nb.focus()
        # A dialog (a kernel that died and restarted, a lost server connection) is modal: it would
        # take every key a test presses. Say so here, with its text, for whichever test comes next.
        dialogs = nb.dialogs()
        if dialogs:
            raise AssertionError(f"a JupyterLab dialog is open over {name}: {dialogs}")
        return nb

    def close_all(self):
        # The kernels end with the server (its process group); only the page is closed here.
        if self.lab is not None:
            self.lab.close()


@pytest.fixture(scope="session")
def ran_notebook(lab_server, browser):
    notebooks = RanNotebooks(lab_server, browser, STUDENT_NOTEBOOKS)
    try:
        yield notebooks
    finally:
        notebooks.close_all()
