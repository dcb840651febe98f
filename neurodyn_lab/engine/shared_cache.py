"""A compile cache shared by every user of a hub: compiled once by the administrator, read by all.

Brian2 keeps its compiled Cython models in one folder (the preference
``codegen.runtime.cython.cache_dir``, by default ``~/.cython/brian_extensions``) and writes a lock
file beside each model it loads. Pointed at a folder the students can only read, the lock raises
PermissionError, Brian2 concludes that Cython does not work and every update runs on numpy (94-96 ms
of CPU instead of 12-16 ms, measured on a JupyterHub 2026-12).

So the shared folder is never Brian2's cache. Each kernel keeps its own writable cache, and
`overlay` links every compiled model of the shared folder into it: a linked model loads as if it had
been compiled there (Brian2 loads a model whose file exists), and a model the shared folder lacks is
compiled into the kernel's own cache as before. Brian2's cache key includes the interpreter's path
(``sys.executable``), so a cache built by ``venv/bin/python`` misses for kernels started as
``venv/bin/python3``: the shared folder's manifest names what built it, and `overlay` says in one
sentence when it cannot serve this kernel.

Examples
--------
>>> import tempfile, pathlib
>>> shared, own = pathlib.Path(tempfile.mkdtemp()), pathlib.Path(tempfile.mkdtemp())
>>> write_manifest(shared)
>>> (shared / ("_cython_magic_0" + EXTENSION_SUFFIX)).write_bytes(b"")
0
>>> overlay(shared, own)
OverlayReport(linked=1, reason=None)
>>> (own / ("_cython_magic_0" + EXTENSION_SUFFIX)).is_symlink()
True
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MANIFEST", "EXTENSION_SUFFIX", "OverlayReport", "fingerprint", "write_manifest", "overlay",
           "publish", "own_cache_dir", "why_not_cython"]

#: The file in a shared cache that says what built it.
MANIFEST = "neurodyn_lab_cache.json"
#: The file name ending of a compiled model on this interpreter (".cpython-311-x86_64-linux-gnu.so").
EXTENSION_SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def fingerprint() -> dict[str, str]:
    """What Brian2's cache key depends on, besides the model's code, for this interpreter.

    Examples
    --------
    >>> sorted(fingerprint())
    ['CC', 'CXX', 'cython', 'executable', 'numpy', 'python']
    """
    import numpy

    try:
        import Cython

        cython = Cython.__version__
    except ImportError:
        cython = ""
    return {
        "executable": sys.executable,
        "python": ".".join(map(str, sys.version_info[:3])),
        "cython": cython,
        "numpy": ".".join(numpy.__version__.split(".")[:2]),
        "CC": os.environ.get("CC", ""),
        "CXX": os.environ.get("CXX", ""),
    }


def write_manifest(folder: str | os.PathLike[str]) -> None:
    """Record in `folder` what built its models (this interpreter's `fingerprint`)."""
    Path(folder, MANIFEST).write_text(json.dumps(fingerprint(), indent=1) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class OverlayReport:
    """What `overlay` did: how many compiled models it linked, and why it linked none (or None)."""

    linked: int
    reason: str | None


def _mismatch(built: dict[str, str], here: dict[str, str], shared: Path) -> str | None:
    names = {"executable": "interpreter", "python": "Python", "cython": "Cython", "numpy": "numpy",
             "CC": "C compiler (CC)", "CXX": "C++ compiler (CXX)"}
    for key, name in names.items():
        if built.get(key, "") != here[key]:
            return (f"the shared compile cache {shared} was built for {name} {built.get(key) or '(none)'!s} and this "
                    f"kernel runs {here[key] or '(none)'}, so each model compiles again here (about 50 s at first): "
                    f"run `{here['executable']} -m neurodyn_lab warmup --shared {shared}` as the administrator")
    return None


def overlay(shared: str | os.PathLike[str], own: str | os.PathLike[str]) -> OverlayReport:
    """Link the compiled models of the read-only folder `shared` into this kernel's cache `own`.

    Parameters
    ----------
    shared : path
        A folder made by `publish` (``neurodyn-lab warmup --shared DIR``).
    own : path
        This kernel's writable Brian2 cache (created if missing).

    Returns
    -------
    OverlayReport
        ``reason`` is one sentence when nothing could be linked (missing folder, no manifest, built
        by another interpreter); models already in `own` are kept.
    """
    shared, own = Path(shared), Path(own)
    try:
        built = json.loads((shared / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if not shared.is_dir():
            return OverlayReport(0, f"the shared compile cache {shared} does not exist")
        return OverlayReport(0, f"the shared compile cache {shared} has no {MANIFEST}: make it with "
                                f"`neurodyn-lab warmup --shared {shared}`")
    except (OSError, ValueError) as error:
        return OverlayReport(0, f"the shared compile cache {shared} cannot be read ({error.__class__.__name__}: "
                                f"{error})")
    reason = _mismatch(built if isinstance(built, dict) else {}, fingerprint(), shared)
    if reason:
        return OverlayReport(0, reason)
    own.mkdir(parents=True, exist_ok=True)
    linked = 0
    for model in shared.iterdir():
        if not model.name.endswith(EXTENSION_SUFFIX):
            continue
        target = own / model.name
        if os.path.lexists(target):
            continue
        try:
            target.symlink_to(model)
            linked += 1
        except FileExistsError:  # another kernel of the same user linked it meanwhile
            continue
    return OverlayReport(linked, None)


def publish(folder: str | os.PathLike[str]) -> int:
    """Make the compiled cache `folder` readable by everyone and writable by no one but its owner;
    write its manifest. Returns the number of compiled models in it."""
    folder = Path(folder)
    write_manifest(folder)
    count = 0
    for path in [folder, *folder.rglob("*")]:
        if path.name.endswith(".lock"):
            path.unlink(missing_ok=True)
            continue
        mode = path.stat().st_mode
        path.chmod((mode | 0o444 | (0o111 if path.is_dir() else 0)) & ~0o022)
        count += path.name.endswith(EXTENSION_SUFFIX)
    return count


def own_cache_dir() -> Path:
    """The folder Brian2 compiles this process's Cython models into.

    Brian2's preference ``codegen.runtime.cython.cache_dir`` when set, else Brian2's own default
    (``brian_extensions`` in Cython's cache folder, ``~/.cython`` unless CYTHON_CACHE_DIR says
    otherwise), asked of Brian2's ``get_cython_cache_dir`` (a module-level function, not documented
    API: where it is missing, the same rule is applied here).

    Examples
    --------
    >>> own_cache_dir().name
    'brian_extensions'
    """
    try:
        from brian2.codegen.runtime.cython_rt.extension_manager import get_cython_cache_dir

        folder = get_cython_cache_dir()
    except Exception:  # moved in a newer Brian2: its documented default
        folder = None
    if not isinstance(folder, str) or not folder:
        import brian2

        folder = brian2.prefs.codegen.runtime.cython.cache_dir or os.path.join(
            os.environ.get("CYTHON_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cython"), "brian_extensions")
    return Path(os.path.expanduser(folder))


def why_not_cython(folder: str | os.PathLike[str] | None = None) -> str:
    """One sentence on why Brian2's Cython target cannot be used here: the compile cache `folder`
    (default `own_cache_dir`) cannot be written, or there is no working C compiler.

    Examples
    --------
    >>> why_not_cython("/etc/hostname/brian_extensions")  # doctest: +ELLIPSIS
    "Brian2's compile cache /etc/hostname/brian_extensions cannot be made or written by this user..."
    """
    folder = Path(folder) if folder is not None else own_cache_dir()
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        return (f"Brian2's compile cache {folder} cannot be made or written by this user (a cache shared by a hub "
                "is read through NEURODYN_LAB_SHARED_CACHE, never used as Brian2's own), so simulations run on the "
                "slower numpy target (about 3 times longer)")
    return ("neurodyn_lab found no working C compiler for Brian2's Cython target, so simulations run on the slower "
            "numpy target (about 3 times longer): install a C compiler (Debian: apt-get install build-essential)")
