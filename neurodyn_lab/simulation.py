"""simulate() and its result, LIFResult (defined with the other results in `neurodyn_lab.results`)."""

from __future__ import annotations

import warnings

from brian2 import Quantity, ms, second, volt

from ._validation import describe
from .engine import Engine, RawRun, RunSpec, default_engine
from .inputs import as_current
from .results import LIFResult, Recording

__all__ = ["simulate", "simulate_spec", "Recording", "LIFResult", "check_duration_dt", "warn_if_capped"]


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
    t = Quantity(raw.t, dim=second.dim)
    current = spec.currents[0]
    return raw, LIFResult(
        t=t,
        v=Quantity(raw.v[0], dim=volt.dim),
        I=current(t),
        spike_times=Quantity(raw.spike_t, dim=second.dim),
        params=spec.params,
        current=current,
        duration=spec.duration,
        dt=spec.dt,
    )
