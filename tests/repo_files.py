"""The repository's own files, for tests that build or install the package from a copy."""

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def source_copy(target):
    """Copy the files a build needs (as an sdist or a Binder clone holds them) into `target`."""
    target.mkdir(parents=True)
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("neurodyn_lab", "exercises", "binder"):
        shutil.copytree(REPO / name, target / name, ignore=ignore)
    return target
