"""Run snippets of code, each as the first thing an interpreter does with neurodyn_lab.

`FirstCallServer` starts one new interpreter (``python tests/fresh_calls.py``) that does what a
notebook does before it meets neurodyn_lab (`warm_up`: imports numpy, Brian2, matplotlib on Agg,
ipywidgets and the modules Brian2 itself imports at its first run; asks Brian2 which compiler flags
this machine's compiler takes) and nothing of neurodyn_lab; it asserts that no module of the
package is loaded before every batch. For each case it forks a child, which runs the case's code
and then `after` (say, a step simulation), and reports both. So each case meets a neurodyn_lab that
no other code has touched, as in a fresh kernel. A child's step simulation takes 0.2 s of CPU
(0.33 s without the warm-up's sympy and compiler probe), a new interpreter's 1.7 s (measured
2026-12-03; 0.7 s and 4-5 s of wall time at load average 7-8).
Children run `jobs` at a time, each killed after `timeout` seconds (a hang is one failed case),
each in a folder of its own, with a NEURODYN_LAB_HOME of their own (not the user's). One server
serves several batches (`FirstCallServer.run_each`); `run_each` is one batch in a server of its own.

`run_fresh(code)` runs code in a really new interpreter (``python -c``): nothing imported before,
Brian2's compiler probe cold, for the tests that want that.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
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


class FirstCallServer:
    """One warmed-up interpreter that forks a child per case, for several batches of cases.

    Use it as a context manager (the server ends, by its process id, when the block ends). The
    package is never imported in the server: it says so before each batch or fails the batch.
    """

    def __init__(self):
        self._folder = tempfile.TemporaryDirectory(prefix="neurodyn-first-call-")
        folder = self._folder.name
        self._stderr = open(os.path.join(folder, "server-stderr.txt"), "w+")
        self._process = subprocess.Popen([sys.executable, HERE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, text=True, cwd=folder, env=_environment(folder))
        self._lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self._process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _failed(self, why):
        self._stderr.seek(0)
        return RuntimeError(f"the first-call server {why} (return code {self._process.poll()}): "
                            f"{self._stderr.read()[-_LIMIT:]}")

    def run_each(self, cases, after, jobs=2, timeout=60.0):
        """{case id: {"first": "ok" or a traceback, "after": what `after` set as RESULT or a traceback,
        "seconds": float}} for `cases` ({id: code}); None for a case killed after `timeout` seconds."""
        request = json.dumps({"cases": cases, "after": after, "jobs": jobs, "timeout": timeout})
        try:
            self._process.stdin.write(request + "\n")
            self._process.stdin.flush()
        except OSError as error:
            raise self._failed(f"took no request ({error})") from None
        try:  # the server's warm-up (under a minute), then each case within its time limit
            line = self._lines.get(timeout=timeout * (len(cases) / jobs + 2) + 120)
        except queue.Empty:
            raise self._failed("gave no answer in time") from None
        if line is None:
            raise self._failed("ended")
        return json.loads(line)

    def close(self):
        if self._process.poll() is None:
            self._process.stdin.close()  # the server ends at the end of its input
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()  # this Popen's own process, by its id
                self._process.wait()
        self._stderr.close()
        self._folder.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_each(cases, after, jobs=2, timeout=60.0):
    """`FirstCallServer.run_each` in a server of its own."""
    with FirstCallServer() as server:
        return server.run_each(cases, after, jobs=jobs, timeout=timeout)


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


def warm_up():
    """What the server does before its first fork: what a notebook has done before it imports
    neurodyn_lab (``from brian2 import *``, matplotlib, ipywidgets), nothing of the package."""
    import numpy  # noqa: F401 -- the libraries every case needs, imported once, before the forks
    import brian2  # noqa: F401
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401

    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        pass
    # Brian2 imports sympy at its first run, not at `import brian2`; importing it is what every child
    # would do first (0.2-0.3 s a child, 2026-12-03).
    import sympy  # noqa: F401
    # Before its first Cython run Brian2 asks the C compiler which of its default flags it takes
    # (-march=native, ...): one test compile per flag, six gcc runs, 0.3-0.8 s a child (measured
    # 2026-12-03, load average 7-8), kept in Brian2's table keyed on (compiler, flag). That is a fact
    # about the machine, not state of neurodyn_lab, and neurodyn_lab cannot change its answer; a cold
    # probe is what `run_fresh`'s interpreters meet (test_first_call keeps one per kind of entry point).
    from brian2.codegen.cpp_prefs import get_compiler_and_args

    get_compiler_and_args()


def _package_modules():
    return sorted(m for m in sys.modules if m == "neurodyn_lab" or m.startswith("neurodyn_lab."))


def _serve(request, batch):
    imported = _package_modules()
    if imported:  # the promise of every case: the package is new to this interpreter
        raise RuntimeError(f"the server imported {imported} before the first calls")
    waiting = list(request["cases"].items())
    running, results = {}, {}
    while waiting or running:
        while waiting and len(running) < request["jobs"]:
            case_id, code = waiting.pop(0)
            folder = os.path.join(os.getcwd(), f"batch-{batch}-case-{len(results) + len(running)}")
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
    return results


def _main():
    warm_up()
    for batch, line in enumerate(sys.stdin):  # one request a line, one answer a line; ends with its input
        print(json.dumps(_serve(json.loads(line), batch)), flush=True)


if __name__ == "__main__":
    _main()
