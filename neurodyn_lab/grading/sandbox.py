"""Running a student's code with a time limit: in the notebook's own kernel (`time_limit`), and in a
separate process on the instructor's machine (`run_function`).

In the kernel, a student's function that loops for ever is stopped by a timer signal after the
limit, so the check says so in one sentence and "Run All" goes on. Signals exist only on POSIX and
only in the main thread; elsewhere the function runs without a limit (nbgrader's own cell timeout
still applies when autograding).

On the instructor's machine the answer cells' sources run in a separate Python process, with a time
limit, on inputs the student has not seen; the package's closed forms are replaced there by
stand-ins that note every call, so a function that returns `neurodyn_lab.analysis`'s answer is
known. One process grades all the function answers of a notebook (`run_functions`): it imports
brian2 and the notebook's imports once (about 1.9 s of the 2 s such a process took per answer,
2026-12-03), then runs each answer in a forked copy of itself, so each answer still starts from the
same state and what it does costs only itself. That process runs in the same sandbox as the
autograder's kernels (`confine`): it reads its job from one mounted file, reports on its standard
output and sees nothing of the course.
"""

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

__all__ = ["TimeLimit", "time_limit", "run_function", "run_functions", "CLOSED_FORMS"]

#: The closed forms of `neurodyn_lab.analysis` that answer graded questions.
CLOSED_FORMS = ("rheobase", "time_to_first_spike", "firing_rate", "gain", "phase", "cutoff_frequency")


class TimeLimit(BaseException):
    """A student's code ran longer than allowed (a BaseException, so ``except Exception`` in the
    student's code cannot swallow it)."""


@contextlib.contextmanager
def time_limit(seconds):
    """Raise `TimeLimit` in the block when it runs longer than `seconds` (POSIX main thread only).

    Examples
    --------
    >>> with time_limit(1.0):
    ...     total = sum(range(1000))
    >>> total
    499500
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise TimeLimit(f"stopped after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if remaining:
            signal.setitimer(signal.ITIMER_REAL, remaining)


# The program run in the separate process: it reads its job from a JSON file (argv[1]) and reports to
# the instructor's process on its standard output, one JSON line per event (`_Reports` reads them).
# It imports the preamble once; then, where os.fork exists, each answer runs in a forked copy of
# that state (its own namespace, modules, Brian2 clock and preferences, closed-form record), so an
# answer that monkeypatches numpy, exits, crashes or blocks signals changes nothing for the next one.
# Without fork (Windows) the instructor's process sends one answer per process instead.
_CHILD = r'''
import json, os, select, signal, sys, time, warnings
job = json.load(open(sys.argv[1]))
# The report channel: the standard output this process was started with, on a descriptor of its
# own; descriptor 1 points to /dev/null, so what the preamble or an answer prints reaches no one.
channel = os.dup(1)
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
def report(**message):
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(channel, data):]
try:  # Linux: an answer's process may not read this one's descriptors or ptrace it (same uid)
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
except (ImportError, OSError, AttributeError):
    pass

import numpy as np
import neurodyn_lab.analysis as analysis
from neurodyn_lab.grading.codec import decode, encode
from neurodyn_lab.grading.sandbox import TimeLimit, time_limit

limit = job["time_limit"]
calls = []  # the closed forms called; each answer's forked process appends to its own copy
def stand_in(name, original):
    def closed_form(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)
    return closed_form
for name in job["closed_forms"]:
    setattr(analysis, name, stand_in(name, getattr(analysis, name)))

preamble = {"__name__": "__student__"}
try:
    with time_limit(limit):
        exec(compile(job["preamble"], "<notebook imports>", "exec"), preamble)
except TimeLimit:
    report(preamble="timeout")
    sys.exit(0)
except BaseException as error:
    report(preamble=f"the answer cell raised {type(error).__name__} ({str(error)[:150]})")
    sys.exit(0)
report(ready=True)


def grade(answer):
    """The answer's result (the same dict as one process per answer gave)."""
    del calls[:]
    out = {"results": [], "closed_form_calls": calls, "problem": None}
    namespace = dict(preamble)  # a new namespace: the preamble's names, nothing of another answer
    try:
        with time_limit(limit):
            exec(compile(answer["source"], "<answer cell>", "exec"), namespace)
    except TimeLimit:
        out["problem"] = "timeout"
    except BaseException as error:
        out["problem"] = f"the answer cell raised {type(error).__name__} ({str(error)[:150]})"
    function = namespace.get(answer["name"])
    if out["problem"] is None and not callable(function):
        out["problem"] = f"the answer cell defines no function {answer['name']}"
    if out["problem"] is None:
        try:
            with time_limit(limit):
                for case in answer["cases"]:
                    try:
                        with warnings.catch_warnings(), np.errstate(all="ignore"):
                            warnings.simplefilter("ignore")
                            value = function(*[decode(a) for a in case])
                    except TimeLimit:
                        raise
                    except Exception as error:
                        out["results"].append({"error": f"{type(error).__name__} ({str(error)[:150]})"})
                        continue
                    out["results"].append({"value": encode(value)})
        except TimeLimit:
            out["problem"] = "timeout"
    return out


def forked(answer):
    """`grade` in a forked process: ("out", result), ("timeout", None) or ("died", None)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.close(read_end)
            os.close(channel)
            os.setpgid(0, 0)  # its own group: what it starts is ended with it
            try:  # Linux: unconfined, it ends should this process be killed
                ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
            except (NameError, OSError, AttributeError):
                pass
            data = json.dumps(grade(answer)).encode()
            while data:
                data = data[os.write(write_end, data):]
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    # Definition and calls have `limit` each inside; this ends an answer that blocks the timer signal.
    deadline = time.monotonic() + 2 * limit + 5
    chunks, eof, status, exited = [], False, None, None
    while not (eof and status is not None):
        now = time.monotonic()
        if status is None:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                exited = now
                try:
                    os.killpg(pid, signal.SIGKILL)  # what the answer started
                except OSError:
                    pass
            else:
                status = None
        if now > deadline or (exited is not None and now > exited + 1.0):
            break
        if not eof and select.select([read_end], [], [], 0.02)[0]:
            chunk = os.read(read_end, 1 << 16)
            chunks.append(chunk)
            eof = not chunk
        elif eof:
            time.sleep(0.005)
    os.close(read_end)
    if status is None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(pid, 0)
        return "timeout", None
    try:
        return "out", json.loads(b"".join(chunks))
    except ValueError:
        return "died", None


for index, answer in enumerate(job["jobs"]):
    report(start=index)
    started = time.monotonic()
    if hasattr(os, "fork"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python 3.12's note on forking with BLAS threads
            outcome, out = forked(answer)
    else:
        outcome, out = "out", grade(answer)
    report(done=index, outcome=outcome, out=out, seconds=time.monotonic() - started)
'''


# Where the function run's job file is mounted inside its sandbox.
_JOB = "/run/neurodyn_lab/job.json"


def _stopped(seconds):
    return {"results": [], "closed_form_calls": [], "problem": f"the answer cell stopped its Python process after "
                                                              f"{seconds:.0f} s"}


_TIMEOUT = {"results": [], "closed_form_calls": [], "problem": "timeout"}


class _Late(Exception):
    """The child sent nothing in time."""


class _Reports:
    """The child's JSON lines, read with a deadline (the backstop for a child that blocks signals or
    was stopped: killing bwrap ends the whole sandbox). A thread reads them (pipes cannot be
    polled with a timeout everywhere)."""

    def __init__(self, process):
        self.lines = queue.Queue()
        self.reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream):
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def next(self, deadline):
        """The next message (dict), None at the end of the output; raises `_Late` after `deadline`."""
        try:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0))
        except queue.Empty:
            raise _Late() from None
        try:
            message = json.loads(line) if line is not None else None
        except ValueError:
            return None
        return message if isinstance(message, dict) else None


def _one_process(command, folder, env, count, seconds, backstop):
    """Run the child on `count` jobs; return the results of the jobs it finished, or of the one it
    was running when it stopped, in order, and whether it stopped before its first job (then the
    last result is the one every job gets)."""
    results = []
    process = subprocess.Popen(command, cwd=folder, env=env, start_new_session=True, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    reports = _Reports(process)
    start = time.monotonic()
    running, since = None, start
    # Importing brian2 and the preamble: a minute under load, plus the preamble's own limit.
    deadline = start + seconds + 60
    try:
        while len(results) < count:
            try:
                message = reports.next(deadline)
            except _Late:
                message = "late"
            if running is None and isinstance(message, dict) and "preamble" in message:
                problem = message["preamble"]
                return [_TIMEOUT if problem == "timeout" else dict(_TIMEOUT, problem=str(problem))], True
            if running is None and isinstance(message, dict) and message.get("start") == len(results):
                running, since = len(results), time.monotonic()
                deadline = since + 2 * seconds + backstop  # the child ends a job after 2 * seconds + 5
                continue
            if running is None and isinstance(message, dict) and message.get("ready") and not results:
                deadline = time.monotonic() + backstop
                continue
            if running is not None and isinstance(message, dict) and message.get("done") == running:
                outcome = message.get("outcome")
                if outcome == "out" and isinstance(message.get("out"), dict):
                    results.append(message["out"])
                elif outcome == "timeout":
                    results.append(_TIMEOUT)
                else:
                    results.append(_stopped(float(message.get("seconds") or 0)))
                running, deadline = None, time.monotonic() + backstop
                continue
            # The end of the output, silence past the deadline, or a message out of turn.
            if running is not None:
                results.append(_TIMEOUT if message == "late" else _stopped(time.monotonic() - since))
                return results, False
            if results:
                return results, False
            return [_TIMEOUT if message == "late" else _stopped(time.monotonic() - start)], True
        return results, False
    finally:
        _end(process)
        reports.reader.join(timeout=5)  # the output ends with the child (nothing else holds it)
        if not reports.reader.is_alive():
            process.stdout.close()


def _end(process):
    """End the child and everything in its session (unconfined, the sandbox's end does not)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass
    process.wait()


def run_functions(jobs, preamble="", seconds=10.0, confinement=None, backstop=30.0):
    """Run several answer cells in one separate Python process (one per graded notebook), each
    calling its function on its cases; the same results as `run_function` for each.

    The preamble is imported once; each answer then runs in a forked copy of that process (a new
    namespace with the preamble's names, its own time limits and record of closed-form calls), so
    what one answer does (exits, crashes, loops with signals blocked, changes a module) costs only
    that answer. Should the process itself stop during an answer, that answer gets the sentence it
    would have got alone and the answers after it run again in a fresh process.

    Parameters
    ----------
    jobs : list of dict
        One dict per answer: ``source`` (the answer cell, plain Python), ``name`` (the function it
        defines) and ``cases`` (as for `run_function`).
    preamble : str
        Imports the answers may rely on (from the notebook's locked cells).
    seconds : float
        Time limit for defining each function, and again for all its calls together.
    confinement : confine.Confinement, optional
        The sandbox settings, as for `run_function`.
    backstop : float
        Seconds of silence past an answer's own limits (2 * `seconds`) after which the process is
        given up for stopped (it blocks signals, or was stopped); generous, for a loaded machine.

    Returns
    -------
    list of dict
        One dict per job, in order, as `run_function` returns.

    Examples
    --------
    >>> from neurodyn_lab.grading.codec import decode, encode
    >>> from neurodyn_lab.grading.confine import Confinement
    >>> unconfined = Confinement(bwrap="/nonexistent/bwrap", when_unavailable="warn")  # logs one warning
    >>> outs = run_functions([{"source": "def f(x):\\n    return 2 * x", "name": "f", "cases": [[encode(3)]]},
    ...                       {"source": "import os\\ndef g(x):\\n    os._exit(1)", "name": "g", "cases": [[encode(1)]]}],
    ...                      confinement=unconfined)
    >>> decode(outs[0]["results"][0]["value"]), outs[1]["problem"].startswith("the answer cell stopped its Python")
    (6, True)
    """
    jobs = [{"source": job["source"], "name": job["name"], "cases": job["cases"]} for job in jobs]
    results = []
    with tempfile.TemporaryDirectory(prefix="neurodyn-grade-") as folder:
        job_path = os.path.join(folder, "job.json")
        env = dict(os.environ, MPLBACKEND="Agg")
        env.pop("NEURODYN_LAB_STRICT", None)
        from .confine import Confinement, Unavailable

        confinement = confinement or Confinement.of_running_app()
        sandbox = confinement.sandbox(sys.executable, what="a function answer")
        command = [sys.executable, "-c", _CHILD, job_path]
        if sandbox is not None:
            # The job is read-only inside; the results come back on the process's standard output.
            open(job_path, "w").close()
            mounts = {"files": [(job_path, _JOB)], "env": env}
            problem = sandbox.verify(**mounts)
            if problem is not None:
                raise Unavailable(f"neurodyn_lab refuses to run a function answer: its sandbox failed its check "
                                  f"({problem}).")
            command = sandbox.command([sys.executable, "-c", _CHILD, _JOB], **mounts)
        # Without fork an answer could change what the next one sees: one answer per process then.
        per_process = len(jobs) if hasattr(os, "fork") else 1
        while len(results) < len(jobs):
            batch = jobs[len(results):len(results) + per_process]
            with open(job_path, "w", encoding="utf-8") as handle:
                json.dump({"jobs": batch, "preamble": preamble, "time_limit": seconds,
                           "closed_forms": list(CLOSED_FORMS)}, handle)
            done, before_any = _one_process(command, folder, env, len(batch), seconds, backstop)
            if before_any:  # the preamble's problem, or the process never got to an answer: each gets it
                results += [dict(done[-1]) for _ in batch]
            else:
                results += done
    return results


def run_function(source, name, cases, preamble="", seconds=10.0, confinement=None):
    """Run the answer cell `source` in a separate Python process and call its function `name` on
    `cases` (`run_functions` with one job).

    Parameters
    ----------
    source : str
        The answer cell (plain Python; IPython magics removed).
    name : str
        The function it defines, e.g. ``"rheobase"``.
    cases : list of list of dict
        Each case's arguments, written down by `codec.encode` (any Quantity, array, number, text,
        LIFParams, or tuple/list/dict of these).
    preamble : str
        Imports the answer may rely on (from the notebook's locked cells).
    seconds : float
        Time limit for defining the function, and again for all calls together.
    confinement : confine.Confinement, optional
        The sandbox settings; by default those of the running nbgrader (``c.Confinement`` in
        ``nbgrader_config.py``), else the defaults. Raises `confine.Unavailable` where the process
        cannot be confined and the settings refuse to run it unconfined.

    Returns
    -------
    dict
        ``results`` (one dict per case: ``{"value": codec.encode(returned value)}`` or ``{"error":
        sentence}``), ``closed_form_calls`` (names of `CLOSED_FORMS` the function called) and
        ``problem`` (None, ``"timeout"`` or a sentence).

    Examples
    --------
    >>> from neurodyn_lab.grading.codec import decode, encode
    >>> from neurodyn_lab.grading.confine import Confinement
    >>> unconfined = Confinement(bwrap="/nonexistent/bwrap", when_unavailable="warn")  # logs one warning
    >>> out = run_function("def f(x):\\n    return 2 * x", "f", [[encode(3)]], confinement=unconfined)
    >>> decode(out["results"][0]["value"]), out["problem"]
    (6, None)
    """
    return run_functions([{"source": source, "name": name, "cases": cases}], preamble=preamble, seconds=seconds,
                         confinement=confinement)[0]
