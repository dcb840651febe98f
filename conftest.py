"""Repository-wide pytest set-up: the package's docstring examples are tests too.

Every module under neurodyn_lab/ is collected for its doctests (only there: the conftest.py files
of tests/ and exercises/ share one module name, which ``--doctest-modules`` would import twice).

Importing brian2 (2.9.0 to 2.11.0, checked 2026-12) replaces pytest's DoctestModule with a
subclass that fails to collect the examples of a package's ``__init__.py`` (IndexError in
brian2/tests/__init__.py), so pytest's own class is used.
"""

from pathlib import Path

import brian2  # noqa: F401  (the import applies Brian2's patch; it is sidestepped below)
import pytest
from _pytest import doctest as _pytest_doctest

PACKAGE = Path(__file__).resolve().parent / "neurodyn_lab"

_DoctestModule = _pytest_doctest.DoctestModule
if _DoctestModule.__module__.startswith("brian2"):
    _DoctestModule = _DoctestModule.__mro__[1]


def pytest_collect_file(file_path, parent):
    if file_path.suffix == ".py" and PACKAGE in file_path.resolve().parents:
        return _DoctestModule.from_parent(parent, path=file_path)
    return None


@pytest.fixture(autouse=True)
def _fresh_grading_kernel():
    """Every test (and docstring example) starts as a fresh notebook kernel does: a new grading
    session (no student set, no results) with this process's settings, whatever ran before it in
    this process and in whatever order; the previous session is put back afterwards."""
    from neurodyn_lab.grading.session import GradingSession, set_default_session

    previous = set_default_session(GradingSession())
    yield
    set_default_session(previous)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The suite runs in random order (pytest-randomly, seed printed at the top), but a notebook's
    cells are one test that nbval reports cell by cell: they run together, in the notebook's order.
    Each notebook's block of cells goes where its first cell was shuffled to, so the order of the
    notebooks and of everything else still follows the seed."""
    cells, first, rest = {}, {}, []
    for item in items:
        if type(item).__module__.startswith("nbval") and hasattr(item, "cell_num"):
            key = str(item.path)
            if key not in cells:
                cells[key], first[key] = [], len(rest)
            cells[key].append(item)
        else:
            rest.append(item)
    for key in sorted(cells, key=lambda k: first[k], reverse=True):
        rest[first[key]:first[key]] = sorted(cells[key], key=lambda item: item.cell_num)
    items[:] = heaviest_first(rest, config.rootpath)


#: Test files that share a session fixture too costly to build twice: on parallel workers they go to
#: one worker together, as one unit. The e2e files share one JupyterLab server, one chromium and the
#: six student notebooks run in it (`ran_notebook`): on two workers both ran all six, 30 s each
#: (CI, 2026-12-03).
TOGETHER = ("tests/e2e/",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test`'s ``--dist loadfile``, with the files under each of `TOGETHER` as one unit."""
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class TogetherScheduling(LoadFileScheduling):
        # xdist's documented way to group differently: the scope of a test's node id.
        def _split_scope(self, nodeid):
            for folder in TOGETHER:
                if nodeid.startswith(folder):
                    return folder
            return super()._split_scope(nodeid)

    return TogetherScheduling(config, log)


#: The test files (or folders run as one unit: `TOGETHER`) that take longest, longest first: on
#: parallel workers (`make test`: pytest-xdist, one file per worker at a time,
#: ``--no-loadscope-reorder``) they start first, so that what is left at the end is short and the
#: workers finish together. xdist's own order (files with the most tests first) had put the nbgrader
#: round last. Worker seconds, mean of three runs of the whole suite on 2 workers (2026-12-03/04:
#: two clean clones and one working tree, nothing else running): test_nbgrader 296, test_hub 178, test_binder_build 80, tests/e2e/ 75,
#: test_docs 63, test_confinement 52, test_first_call 42, test_function_batch 39,
#: test_solutions_release 31, test_panels 26, test_canvas_view 26, test_physics 19, test_engine 16,
#: test_nb02_science 14, test_nb05_noise 12, test_nb04_experiment 11, test_bad_input_catalogue 11;
#: every other file under 10. With only the first nine listed, one worker ran alone for the last
#: 40 s or so of a run (CPU 50 % busy, 2026-12-04).
HEAVIEST = (
    "tests/test_nbgrader.py", "tests/test_hub.py", "tests/test_binder_build.py", "tests/e2e/",
    "tests/test_docs.py", "tests/test_confinement.py", "tests/test_first_call.py",
    "tests/test_function_batch.py", "tests/test_solutions_release.py", "tests/test_panels.py",
    "tests/test_canvas_view.py", "tests/test_physics.py", "tests/test_engine.py",
    "tests/test_nb02_science.py", "tests/test_nb05_noise.py", "tests/test_nb04_experiment.py",
    "tests/test_bad_input_catalogue.py",
)


def heaviest_first(items, root):
    """`items` with the files and folders of `HEAVIEST` first, in that order; every other file keeps
    its place (the seed's order) after them, and a unit's own items keep theirs (a stable sort)."""

    def key(item):
        try:
            name = Path(str(item.path)).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:  # outside the repository
            return len(HEAVIEST)
        for rank, unit in enumerate(HEAVIEST):
            if name == unit or (unit.endswith("/") and name.startswith(unit)):
                return rank
        return len(HEAVIEST)

    return sorted(items, key=key)
