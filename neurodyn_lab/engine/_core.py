"""The engine: `Engine` (compiled models, code target, fast path), and the default one notebooks use.

The public face is `neurodyn_lab.engine` (see its docstring).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import brian2 as b2
from brian2 import ms
from brian2.devices.device import RuntimeDevice

from .._validation import as_int, describe
from ..parameters import LIFParams
from . import _compiler_flags as compiler_flags
from . import shared_cache as shared_cache_module
from ._fastpath import Brian2Internals, FastPath, code_objects
from ._model import Model, Structure
from ._spec import Layout, RunSpec, instance_of_kind, layout_of

__all__ = ["Engine", "RawRun", "default_engine", "run", "code_target", "warm_up", "compiled_structures",
           "code_objects_of", "fast_path_active", "check_device", "threshold_margin"]

_COMPILE_NOTICE_AFTER = 1.0  # seconds before a compile is announced to the user
_CHECK_STEPS = 40  # steps of the fast path's self-check
_TARGETS = ("auto", "cython", "numpy")


@dataclass
class RawRun:
    """Plain arrays (SI floats) from one run."""

    t: np.ndarray  # (n_steps,) seconds
    v: np.ndarray  # (n_neurons, n_steps) volt, empty if not recorded
    spike_t: np.ndarray  # seconds, exact crossing times
    spike_i: np.ndarray  # neuron index of each spike
    spike_count: np.ndarray  # (n_neurons,)
    n_capped: int = 0  # crossings delayed to the next step (two would fall into one step)


def threshold_margin(params) -> float:
    """How far v must pass the threshold to fire (volt, float): 10^-9 of the largest voltage parameter.

    It only keeps the rounding of ``v_rest + R I`` from deciding whether a current at the rheobase
    fires; a current 10^-6 above the rheobase still fires.

    Examples
    --------
    >>> from neurodyn_lab import LIFParams
    >>> round(threshold_margin(LIFParams()) * 1e9, 12)  # 10^-9 of |v_rest| = 70 mV, in volt
    0.07
    """
    scale = max(abs(float(params.v_rest)), abs(float(params.v_threshold)), abs(float(params.v_reset)),
                abs(float(params.v_threshold - params.v_rest)))
    return 1e-9 * scale


def check_device() -> None:
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
# what one run writes into a model
# --------------------------------------------------------------------------------------------
@dataclass
class _Plan:
    """What one run writes into a model: parameters, per-neuron input values and the table."""

    parameters: dict
    values: dict
    table: np.ndarray | None = None


def _plan(layout, params, n_steps, dt):
    structure = layout.structure
    n = structure.n_neurons
    parameters = {name: float(getattr(params, name)) for name in LIFParams.field_names()}
    parameters["v_margin"] = threshold_margin(params)
    values = {}
    for k, (key, count) in enumerate(structure.kinds):
        for slot in range(count):
            for name, value in layout.idle[key].items():
                values[f"in{k}s{slot}_{name}"] = np.full(n, float(value))
    index = {key: k for k, (key, _) in enumerate(structure.kinds)}
    table = np.zeros((structure.sampled_rows, n)) if structure.sampled_rows else None
    starts = np.arange(n_steps + 1) * dt if table is not None else np.empty(0)
    for i, (kinds, tabulated) in enumerate(layout.per_neuron):
        for key, members in kinds.items():
            for slot, c in enumerate(members):
                for name, value in c.values().items():
                    values[f"in{index[key]}s{slot}_{name}"][i] = value
        if tabulated and table is not None:
            table[: n_steps + 1, i] = sum(c.step_means(starts, dt) for c in tabulated)
    return _Plan(parameters, values, table)


def _check_plans(structure):
    """Two plans with different values that make every neuron fire within the check's steps.

    Each input kind's values come from its own ``example()`` (asked of the class the structure was
    made for), never from another class of the same code.
    """
    from ..inputs import Tabulated, Zero
    from ..parameters import LIFParams
    from brian2 import Mohm, mV

    dt = structure.sampled_dt or 1e-4
    # v_rest above the threshold: every neuron fires within the check, with or without input.
    params = [LIFParams(v_rest=-60 * mV, v_reset=-70 * mV, v_threshold=-67 * mV, R=10 * Mohm, tau=5 * ms,
                        t_ref=0.25 * ms),
              LIFParams(v_rest=-50 * mV, v_reset=-59.5 * mV, v_threshold=-58 * mV, R=12 * Mohm, tau=4 * ms,
                        t_ref=0.15 * ms)]
    examples = [instance_of_kind(cls, "example", key) for cls, (key, _) in zip(structure.kind_classes, structure.kinds)]
    plans = []
    for p, params_k in enumerate(params):
        currents = []
        for i in range(structure.n_neurons):
            scale = (1 + 0.25 * i) * (1 + 0.5 * p)
            parts = [example.scaled(scale) for example, (_, count) in zip(examples, structure.kinds)
                     for _ in range(count)]
            if structure.sampled_rows:
                parts.append(Tabulated.example().scaled(scale))
            currents.append(sum(parts[1:], parts[0]) if parts else Zero())
        layout = layout_of(currents, _CHECK_STEPS * dt, dt, structure.record_v)
        # the same kinds, slots and neurons as `structure`; its table's length is the structure's own
        layout = Layout(layout.per_neuron, structure, layout.idle)
        plans.append(_plan(layout, params_k, _CHECK_STEPS, dt))
    return plans, dt


# --------------------------------------------------------------------------------------------
# compile notice
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


# --------------------------------------------------------------------------------------------
# the engine
# --------------------------------------------------------------------------------------------
class Engine:
    """Compiled LIF models, reused across runs; one per process is enough, tests make their own.

    An engine owns everything that lasts between runs: its compiled models (one per `Structure`,
    least recently used dropped beyond `cache_size`), its Brian2 code target, its fast path (the
    switch, what it reads of Brian2's internals, which codes passed the self-check, and its one
    warning). Nothing of it lives in module globals, so a new engine starts from nothing: the same
    as a fresh interpreter, without one. Notebooks share `default_engine()`; ``simulate``,
    ``analysis`` and the mystery neuron take ``engine=`` for another.

    Parameters
    ----------
    target : {"auto", "cython", "numpy"}
        Brian2's code target: ``"auto"`` is Cython where a C compiler works, else numpy (with one
        warning from this engine).
    fast_path : bool
        Use the faster time loop (checked against ``Network.run`` for each new model; False: every
        run through ``Network.run``).
    cache_size : int
        Most compiled models kept (each holds its Brian2 objects, about 1 MB).
    keep_recorded : int
        Most recorded values a cached model keeps after a run (more are freed: the result holds a
        copy); small recordings stay, as regrowing them costs more than they weigh.
    internals : Brian2Internals, optional
        What the fast path reads of Brian2's private members (tests pass one with a part broken).

    Examples
    --------
    >>> from brian2 import nA, ms, pcoulomb
    >>> from neurodyn_lab import inputs
    >>> engine = Engine()
    >>> pulse = engine.run(RunSpec(inputs.pulse(charge=4 * pcoulomb, duration=0.5 * ms, start=10 * ms), 40 * ms))
    >>> step = engine.run(RunSpec(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms))
    >>> int(pulse.spike_count[0]), int(step.spike_count[0])
    (0, 5)
    >>> engine.runs
    2
    """

    def __init__(self, *, target: str = "auto", fast_path: bool = True, cache_size: int = 12,
                 keep_recorded: int = 125_000, internals: Brian2Internals | None = None,
                 shared_cache: str | os.PathLike[str] | None = None) -> None:
        if not isinstance(target, str) or target.strip().lower() not in _TARGETS:
            raise ValueError(f"target must be one of {', '.join(repr(t) for t in _TARGETS)} (e.g. target='auto'), "
                             f"got {describe(target)}")
        if not isinstance(fast_path, bool):
            raise TypeError(f"fast_path must be True or False, got {describe(fast_path)}")
        if internals is not None and not isinstance(internals, Brian2Internals):
            raise TypeError(f"internals must be a Brian2Internals (or None), got {describe(internals)}")
        self.cache_size = as_int("cache_size", cache_size, minimum=1, example="a number of models such as 12")
        self.keep_recorded = as_int("keep_recorded", keep_recorded, minimum=0,
                                    example="a number of values such as 125000")
        if shared_cache is not None and not isinstance(shared_cache, (str, os.PathLike)):
            raise TypeError(f"shared_cache must be a folder such as '/opt/neurodyn-lab/cache' (or None), got "
                            f"{describe(shared_cache)}")
        #: A hub's read-only compile cache, linked into Brian2's own at the first run (`shared_cache`).
        self.shared_cache = os.fspath(shared_cache) if shared_cache else None
        self._wanted = target.strip().lower()
        self._target: type | None = None  # chosen at the first run (a test compile of Cython takes a moment)
        self._fast = FastPath(enabled=fast_path, internals=internals)
        self._models: OrderedDict[Structure, Model] = OrderedDict()
        self._checked: dict = {}  # (target, Structure.code_key) -> whether the fast path passed its check
        self._lock = threading.RLock()
        self._runs = 0

    def __repr__(self) -> str:
        target = self._target.__name__ if self._target is not None else f"{self._wanted} (not chosen yet)"
        return (f"<Engine: target {target}, fast path {'on' if self._fast.enabled else 'off'}, "
                f"{len(self._models)} model{'s' if len(self._models) != 1 else ''} cached, {self._runs} runs>")

    # -- configuration -------------------------------------------------------------------------
    @property
    def runs(self) -> int:
        """Runs this engine has made (self-checks not counted)."""
        return self._runs

    @property
    def fast_path(self) -> bool:
        """Whether this engine uses the fast loop where it passed its self-check."""
        return self._fast.enabled

    def code_target(self) -> type:
        """The Brian2 code object class this engine uses: Cython where a C compiler works, else numpy.

        Chosen at the first call (and kept): ``target="numpy"`` or ``"cython"`` chooses it; ``"auto"``
        tries a C compiler and, without a working one, warns once and uses numpy.
        """
        with self._lock:
            if self._target is None:
                self._target = self._choose_target()
            target: type = self._target
            return target

    def _choose_target(self) -> type:
        from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

        if self._wanted == "numpy":
            return NumpyCodeObject
        own = shared_cache_module.own_cache_dir()
        if self.shared_cache:
            report = shared_cache_module.overlay(self.shared_cache, own)
            if report.reason:
                warnings.warn(f"neurodyn_lab: {report.reason}.", RuntimeWarning, stacklevel=4)
        # The compiler's answers about Brian2's flags, kept by an earlier process (compiler_flags).
        flags = self._fast.flag_table()
        if flags is not None:
            compiler_flags.load([self.shared_cache, own], flags)
        known = len(flags) if flags is not None else 0
        # Brian2 logs its own failed test compile as a warning about compiler configurations, whatever
        # the cause; the one sentence below says the real cause instead.
        brian2_log = logging.getLogger("brian2.codegen.runtime.cython_rt")
        level = brian2_log.level
        brian2_log.setLevel(logging.ERROR)
        try:
            from brian2.codegen.runtime.cython_rt import CythonCodeObject

            available = CythonCodeObject.is_available()
        except Exception:  # no Cython, or a broken compiler set-up
            available = False
        finally:
            brian2_log.setLevel(level)
        if available:
            if flags is not None and len(flags) > known:  # this process asked the compiler: keep its answers
                compiler_flags.save(own, flags)
            return CythonCodeObject
        warnings.warn(f"neurodyn_lab: {shared_cache_module.why_not_cython()}.", RuntimeWarning, stacklevel=4)
        return NumpyCodeObject

    # -- runs ---------------------------------------------------------------------------------
    def run(self, spec: RunSpec) -> RawRun:
        """Simulate the run `spec` describes (one neuron per current) and return a `RawRun`.

        `spec` was checked when it was made (`RunSpec`); the engine checks only Brian2's device.

        Examples
        --------
        >>> from brian2 import nA, ms
        >>> from neurodyn_lab import inputs
        >>> raw = Engine().run(RunSpec([inputs.step(3 * nA), inputs.step(1 * nA)], 50 * ms, record_v=False))
        >>> raw.spike_count.tolist(), raw.v.size
        ([5, 0], 0)
        """
        if not isinstance(spec, RunSpec):
            raise TypeError(f"spec must be a RunSpec such as RunSpec(inputs.step(2*nA), 100*ms), got {describe(spec)}")
        check_device()
        plan = _plan(spec.layout, spec.params, spec.n_steps, spec.dt_s)
        with self._lock:
            model = self._model_for(spec.structure)
            if model.fast is not None:
                t, v, spike_t, spike_i, capped = model.fast.run(plan, spec.n_steps, spec.dt_s)
            else:
                t, v, spike_t, spike_i, capped = model.run_public(plan, spec.n_steps, spec.dt_s,
                                                                  self._fast.network_run)
            # Each cached model would otherwise keep its last recording (~16 MB per 100 s of run);
            # small ones stay, as regrowing them next run costs more than they weigh.
            if v.size + spike_t.size > self.keep_recorded:
                self._fast.release_recordings([m for m in (model.trace, model.spikes) if m is not None])
            self._runs += 1
        # The last step ends at n_steps * dt, the duration up to float rounding (RunSpec allows
        # 1e-6 of a step): a crossing in that sliver is the duration's, never after it.
        np.minimum(spike_t, spec.duration_s, out=spike_t)
        return RawRun(t=t, v=v, spike_t=spike_t, spike_i=spike_i,
                      spike_count=np.bincount(spike_i, minlength=spec.n_neurons), n_capped=capped)

    def _model_for(self, structure: Structure) -> Model:
        model = self._models.get(structure)
        if model is not None:
            self._models.move_to_end(structure)
            return model
        target = self.code_target()
        model = Model(structure, target)
        try:
            plans, dt = _check_plans(structure)
        except NotImplementedError:  # an input kind without example(): it cannot be checked, so no fast path
            plans, dt = None, structure.sampled_dt or 1e-4
        notice = _CompileNotice(structure)
        try:
            key = (target, structure.code_key)
            if plans is None or self._checked.get(key) is False:
                pass  # Network.run only; the first run compiles
            elif key not in self._checked:
                model.fast = self._fast.install(model, plans, _CHECK_STEPS, dt)
                self._checked[key] = model.fast is not None
            else:  # this code passed the check before: build from Brian2's cache, no new check
                model.run_public(plans[0], 1, dt, self._fast.network_run)
                model.fast = self._fast.install(model, None, 1, dt)
        finally:
            notice.done()
        self._models[structure] = model
        while len(self._models) > self.cache_size:
            self._models.popitem(last=False)
        return model

    def warm_up(self, jobs: Iterable[tuple], progress: Callable[[int, int, str], None] | None = None) -> float:
        """Compile the models that `jobs` need, so later calls never wait for a compile.

        Parameters
        ----------
        jobs : iterable of (label, currents, record_v) or (label, currents, record_v, duration)
            Declared by the layers that need them (``neurodyn_lab.panels.warm_up_jobs()``,
            ``neurodyn_lab.grading.warm_up_jobs()``, ``neurodyn_lab.lif.warm_up_jobs()``): a label, a
            list of `inputs.Current` (one per neuron: two stand for any number, the code does not
            depend on it) and whether v is recorded; a tabulated input (noise, samples) also needs the
            duration it will run for (a Quantity), since its code depends on the table's length
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
        >>> seconds = Engine().warm_up([("steps", [inputs.step(1 * nA)], True)])
        """
        jobs = list(jobs)
        start = time.perf_counter()
        for done, (label, currents, record_v, *duration) in enumerate(jobs, start=1):
            self.run(RunSpec(list(currents), duration[0] if duration else 2 * ms, dt=0.1 * ms,
                             record_v=bool(record_v)))
            if progress is not None:
                progress(done, len(jobs), label)
        return time.perf_counter() - start

    # -- diagnostics --------------------------------------------------------------------------
    def compiled_structures(self) -> list[Structure]:
        """The structures compiled by this engine and still cached, oldest first."""
        with self._lock:
            return [s for s, m in self._models.items() if m.compiled]

    def code_objects_of(self, structure: Structure) -> list:
        """The Brian2 code objects of a cached structure's network (tests check they are not rebuilt).

        None for a structure this engine has not built (or has dropped from its cache): an empty list.
        """
        with self._lock:
            model = self._models.get(structure)
            return code_objects(model.network) if model is not None else []

    def _cached(self, structure: Structure) -> Model:
        model = self._models.get(structure)
        if model is None:
            raise ValueError(f"structure must be one this engine has built and still caches (see "
                             f"compiled_structures()), got {structure.describe()!r}")
        return model

    def fast_path_active(self, structure: Structure) -> bool:
        """Whether runs of `structure` use the fast path here (False: Brian2's Network.run)."""
        with self._lock:
            model = self._models.get(structure)
            return model is not None and model.fast is not None

    def held_samples(self, structure: Structure) -> int:
        """Recorded values (voltages and spike times) the cached network of `structure` still holds."""
        with self._lock:
            model = self._cached(structure)
            monitors = [m for m in (model.trace, model.spikes) if m is not None]
            return sum(int(np.asarray(m.t_).size) for m in monitors) + (
                int(np.asarray(model.trace.v_).size) if model.trace is not None else 0)

    def held_values(self, structure: Structure) -> dict[str, float]:
        """The LIF parameters (SI floats) the cached network of `structure` holds from its last run."""
        with self._lock:
            group = self._cached(structure).group
            return {name: float(group.variables[name].get_value()[0])
                    for name in LIFParams.field_names()}


def _default_target() -> str:
    """The default engine's target: ``NEURODYN_LAB_TARGET`` (``cython``, ``numpy``) of the package's settings."""
    from .._config import settings

    wanted = settings().target
    return wanted if wanted in _TARGETS else "auto"


def _default_shared_cache() -> str | None:
    """The default engine's shared compile cache: ``NEURODYN_LAB_SHARED_CACHE`` of the package's settings."""
    from .._config import settings

    return settings().shared_cache or None


_DEFAULT = Engine(target=_default_target(), shared_cache=_default_shared_cache())


def default_engine() -> Engine:
    """The engine notebooks share: what ``simulate``, ``analysis`` and the panels use by default.

    Examples
    --------
    >>> default_engine() is default_engine()
    True
    """
    return _DEFAULT


# The module-level functions of the engine's first version, kept for their callers: each is the
# default engine's method of the same name.
def run(spec: RunSpec) -> RawRun:
    """`Engine.run` of the default engine."""
    return _DEFAULT.run(spec)


def code_target() -> type:
    """`Engine.code_target` of the default engine (``NEURODYN_LAB_TARGET`` chooses it: cython, numpy)."""
    return _DEFAULT.code_target()


def warm_up(jobs, progress=None) -> float:
    """`Engine.warm_up` of the default engine: compile what `jobs` need before a student waits for it."""
    return _DEFAULT.warm_up(jobs, progress)


def compiled_structures() -> list[Structure]:
    """`Engine.compiled_structures` of the default engine."""
    return _DEFAULT.compiled_structures()


def code_objects_of(structure: Structure) -> list:
    """`Engine.code_objects_of` of the default engine."""
    return _DEFAULT.code_objects_of(structure)


def fast_path_active(structure: Structure) -> bool:
    """`Engine.fast_path_active` of the default engine."""
    return _DEFAULT.fast_path_active(structure)

