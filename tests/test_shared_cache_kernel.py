"""A kernel on a hub with the shared compile cache: the shared folder is read-only, the kernel's own
cache is empty, and the first simulation compiles nothing and runs on Cython (not numpy).

The kernel runs in bubblewrap (Debian's ``bubblewrap``) with the shared folder mounted read-only, as
a student's kernel sees an administrator's folder; skipped with the reason where bwrap cannot run.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

BWRAP = shutil.which("bwrap")

KERNEL = textwrap.dedent("""
    import json, os, time, warnings
    start = time.perf_counter()
    import brian2  # before catching: importing it sends warnings to its log
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from brian2 import nA, ms
        from neurodyn_lab import engine, inputs, simulate
        result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    own = engine.shared_cache.own_cache_dir()
    print(json.dumps({"target": engine.code_target().__name__, "spikes": result.spike_count,
                      "seconds": time.perf_counter() - start,
                      "warnings": [str(w.message) for w in caught if "neurodyn_lab" in str(w.message)],
                      "compiled_here": sorted(p.name for p in own.glob("*.so") if not p.is_symlink()),
                      "linked": sorted(p.name for p in own.glob("*.so") if p.is_symlink())}))
""")


def _bwrap_works():
    if BWRAP is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    done = subprocess.run([BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "true"],
                          capture_output=True, text=True)
    return None if done.returncode == 0 else f"bwrap cannot run here: {done.stderr.strip()}"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A shared cache for this interpreter with the models the kernel below needs, as `publish`
    leaves it; ``models.json`` beside it names the model files (not Brian2's Cython probe).

    The files come from this user's own Brian2 cache, where a step simulation loads them (compiled
    there first when no test has run a step yet; the rest of the suite finds them then): compiling
    them into an empty folder took 95 s (2026-12-03, load average 6) and gave the same files, the
    same names (Brian2's key is the code, the interpreter and the versions, not the folder). What
    this module tests is a kernel's use of the folder, not the compiler.
    """
    folder = tmp_path_factory.mktemp("shared-cache")
    build = textwrap.dedent(f"""
        import json, shutil, sys
        from brian2 import nA, ms
        from neurodyn_lab import engine, inputs, simulate
        from neurodyn_lab.engine import shared_cache
        def loaded():
            return {{name: module.__file__ for name, module in sys.modules.items() if name.startswith("_cython_magic_")}}
        engine.code_target()  # Brian2's Cython probe: a module too
        probe = loaded()
        simulate(inputs.step(1 * nA, 10 * ms, 60 * ms), 100 * ms)
        for path in loaded().values():
            shutil.copy(path, {str(folder)!r})
        models = sorted(shutil.os.path.basename(path) for name, path in loaded().items() if name not in probe)
        print(json.dumps({{"published": shared_cache.publish({str(folder)!r}), "models": models}}))
    """)
    done = subprocess.run([sys.executable, "-c", build], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    built = json.loads(done.stdout.strip().splitlines()[-1])
    assert built["published"] >= 2 and built["models"], built
    (folder.parent / "models.json").write_text(json.dumps(built["models"]))
    return folder


def _kernel(shared, home, **env):
    reason = _bwrap_works()
    if reason:
        pytest.skip(reason)
    home.mkdir(exist_ok=True)
    variables = {"HOME": str(home), "PATH": os.environ["PATH"], "NEURODYN_LAB_SHARED_CACHE": str(shared),
                 "TMPDIR": str(home),
                 "NEURODYN_LAB_HOME": str(home / ".neurodyn_lab"), **env}
    # /tmp stays visible: the checkout and its venv may live there (CI clones into /tmp).
    command = [BWRAP, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
               "--bind", str(home), str(home), "--ro-bind", str(shared), str(shared), "--clearenv"]
    for name, value in variables.items():
        command += ["--setenv", name, value]
    done = subprocess.run(command + [sys.executable, "-c", KERNEL], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_kernel_uses_the_read_only_shared_cache_and_compiles_nothing(shared, tmp_path):
    out = _kernel(shared, tmp_path / "student")
    assert out["target"] == "CythonCodeObject" and out["warnings"] == []
    assert out["compiled_here"] == [] and out["linked"], out
    assert out["spikes"] == 5  # the book's T(I) for the default neuron: 5 spikes in the 50 ms step
    assert out["seconds"] < 10, out  # 45-55 s when every model compiles (issue 18); about 2 s linked


def test_a_cache_built_by_another_interpreter_is_named_and_the_kernel_compiles_its_own(shared, tmp_path):
    other = tmp_path / "other-shared"
    shutil.copytree(shared, other)
    manifest = json.loads((other / "neurodyn_lab_cache.json").read_text())
    (other / "neurodyn_lab_cache.json").write_text(json.dumps({**manifest, "executable": "/opt/venv/bin/python3"}))
    # The kernel's own cache holds the models of an earlier session of its own but one (the smallest),
    # which it must compile: all of them took 64 s here (2026-12-03, load average 6), one takes a few.
    models = sorted(json.loads((shared.parent / "models.json").read_text()), key=lambda name: (shared / name).stat().st_size)
    own = tmp_path / "student" / ".cython" / "brian_extensions"
    own.mkdir(parents=True)
    for name in models[1:]:
        shutil.copy(shared / name, own / name)
    out = _kernel(other, tmp_path / "student")
    assert out["target"] == "CythonCodeObject" and out["linked"] == [], out
    assert models[0] in out["compiled_here"], out  # compiled by the kernel: the other interpreter's file is not used
    assert len(out["warnings"]) == 1 and "was built for interpreter /opt/venv/bin/python3" in out["warnings"][0]


def test_without_a_writable_own_cache_the_reason_is_said_not_a_missing_compiler(shared, tmp_path):
    home = tmp_path / "student"
    home.mkdir()
    (home / ".cython").write_text("a file where the cache folder should be")
    out = _kernel(shared, home, NEURODYN_LAB_SHARED_CACHE="")
    assert out["target"] == "NumpyCodeObject"
    assert any("compile cache" in w and "cannot be made or written" in w for w in out["warnings"]), out
    assert not any("no working C compiler" in w for w in out["warnings"])
