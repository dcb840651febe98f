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
    """A shared cache compiled for this interpreter with the one model the kernel below needs."""
    folder = tmp_path_factory.mktemp("shared-cache")
    build = textwrap.dedent(f"""
        import brian2
        brian2.prefs.codegen.runtime.cython.cache_dir = {str(folder)!r}
        from brian2 import nA, ms
        from neurodyn_lab import inputs, simulate
        from neurodyn_lab.engine import shared_cache
        simulate(inputs.step(1 * nA, 10 * ms, 60 * ms), 100 * ms)
        print(shared_cache.publish({str(folder)!r}))
    """)
    done = subprocess.run([sys.executable, "-c", build], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) >= 1
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
    out = _kernel(other, tmp_path / "student")
    assert out["target"] == "CythonCodeObject" and out["linked"] == [] and out["compiled_here"]
    assert len(out["warnings"]) == 1 and "was built for interpreter /opt/venv/bin/python3" in out["warnings"][0]


def test_without_a_writable_own_cache_the_reason_is_said_not_a_missing_compiler(shared, tmp_path):
    home = tmp_path / "student"
    home.mkdir()
    (home / ".cython").write_text("a file where the cache folder should be")
    out = _kernel(shared, home, NEURODYN_LAB_SHARED_CACHE="")
    assert out["target"] == "NumpyCodeObject"
    assert any("compile cache" in w and "cannot be made or written" in w for w in out["warnings"]), out
    assert not any("no working C compiler" in w for w in out["warnings"])
