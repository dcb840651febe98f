"""The engine's runs and model cache; the public face is `neurodyn_lab.engine` (see its docstring)."""


import os
import sys
import threading
import time
import warnings
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import brian2 as b2
from brian2.devices.device import RuntimeDevice

from . import _fastpath
from ._model import Model, Structure

__all__ = ["run", "RawRun", "Structure", "structure_of", "code_target", "warm_up", "sampled_table_rows",
           "n_steps_of", "check_device", "compiled_structures", "code_objects_of", "threshold_margin",
           "MAX_STEPS", "MAX_NEURONS", "MAX_SAMPLES", "MAX_RECORDED", "MAX_TABLE", "LIMITS"]

#: Most time steps of one run (10^7: 1000 s at dt = 0.1 ms).
MAX_STEPS = 10_000_000
#: Most neurons of one run (one per current of an f-I curve or per frequency of a response).
MAX_NEURONS = 10_000
#: Most neurons x time steps of one run (a few seconds of compiled code).
MAX_SAMPLES = 200_000_000
#: Most recorded voltage samples of one run (8 bytes each: 160 MB, copied once for the result).
MAX_RECORDED = 20_000_000
#: Most cells of the table of tabulated (noise, array) inputs (8 bytes each: 256 MB).
MAX_TABLE = 2 ** 25
#: The limits in one sentence (for messages and the documentation).
LIMITS = (f"one run simulates at most {MAX_NEURONS:,} neurons and {MAX_STEPS:.0e} time steps (1000 s at "
          f"dt = 0.1 ms), at most {MAX_SAMPLES:.0e} neuron-steps, records at most {MAX_RECORDED:.0e} voltage "
          f"samples and tabulates noise or array inputs in at most {MAX_TABLE:.2e} cells, so that it fits a "
          "2 GB Binder kernel")

_CACHE_SIZE = 12
_COMPILE_NOTICE_AFTER = 1.0  # seconds before a compile is announced to the user
_CHECK_STEPS = 40  # steps of the fast path's self-check
_KEEP_RECORDED = 125_000  # recorded values (1 MB) a cached model may keep after a run


@dataclass
class RawRun:
    """Plain arrays (SI floats) from one run."""

    t: np.ndarray  # (n_steps,) seconds
    v: np.ndarray  # (n_neurons, n_steps) volt, empty if not recorded
    spike_t: np.ndarray  # seconds, exact crossing times
    spike_i: np.ndarray  # neuron index of each spike
    spike_count: np.ndarray  # (n_neurons,)
    n_capped: int = 0  # crossings delayed to the next step (two would fall into one step)


def n_steps_of(duration, dt):
    """Number of time steps of `duration` at `dt` (float seconds): the nearest whole number, at least 1.

    `simulation.check_duration_dt` says so when `duration` is not a whole number of steps.

    Examples
    --------
    >>> n_steps_of(0.1, 1e-4), n_steps_of(0.001, 0.0006)
    (1000, 2)
    """
    return max(int(round(duration / dt)), 1)


def sampled_table_rows(duration, dt):
    """Rows of the table a tabulated input needs for `duration` at `dt` (float seconds).

    A power of two, at least 4096, so that runs of similar durations share one compiled model. Two
    runs with the same number of rows (and neurons) use the same network.

    Examples
    --------
    >>> sampled_table_rows(0.1, 1e-4), sampled_table_rows(1.0, 1e-4)
    (4096, 16384)
    """
    n_steps = int(round(duration / dt))
    rows = 4096
    while rows < n_steps + 1:
        rows *= 2
    return rows


def threshold_margin(params):
    """How far v must pass the threshold to fire (volt, float): 10^-9 of the largest voltage parameter.

    It only keeps the rounding of ``v_rest + R I`` from deciding whether a current at the rheobase
    fires; a current 10^-6 above the rheobase still fires.
    """
    scale = max(abs(float(params.v_rest)), abs(float(params.v_threshold)), abs(float(params.v_reset)),
                abs(float(params.v_threshold - params.v_rest)))
    return 1e-9 * scale


def check_device():
    """Raise one clear error if Brian2's active device is not the runtime device (e.g. cpp_standalone).

    Nothing is built before this check, so the student's device and its objects stay untouched.
    """
    device = b2.get_device()
    if not isinstance(device, RuntimeDevice):
        raise RuntimeError(
            f"neurodyn_lab cannot simulate while Brian2's device is {type(device).__name__} (set with "
            "set_device): it runs on Brian2's runtime device, so finish your own standalone simulation with "
            "device.build() and call set_device('runtime') before using neurodyn_lab again"
        )


# --------------------------------------------------------------------------------------------
# currents -> structure, values, table
# --------------------------------------------------------------------------------------------
def _analytic(c):
    from ..inputs import Current

    return isinstance(c.variables, dict) and type(c).terms is not Current.terms


def _kind_of(c):
    """The equation key of a basic current, or None for a tabulated one; a clear error otherwise."""
    if c.tabulated:
        return None
    if not _analytic(c):
        raise TypeError(
            f"{type(c).__name__} is a Current the engine cannot simulate: define variables, terms(p) and "
            f"values() (see inputs.Step), or derive it from inputs.Tabulated and define _samples "
            f"(see inputs.ArrayCurrent)"
        )
    return (tuple(c.terms("{p}")), tuple(c.variables.items()))


_kind_classes = {}  # kind key -> a class that has it (for the self-check's examples)


@dataclass
class _Plan:
    """What one run writes into a model: parameters, per-neuron input values and the table."""

    parameters: dict
    values: dict
    table: np.ndarray = None


def _layout(currents):
    """Per neuron: the analytic components grouped by kind, and the tabulated ones."""
    per_neuron = []
    counts = {}
    for current in currents:
        kinds, tabulated = {}, []
        for c in current.components:
            key = _kind_of(c)
            if key is None:
                tabulated.append(c)
            elif key[0]:  # a kind with no terms (no current) takes no slot
                kinds.setdefault(key, []).append(c)
                _kind_classes.setdefault(key, type(c))
        for key, members in kinds.items():
            counts[key] = max(counts.get(key, 0), len(members))
        per_neuron.append((kinds, tabulated))
    return per_neuron, counts


def structure_of(currents_per_neuron, duration, dt, record_v=True):
    """The `Structure` for these currents (one per neuron): exactly the terms they need."""
    _, counts = _layout(currents_per_neuron)
    return _structure(currents_per_neuron, counts, duration, dt, record_v)


def _structure(currents, counts, duration, dt, record_v):
    kinds = tuple(sorted(counts.items()))
    tabulated = any(c.tabulated for current in currents for c in current.components)
    labels = [f"{n} {_kind_classes[key].__name__.lower()}" for key, n in kinds]
    if tabulated:
        labels.append("tabulated input")
    return Structure(kinds=kinds, sampled_rows=sampled_table_rows(duration, dt) if tabulated else 0,
                     sampled_dt=float(dt) if tabulated else 0.0, n_neurons=len(currents),
                     record_v=bool(record_v), labels=tuple(labels))


def _plan(structure, per_neuron, params, n_steps, dt):
    n = structure.n_neurons
    parameters = {name: float(getattr(params, name)) for name in ("v_rest", "v_reset", "v_threshold", "R", "tau",
                                                                   "t_ref")}
    parameters["v_margin"] = threshold_margin(params)
    values = {}
    for k, (key, count) in enumerate(structure.kinds):
        idle = _kind_classes[key].idle().values()
        for slot in range(count):
            for name, value in idle.items():
                values[f"in{k}s{slot}_{name}"] = np.full(n, float(value))
    index = {key: k for k, (key, _) in enumerate(structure.kinds)}
    table = None
    if structure.sampled_rows:
        table = np.zeros((structure.sampled_rows, n))
        starts = np.arange(n_steps + 1) * dt
    for i, (kinds, tabulated) in enumerate(per_neuron):
        for key, members in kinds.items():
            for slot, c in enumerate(members):
                for name, value in c.values().items():
                    values[f"in{index[key]}s{slot}_{name}"][i] = value
        if tabulated:
            table[: n_steps + 1, i] = sum(c.step_means(starts, dt) for c in tabulated)
    return _Plan(parameters, values, table)


# --------------------------------------------------------------------------------------------
# code target
# --------------------------------------------------------------------------------------------
_target = None


def code_target():
    """The Brian2 code object class used: Cython where a C compiler works, else numpy.

    The environment variable ``NEURODYN_LAB_TARGET`` (``cython`` or ``numpy``) overrides the
    choice. Without a working compiler the numpy target is used, with one warning.
    """
    global _target
    if _target is None:
        from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

        wanted = os.environ.get("NEURODYN_LAB_TARGET", "").strip().lower()
        if wanted == "numpy":
            _target = NumpyCodeObject
        else:
            try:
                from brian2.codegen.runtime.cython_rt import CythonCodeObject

                available = CythonCodeObject.is_available()
            except Exception:  # no Cython, or a broken compiler set-up
                available = False
            if available:
                _target = CythonCodeObject
            else:
                warnings.warn(
                    "neurodyn_lab found no working C compiler for Brian2's Cython target and uses the "
                    "slower numpy target instead (simulations take about 3 times longer).",
                    RuntimeWarning,
                    stacklevel=2,
                )
                _target = NumpyCodeObject
    return _target


# --------------------------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------------------------
class _CompileNotice:
    """Tells the user, after a second, that a first-time compile is going on."""

    def __init__(self, structure):
        self.start = time.perf_counter()
        self.shown = False
        self.what = structure.describe()
        # Brian2 silences file descriptors 1 and 2 while it compiles: in a terminal, write to a
        # copy of the real stderr taken now. (In Jupyter, sys.stderr is not a file descriptor.)
        self._fd = None
        if not type(sys.stderr).__module__.startswith("ipykernel"):
            try:
                self._fd = os.dup(sys.stderr.fileno())
            except (AttributeError, OSError, ValueError):
                self._fd = None
        self.timer = threading.Timer(_COMPILE_NOTICE_AFTER, self._show)
        self.timer.daemon = True
        self.timer.start()

    def _say(self, text):
        if self._fd is not None:
            os.write(self._fd, (text + "\n").encode())
        else:
            print(text, file=sys.stderr, flush=True)

    def _show(self):
        self.shown = True
        self._say(f"neurodyn_lab: preparing the LIF model ({self.what}) -- compiling it the first time can take "
                  "up to a minute; later runs reuse it ...")

    def done(self):
        self.timer.cancel()
        if self.shown:
            self._say(f"neurodyn_lab: model ready ({time.perf_counter() - self.start:.1f} s).")
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_models = OrderedDict()
_checked = {}  # Structure.code_key -> True once the fast path passed its self-check for it
_lock = threading.Lock()


def _check_plans(structure):
    """Two plans with different values that make every neuron fire within the check's steps."""
    from ..inputs import Tabulated, Zero
    from ..parameters import LIFParams
    from brian2 import Mohm, mV, ms

    dt = structure.sampled_dt or 1e-4
    # v_rest above the threshold: every neuron fires within the check, with or without input.
    params = [LIFParams(v_rest=-60 * mV, v_reset=-70 * mV, v_threshold=-67 * mV, R=10 * Mohm, tau=5 * ms,
                        t_ref=0.25 * ms),
              LIFParams(v_rest=-50 * mV, v_reset=-59.5 * mV, v_threshold=-58 * mV, R=12 * Mohm, tau=4 * ms,
                        t_ref=0.15 * ms)]
    plans = []
    for p, params_k in enumerate(params):
        currents = []
        for i in range(structure.n_neurons):
            scale = (1 + 0.25 * i) * (1 + 0.5 * p)
            parts = [_kind_classes[key].example().scaled(scale) for key, count in structure.kinds
                     for _ in range(count)]
            if structure.sampled_rows:
                parts.append(Tabulated.example().scaled(scale))
            currents.append(sum(parts[1:], parts[0]) if parts else Zero())
        per_neuron, _ = _layout(currents)
        plans.append(_plan(structure, per_neuron, params_k, _CHECK_STEPS, dt))
    return plans, dt


def _model_for(structure):
    model = _models.get(structure)
    if model is not None:
        _models.move_to_end(structure)
        return model
    model = Model(structure, code_target())
    try:
        plans, dt = _check_plans(structure)
    except NotImplementedError:  # an input kind without example(): it cannot be checked, so no fast path
        plans, dt = None, structure.sampled_dt or 1e-4
    notice = _CompileNotice(structure)
    try:
        key = (code_target(), structure.code_key)
        if plans is None or _checked.get(key) is False:
            pass  # Network.run only; the first run compiles
        elif key not in _checked:
            model.fast = _fastpath.install(model, plans, _CHECK_STEPS, dt)
            _checked[key] = model.fast is not None
        else:  # this code passed the check before: build from Brian2's cache, no new check
            model.run_public(plans[0], 1, dt, _fastpath.network_run)
            model.fast = _fastpath.install(model, None, 1, dt)
    finally:
        notice.done()
    _models[structure] = model
    while len(_models) > _CACHE_SIZE:
        _models.popitem(last=False)
    return model


def run(params, currents, duration, dt, record_v=True):
    """Simulate one neuron per current and return a `RawRun`.

    Parameters
    ----------
    params : LIFParams
    currents : sequence of inputs.Current
        One current per neuron.
    duration, dt : float
        In seconds; duration a whole number of time steps (see `n_steps_of`).
    record_v : bool
        Record the membrane potential of every neuron.
    """
    check_device()
    duration, dt = float(duration), float(dt)
    n_steps = n_steps_of(duration, dt)
    _check_sizes(len(currents), n_steps, record_v)
    for current in currents:
        current.check_time_step(dt)
    per_neuron, counts = _layout(currents)
    structure = _structure(currents, counts, duration, dt, record_v)
    if structure.sampled_rows * structure.n_neurons > MAX_TABLE:
        raise ValueError(f"the run is too large: its noise or array inputs need a table of "
                         f"{structure.sampled_rows * structure.n_neurons:.3g} cells; {LIMITS}")
    plan = _plan(structure, per_neuron, params, n_steps, dt)
    with _lock:
        model = _model_for(structure)
        if model.fast is not None:
            t, v, spike_t, spike_i, capped = model.fast.run(plan, n_steps, dt)
        else:
            t, v, spike_t, spike_i, capped = model.run_public(plan, n_steps, dt)
        # Each cached model would otherwise keep its last recording (~16 MB per 100 s of run);
        # small ones (under 1 MB) stay, as regrowing them next run costs more than they weigh.
        if v.size + spike_t.size > _KEEP_RECORDED:
            _fastpath.release_recordings([m for m in (model.trace, model.spikes) if m is not None])
    return RawRun(t=t, v=v, spike_t=spike_t, spike_i=spike_i,
                  spike_count=np.bincount(spike_i, minlength=len(currents)), n_capped=capped)


def _check_sizes(n_neurons, n_steps, record_v):
    if n_steps > MAX_STEPS or n_neurons > MAX_NEURONS or n_neurons * n_steps > MAX_SAMPLES or (
            record_v and n_neurons * n_steps > MAX_RECORDED):
        raise ValueError(f"the run is too large ({n_neurons} neurons x {n_steps} time steps): {LIMITS}")


def compiled_structures():
    """The structures compiled in this process, oldest first (for tests and diagnostics)."""
    return [s for s, m in _models.items() if m.compiled]


def code_objects_of(structure):
    """The code objects of a compiled structure (tests check they are not rebuilt)."""
    return _fastpath.code_objects(_models[structure].network)


def fast_path_active(structure):
    """Whether runs of `structure` use the fast path (False: Brian2's Network.run)."""
    model = _models.get(structure)
    return model is not None and model.fast is not None


def warm_up(jobs, progress=None):
    """Compile the models that `jobs` need, so later calls never wait for a compile.

    Parameters
    ----------
    jobs : iterable of (label, currents, record_v) or (label, currents, record_v, duration)
        Declared by the layers that need them (``neurodyn_lab.panels.warm_up_jobs()``,
        ``neurodyn_lab.grading.warm_up_jobs()``, ``neurodyn_lab.lif.warm_up_jobs()``): a label, a list of
        `inputs.Current` (one per neuron: two stand for any number, the code does not depend on it)
        and whether v is recorded; a tabulated input (noise, samples) also needs the duration it
        will run for (a Quantity), since its code depends on the table's length
        (`sampled_table_rows`). Without one, 2 ms.
    progress : callable, optional
        Called as ``progress(done, total, label)`` after each job.

    Returns
    -------
    float
        Seconds taken.

    Examples
    --------
    >>> from brian2 import nA
    >>> from neurodyn_lab import inputs
    >>> seconds = warm_up([("steps", [inputs.step(1 * nA)], True)])
    """
    from ..parameters import LIFParams

    jobs = list(jobs)
    start = time.perf_counter()
    params = LIFParams()
    for done, (label, currents, record_v, *duration) in enumerate(jobs, start=1):
        seconds = float(duration[0] / b2.second) if duration else 0.002
        run(params, list(currents), seconds, 0.0001, record_v=bool(record_v))
        if progress is not None:
            progress(done, len(jobs), label)
    return time.perf_counter() - start
