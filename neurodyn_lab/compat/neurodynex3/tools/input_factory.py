"""Input currents as neurodynex3 makes them: Brian2 TimedArrays on an integer time grid.

Every function returns a ``brian2.TimedArray`` of shape ``(n, 1)`` (``(n, k)`` for
`get_spikes_current`), exactly as ``neurodynex3.tools.input_factory`` 1.0.4 does, so it drives
`LIF.simulate_LIF_neuron` here and a student's own Brian2 model alike.

The rules, as in neurodynex3:

- Times are whole numbers of `unit_time`: entry ``k`` of the array holds the current from
  ``k * unit_time`` to ``(k + 1) * unit_time``; entry 0 is t = 0.
- The current is `amplitude` from entry `t_start` to entry `t_end`, both included.
- ``append_zero=True`` (the default) appends one 0 A entry after `t_end`; a TimedArray holds its
  last entry for ever, so without it the current stays at its final value after `t_end`.
- A ramp or sinusoid with ``t_start == t_end`` is zero everywhere.

Where neurodynex3 asserts, a wrong argument here raises one sentence naming it (TypeError or
ValueError). Two cases neurodynex3 accepts silently are refused: a negative `t_start` (its numpy
slicing then counts from the end) and `t_end` before `t_start` (it returns a zero current).

Examples
--------
>>> import brian2 as b2
>>> from neurodyn_lab.compat.neurodynex3.tools import input_factory
>>> current = input_factory.get_step_current(t_start=2, t_end=4, unit_time=b2.ms, amplitude=1.5 * b2.nA)
>>> current.values.shape
(6, 1)
>>> [round(float(x), 2) for x in current.values[:, 0] / b2.nA]
[0.0, 0.0, 1.5, 1.5, 1.5, 0.0]
>>> input_factory.get_step_current(2.5, 4, b2.ms, 1.5 * b2.nA)
Traceback (most recent call last):
...
TypeError: t_start must be a whole number of unit_time steps such as t_start=5 (with unit_time=1*b2.ms: 5 ms), got 2.5
"""

import math
import numbers

import numpy as np
from brian2 import Quantity, TimedArray, amp, hertz, ms, second, uamp, us

from neurodyn_lab._validation import as_dimensionless, as_positive, as_quantity, describe
from neurodyn_lab.inputs import MAX_TABLE_SAMPLES

__all__ = [
    "get_step_current", "get_ramp_current", "get_sinusoidal_current", "get_zero_current", "get_spikes_current",
    "plot_step_current_example", "plot_ramp_current_example", "plot_sinusoidal_current_example", "getting_started",
    "MAX_ENTRIES",
]

#: Most entries (time steps x columns) one current may have: the most samples an array current may
#: hold (`neurodyn_lab.inputs.MAX_TABLE_SAMPLES`, 80 MB), refused here before the table is allocated.
MAX_ENTRIES = MAX_TABLE_SAMPLES


def _index(name, value):
    """A time index: a non-negative whole number of unit_time steps."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, Quantity) and not value.is_dimensionless:
            hint = " (a quantity: give the number of unit_time steps instead)"
        else:
            hint = ""
        raise TypeError(f"{name} must be a whole number of unit_time steps such as {name}=5 "
                        f"(with unit_time=1*b2.ms: 5 ms), got {value!r}{hint}")
    value = int(value)
    if value < 0:
        raise ValueError(f"{name} must not be negative (a number of unit_time steps such as {name}=5), got {value}")
    return value


def _window(t_start, t_end):
    start, end = _index("t_start", t_start), _index("t_end", t_end)
    if end < start:
        raise ValueError(f"t_end must not be before t_start (e.g. t_start=5, t_end=100), "
                         f"got t_start={start} and t_end={end}")
    return start, end


def _unit_time(unit_time):
    return as_positive("unit_time", unit_time, second, "a time such as 1*b2.ms or 0.1*b2.ms")


def _current(name, value, example="2*b2.nA"):
    return float(as_quantity(name, value, amp, f"a current such as {example}") / amp)


def _append_zero(value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"append_zero must be True or False, got {describe(value)}")
    return bool(value)


def _empty_table(last_index, append_zero, columns=1):
    """Zeros for entries 0..last_index (plus the appended 0 A entry), as float amp."""
    rows = last_index + 1 + (1 if append_zero else 0)
    if rows * columns > MAX_ENTRIES:
        raise ValueError(f"the current would have {rows * columns:.3g} entries, more than {MAX_ENTRIES:.0e}; "
                         "use fewer time steps (a coarser unit_time such as 1*b2.ms, or a smaller t_end)")
    return np.zeros((rows, columns))


def _timed_array(table, unit_time):
    return TimedArray(Quantity(table, dim=amp.dim), dt=1.0 * unit_time)


def get_step_current(t_start, t_end, unit_time, amplitude, append_zero=True):
    """A step current: `amplitude` from entry `t_start` to entry `t_end` (both included).

    If ``t_start == t_end`` a single entry is set to `amplitude`.

    Parameters
    ----------
    t_start, t_end : int
        First and last entry of the step, in steps of `unit_time`.
    unit_time : Quantity (second)
        Duration of one entry, e.g. ``1*b2.ms`` or ``0.1*b2.ms``.
    amplitude : Quantity (amp)
        Height of the step, e.g. ``2*b2.nA``.
    append_zero : bool
        Append a 0 A entry at ``t_end + 1`` (default); without it the current keeps `amplitude`
        after `t_end`, since a TimedArray holds its last value.

    Returns
    -------
    brian2.TimedArray
        Values of shape ``(t_end + 2, 1)`` (``(t_end + 1, 1)`` without `append_zero`).

    Examples
    --------
    >>> import brian2 as b2
    >>> current = get_step_current(5, 100, b2.ms, 2 * b2.nA)
    >>> current(50 * b2.ms, 0), current(101 * b2.ms, 0)
    (2. * namp, 0. * amp)
    """
    start, end = _window(t_start, t_end)
    unit_time = _unit_time(unit_time)
    value = _current("amplitude", amplitude)
    table = _empty_table(end, _append_zero(append_zero))
    table[start:end + 1, 0] = value
    return _timed_array(table, unit_time)


def get_ramp_current(t_start, t_end, unit_time, amplitude_start, amplitude_end, append_zero=True):
    """A ramp: `amplitude_start` at entry `t_start` rising linearly to `amplitude_end` at `t_end`.

    If ``t_start == t_end`` every entry is 0 A.

    Parameters
    ----------
    t_start, t_end : int
        First and last entry of the ramp, in steps of `unit_time`.
    unit_time : Quantity (second)
        Duration of one entry, e.g. ``1*b2.ms``.
    amplitude_start, amplitude_end : Quantity (amp)
        The current at `t_start` and at `t_end`, e.g. ``0*b2.nA`` and ``4*b2.nA``.
    append_zero : bool
        Append a 0 A entry at ``t_end + 1`` (default); without it the current stays at
        `amplitude_end` after `t_end`.

    Returns
    -------
    brian2.TimedArray

    Examples
    --------
    >>> import brian2 as b2
    >>> current = get_ramp_current(10, 20, b2.ms, 0 * b2.nA, 4 * b2.nA)
    >>> round(float(current(15 * b2.ms, 0) / b2.nA), 9)
    2.0
    """
    start, end = _window(t_start, t_end)
    unit_time = _unit_time(unit_time)
    first = _current("amplitude_start", amplitude_start, "0*b2.nA")
    last = _current("amplitude_end", amplitude_end, "4*b2.nA")
    table = _empty_table(end, _append_zero(append_zero))
    if end > start:
        # The same arithmetic as neurodynex3 (start + k * slope), so the entries are identical.
        slope = (last - first) / float(end - start)
        table[start:end + 1, 0] = first + np.arange(end - start + 1) * slope
    return _timed_array(table, unit_time)


def get_sinusoidal_current(t_start, t_end, unit_time, amplitude, frequency, direct_current, phase_offset=0.,
                           append_zero=True):
    """``direct_current + amplitude * sin(2 pi frequency (k - t_start) unit_time + phase_offset)``.

    For entries ``k`` from `t_start` to `t_end`; 0 A elsewhere, and everywhere if
    ``t_start == t_end``.

    Parameters
    ----------
    t_start, t_end : int
        First and last entry of the sine wave, in steps of `unit_time`.
    unit_time : Quantity (second)
        Duration of one entry, e.g. ``0.1*b2.ms``.
    amplitude : Quantity (amp)
        e.g. ``2.5*b2.nA``.
    frequency : Quantity (hertz)
        e.g. ``250*b2.Hz``.
    direct_current : Quantity (amp)
        The offset added to the sine, e.g. ``0*b2.nA``.
    phase_offset : float
        Phase in radians at `t_start`, default 0.
    append_zero : bool
        Append a 0 A entry at ``t_end + 1`` (default).

    Returns
    -------
    brian2.TimedArray

    Examples
    --------
    >>> import brian2 as b2
    >>> current = get_sinusoidal_current(0, 40, 0.1 * b2.ms, 2 * b2.nA, 250 * b2.Hz, 1 * b2.nA)
    >>> round(float(current(1 * b2.ms, 0) / b2.nA), 9)  # a quarter period: 1 nA + 2 nA
    3.0
    """
    start, end = _window(t_start, t_end)
    unit_time = _unit_time(unit_time)
    amplitude = _current("amplitude", amplitude, "2.5*b2.nA")
    freq = float(as_quantity("frequency", frequency, hertz, "a frequency such as 250*b2.Hz") / hertz)
    offset = _current("direct_current", direct_current, "0*b2.nA")
    phase = as_dimensionless("phase_offset", phase_offset, "an angle in radians such as 0 or math.pi/2")
    table = _empty_table(end, _append_zero(append_zero))
    if end > start:
        # neurodynex3's arithmetic step by step ((k * unit_time) * f * 2 * pi + phase), so the
        # entries are identical to the last bit.
        phi = np.arange(end - start + 1) * float(unit_time / second)
        phi = phi * freq
        phi = phi * 2.0 * math.pi + phase
        table[start:end + 1, 0] = offset + np.sin(phi) * amplitude
    return _timed_array(table, unit_time)


def get_zero_current():
    """A TimedArray with a single entry, 0 A (which it holds for ever).

    Examples
    --------
    >>> get_zero_current().values.shape
    (1, 1)
    """
    return _timed_array(np.zeros((1, 1)), 1 * ms)


def get_spikes_current(t_spikes, unit_time, amplitude, append_zero=True):
    """One column per spike time: column ``j`` is `amplitude` at entry ``t_spikes[j]``, else 0 A.

    Meant for pulses into a cable (neuron ``j`` reads column ``j``); a single LIF neuron reads
    column 0 only.

    Parameters
    ----------
    t_spikes : list of int
        Spike times, in steps of `unit_time`.
    unit_time : Quantity (second)
        e.g. ``1*b2.ms``.
    amplitude : Quantity (amp)
        The same for every pulse, e.g. ``2*b2.nA``.
    append_zero : bool
        Append a row of 0 A after the last spike time (default).

    Returns
    -------
    brian2.TimedArray
        Values of shape ``(max(t_spikes) + 2, len(t_spikes))``.

    Examples
    --------
    >>> import brian2 as b2
    >>> get_spikes_current([2, 5], b2.ms, 1 * b2.nA).values.shape
    (7, 2)
    """
    if not isinstance(t_spikes, (list, tuple, np.ndarray)) or isinstance(t_spikes, Quantity):
        raise TypeError(f"t_spikes must be a list of whole numbers of unit_time steps such as [10, 20, 30], "
                        f"got {describe(t_spikes)}")
    if len(t_spikes) == 0:
        raise ValueError("t_spikes must contain at least one spike time (e.g. [10, 20, 30]), got an empty list")
    times = [_index(f"t_spikes[{j}]", t) for j, t in enumerate(t_spikes)]
    unit_time = _unit_time(unit_time)
    value = _current("amplitude", amplitude)
    table = _empty_table(max(times), _append_zero(append_zero), columns=len(times))
    table[times, np.arange(len(times))] = value
    return _timed_array(table, unit_time)


def _plot_values(current, style, title, **style_kw):
    import matplotlib.pyplot as plt  # the examples draw on pyplot's current figure, as neurodynex3's do

    plt.plot(current.values[:, 0] / float(uamp), style, **style_kw)
    plt.title(title)
    plt.xlabel("index")
    plt.ylabel("value")


def plot_step_current_example():
    """Plot the entries of ``get_step_current(10, 30, b2.ms, amplitude=5*b2.uA, append_zero=False)``."""
    current = get_step_current(10, 30, ms, amplitude=5 * uamp, append_zero=False)
    _plot_values(current, "ro", "get_step_current(10, 30, b2.ms, amplitude=5.*b2.uA, append_zero=False",
                 markersize=10, fillstyle="full")


def plot_ramp_current_example():
    """Plot the entries of ``get_ramp_current(10, 25, b2.ms, 20*b2.uamp, 50*b2.uamp, append_zero=True)``."""
    current = get_ramp_current(10, 25, ms, 20 * uamp, 50 * uamp, append_zero=True)
    _plot_values(current, "-", "get_ramp_current(10, 25, b2.ms, 20*b2.uamp, 50*b2.uamp, append_zero=True)", lw=3)


def plot_sinusoidal_current_example():
    """Plot the entries of a 1.5 kHz sinusoid sampled every microsecond (phase pi/6, 1.5 uA offset)."""
    current = get_sinusoidal_current(100, 1100, us, amplitude=2 * uamp, frequency=1.5 * 1000 * hertz,
                                     direct_current=1.5 * uamp, phase_offset=math.pi / 6, append_zero=False)
    _plot_values(current, "-", "get_sinusoidal_current(100, 1100, b2.us, amplitude=2*b2.uamp, frequency=1.5*b2.kHz, \n"
                 "direct_current=1.5*b2.uamp, phase_offset=pi/6, append_zero=False)", lw=3)


def getting_started():
    """Show the three example currents, one figure each."""
    import matplotlib.pyplot as plt

    for example in (plot_step_current_example, plot_ramp_current_example, plot_sinusoidal_current_example):
        example()
        plt.show()
