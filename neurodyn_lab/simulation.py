"""simulate() and its result, LIFResult (defined with the other results in `neurodyn_lab.results`)."""

import warnings

from brian2 import Quantity, ms, second, volt

from . import engine
from ._validation import as_positive
from .inputs import as_current
from .parameters import as_params
from .results import LIFResult, Recording

__all__ = ["simulate", "Recording", "LIFResult", "check_duration_dt", "warn_if_capped"]


def _ms(seconds):
    return f"{seconds * 1e3:g} ms"


def check_duration_dt(duration, dt, params, n_neurons=1, record_v=True):
    """Validate a run's duration and time step; return them as float seconds.

    A duration that is not a whole number of time steps becomes the nearest one, with a warning
    that says so (the result's ``duration`` is what was simulated); dt must be at most tau and the
    run within the engine's limits (``engine.LIMITS``), all checked before any work starts.

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
    duration = float(as_positive("duration", duration, second, "a time such as 100*ms") / second)
    dt = float(as_positive("dt", dt, second, "a time step such as 0.1*ms") / second)
    tau = float(as_params(params).tau)
    if dt > tau:
        raise ValueError(
            f"dt must not be larger than the membrane time constant tau={_ms(tau)} (e.g. dt=0.1*ms), got dt={_ms(dt)}"
        )
    if dt > duration:
        raise ValueError(f"dt must be shorter than duration={_ms(duration)} (e.g. dt=0.1*ms), got dt={_ms(dt)}")
    n_steps = int(round(duration / dt))
    if n_steps > engine.MAX_STEPS:
        raise ValueError(
            f"duration/dt must be at most {engine.MAX_STEPS:.0e} time steps (e.g. duration=1*second with "
            f"dt=0.1*ms is 10^4), got {n_steps:.3g} steps for duration={_ms(duration)} and dt={_ms(dt)}"
        )
    n_steps = engine.n_steps_of(duration, dt)
    if abs(duration / dt - n_steps) > 1e-6 * n_steps:
        warnings.warn(
            f"duration={_ms(duration)} is not a whole number of time steps of dt={_ms(dt)}: simulating "
            f"{_ms(n_steps * dt)} ({n_steps} steps) instead; choose a duration such as {_ms(n_steps * dt)}",
            RuntimeWarning, stacklevel=3,
        )
        duration = n_steps * dt
    if n_neurons > engine.MAX_NEURONS or n_steps * n_neurons > engine.MAX_SAMPLES or (
            record_v and n_steps * n_neurons > engine.MAX_RECORDED):
        raise ValueError(
            f"the run is too large ({n_neurons} neurons x {n_steps} time steps): {engine.LIMITS}; "
            "use fewer currents or a shorter duration"
        )
    return duration, dt


def warn_if_capped(raw, dt_s):
    """One warning if the run lost spikes to the time step (two crossings within one dt)."""
    if raw.n_capped:
        warnings.warn(
            f"{raw.n_capped} spike{'s were' if raw.n_capped > 1 else ' was'} delayed to the next time step: the "
            f"neuron would fire more than once within dt={_ms(dt_s)} (t_ref plus the time from reset to threshold "
            f"is shorter than dt), so its rate is capped near 1/dt={1 / dt_s:g} Hz; use a smaller dt",
            RuntimeWarning, stacklevel=3,
        )


def simulate(current, duration, params=None, dt=0.1 * ms):
    """Simulate the LIF neuron driven by `current` for `duration`.

    Parameters
    ----------
    current : inputs.Current or Quantity (amp)
        The input, e.g. ``inputs.step(3*nA, 10*ms, 60*ms)``; a constant such as ``2*nA`` is on from 0 ms.
    duration : Quantity (second)
        How long to simulate, e.g. ``100*ms``.
    params : LIFParams, optional
        The neuron; default neurodynex3's set ``LIFParams()``.
    dt : Quantity (second)
        Integration time step, default 0.1 ms; at most tau, and `duration` must be a whole number
        of time steps.

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
    """
    current = as_current(current)
    params = as_params(params)
    duration_s, dt_s = check_duration_dt(duration, dt, params)
    raw = engine.run(params, [current], duration_s, dt_s, record_v=True)
    warn_if_capped(raw, dt_s)
    t = raw.t
    return LIFResult(
        t=Quantity(t, dim=second.dim),
        v=Quantity(raw.v[0], dim=volt.dim),
        I=current(Quantity(t, dim=second.dim)),
        spike_times=Quantity(raw.spike_t, dim=second.dim),
        params=params,
        current=current,
        duration=duration_s * second,
        dt=dt_s * second,
    )
