"""The lock files (requirements/py3.X.txt) agree with pyproject.toml, with Binder, and with this
environment: what students install is what the suite passed with."""

import os
import re
import subprocess
import sys
from importlib.metadata import version

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from repo_files import REPO

tomllib = pytest.importorskip("tomllib", reason="Python 3.10 has no tomllib (the lock files are checked on 3.11+)")

sys.path.insert(0, str(REPO / "requirements"))
from binder_pins import BINDER_PACKAGES, lock_pins  # noqa: E402

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def supported_pythons():
    """Every minor version of Python 3 that requires-python admits."""
    allowed = SpecifierSet(PYPROJECT["project"]["requires-python"])
    return [f"3.{minor}" for minor in range(6, 20) if Version(f"3.{minor}.0") in allowed]


def requirements():
    reqs = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    for extra in PYPROJECT["project"]["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra]
    return reqs


def canonical(name):
    return name.lower().replace("_", "-")


def test_there_is_a_lock_for_every_supported_python():
    pythons = supported_pythons()
    assert pythons == ["3.10", "3.11", "3.12", "3.13"], pythons
    missing = [v for v in pythons if not (REPO / "requirements" / f"py{v}.txt").is_file()]
    assert not missing, f"no lock file for Python {missing}: run `make lock`"


@pytest.mark.parametrize("python", supported_pythons())
def test_each_lock_satisfies_pyproject_for_its_python(python):
    pins = lock_pins(REPO / "requirements" / f"py{python}.txt")
    environment = {"python_version": python, "python_full_version": f"{python}.0", "extra": ""}
    checked = 0
    for req in requirements():
        if req.marker is not None and not req.marker.evaluate(environment):
            continue
        name = canonical(req.name)
        assert name in pins, f"requirements/py{python}.txt pins no {name} (pyproject asks for {req})"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"requirements/py{python}.txt pins {name}=={pins[name]}, outside pyproject's {req}"
        )
        checked += 1
    assert checked >= 10


def test_every_dependency_whose_internals_we_touch_has_an_upper_bound():
    for req in requirements():
        if canonical(req.name) in {"brian2", "matplotlib", "ipympl"}:
            assert any(s.operator in {"<", "<=", "=="} for s in req.specifier), (
                f"{req}: a dependency whose internals we touch needs an upper bound at the newest tested release"
            )


def test_binder_installs_the_python_3_11_lock():
    runtime = (REPO / "binder" / "runtime.txt").read_text().strip()
    python = runtime.removeprefix("python-")
    pins = lock_pins(REPO / "requirements" / f"py{python}.txt")
    binder = lock_pins(REPO / "binder" / "requirements.txt")
    assert set(binder) == set(BINDER_PACKAGES)
    for name, pinned in binder.items():
        assert pins[name] == pinned, f"binder/requirements.txt pins {name}=={pinned}, the lock {pins[name]}: run `make lock`"


@pytest.mark.skipif(os.environ.get("NEURODYN_LAB_UNLOCKED") == "1", reason="make test-latest: newest versions on purpose")
def test_this_environment_was_installed_through_its_lock():
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    pins = lock_pins(REPO / "requirements" / f"py{here}.txt")
    for name in ("brian2", "numpy", "matplotlib", "ipympl", "ipywidgets", "jupyterlab", "nbval", "nbgrader", "pytest"):
        if name in pins:
            assert canonical(version(name)) == canonical(pins[name]), (
                f"{name} {version(name)} is installed, the lock for Python {here} says {pins[name]}: "
                "install with `make test` (pip install -c requirements/py3.X.txt)"
            )


def test_the_makefile_installs_through_the_lock():
    # What make would run (make -n) to install a fresh venv: every pip and uv install names the lock,
    # and uv's install and pip's fallback install the same thing.
    for target, extras in (("install", '-e ".[lab]"'), ("install-test", '-e ".[test,docs]"')):
        dry = subprocess.run(["make", "-n", target, "VENV=/nonexistent/venv"], cwd=REPO, capture_output=True,
                             text=True, timeout=60)
        assert dry.returncode == 0, dry.stderr
        installs = [part.strip() for line in dry.stdout.splitlines() for part in re.split(r"&&|\|\|", line)
                    if re.search(r"\bpip\b.*\binstall\b", part)]
        assert len(installs) == 3, installs  # uv itself, then the extras by uv, or by pip if uv fails
        assert all(re.search(r" -c requirements/py3\.\d+\.txt\b", part) for part in installs), installs
        assert [part.endswith(extras) for part in installs] == [False, True, True], installs
