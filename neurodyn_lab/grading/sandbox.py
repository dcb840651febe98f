"""Running a student's code with a time limit: in the notebook's own kernel (`time_limit`), and in a
separate process on the instructor's machine (`run_function`).

In the kernel, a student's function that loops for ever is stopped by a timer signal after the
limit, so the check says so in one sentence and "Run All" goes on. Signals exist only on POSIX and
only in the main thread; elsewhere the function runs without a limit (nbgrader's own cell timeout
still applies when autograding).

On the instructor's machine the answer cell's source runs in a fresh Python process, with a time
limit, on inputs the student has not seen; the package's closed forms are replaced there by
stand-ins that note every call, so a function that returns `neurodyn_lab.analysis`'s answer is
known. That process runs in the same sandbox as the autograder's kernels (`confine`): it reads its
job and writes its result through two mounted files and sees nothing of the course.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

__all__ = ["TimeLimit", "time_limit", "run_function", "CLOSED_FORMS"]

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


# The program run in the separate process. It reads its job from a JSON file (argv[1]) and writes
# the student's results to another (argv[2]).
_CHILD = r'''
import json, sys, warnings
job = json.load(open(sys.argv[1]))
import numpy as np
import neurodyn_lab.analysis as analysis
from neurodyn_lab.grading.codec import decode, encode
from neurodyn_lab.grading.sandbox import TimeLimit, time_limit

calls = []  # this one-shot child process's record (a script's variable, not the package's state)
def stand_in(name, original):
    def closed_form(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)
    return closed_form
for name in job["closed_forms"]:
    setattr(analysis, name, stand_in(name, getattr(analysis, name)))

out = {"results": [], "closed_form_calls": calls, "problem": None}
namespace = {"__name__": "__student__"}
try:
    with time_limit(job["time_limit"]):
        exec(compile(job["preamble"], "<notebook imports>", "exec"), namespace)
        exec(compile(job["source"], "<answer cell>", "exec"), namespace)
except TimeLimit:
    out["problem"] = "timeout"
except BaseException as error:
    out["problem"] = f"the answer cell raised {type(error).__name__} ({str(error)[:150]})"
function = namespace.get(job["name"])
if out["problem"] is None and not callable(function):
    out["problem"] = f"the answer cell defines no function {job['name']}"
if out["problem"] is None:
    try:
        with time_limit(job["time_limit"]):
            for case in job["cases"]:
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
json.dump(out, open(sys.argv[2], "w"))
'''


# Where the function run's job and result files are mounted inside its sandbox.
_JOB, _OUT = "/run/neurodyn_lab/job.json", "/run/neurodyn_lab/out.json"


def run_function(source, name, cases, preamble="", seconds=10.0, confinement=None):
    """Run the answer cell `source` in a separate Python process and call its function `name` on
    `cases`.

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
    """
    with tempfile.TemporaryDirectory(prefix="neurodyn-grade-") as folder:
        job_path, out_path = os.path.join(folder, "job.json"), os.path.join(folder, "out.json")
        with open(job_path, "w", encoding="utf-8") as handle:
            json.dump({"source": source, "name": name, "cases": cases, "preamble": preamble,
                       "time_limit": seconds, "closed_forms": list(CLOSED_FORMS)}, handle)
        env = dict(os.environ, MPLBACKEND="Agg")
        env.pop("NEURODYN_LAB_STRICT", None)
        command = [sys.executable, "-c", _CHILD, job_path, out_path]
        from .confine import Confinement, Unavailable

        confinement = confinement or Confinement.of_running_app()
        sandbox = confinement.sandbox(sys.executable, what="a function answer")
        if sandbox is not None:
            # The job is read-only inside; the result file is the one thing it can write here.
            open(out_path, "w").close()
            mounts = {"files": [(job_path, _JOB)], "writable": [(out_path, _OUT)], "env": env}
            problem = sandbox.verify(**mounts)
            if problem is not None:
                raise Unavailable(f"neurodyn_lab refuses to run a function answer: its sandbox failed its check "
                                  f"({problem}).")
            command = sandbox.command([sys.executable, "-c", _CHILD, _JOB, _OUT], **mounts)
        start = time.monotonic()
        try:
            # Importing brian2 takes a few seconds; the child enforces `seconds` itself, this is the
            # backstop for code that blocks signals (killing bwrap ends the whole sandbox).
            subprocess.run(command, cwd=folder, env=env, start_new_session=True,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=2 * seconds + 60)
        except subprocess.TimeoutExpired:
            return {"results": [], "closed_form_calls": [], "problem": "timeout"}
        try:
            with open(out_path, encoding="utf-8") as handle:
                out = json.load(handle)
        except (OSError, ValueError):
            took = time.monotonic() - start
            return {"results": [], "closed_form_calls": [],
                    "problem": f"the answer cell stopped its Python process after {took:.0f} s"}
    return out
