"""The classic LIF module of the Neuronal Dynamics exercises (2016), on the new engine.

Same functions, signatures, defaults and units as the original: times in ms, currents in nA,
frequency in kHz, on the classic neuron (v_rest = v_reset = 0 mV, threshold 1 mV, R = 1 MOhm,
tau = 1 ms, no refractory period). Fixed defects of the original: calls can repeat while an
earlier record is still referenced (it used Brian2's magic network and raised ``MagicError``),
the current axis is labelled "I [nA]" (it said "I [mV]"), and `plot_data` draws on explicit axes.
Bad arguments are answered in the classic API's own terms: its argument names, plain numbers in
ms, nA and kHz, and its limits in those units.

Examples
--------
>>> from neurodyn_lab.lif import LIF_Step
>>> rec = LIF_Step(do_plot=False)
>>> rec.spike_count > 0, LIF_Step(I_amp=0.5, do_plot=False).spike_count
(True, 0)
>>> LIF_Step(tend=1e9, do_plot=False)
Traceback (most recent call last):
...
ValueError: tend must be at most 1e6 (ms: 1e7 time steps of 0.1 ms; e.g. tend=100), got 1e9.
"""

import numbers

import numpy as np
from brian2 import Quantity, TimedArray, amp, kHz, mV, ms, nA, second

from ._validation import describe, format_number, format_value
from .engine import RunSpec, Spelling
from .inputs import MAX_TABLE_SAMPLES, Current, from_array, sinusoid, step
from .parameters import LIFParams
from .simulation import simulate_spec

__all__ = ["LIF_Neuron", "LIF_Step", "LIF_Sinus", "plot_data", "ClassicRecord", "warm_up_jobs"]

#: The classic neuron: 0 mV rest and reset, 1 mV threshold, 1 MOhm, 1 ms, no refractory period.
CLASSIC = LIFParams.classic()

#: The time step of LIF_Neuron and LIF_Step [ms] (LIF_Sinus takes its own `dt`).
DT_MS = 0.1

# How each classic function names the run's duration and time step: RunSpec, which holds every
# rule of a run, refuses in these terms (plain ms for tend and dt, a Quantity for simtime).
_TAU = "the classic neuron's membrane time constant"
#: LIF_Neuron: ``simtime`` a Quantity, the time step fixed at 0.1 ms.
SIMTIME = Spelling(duration="simtime", duration_example="100*ms", dt_is_argument=False, tau=_TAU, end=".")
#: LIF_Step: ``tend`` in plain ms, the time step fixed at 0.1 ms.
TEND = Spelling(duration="tend", plain_ms=True, duration_example="100", dt_is_argument=False, tau=_TAU, end=".")
#: LIF_Sinus: ``tend`` and ``dt`` in plain ms, and the sinusoid's frequency as ``I_freq`` in kHz.
TEND_DT = Spelling(duration="tend", plain_ms=True, duration_example="100", dt_example="0.1", tau=_TAU,
                   inputs=(("frequency", "I_freq", "kHz", 1e3, "0.1 for 100 Hz"),), end=".")


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


def _number(name, value, unit, example, *, positive=False, nonnegative=False):
    """`value` as a float if it is a plain number; the classic API's arguments carry no unit.

    `example` is what the student may copy, in the argument's own unit (e.g. ``"0.1"`` for I_freq
    in kHz, which is 100 Hz).
    """
    expected = f"a plain number in {unit} such as {name}={example}"
    if isinstance(value, Quantity) and value.dim.is_dimensionless and np.ndim(value) == 0:
        value = float(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        without = " (the classic API takes numbers without units)" if isinstance(value, Quantity) else ""
        raise TypeError(f"{name} must be {expected}{without}, got {describe(value)}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number in {unit} such as {name}={example}, got {format_number(value)}.")
    if positive and value <= 0:
        raise ValueError(f"{name} must be positive ({expected}), got {format_number(value)}.")
    if nonnegative and value < 0:
        raise ValueError(f"{name} must not be negative ({expected}), got {format_number(value)}.")
    return value


def _timed_array_current(curr, simtime_ms):
    """The input of `LIF_Neuron` for a Brian2 TimedArray, for a run of `simtime_ms`.

    A TimedArray holds its last value for ever; the samples are continued likewise up to the end
    of the run.
    """
    example = "a TimedArray of currents such as TimedArray([0, 2, 0]*nA, dt=1*ms)"
    if curr.dim != amp.dim:
        raise TypeError(f"curr must be {example}, got {describe(curr)}.")
    values = np.asarray(curr.values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"curr must be a one-dimensional, non-empty TimedArray (one current per time step, "
                         f"such as TimedArray([0, 2, 0]*nA, dt=1*ms)), got one of shape {values.shape}.")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"curr must hold finite currents ({example}), got {format_value(Quantity(values, dim=amp.dim))}.")
    dt_ms = float(curr.dt) * 1e3
    needed = int(np.ceil(simtime_ms / dt_ms)) + 1
    # The array current's table limit (inputs.MAX_TABLE_SAMPLES), checked before the samples are made.
    if needed > max(len(values), MAX_TABLE_SAMPLES):
        raise ValueError(f"curr's time step dt={format_value(dt_ms * ms)} is too fine for simtime="
                         f"{format_value(simtime_ms * ms)}: the run would need {format_number(needed)} samples, "
                         f"at most {format_number(MAX_TABLE_SAMPLES)} (e.g. TimedArray(..., dt=0.1*ms)).")
    if needed > len(values):
        values = np.concatenate([values, np.full(needed - len(values), values[-1])])
    return from_array(Quantity(values, dim=amp.dim), dt_ms * ms)


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
    >>> from brian2 import TimedArray, nA, mV, ms
    >>> curr = TimedArray(np.r_[np.zeros(10), 2 * np.ones(40), np.zeros(50)] * nA, dt=1 * ms)
    >>> LIF_Neuron(curr, 100 * ms).spike_count > 0
    True
    >>> LIF_Neuron(curr, "100")
    Traceback (most recent call last):
    ...
    TypeError: simtime must be a time such as 100*ms, got the text '100'.
    >>> LIF_Neuron(TimedArray([0, 2, 0] * mV, dt=1 * ms), 100 * ms)
    Traceback (most recent call last):
    ...
    TypeError: curr must be a TimedArray of currents such as TimedArray([0, 2, 0]*nA, dt=1*ms), got a TimedArray of voltages (mV).
    """
    if not isinstance(curr, (TimedArray, Current)):
        raise TypeError(f"curr must be a brian2 TimedArray of currents (e.g. TimedArray([0, 2, 0]*nA, dt=1*ms)) "
                        f"or a current from neurodyn_lab.inputs, got {describe(curr)}.")
    # The run's rules first (RunSpec's, in simtime's terms), before the TimedArray's samples are made.
    simtime_s, _, _ = RunSpec.time_grid(simtime, DT_MS * ms, CLASSIC, spelling=SIMTIME)
    current = _timed_array_current(curr, simtime_s * 1e3) if isinstance(curr, TimedArray) else curr
    return ClassicRecord(simulate_spec(RunSpec(current, simtime_s * second, params=CLASSIC, dt=DT_MS * ms,
                                               name="curr", spelling=SIMTIME)))


def _step_current(I_tstart, I_tend, I_amp):
    """The input of `LIF_Step`: `I_amp` nA from `I_tstart` to `I_tend` ms."""
    start = _number("I_tstart", I_tstart, "ms", "20", nonnegative=True)
    end = _number("I_tend", I_tend, "ms", "70")
    amplitude = _number("I_amp", I_amp, "nA", "1.005")
    if end <= start:
        raise ValueError(f"I_tend must be after I_tstart (in ms, e.g. I_tstart=20, I_tend=70), "
                         f"got I_tstart={format_number(start)} and I_tend={format_number(end)}.")
    return step(amplitude * nA, start * ms, end * ms)


def LIF_Step(I_tstart=20, I_tend=70, I_amp=1.005, tend=100, do_plot=True):
    """Classic neuron driven by a step current of `I_amp` nA from `I_tstart` to `I_tend` ms.

    Parameters
    ----------
    I_tstart, I_tend : float
        Start and end of the step [ms].
    I_amp : float
        Step amplitude [nA], default 1.005.
    tend : float
        Simulated time [ms], at most 10^6 (10^7 time steps of 0.1 ms).
    do_plot : bool
        Plot the result with `plot_data`.

    Returns
    -------
    ClassicRecord

    Examples
    --------
    >>> LIF_Step(I_amp=1.5, do_plot=False).spike_count > 0
    True
    >>> from brian2 import nA
    >>> LIF_Step(I_amp=1.5 * nA, do_plot=False)
    Traceback (most recent call last):
    ...
    TypeError: I_amp must be a plain number in nA such as I_amp=1.005 (the classic API takes numbers without units), got 1.5 nA.
    """
    current = _step_current(I_tstart, I_tend, I_amp)
    duration = _number("tend", tend, "ms", "100")
    rec = ClassicRecord(simulate_spec(RunSpec(current, duration * ms, params=CLASSIC, dt=DT_MS * ms, spelling=TEND)))
    if do_plot:
        plot_data(rec, title="Step current")
    return rec


def _sinus_current(I_freq, I_offset, I_amp):
    """The input of `LIF_Sinus`: ``I_offset + I_amp sin(2 pi I_freq t)`` nA, I_freq in kHz.

    Its highest frequency at a time step is the sinusoid's own rule, said in kHz by RunSpec (`TEND_DT`).
    """
    freq = _number("I_freq", I_freq, "kHz", "0.1 (100 Hz)", positive=True)
    offset = _number("I_offset", I_offset, "nA", "0.5")
    amplitude = _number("I_amp", I_amp, "nA", "0.5")
    return sinusoid(amplitude * nA, freq * kHz, offset=offset * nA)


def LIF_Sinus(I_freq=0.1, I_offset=0.5, I_amp=0.5, tend=100, dt=.1, do_plot=True):
    """Classic neuron driven by ``I_offset + I_amp sin(2 pi I_freq t)`` nA (I_freq in kHz).

    Parameters
    ----------
    I_freq : float
        Frequency [kHz]: ``I_freq=0.1`` is 100 Hz; at most ``0.1 / dt`` (ten time steps per period).
    I_offset, I_amp : float
        Offset and amplitude [nA].
    tend, dt : float
        Simulated time and time step [ms]; `dt` at most the classic neuron's tau (1 ms).
    do_plot : bool
        Plot the result with `plot_data`.

    Returns
    -------
    ClassicRecord

    Examples
    --------
    >>> LIF_Sinus(do_plot=False).spike_count
    0
    >>> LIF_Sinus(dt=2, do_plot=False)
    Traceback (most recent call last):
    ...
    ValueError: dt must be at most 1 (ms: the classic neuron's membrane time constant; e.g. dt=0.1), got 2.
    """
    step_ms = _number("dt", dt, "ms", "0.1")
    current = _sinus_current(I_freq, I_offset, I_amp)
    duration = _number("tend", tend, "ms", "100")
    rec = ClassicRecord(simulate_spec(RunSpec(current, duration * ms, params=CLASSIC, dt=step_ms * ms,
                                              spelling=TEND_DT)))
    if do_plot:
        plot_data(rec, title="Sinusoidal current")
    return rec


def warm_up_jobs():
    """The models the classic API runs, as warm-up jobs for `neurodyn_lab.engine.warm_up`.

    One ``(label, currents, record_v)`` job per input the classic functions build: the step of
    `LIF_Step`, the sinusoid of `LIF_Sinus` and the held TimedArray samples of `LIF_Neuron`, each
    made by the same code as in those functions, on one recorded neuron.

    Examples
    --------
    >>> [(label, len(currents), record_v) for label, currents, record_v in warm_up_jobs()]
    [('classic LIF_Step', 1, True), ('classic LIF_Sinus', 1, True), ('classic LIF_Neuron (TimedArray)', 1, True)]
    """
    timed = TimedArray(np.array([0.0, 2.0, 0.0]) * nA, dt=1 * ms)
    return [
        ("classic LIF_Step", [_step_current(20, 70, 1.005)], True),
        ("classic LIF_Sinus", [_sinus_current(0.1, 0.5, 0.5)], True),
        ("classic LIF_Neuron (TimedArray)", [_timed_array_current(timed, 100.0)], True),
    ]


def _trace(rec, attr):
    """``rec.v[0]`` of a record shaped like a StateMonitor, or ``rec.v`` of a one-neuron result."""
    values = getattr(rec, attr)
    return values[0] if np.ndim(values) == 2 else values


def plot_data(rec, v_threshold=1., title=None):
    """Plot the voltage (with the threshold, in mV) and the current (nA) of a record.

    Parameters
    ----------
    rec : ClassicRecord (or anything with ``t``, ``v[0]`` and ``I[0]``, e.g. a Brian2 StateMonitor)
        A `LIFResult` of `simulate` (one neuron, ``v`` and ``I`` one-dimensional) works too.
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
    >>> import matplotlib.pyplot as plt
    >>> from neurodyn_lab.lif import LIF_Step, plot_data
    >>> plot_data(LIF_Step(do_plot=False), title="Step")
    >>> [ax.get_ylabel() for ax in plt.gcf().axes]
    ['v (mV)', 'I (nA)']
    >>> plt.close("all")
    """
    import matplotlib.pyplot as plt  # the classic API shows its figures like the original did

    threshold = _number("v_threshold", v_threshold, "mV", "1")
    expected = "a record from LIF_Neuron, LIF_Step or LIF_Sinus (with t, v and I)"
    if not all(hasattr(rec, attr) for attr in ("t", "v", "I")):
        raise TypeError(f"rec must be {expected}, got {describe(rec)}.")
    try:
        t_ms = np.asarray(rec.t / ms, dtype=float)
        v_mV = np.asarray(_trace(rec, "v") / mV, dtype=float)
        i_nA = np.asarray(_trace(rec, "I") / nA, dtype=float)
    except Exception:  # t, v or I without the units of a record (Brian2 raises its own unit errors)
        raise TypeError(f"rec must be {expected}: t in seconds, v in volts, I in amps, got {describe(rec)}.") from None
    if not (t_ms.ndim == v_mV.ndim == i_nA.ndim == 1 and len(t_ms) == len(v_mV) == len(i_nA)):
        raise ValueError(f"rec must be {expected}, with as many values of v and I as of t, got {len(t_ms)} times, "
                         f"{np.size(v_mV)} voltages and {np.size(i_nA)} currents.")
    # The package's one v-above-I drawer (plotting.plot_traces), on pyplot's current-figure stack.
    from .plotting import plot_traces

    spikes = getattr(rec, "spike_times", None)
    plot_traces(t_ms * ms, v_mV * mV, i_nA * nA, () if spikes is None else spikes,
                v_threshold=threshold * mV, title=str(title) if title else None, fig=plt.figure(figsize=(7, 5)))
    # Returning the figure too would show it twice in Jupyter (as the cell's value and by pyplot).
    return None
