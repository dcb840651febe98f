"""Brian2's compiler-flag probe, made once per compiler instead of once per process.

Before its first Cython model, every process that runs Brian2 asks the C++ compiler, flag by flag,
whether it accepts Brian2's compile flags: six compiler runs, about 0.1 s of wall time and of CPU
(measured 2026-12-03 on the 2-core machine), paid again by every student's kernel, eight times over
when a class starts together, and by each fresh interpreter of the test suite. The answers depend
on the compiler only, so they are kept in a file beside the compiled models (`FILE`), under the
compiler's command and its file's identity (resolved path, size, modification time): a compiler
that changed is asked again, and a flag not in the file is asked as before.

The table the answers go into is Brian2's own (its ``cpp_prefs`` module keeps one per process); the
engine reaches it through its fence, ``engine/_fastpath.py``.

Examples
--------
>>> import sys, tempfile
>>> folder = tempfile.mkdtemp()
>>> compiler = sys.executable  # any program on this machine stands in for the compiler here
>>> probed = {(compiler, "-O3"): True, (compiler, "-flag-it-lacks"): False}
>>> save(folder, probed)
2
>>> table = {}
>>> load([folder], table)
2
>>> table == probed
True
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, MutableMapping
from pathlib import Path

__all__ = ["FILE", "compiler_identity", "load", "save"]

#: The file, in a compile cache folder, that keeps the compiler's answers.
FILE = "neurodyn_lab_compiler_flags.json"

Table = MutableMapping[tuple[str, str], bool]


def compiler_identity(command: str) -> str | None:
    """The identity of the compiler that `command` (such as ``"c++"`` or ``"g++ -pthread"``) runs:
    its resolved path, size and modification time; None if it cannot be found.

    Examples
    --------
    >>> compiler_identity("no-such-compiler-here") is None
    True
    """
    words = command.split()
    found = shutil.which(words[0]) if words else None
    if found is None:
        return None
    path = os.path.realpath(found)
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _read(folder: str | os.PathLike[str]) -> dict:
    """The file's entries that have the expected shape: command -> {"identity", "flags"}."""
    try:
        data = json.loads(Path(folder, FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, unreadable or half-written by an older version: ask again
        return {}
    if not isinstance(data, dict):
        return {}
    return {command: entry for command, entry in data.items()
            if isinstance(entry, dict) and isinstance(entry.get("flags"), dict)}


def load(folders: Iterable[str | os.PathLike[str] | None], table: Table) -> int:
    """Put into `table` the answers kept in `folders` (the first folder that has one wins) for
    compilers whose identity is unchanged; return how many were added.

    Entries already in `table` are kept; a folder that is None, missing or unreadable is skipped.
    """
    added = 0
    identities: dict[str, str | None] = {}
    for folder in folders:
        if folder is None:
            continue
        for command, entry in _read(folder).items():
            if command not in identities:
                identities[command] = compiler_identity(command)
            if identities[command] is None or entry.get("identity") != identities[command]:
                continue
            for flag, accepted in entry["flags"].items():
                if isinstance(accepted, bool) and (command, flag) not in table:
                    table[(command, flag)] = accepted
                    added += 1
    return added


def save(folder: str | os.PathLike[str], table: Table) -> int:
    """Keep the answers of `table` in `folder` (merged with those already there); return how many
    the file holds. A folder this user cannot write is left as it is (0)."""
    data = _read(folder)
    identities: dict[str, str | None] = {}
    for (command, flag), accepted in table.items():
        if command not in identities:
            identities[command] = compiler_identity(command)
        identity = identities[command]
        if identity is None or not isinstance(accepted, bool):
            continue
        if command not in data or data[command].get("identity") != identity:
            data[command] = {"identity": identity, "flags": {}}
        data[command]["flags"][flag] = accepted
    path = Path(folder, FILE)
    partial = path.with_name(f"{FILE}.{os.getpid()}.tmp")
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(partial, path)  # whole or not at all: kernels starting together may write at once
    except OSError:
        partial.unlink(missing_ok=True)
        return 0
    return sum(len(entry["flags"]) for entry in data.values())
