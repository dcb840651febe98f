"""simulate() and its result, LIFResult (defined with the other results in `neurodyn_lab.results`)."""

from __future__ import annotations

import warnings

import numpy as np
from brian2 import Quantity, ms, second, volt

from ._validation import describe
from .engine import Engine, RawRun, RunSpec, default_engine
from .inputs import as_current
from .results import LIFResult, Recording

__all__ = ["simulate", "simulate_many", "simulate_spec", "Recording", "LIFResult", "check_duration_dt",
           "warn_if_capped"]


def _ms(seconds):
    return f"{seconds * 1e3:g} ms"


def check_duration_dt(duration, dt, params, n_neurons=1, record_v=True) -> tuple[float, float]:
    """Validate a run's duration and time step; return them as float seconds.

    The checks of every run (`neurodyn_lab.engine.RunSpec.time_grid`): `duration` a whole number
    of time steps (a run covers exactly the duration asked for), dt at most tau and at most the
    duration, and the run within the engine's limits (``engine.LIMITS``), all before any work starts.

    Examples
    --------
    >>> from brian2 import ms
    >>> from neurodyn_lab import LIFParams
    >>> check_duration_dt(100 * ms, 0.1 * ms, LIFParams())
    (0.1, 0.0001)
    >>> check_duration_dt(100 * ms, 10 * ms, LIFParams())
    Traceback (most recent call last):
    ...
    ValueError: dt must not be larger than the membrane time constant tau=8 ms (e.g. dt=0.1*ms), got dt=10 ms
    """
    duration_s, dt_s, _ = RunSpec.time_grid(duration, dt, params, n_neurons=n_neurons, record_v=record_v)
    return duration_s, dt_s


def engine_of(engine) -> Engine:
    """`engine`, or the default engine for None; one clear error for anything else."""
    if engine is None:
        return default_engine()
    if not isinstance(engine, Engine):
        raise TypeError(f"engine must be an Engine such as neurodyn_lab.engine.Engine() (or None for the "
                        f"default one), got {describe(engine)}")
    return engine


def warn_if_capped(raw: RawRun, dt_s: float) -> None:
    """One warning if the run lost spikes to the time step (two crossings within one dt)."""
    if raw.n_capped:
        warnings.warn(
            f"{raw.n_capped} spike{'s were' if raw.n_capped > 1 else ' was'} delayed to the next time step: the "
            f"neuron would fire more than once within dt={_ms(dt_s)} (t_ref plus the time from reset to threshold "
            f"is shorter than dt), so its rate is capped near 1/dt={1 / dt_s:g} Hz; use a smaller dt",
            RuntimeWarning, stacklevel=3,
        )


def simulate(current, duration, params=None, dt=0.1 * ms, *, engine: Engine | None = None) -> LIFResult:
    """Simulate the LIF neuron driven by `current` for `duration`.

    Parameters
    ----------
    current : inputs.Current or Quantity (amp)
        The input, e.g. ``inputs.step(3*nA, 10*ms, 60*ms)``; a constant such as ``2*nA`` is on from 0 ms.
    duration : Quantity (second)
        How long to simulate, e.g. ``100*ms``; a whole number of time steps `dt`.
    params : LIFParams, optional
        The neuron; default neurodynex3's set ``LIFParams()``.
    dt : Quantity (second)
        Integration time step, default 0.1 ms; at most tau.
    engine : neurodyn_lab.engine.Engine, optional
        The engine that runs it; default the one the notebook shares (`engine.default_engine()`).

    Returns
    -------
    LIFResult

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> from neurodyn_lab import simulate, inputs, LIFParams
    >>> r = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    >>> r.spike_count > 0
    True
    >>> simulate(inputs.step(1.9 * nA, 10 * ms, 60 * ms), 100 * ms).spike_count
    0
    >>> simulate(inputs.step(3 * nA), 1 * ms, dt=0.6 * ms)
    Traceback (most recent call last):
    ...
    ValueError: duration must be a whole number of time steps of dt=0.6 ms (a multiple of 0.6 ms such as 0.6 ms or 1.2 ms), got duration=1 ms
    """
    spec = RunSpec(as_current(current), duration, params=params, dt=dt, name="current")
    raw, result = _run(spec, engine)
    warn_if_capped(raw, spec.dt_s)  # here, so that the warning points at the caller's line
    return result


def simulate_many(currents, duration, params=None, dt=0.1 * ms, *, engine: Engine | None = None) -> list[LIFResult]:
    """Simulate the LIF neuron once for each of `currents`, all in one run: trials, a sweep.

    Each current drives a neuron of its own with the same `params`, so the results are those of
    ``[simulate(c, duration, params, dt) for c in currents]`` (to the bit for inputs of one kind,
    such as noisy trials; to rounding, about 1e-16 V, for mixed kinds), but time is stepped
    through once for all of them: 20 noisy trials of 1600 ms take 0.08 s instead of 1.2 s one by
    one (2026-12-03). The first run of a list of noisy (or other tabulated) inputs of a
    length not run before compiles a model for that length (their code depends on it).

    Parameters
    ----------
    currents : list of inputs.Current or Quantity (amp)
        One input per run, e.g. ``[inputs.noise(1*nA, 0.2*nA, 5*ms, seed=k) for k in range(20)]``;
        an array of constants such as ``np.linspace(0, 5, 11)*nA`` is one constant current each.
    duration : Quantity (second)
        How long each run lasts, e.g. ``100*ms``; a whole number of time steps `dt`.
    params : LIFParams, optional
        The neuron of every run; default neurodynex3's set ``LIFParams()``.
    dt : Quantity (second)
        Integration time step, default 0.1 ms; at most tau.
    engine : neurodyn_lab.engine.Engine, optional
        The engine that runs it; default the one the notebook shares (`engine.default_engine()`).

    Returns
    -------
    list of LIFResult
        One per current, in the order given.

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> from neurodyn_lab import inputs
    >>> runs = simulate_many([inputs.step(a * nA, 10 * ms, 60 * ms) for a in (1.9, 3, 4)], 100 * ms)
    >>> [run.spike_count for run in runs]
    [0, 5, 7]
    >>> runs[1].spike_count == simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms).spike_count
    True
    >>> simulate_many(inputs.step(3 * nA), 100 * ms)
    Traceback (most recent call last):
    ...
    TypeError: currents must be a list of inputs, one per run, such as [inputs.noise(1*nA, 0.2*nA, 5*ms, seed=k) for k in range(20)] (for one input use simulate), got step(amplitude=3*nA, start=0*ms)
    """
    if isinstance(currents, Quantity) and currents.ndim == 1:
        currents = list(currents)  # constants, one per run
    if not isinstance(currents, (list, tuple)):
        raise TypeError("currents must be a list of inputs, one per run, such as [inputs.noise(1*nA, 0.2*nA, 5*ms, "
                        f"seed=k) for k in range(20)] (for one input use simulate), got {describe(currents)}")
    spec = RunSpec(list(currents), duration, params=params, dt=dt, name="currents")
    raw = engine_of(engine).run(spec)
    warn_if_capped(raw, spec.dt_s)
    return [_result(spec, raw, k) for k in range(spec.n_neurons)]


def simulate_spec(spec: RunSpec, *, engine: Engine | None = None) -> LIFResult:
    """`simulate` of a one-neuron `RunSpec` the caller made itself (in its own terms: the classic
    functions and the neurodynex3 layer pass their `engine.Spelling`).

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> from neurodyn_lab import inputs
    >>> simulate_spec(RunSpec(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)).spike_count
    5
    """
    if not isinstance(spec, RunSpec) or spec.n_neurons != 1:
        raise TypeError(f"spec must be a RunSpec of one current such as RunSpec(step(3*nA), 100*ms), "
                        f"got {describe(spec)}")
    raw, result = _run(spec, engine)
    warn_if_capped(raw, spec.dt_s)
    return result


def _run(spec: RunSpec, engine: Engine | None) -> tuple[RawRun, LIFResult]:
    """The engine's raw run of a one-neuron `spec`, and its `LIFResult`."""
    raw = engine_of(engine).run(spec)
    return raw, _result(spec, raw, 0)


def _result(spec: RunSpec, raw: RawRun, neuron: int) -> LIFResult:
    """The `LIFResult` of neuron `neuron` of the engine's raw run of `spec` (each its own arrays)."""
    t = Quantity(raw.t.copy() if spec.n_neurons > 1 else raw.t, dim=second.dim)
    current = spec.currents[neuron]
    spikes = raw.spike_t if spec.n_neurons == 1 else raw.spike_t[np.asarray(raw.spike_i) == neuron]
    return LIFResult(
        t=t,
        v=Quantity(raw.v[neuron], dim=volt.dim),
        I=current(t),
        spike_times=Quantity(spikes, dim=second.dim),
        params=spec.params,
        current=current,
        duration=spec.duration,
        dt=spec.dt,
    )
