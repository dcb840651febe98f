"""simulate() and its result, LIFResult."""

import os
import warnings
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, mV, ms, nA, second, volt

from . import engine
from ._validation import as_positive
from .inputs import Current, as_current
from .parameters import LIFParams, as_params

__all__ = ["simulate", "Recording", "LIFResult", "check_duration_dt", "warn_if_capped"]


def _ms(seconds):
    return f"{seconds * 1e3:g} ms"


def check_duration_dt(duration, dt, params, n_neurons=1, record_v=True):
    """Validate a run's duration and time step; return them as float seconds.

    A duration that is not a whole number of time steps becomes the nearest one, with a warning
    that says so (the result's ``duration`` is what was simulated); dt must be at most tau and the
    run within the engine's limits (`engine.LIMITS`), all checked before any work starts.
    """
    duration = float(as_positive("duration", duration, second, "a time such as 100*ms") / second)
    dt = float(as_positive("dt", dt, second, "a time step such as 0.1*ms") / second)
    tau = float(params.tau)
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


@dataclass(frozen=True, eq=False)
class Recording:
    """What a run recorded: traces and spikes, and the input that produced them.

    Attributes
    ----------
    t : Quantity (second)
        Recorded times, one per time step, from 0.
    v : Quantity (volt)
        Membrane potential at `t`.
    I : Quantity (amp)
        Input current at `t`.
    spike_times : Quantity (second)
        Times of the spikes: when v crossed the threshold, timed exactly within the time step.
    current : inputs.Current
    duration, dt : Quantity (second)
    """

    t: Quantity
    v: Quantity
    I: Quantity
    spike_times: Quantity
    current: Current
    duration: Quantity
    dt: Quantity

    @property
    def spike_count(self):
        """Number of spikes (int)."""
        return int(len(self.spike_times))

    @property
    def firing_rate(self):
        """Spike count divided by the duration (Hz)."""
        return self.spike_count / self.duration


@dataclass(frozen=True, eq=False)
class LIFResult(Recording):
    """The outcome of `simulate`: a `Recording` and the neuron's parameters.

    Attributes
    ----------
    t, v, I, spike_times, current, duration, dt
        See `Recording`.
    params : LIFParams
    """

    params: LIFParams = None

    def plot(self, title=None):
        """A matplotlib Figure of v (threshold line, spike markers) above I, on a shared time axis.

        Examples
        --------
        >>> from brian2 import nA, ms
        >>> from neurodyn_lab import simulate, inputs
        >>> fig = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms).plot()
        >>> len(fig.axes)
        2
        """
        from .plotting import plot_result

        return plot_result(self, title=title)

    def to_csv(self, path):
        """Write t [ms], v [mV], I [nA] and a spike marker per row to `path`; never overwrites.

        The spike times are also listed in a comment line at the top.

        Raises
        ------
        FileExistsError
            If `path` exists already.
        """
        path = os.fspath(path)
        spike_ms = np.asarray(self.spike_times / ms)
        steps = np.rint(spike_ms / float(self.dt / ms)).astype(int)
        marker = np.zeros(len(self.t), dtype=int)
        marker[steps[(steps >= 0) & (steps < len(marker))]] = 1
        table = np.column_stack([np.asarray(self.t / ms), np.asarray(self.v / mV), np.asarray(self.I / nA), marker])
        header = (
            f"neurodyn_lab LIFResult; {self.params!r}; current: {self.current!r}\n"
            f"spike_times_ms: {', '.join(f'{s:.4f}' for s in spike_ms)}\n"
            "t_ms,v_mV,I_nA,spike"
        )
        with open(path, "x") as handle:  # "x": fails instead of overwriting
            np.savetxt(handle, table, delimiter=",", header=header, fmt=["%.4f", "%.6f", "%.6f", "%d"])
        return path

    def __repr__(self):
        return (
            f"<LIFResult: {float(self.duration / ms):g} ms at dt={float(self.dt / ms):g} ms, "
            f"{self.spike_count} spike{'s' if self.spike_count != 1 else ''} "
            f"({float(self.firing_rate / Hz):.1f} Hz); input {self.current!r}>"
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
        The neuron; default the book's set ``LIFParams()``.
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
