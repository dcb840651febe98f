"""Run snippets of code, each as the first thing an interpreter does with neurodyn_lab.

`run_each(cases, after)` starts one new interpreter (``python tests/fresh_calls.py``) that imports
the third-party libraries the package builds on (numpy, Brian2, matplotlib on Agg, ipywidgets) and
nothing of neurodyn_lab; for each case it forks a child, which runs the case's code and then
`after` (say, a step simulation), and reports both. So each case meets a neurodyn_lab that no
other code has touched, as in a fresh kernel, for about a second instead of the three an
interpreter takes to import Brian2. Children run `jobs` at a time, each killed after `timeout`
seconds (a hang is one failed case), each in a folder of its own, with a NEURODYN_LAB_HOME of
their own (not the user's).

`run_fresh(code)` runs code in a really new interpreter (``python -c``), for the few tests that want
nothing at all imported before.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.abspath(__file__)
_LIMIT = 4000  # characters of a traceback or output reported


def _environment(folder):
    env = dict(os.environ, MPLBACKEND="Agg", NEURODYN_LAB_HOME=os.path.join(folder, "home"))
    env.pop("NEURODYN_LAB_AUTOGRADE_STUDENT", None)
    env.pop("NBGRADER_EXECUTION", None)
    return env


def run_each(cases, after, jobs=2, timeout=60.0):
    """{case id: {"first": "ok" or a traceback, "after": what `after` set as RESULT or a traceback,
    "seconds": float}} for `cases` ({id: code}); None for a case killed after `timeout` seconds."""
    with tempfile.TemporaryDirectory(prefix="neurodyn-first-call-") as folder:
        request = json.dumps({"cases": cases, "after": after, "jobs": jobs, "timeout": timeout})
        done = subprocess.run([sys.executable, HERE], input=request, capture_output=True, text=True, cwd=folder,
                              env=_environment(folder), timeout=timeout * (len(cases) / jobs + 2) + 60)
        if done.returncode != 0 or not done.stdout.strip():
            raise RuntimeError(f"the first-call server failed ({done.returncode}): {done.stderr[-_LIMIT:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def run_fresh(code, timeout=120.0):
    """(return code, stdout, stderr) of ``python -c code`` in a new interpreter and a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="neurodyn-fresh-") as folder:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=folder,
                              env=_environment(folder), timeout=timeout)
        return done.returncode, done.stdout, done.stderr


def run_fresh_many(codes, jobs=2, timeout=120.0):
    """{id: (return code, stdout, stderr)} of `run_fresh` for each of `codes` ({id: code}), `jobs` at a time."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {key: pool.submit(run_fresh, code, timeout) for key, code in codes.items()}
        return {key: future.result() for key, future in futures.items()}


# ------------------------------------------------------------------------------------ the server
def _child(code, after, write_fd, output_path):
    """In the forked child: run `code`, then `after`; send what happened; never return."""
    os.setpgid(0, 0)  # its own process group: a kill reaches what it started
    with open(output_path, "w") as output:
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
        report = {}
        start = time.perf_counter()
        try:
            exec(compile(code, "<first call>", "exec"), {"__name__": "__first_call__"})
            report["first"] = "ok"
        except BaseException:  # noqa: B902 -- everything is an outcome
            report["first"] = traceback.format_exc()[-_LIMIT:]
        report["first_seconds"] = time.perf_counter() - start
        try:
            namespace = {"__name__": "__after__"}
            exec(compile(after, "<after>", "exec"), namespace)
            report["after"] = namespace.get("RESULT")
        except BaseException:  # noqa: B902
            report["after"] = {"error": traceback.format_exc()[-_LIMIT:]}
        sys.stdout.flush()
        sys.stderr.flush()
    with os.fdopen(write_fd, "w") as pipe:
        pipe.write(json.dumps(report, default=repr))
    os._exit(0)


def _serve(request):
    import numpy  # noqa: F401 -- the libraries every case needs, imported once, before the forks
    import brian2  # noqa: F401
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401

    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        pass
    imported = sorted(m for m in sys.modules if m == "neurodyn_lab" or m.startswith("neurodyn_lab."))
    if imported:
        raise RuntimeError(f"the server imported {imported} before the first calls")
    waiting = list(request["cases"].items())
    running, results = {}, {}
    while waiting or running:
        while waiting and len(running) < request["jobs"]:
            case_id, code = waiting.pop(0)
            folder = os.path.join(os.getcwd(), f"case-{len(results) + len(running)}")
            os.mkdir(folder)
            output_path = os.path.join(folder, "output.txt")
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_fd)
                os.chdir(folder)  # files a case writes are its own
                _child(code, request["after"], write_fd, output_path)
            os.close(write_fd)
            running[pid] = (case_id, read_fd, time.perf_counter(), output_path)
        time.sleep(0.02)
        for pid, (case_id, read_fd, started, output_path) in list(running.items()):
            finished, _ = os.waitpid(pid, os.WNOHANG)
            if not finished and time.perf_counter() - started < request["timeout"]:
                continue
            if not finished:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(pid, 0)
            with os.fdopen(read_fd) as pipe:
                text = pipe.read()
            report = json.loads(text) if text else None
            if report is not None:
                report["seconds"] = time.perf_counter() - started
                with open(output_path) as output:
                    report["output"] = output.read()[-_LIMIT:]
            results[case_id] = report
            del running[pid]
    print(json.dumps(results))


if __name__ == "__main__":
    _serve(json.loads(sys.stdin.read()))
