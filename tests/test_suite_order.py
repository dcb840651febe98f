"""The suite's order on parallel workers: the longest files start first (conftest.py), whatever the seed."""

import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
# The repository's conftest.py (``import conftest`` would find tests/conftest.py).
_spec = importlib.util.spec_from_file_location("root_conftest", REPO / "conftest.py")
root_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root_conftest)


def test_every_heavy_file_exists():
    # A renamed file would silently lose its early start.
    missing = [name for name in root_conftest.HEAVIEST
               if not ((REPO / name).is_dir() if name.endswith("/") else (REPO / name).is_file())]
    assert not missing, f"conftest.HEAVIEST names files that are gone: {missing}"


def test_heavy_files_go_first_and_the_rest_keep_the_seeds_order():
    items = [SimpleNamespace(path=REPO / name, name=f"{name}#{k}") for k, name in enumerate([
        "tests/test_cli.py", "tests/test_hub.py", "tests/test_inputs.py", "tests/test_nbgrader.py",
        "tests/e2e/test_panels_in_lab.py", "tests/test_hub.py", "tests/test_cli.py",
        "tests/e2e/test_canvas_in_lab.py", "exercises/00_getting_started.ipynb"])]
    ordered = [item.name for item in root_conftest.heaviest_first(items, REPO)]
    # A folder of HEAVIEST (tests/e2e/, one unit on the workers) ranks its files together.
    assert ordered == ["tests/test_nbgrader.py#3", "tests/test_hub.py#1", "tests/test_hub.py#5",
                       "tests/e2e/test_panels_in_lab.py#4", "tests/e2e/test_canvas_in_lab.py#7",
                       "tests/test_cli.py#0", "tests/test_inputs.py#2", "tests/test_cli.py#6",
                       "exercises/00_getting_started.ipynb#8"]


def test_make_test_keeps_that_order_on_its_workers():
    # Without --no-loadscope-reorder, xdist starts the files with the most tests first (the round has 12).
    parallel = re.search(r"^PYTEST_PARALLEL := (.*)$", (REPO / "Makefile").read_text(), re.M).group(1)
    assert "--dist loadfile" in parallel and "--no-loadscope-reorder" in parallel
