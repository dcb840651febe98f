"""The classic LIF module of the Neuronal Dynamics exercises (2016), on the new engine.

Same functions, signatures, defaults and units as the original: times in ms, currents in nA,
frequency in kHz, on the classic neuron (v_rest = v_reset = 0 mV, threshold 1 mV, R = 1 MOhm,
tau = 1 ms, no refractory period). Fixed defects of the original: calls can repeat while an
earlier record is still referenced (it used Brian2's magic network and raised ``MagicError``),
the current axis is labelled "I [nA]" (it said "I [mV]"), and `plot_data` draws on explicit axes.

Examples
--------
>>> from neurodyn_lab.lif import LIF_Step
>>> rec = LIF_Step(do_plot=False)
>>> rec.spike_count > 0, LIF_Step(I_amp=0.999, do_plot=False).spike_count
(True, 0)
"""

import numbers

import numpy as np
from brian2 import Quantity, TimedArray, amp, kHz, mV, ms, nA, second

from ._validation import describe
from .inputs import ArrayCurrent, Current, sinusoid, step
from .parameters import LIFParams
from .simulation import simulate

__all__ = ["LIF_Neuron", "LIF_Step", "LIF_Sinus", "plot_data", "ClassicRecord"]

#: The classic neuron: 0 mV rest and reset, 1 mV threshold, 1 MOhm, 1 ms, no refractory period.
CLASSIC = LIFParams.classic()


class ClassicRecord:
    """A record shaped like the Brian2 StateMonitor the original returned.

    ``rec.t`` (second), ``rec.v[0]`` (volt), ``rec.I[0]`` (amp), plus ``rec.spike_count``,
    ``rec.spike_times`` and ``rec.result`` (the full `LIFResult`). It holds no Brian2 objects, so
    any number of records can live side by side.
    """

    def __init__(self, result):
        self.result = result
        self.t = result.t
        self.v = Quantity(np.asarray(result.v)[np.newaxis, :], dim=result.v.dim)
        self.I = Quantity(np.asarray(result.I)[np.newaxis, :], dim=result.I.dim)
        self.spike_times = result.spike_times
        self.spike_count = result.spike_count

    @property
    def t_(self):
        return np.asarray(self.t)

    @property
    def v_(self):
        return np.asarray(self.v)

    @property
    def I_(self):
        return np.asarray(self.I)

    def __repr__(self):
        return f"<ClassicRecord of {len(self.t)} samples, {self.spike_count} spikes>"


def _number(name, value, unit_text, positive=False):
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise TypeError(f"{name} must be a plain number in {unit_text} (e.g. {name}=20), got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number in {unit_text}, got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be a positive number in {unit_text}, got {value!r}")
    return value


def LIF_Neuron(curr, simtime):
    """Simulate the classic LIF neuron driven by `curr` for `simtime`.

    Parameters
    ----------
    curr : brian2.TimedArray or neurodyn_lab.inputs.Current
        The input current (a TimedArray of currents in amp, as in the original).
    simtime : Quantity (second)
        How long to simulate, e.g. ``100*ms``.

    Returns
    -------
    ClassicRecord
        ``rec.t``, ``rec.v[0]``, ``rec.I[0]``, ``rec.spike_count``, ``rec.spike_times``.

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import TimedArray, nA, ms
    >>> curr = TimedArray(np.r_[np.zeros(10), 2 * np.ones(40), np.zeros(50)] * nA, dt=1 * ms)
    >>> LIF_Neuron(curr, 100 * ms).spike_count > 0
    True
    """
    if isinstance(curr, TimedArray):
        values = np.asarray(curr.values, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"curr must be a one-dimensional TimedArray of currents, got one of shape {values.shape}")
        if not curr.dim == amp.dim:
            raise TypeError(f"curr must be a TimedArray of currents such as TimedArray([0, 2, 0]*nA, dt=1*ms), "
                            f"got one in {curr.dim}")
        # A TimedArray holds its last value for ever; the generic path continues it likewise.
        current = ArrayCurrent(Quantity(values, dim=amp.dim), curr.dt * second)
        current = _HeldArray(current)
    elif isinstance(curr, Current):
        current = curr
    else:
        raise TypeError(f"curr must be a brian2 TimedArray of currents (e.g. TimedArray([0, 2, 0]*nA, dt=1*ms)) "
                        f"or a current from neurodyn_lab.inputs, got {describe(curr)}")
    if isinstance(simtime, numbers.Real) and not isinstance(simtime, Quantity):
        raise TypeError(f"simtime must be a time such as 100*ms, got {simtime!r} (a bare number, without a unit)")
    return ClassicRecord(simulate(current, simtime, params=CLASSIC))


class _HeldArray(ArrayCurrent):
    """An array current that holds its last value after the end, like a Brian2 TimedArray."""

    def __init__(self, inner):
        self.values, self.dt, self.start = inner.values, inner.dt, inner.start

    def _samples(self, n):
        if n <= len(self.values):
            return self.values
        return np.concatenate([self.values, np.full(n - len(self.values), self.values[-1])])


def LIF_Step(I_tstart=20, I_tend=70, I_amp=1.005, tend=100, do_plot=True):
    """Classic neuron driven by a step current of `I_amp` nA from `I_tstart` to `I_tend` ms.

    Parameters
    ----------
    I_tstart, I_tend : float
        Start and end of the step [ms].
    I_amp : float
        Step amplitude [nA]; the classic neuron's rheobase is 1 nA.
    tend : float
        Simulated time [ms].
    do_plot : bool
        Plot the result with `plot_data`.

    Returns
    -------
    ClassicRecord

    Examples
    --------
    >>> LIF_Step(I_amp=1.5, do_plot=False).spike_count > 0
    True
    """
    start = _number("I_tstart", I_tstart, "ms")
    end = _number("I_tend", I_tend, "ms")
    amplitude = _number("I_amp", I_amp, "nA")
    duration = _number("tend", tend, "ms", positive=True)
    if start < 0:
        raise ValueError(f"I_tstart must not be negative (in ms, e.g. I_tstart=20), got {start!r}")
    if end <= start:
        raise ValueError(f"I_tend must be after I_tstart (in ms, e.g. I_tstart=20, I_tend=70), got I_tstart={start!r} "
                         f"and I_tend={end!r}")
    rec = ClassicRecord(simulate(step(amplitude * nA, start * ms, end * ms), duration * ms, params=CLASSIC))
    if do_plot:
        plot_data(rec, title="Step current")
    return rec


def LIF_Sinus(I_freq=0.1, I_offset=0.5, I_amp=0.5, tend=100, dt=.1, do_plot=True):
    """Classic neuron driven by ``I_offset + I_amp sin(2 pi I_freq t)`` nA (I_freq in kHz).

    Parameters
    ----------
    I_freq : float
        Frequency [kHz].
    I_offset, I_amp : float
        Offset and amplitude [nA].
    tend, dt : float
        Simulated time and time step [ms].
    do_plot : bool
        Plot the result with `plot_data`.

    Returns
    -------
    ClassicRecord

    Examples
    --------
    >>> LIF_Sinus(do_plot=False).spike_count
    0
    """
    freq = _number("I_freq", I_freq, "kHz", positive=True)
    offset = _number("I_offset", I_offset, "nA")
    amplitude = _number("I_amp", I_amp, "nA")
    duration = _number("tend", tend, "ms", positive=True)
    step_ms = _number("dt", dt, "ms", positive=True)
    current = sinusoid(amplitude * nA, freq * kHz, offset=offset * nA)
    rec = ClassicRecord(simulate(current, duration * ms, params=CLASSIC, dt=step_ms * ms))
    if do_plot:
        plot_data(rec, title="Sinusoidal current")
    return rec


def plot_data(rec, v_threshold=1., title=None):
    """Plot the voltage (with the threshold, in mV) and the current (nA) of a record.

    Parameters
    ----------
    rec : ClassicRecord (or anything with ``t``, ``v[0]`` and ``I[0]``, e.g. a Brian2 StateMonitor)
    v_threshold : float
        Threshold to draw [mV].
    title : str, optional

    Returns
    -------
    None
        Like the original; the figure is pyplot's current figure (``plt.gcf()``), shown by Jupyter
        at the end of the cell (or by ``plt.show()`` in a script).

    Examples
    --------
    >>> from neurodyn_lab.lif import LIF_Step, plot_data
    >>> plot_data(LIF_Step(do_plot=False), title="Step")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt  # the classic API shows its figures like the original did

    threshold = _number("v_threshold", v_threshold, "mV")
    for attr in ("t", "v", "I"):
        if not hasattr(rec, attr):
            raise TypeError(f"rec must be a record from LIF_Neuron/LIF_Step/LIF_Sinus (with t, v and I), "
                            f"got {describe(rec)}")
    t_ms = np.asarray(rec.t / ms)
    fig, (ax_v, ax_i) = plt.subplots(2, 1, sharex=True, figsize=(7, 5), layout="constrained")
    ax_v.plot(t_ms, np.asarray(rec.v[0] / mV), lw=2, label="v")
    ax_v.axhline(threshold, color="0.35", ls="--", lw=1, label="threshold")
    ax_v.set_ylabel("v [mV]")
    ax_v.legend(loc="upper right", fontsize="small")
    ax_v.grid(True, alpha=0.3)
    ax_i.plot(t_ms, np.asarray(rec.I[0] / nA), lw=2, color="C1")
    ax_i.set_xlabel("t [ms]")
    ax_i.set_ylabel("I [nA]")
    ax_i.grid(True, alpha=0.3)
    if title:
        ax_v.set_title(title)
    # Returning the figure too would show it twice in Jupyter (as the cell's value and by pyplot).
    return None
