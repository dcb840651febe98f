"""The compiler's answers about Brian2's compile flags are asked once per compiler, not per process.

Each test runs fresh interpreters whose Brian2 cache is a folder of its own (CYTHON_CACHE_DIR) with
links to the compiled models of this machine's cache, so nothing compiles; the interpreter counts
how often Brian2 asks the compiler about a flag.
"""

import json
import os
import subprocess
import sys

import pytest

from neurodyn_lab.engine import _compiler_flags as compiler_flags
from neurodyn_lab.engine import shared_cache

FIRST_RUN = """
import json, time
from brian2.codegen import cpp_prefs
asked = []
probe = cpp_prefs._determine_flag_compatibility
cpp_prefs._determine_flag_compatibility = lambda compiler, flag: asked.append(flag) or probe(compiler, flag)
from brian2 import ms, nA
from neurodyn_lab import inputs, simulate
result = simulate(inputs.step(2.5 * nA, 10 * ms, 60 * ms), 100 * ms)
from neurodyn_lab.engine import default_engine
print(json.dumps({"asked": asked, "spikes": int(result.spike_count),
                  "target": default_engine().code_target().__name__}))
"""


@pytest.fixture
def cache_home(tmp_path):
    """A CYTHON_CACHE_DIR whose brian_extensions links this machine's compiled models (no compiling)."""
    own = tmp_path / "cython" / "brian_extensions"
    own.mkdir(parents=True)
    machine = shared_cache.own_cache_dir()
    for model in machine.glob("*" + shared_cache.EXTENSION_SUFFIX):
        (own / model.name).symlink_to(model.resolve())
    if not any(own.iterdir()):
        pytest.skip(f"no compiled models in {machine} to link (run `make lab` or a simulation first)")
    return tmp_path / "cython"


def first_run(cache_home, **env):
    environment = {**os.environ, "CYTHON_CACHE_DIR": str(cache_home), **env}
    if "NEURODYN_LAB_SHARED_CACHE" not in env:
        environment.pop("NEURODYN_LAB_SHARED_CACHE", None)
    done = subprocess.run([sys.executable, "-c", FIRST_RUN], env=environment, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["target"] == "CythonCodeObject" and out["spikes"] > 0, out
    return out


def test_the_compiler_is_asked_by_the_first_process_only(cache_home):
    first = first_run(cache_home)
    assert len(first["asked"]) >= 1  # Brian2's flags, asked of the compiler ...
    kept = json.loads((cache_home / "brian_extensions" / compiler_flags.FILE).read_text())
    assert sorted(flag for entry in kept.values() for flag in entry["flags"]) == sorted(first["asked"])
    assert first_run(cache_home)["asked"] == []  # ... and never again by the next process


def test_a_changed_compiler_is_asked_again(cache_home):
    first_run(cache_home)
    path = cache_home / "brian_extensions" / compiler_flags.FILE
    kept = json.loads(path.read_text())
    for entry in kept.values():
        entry["identity"] += "0"  # another size or time: the compiler was upgraded
    path.write_text(json.dumps(kept))
    again = first_run(cache_home)
    assert sorted(again["asked"]) == sorted(flag for entry in kept.values() for flag in entry["flags"])


def test_a_hubs_shared_cache_answers_for_every_kernel(cache_home, tmp_path):
    first_run(cache_home)  # what warmup --shared does: the answers land in the folder it compiles into
    shared = tmp_path / "shared"
    shared.mkdir()
    (cache_home / "brian_extensions" / compiler_flags.FILE).rename(shared / compiler_flags.FILE)
    shared_cache.publish(shared)
    assert (shared / compiler_flags.FILE).stat().st_mode & 0o444 == 0o444  # every student reads it
    student = first_run(cache_home, NEURODYN_LAB_SHARED_CACHE=str(shared))
    assert student["asked"] == []


def test_a_damaged_or_unwritable_file_costs_only_the_question(tmp_path):
    table = {}
    (tmp_path / compiler_flags.FILE).write_text("{not json")
    assert compiler_flags.load([tmp_path, None, tmp_path / "missing"], table) == 0 and table == {}
    (tmp_path / compiler_flags.FILE).write_text(json.dumps({sys.executable: {"identity": 7, "flags": []}}))
    assert compiler_flags.load([tmp_path], table) == 0
    assert compiler_flags.save(tmp_path, {(sys.executable, "-O3"): True}) == 1  # the bad entry is replaced
    assert compiler_flags.load([tmp_path], table) == 1 and table == {(sys.executable, "-O3"): True}
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        assert compiler_flags.save(locked, table) == 0
        assert list(locked.iterdir()) == []


def test_answers_for_a_compiler_that_is_gone_are_not_used(tmp_path):
    compiler_flags.save(tmp_path, {(sys.executable, "-O3"): True})
    kept = json.loads((tmp_path / compiler_flags.FILE).read_text())
    kept["/no/such/compiler"] = kept.pop(sys.executable)
    (tmp_path / compiler_flags.FILE).write_text(json.dumps(kept))
    table = {}
    assert compiler_flags.load([tmp_path], table) == 0 and table == {}
