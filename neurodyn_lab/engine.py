"""Brian2 networks for the LIF neuron: compiled once per model structure, then reused.

This is the only module of the package that builds Brian2 objects. Every network is an explicit
`brian2.Network` (never the "magic" network of ``brian2.run``), with its own clock, so a student's
own Brian2 code in the same kernel is unaffected and any number of calls can follow each other.

Why it is fast
--------------
Building a Brian2 network costs 0.35-0.45 s (numpy target) and 0.6-13 s with the cython target,
which recompiles. A *model structure* (how many step, sinusoid and ramp terms the input has,
whether it has a sampled part, how many neurons) fixes the generated code; everything else --
the LIF parameters and every input parameter -- is a state variable of the NeuronGroup. So the
engine keeps one network per structure, and a run only writes new values into those arrays,
restores the initial state and runs. After the first run, the objects keep their code objects
(Brian2 would otherwise regenerate them, cache hits included, at every run) and the full
``gc.collect()`` Brian2 does before each run (only to warn about unused objects) is skipped.
"""

import functools
import os
import sys
import threading
import time
import types
import warnings
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import brian2 as b2
import brian2.core.network as _b2_network
from brian2 import Hz, amp, ms, second

__all__ = ["run", "RawRun", "Structure", "structure_of", "code_target", "warm_up", "MAX_STEPS", "MAX_SAMPLES"]

#: Most time steps one neuron may be simulated for (10^7 steps: 1000 s at dt = 0.1 ms).
MAX_STEPS = 10_000_000
#: Most (neurons x time steps) of one run.
MAX_SAMPLES = 200_000_000
#: Most recorded voltage samples of one run (8 bytes each).
MAX_RECORDED = 20_000_000

_CACHE_SIZE = 12
# Run repeated simulations through the engine's own time loop (see _Model._loop); switched off
# only by tests that compare it with Brian2's Network.run.
_FAST_LOOP = True
_COMPILE_NOTICE_AFTER = 1.0  # seconds before a compile is announced to the user


@dataclass(frozen=True)
class Structure:
    """What fixes the generated code of a network.

    n_step, n_sine, n_ramp : int
        Number of analytic step, sinusoid and ramp terms per neuron (unused ones are zero).
    sampled_rows : int
        Length of the sampled-input table (0: none); a power of two so durations share it.
    sampled_dt : float
        Time step of the sampled table in seconds (the simulation's dt), 0 without one.
    n_neurons : int
    record_v : bool
        Whether the membrane potential of every neuron is recorded.
    """

    n_step: int = 1
    n_sine: int = 0
    n_ramp: int = 0
    sampled_rows: int = 0
    sampled_dt: float = 0.0
    n_neurons: int = 1
    record_v: bool = True


@dataclass
class RawRun:
    """Plain arrays (SI floats) from one run."""

    t: np.ndarray  # (n_steps,) seconds
    v: np.ndarray  # (n_neurons, n_steps) volt, empty if not recorded
    spike_t: np.ndarray  # seconds
    spike_i: np.ndarray  # neuron index of each spike
    spike_count: np.ndarray  # (n_neurons,)


def structure_of(currents_per_neuron, duration, dt, record_v=True):
    """The `Structure` for these currents (one per neuron): exactly the terms they need.

    Unused terms would cost time at every step (each array a compiled code object reads is looked
    up at every call), so each combination of input kinds gets its own model, compiled once per
    machine (Brian2 keeps compiled code on disk).
    """
    counts = {"step": 0, "sinusoid": 0, "ramp": 0}
    sampled = False
    for current in currents_per_neuron:
        here = {"step": 0, "sinusoid": 0, "ramp": 0}
        for c in current.components:
            if c.kind in here:
                here[c.kind] += 1
            elif c.kind == "sampled":
                sampled = True
        for kind in counts:
            counts[kind] = max(counts[kind], here[kind])
    n_steps = _n_steps(duration, dt)
    rows = 0
    if sampled:
        rows = 4096
        while rows < n_steps + 1:
            rows *= 2
    return Structure(
        n_step=counts["step"],
        n_sine=counts["sinusoid"],
        n_ramp=counts["ramp"],
        sampled_rows=rows,
        sampled_dt=float(dt) if sampled else 0.0,
        n_neurons=len(currents_per_neuron),
        record_v=bool(record_v),
    )


def _n_steps(duration, dt):
    return int(round(float(duration) / float(dt)))


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
# model equations
# --------------------------------------------------------------------------------------------
def _equations(structure):
    """Equations of a structure. Each input term is the exact mean of the current over the time
    step [t, t + dt]: exponential Euler then integrates the linear membrane equation without the
    half-step lag of a current held from the step's start (18 degrees of phase at 1 kHz)."""
    lines = ["dv/dt = (v_rest - v + R*I_in)/tau : volt (unless refractory)"]
    terms = []
    per_neuron = []
    for k in range(structure.n_step):
        p = f"st{k}"
        lines.append(f"{p}_a = clip(t, {p}_start, {p}_end) : second")
        lines.append(f"{p}_b = clip(t + dt, {p}_start, {p}_end) : second")
        terms.append(f"{p}_amp*({p}_b - {p}_a)/dt")
        per_neuron += [f"{p}_amp : amp", f"{p}_start : second", f"{p}_end : second"]
    for k in range(structure.n_sine):
        p = f"sn{k}"
        lines.append(f"{p}_a = clip(t, {p}_start, {p}_end) - {p}_start : second")
        lines.append(f"{p}_b = clip(t + dt, {p}_start, {p}_end) - {p}_start : second")
        # integral of offset + A sin(w u + phase) over [a, b], written without cancellation
        terms.append(
            f"({p}_offset*({p}_b - {p}_a) + 2*{p}_amp/{p}_omega*sin({p}_omega*({p}_a + {p}_b)/2 + {p}_phase)"
            f"*sin({p}_omega*({p}_b - {p}_a)/2))/dt"
        )
        per_neuron += [f"{p}_amp : amp", f"{p}_omega : Hz", f"{p}_offset : amp", f"{p}_phase : 1",
                       f"{p}_start : second", f"{p}_end : second"]
    for k in range(structure.n_ramp):
        p = f"rp{k}"
        lines.append(f"{p}_a = clip(t, {p}_start, {p}_end) - {p}_start : second")
        lines.append(f"{p}_b = clip(t + dt, {p}_start, {p}_end) - {p}_start : second")
        terms.append(f"({p}_a0*({p}_b - {p}_a) + 0.5*{p}_slope*({p}_b*{p}_b - {p}_a*{p}_a))/dt")
        per_neuron += [f"{p}_a0 : amp", f"{p}_slope : amp/second", f"{p}_start : second", f"{p}_end : second"]
    if structure.sampled_rows:
        terms.append("ndl_sampled_input(t, i)")
    lines.append(f"I_in = {' + '.join(terms) if terms else '0*amp'} : amp")
    shared = [f"{name} : {unit} (shared)" for name, unit in
              [("v_rest", "volt"), ("v_reset", "volt"), ("v_threshold", "volt"), ("R", "ohm"),
               ("tau", "second"), ("t_ref", "second")]]
    return "\n".join(lines + per_neuron + shared)


def _slot_arrays(structure, currents):
    """Values (SI floats, one per neuron) of every input variable for these currents."""
    n = structure.n_neurons
    values = {}
    used = {"step": 0, "sinusoid": 0, "ramp": 0}
    prefix = {"step": "st", "sinusoid": "sn", "ramp": "rp"}
    # unused slots: zero current, harmless window; omega 1 rad/s avoids 0/0
    for k in range(structure.n_step):
        values.update({f"st{k}_amp": np.zeros(n), f"st{k}_start": np.zeros(n), f"st{k}_end": np.zeros(n)})
    for k in range(structure.n_sine):
        values.update({f"sn{k}_amp": np.zeros(n), f"sn{k}_omega": np.ones(n), f"sn{k}_offset": np.zeros(n),
                       f"sn{k}_phase": np.zeros(n), f"sn{k}_start": np.zeros(n), f"sn{k}_end": np.zeros(n)})
    for k in range(structure.n_ramp):
        values.update({f"rp{k}_a0": np.zeros(n), f"rp{k}_slope": np.zeros(n), f"rp{k}_start": np.zeros(n),
                       f"rp{k}_end": np.zeros(n)})
    for i, current in enumerate(currents):
        used = dict.fromkeys(used, 0)
        for c in current.components:
            if c.kind not in prefix:
                continue
            name = f"{prefix[c.kind]}{used[c.kind]}"
            used[c.kind] += 1
            for key, value in c.slots().items():
                values[f"{name}_{key}"][i] = value
    return values


# --------------------------------------------------------------------------------------------
# compiled models
# --------------------------------------------------------------------------------------------
class _Model:
    """One network of one structure, with direct references to the arrays a run rewrites."""

    def __init__(self, structure):
        self.structure = structure
        codeobj_class = code_target()
        self.clock = b2.Clock(dt=0.1 * ms if not structure.sampled_dt else structure.sampled_dt * second,
                              name="ndl_clock")
        namespace = {}
        if structure.sampled_rows:
            self.sampled = b2.TimedArray(np.zeros((structure.sampled_rows, structure.n_neurons)) * amp,
                                         dt=structure.sampled_dt * second, name="ndl_sampled_input")
            namespace["ndl_sampled_input"] = self.sampled
        else:
            self.sampled = None
        self.group = b2.NeuronGroup(
            structure.n_neurons, _equations(structure), threshold="v > v_threshold", reset="v = v_reset",
            refractory="t_ref", method="exponential_euler", clock=self.clock, namespace=namespace,
            codeobj_class=codeobj_class, name="ndl_neuron",
        )
        objects = [self.group]
        self.spikes = b2.SpikeMonitor(self.group, record=True, codeobj_class=codeobj_class, name="ndl_spikes")
        objects.append(self.spikes)
        if structure.record_v:
            self.trace = b2.StateMonitor(self.group, "v", record=True, codeobj_class=codeobj_class, name="ndl_trace")
            objects.append(self.trace)
        else:
            self.trace = None
        self.network = b2.Network(*objects, name="ndl_network")
        self.network.store("initial")
        self.compiled = False

    def run(self, params, currents, duration, dt):
        structure = self.structure
        self.network.restore("initial")
        self.clock.dt = dt * second
        group_vars = self.group.variables
        for name, value in (("v_rest", params.v_rest), ("v_reset", params.v_reset),
                            ("v_threshold", params.v_threshold), ("R", params.R), ("tau", params.tau),
                            ("t_ref", params.t_ref)):
            group_vars[name].get_value()[:] = float(value)
        for name, values in _slot_arrays(structure, currents).items():
            group_vars[name].get_value()[:] = values
        group_vars["v"].get_value()[:] = float(params.v_rest)
        if self.sampled is not None:
            table = self.sampled.values
            n = _n_steps(duration, dt)
            starts = np.arange(n + 1) * dt
            table[:] = 0.0
            for i, current in enumerate(currents):
                sampled = [c for c in current.components if c.kind == "sampled"]
                if sampled:
                    table[: n + 1, i] = sum(c.step_means(starts, dt) for c in sampled)
        self._run(duration)
        t = np.asarray(self.trace.t_, dtype=float).copy() if self.trace is not None else (
            np.arange(_n_steps(duration, dt)) * dt)
        v = np.asarray(self.trace.v_, dtype=float).copy() if self.trace is not None else np.empty((0, 0))
        return RawRun(
            t=t, v=v,
            spike_t=np.asarray(self.spikes.t_, dtype=float).copy(),
            spike_i=np.asarray(self.spikes.i[:], dtype=int).copy(),
            spike_count=np.asarray(self.spikes.count[:], dtype=int).copy(),
        )

    def _run(self, duration):
        if self.compiled and _FAST_LOOP:
            self._loop(_n_steps(duration, float(self.clock.dt_)))
            return
        with _quiet_brian():
            if self.compiled:
                self.network.run(duration * second, namespace={})
                return
            notice = _CompileNotice(self.structure)
            try:
                self.network.run(duration * second, namespace={})
            finally:
                notice.done()
        self._keep_code_objects()
        self.compiled = True

    def _keep_code_objects(self):
        # Brian2 regenerates every code object at each run (from its cache, but that alone costs
        # tens of ms). Our code never changes between runs -- only array values do -- so each
        # object keeps the code objects of its first run.
        for obj in self.network.sorted_objects:
            if hasattr(obj, "create_code_objects") and obj._code_objects:
                obj.create_code_objects = types.MethodType(_keep_existing_code_objects, obj)
        # The code objects in the order Network.run calls them at each time step.
        self._schedule = [co for obj in self.network.sorted_objects if obj.active for co in obj._code_objects]

    def _loop(self, n_steps):
        """Network.run's time loop without its per-run preparation.

        After the first run nothing that Network.run prepares can change: the code objects,
        namespaces and schedule are fixed, and all values live in arrays. What remains per run is
        the time loop itself: each code object once per step, then the clock. Network.run would
        add ~5-10 ms per call (unit checks of the equations, debug-log formatting, schedule
        sorting) -- more than a whole 100 ms simulation takes.
        """
        schedule = self._schedule
        timestep = self.clock.variables["timestep"].get_value()
        t = self.clock.variables["t"].get_value()
        dt = float(self.clock.variables["dt"].get_value()[0])
        for co in schedule:
            co.before_run()
        calls = [_step_function(co) for co in schedule]
        for step in range(int(timestep[0]), n_steps):
            for call in calls:
                call()
            timestep[0] = step + 1
            t[0] = (step + 1) * dt
        for co in schedule:
            co.after_run()
        self.network.t_ = float(t[0])


def _step_function(code_object):
    """What calling `code_object` does at one time step, with Python's overhead cut to the bone.

    For Cython code objects that is refreshing the pointers to arrays that grow (monitors) and
    calling the compiled main(); any other target is called as Brian2 calls it.
    """
    # Objects hold weak proxies to their code objects: __class__ reaches through to the real one.
    if code_object.__class__.__name__ != "CythonCodeObject":
        return code_object
    main = getattr(code_object.compiled_code.get("run"), "main", None)
    if main is None:
        return code_object
    namespace = code_object.namespace
    if getattr(code_object, "nonconstant_values", None):
        update = code_object.update_namespace

        def call():
            update()
            main(namespace)

        return call
    return functools.partial(main, namespace)


def _keep_existing_code_objects(self, run_namespace):
    return None


class _NoCollect:
    """Stands in for the gc module inside brian2.core.network during our runs (brian2 < 2.10)."""

    @staticmethod
    def collect(*args, **kwargs):
        return 0


class _quiet_brian:
    """Skip the full gc.collect() Brian2 makes before each run only to warn about unused objects."""

    def __enter__(self):
        self._pref = None
        if "logging.warn_for_unused_objects" in b2.prefs:
            self._pref = b2.prefs["logging.warn_for_unused_objects"]
            b2.prefs["logging.warn_for_unused_objects"] = False
        self._gc = _b2_network.gc
        _b2_network.gc = _NoCollect
        return self

    def __exit__(self, *exc):
        _b2_network.gc = self._gc
        if self._pref is not None:
            b2.prefs["logging.warn_for_unused_objects"] = self._pref
        return False


class _CompileNotice:
    """Tells the user, after a second, that a first-time compile is going on."""

    def __init__(self, structure):
        self.start = time.perf_counter()
        self.shown = False
        what = ", ".join(f"{n} {kind}" for n, kind in ((structure.n_step, "step"), (structure.n_sine, "sinusoid"),
                                                       (structure.n_ramp, "ramp")))
        if structure.sampled_rows:
            what += ", sampled input"
        self.what = f"{what}; {structure.n_neurons} neuron{'s' if structure.n_neurons > 1 else ''}"
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
_lock = threading.Lock()


def _model_for(structure):
    model = _models.get(structure)
    if model is None:
        model = _Model(structure)
        _models[structure] = model
        while len(_models) > _CACHE_SIZE:
            _models.popitem(last=False)
    else:
        _models.move_to_end(structure)
    return model


def run(params, currents, duration, dt, record_v=True):
    """Simulate one neuron per current and return a `RawRun`.

    Parameters
    ----------
    params : LIFParams
    currents : sequence of inputs.Current
        One current per neuron.
    duration, dt : float
        In seconds, already validated by the caller.
    record_v : bool
        Record the membrane potential of every neuron.
    """
    structure = structure_of(currents, duration, dt, record_v)
    with _lock:
        model = _model_for(structure)
        return model.run(params, currents, float(duration), float(dt))


def compiled_structures():
    """The structures compiled in this process, oldest first (for tests and diagnostics)."""
    return [s for s, m in _models.items() if m.compiled]


def code_objects_of(structure):
    """The code objects of a compiled structure (tests check they are not rebuilt)."""
    model = _models[structure]
    return [co for obj in model.network.sorted_objects for co in getattr(obj, "_code_objects", [])]


def warm_up(progress=None):
    """Compile the models the panels and exercises use, so later calls never wait for a compile.

    Parameters
    ----------
    progress : callable, optional
        Called as ``progress(done, total, label)`` after each model.

    Returns
    -------
    float
        Seconds taken.
    """
    from .inputs import noise, ramp, sinusoid, step, zero
    from .parameters import LIFParams

    start = time.perf_counter()
    params = LIFParams()
    one_nA = 1 * b2.nA
    # One job per model structure the panels, the exercises and the classic API use. The number of
    # neurons is not part of the generated code, so two neurons stand for any number.
    jobs = [
        ("step inputs", [step(one_nA, 0 * ms, 1 * ms)], True),
        ("sinusoidal inputs", [sinusoid(one_nA, 10 * Hz)], True),
        ("no input", [zero()], True),
        ("ramps", [ramp(0 * one_nA, one_nA, 0 * ms, 1 * ms)], True),
        ("step + sinusoid", [step(one_nA, 0 * ms, 1 * ms) + sinusoid(one_nA, 10 * Hz)], True),
        ("noise and sampled inputs", [noise(one_nA, one_nA, 5 * ms, seed=0)], True),
        ("f-I curves", [step(one_nA, 0 * ms, None)] * 2, False),
        ("frequency responses", [sinusoid(one_nA, 10 * Hz)] * 2, True),
    ]
    for done, (label, currents, record_v) in enumerate(jobs, start=1):
        run(params, currents, 0.002, 0.0001, record_v=record_v)
        if progress is not None:
            progress(done, len(jobs), label)
    return time.perf_counter() - start
