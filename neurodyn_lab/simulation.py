"""simulate() and its result, LIFResult (defined with the other results in `neurodyn_lab.results`)."""

from brian2 import Quantity, ms, second, volt

from . import engine
from ._validation import as_positive
from .inputs import as_current
from .parameters import as_params
from .results import LIFResult, Recording

__all__ = ["simulate", "Recording", "LIFResult", "check_duration_dt"]


def check_duration_dt(duration, dt, params, n_neurons=1):
    """Validate a run's duration and time step; return them as float seconds."""
    duration = as_positive("duration", duration, second, "a time such as 100*ms")
    dt = as_positive("dt", dt, second, "a time step such as 0.1*ms")
    if dt > params.tau:
        raise ValueError(
            f"dt must not be larger than the membrane time constant tau={params.tau} "
            f"(e.g. dt=0.1*ms), got dt={dt}"
        )
    if dt > duration:
        raise ValueError(f"dt must be shorter than duration={duration} (e.g. dt=0.1*ms), got dt={dt}")
    n_steps = int(round(float(duration / dt)))
    if n_steps > engine.MAX_STEPS:
        raise ValueError(
            f"duration/dt must be at most {engine.MAX_STEPS:.0e} time steps (e.g. duration=1*second with "
            f"dt=0.1*ms is 10^4), got {n_steps:.3g} steps for duration={duration} and dt={dt}"
        )
    if n_steps * n_neurons > engine.MAX_SAMPLES:
        raise ValueError(
            f"the run is too large: {n_neurons} neurons x {n_steps} time steps exceeds {engine.MAX_SAMPLES:.0e}; "
            "use fewer currents or a shorter duration"
        )
    return float(duration / second), float(dt / second)


def simulate(current, duration, params=None, dt=0.1 * ms):
    """Simulate the LIF neuron driven by `current` for `duration`.

    Parameters
    ----------
    current : inputs.Current or Quantity (amp)
        The input, e.g. ``inputs.step(3*nA, 10*ms, 60*ms)``; a constant such as ``2*nA`` is on from 0 ms.
    duration : Quantity (second)
        How long to simulate, e.g. ``100*ms``.
    params : LIFParams, optional
        The neuron; default the book's set ``LIFParams()``.
    dt : Quantity (second)
        Integration time step, default 0.1 ms; at most tau.

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
