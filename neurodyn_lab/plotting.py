"""Figures from results, drawn on explicit figures, with one colour scheme.

One drawer per kind of figure, used by every caller:

- `TraceAxes`: v(t) above I(t) on a shared time axis, with the threshold and resting lines and the
  spike markers. `LIFResult.plot`, the mystery neuron's results, the classic ``plot_data`` (through
  `plot_traces`) and the step and sinusoid panels all draw with it.
- `FICurveAxes`: firing rate against constant current (the f-I panel and `results.FICurve.plot`).
- `BodeAxes`: gain and phase against frequency (the frequency-response panel and
  `results.FrequencyResponse.plot`).

Each drawer creates its axes and artists once; ``show(...)`` only sets their data and limits, so a
panel can call it on every update and a static plot calls it once. Functions here never touch
pyplot's global state: they draw on a figure they are given, or on a new
`matplotlib.figure.Figure` (which Jupyter displays when it is a cell's value).

This module knows nothing of `neurodyn_lab.results`: it draws arrays, and `plot_result` draws
anything shaped like a recording (`TraceLike`). The results' own ``plot()`` methods call it, so the
imports go one way (results -> plotting) and there is no circle.
"""

import io
import numbers
from typing import Protocol, runtime_checkable

import numpy as np
from brian2 import Hz, Mohm, Quantity, amp, mV, ms, nA, second, volt
from matplotlib.figure import Figure

from ._validation import as_quantity, describe, format_number

__all__ = ["TraceLike", "COLORS", "ResultFigure", "new_figure", "stable_limits", "axis_limits", "TraceAxes",
           "plot_result", "plot_traces", "FICurveAxes", "BodeAxes"]


@runtime_checkable
class TraceLike(Protocol):
    """What `plot_result` draws: a recording's traces and spikes (`results.Recording` is one).

    An object with a ``params`` attribute (an `LIFParams`) also gets the threshold and resting lines.
    """

    t: Quantity
    v: Quantity
    I: Quantity
    spike_times: Quantity
    duration: Quantity

    @property
    def spike_count(self) -> int: ...


#: The one colour scheme: what is simulated is blue (v) and green (I), what the book predicts is
#: orange, the neuron's own levels are red (threshold, spikes) and grey (rest), markers purple.
COLORS = {
    "voltage": "tab:blue",
    "current": "tab:green",
    "threshold": "tab:red",
    "spikes": "tab:red",
    "rest": "0.55",
    "simulated": "tab:blue",
    "book": "tab:orange",
    "marker": "tab:purple",
}

_LEGEND = dict(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize="small", borderaxespad=0.2,
               columnspacing=1.2, handlelength=1.8)


class ResultFigure(Figure):
    """A Figure that Jupyter shows as an image even before pyplot was ever imported.

    Jupyter's own display of figures is only set up when pyplot loads its inline backend; a figure
    made without pyplot would otherwise show as "<Figure size 700x450 with 2 Axes>".
    """

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


#: The largest width or height of a figure, in inches (4000 pixels at the 100 dpi of its PNG).
MAX_FIGURE_INCHES = 40


def _plain(value):
    """True for a real number without a unit (a dimensionless Quantity counts as one)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, Quantity):
        return np.ndim(value) == 0 and value.is_dimensionless
    return isinstance(value, (numbers.Real, np.integer, np.floating))


def new_figure(figsize=(7, 4.5)):
    """An empty Figure, not registered with pyplot.

    Parameters
    ----------
    figsize : (float, float)
        Width and height in inches, each above 0 and at most `MAX_FIGURE_INCHES`.

    Examples
    --------
    >>> new_figure().axes
    []
    >>> new_figure(figsize=(1e6, 1e6))
    Traceback (most recent call last):
    ...
    ValueError: figsize must be (width, height) in inches, each above 0 and at most 40, such as (7, 4.5), got (1e6, 1e6).
    """
    expected = f"(width, height) in inches, each above 0 and at most {MAX_FIGURE_INCHES}, such as (7, 4.5)"
    if not (isinstance(figsize, (tuple, list)) and len(figsize) == 2 and all(_plain(x) for x in figsize)):
        raise TypeError(f"figsize must be {expected}, got {describe(figsize, unitless=True)}.")
    if not all(0 < float(x) <= MAX_FIGURE_INCHES for x in figsize):  # also refuses nan
        raise ValueError(f"figsize must be {expected}, got ({', '.join(format_number(x) for x in figsize)}).")
    return ResultFigure(figsize=tuple(float(x) for x in figsize))


def _checked_figure(name, figure, example="new_figure()"):
    """`figure` if it is a matplotlib Figure, one clear error otherwise."""
    if not isinstance(figure, Figure):
        raise TypeError(f"{name} must be a matplotlib Figure such as {example}, got {describe(figure, unitless=True)}.")
    return figure


def _nice_step(span):
    """A round tick-like step (1, 2 or 5 times a power of ten) about a fifth of `span`."""
    raw = span / 5
    power = 10 ** np.floor(np.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def stable_limits(current, low, high, pad=0.08):
    """Axis limits for data in [low, high] that do not jump around while a slider is dragged.

    The current limits are kept while they hold the data and are at most about twice as wide as
    needed; otherwise new limits are rounded outward to a round step.

    Examples
    --------
    >>> stable_limits(None, -70.0, -50.0)
    (-75.0, -45.0)
    >>> stable_limits((-80.0, -40.0), -70.0, -50.0)
    (-80.0, -40.0)
    >>> stable_limits(None, "a", 1.0)
    Traceback (most recent call last):
    ...
    TypeError: low must be a plain number (in the axis's unit) such as -70.0, got the text 'a'.
    """
    for name, value, example in (("low", low, "-70.0"), ("high", high, "-50.0")):
        if not _plain(value):
            raise TypeError(f"{name} must be a plain number (in the axis's unit) such as {example}, "
                            f"got {describe(value, unitless=True)}.")
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high)):
        return current if current is not None else (0.0, 1.0)
    span = high - low
    if span <= 0:
        span = max(abs(high) * 0.1, 1e-9)
        low, high = low - span / 2, high + span / 2
    want_low, want_high = low - pad * span, high + pad * span
    if current is not None:
        c_low, c_high = current
        if c_low <= low and c_high >= high and (c_high - c_low) <= 2.2 * (want_high - want_low):
            return current
    step = _nice_step(want_high - want_low)
    return (float(np.floor(want_low / step) * step), float(np.ceil(want_high / step) * step))


def axis_limits(name, limits, unit, example, kind):
    """``(low, high)`` as floats in `unit`, or one clear error; None stays None.

    Examples
    --------
    >>> axis_limits("xlim", (10 * ms, 40 * ms), ms, "(10*ms, 40*ms)", "times")
    (10.0, 40.0)
    >>> axis_limits("xlim", (10, 40), ms, "(10*ms, 40*ms)", "times")
    Traceback (most recent call last):
    ...
    TypeError: xlim must be two times such as (10*ms, 40*ms), got 10 (a bare number, without a unit) first
    """
    if limits is None:
        return None
    if isinstance(limits, Quantity) and np.shape(limits) == (2,):
        limits = (limits[0], limits[1])
    if not isinstance(limits, (tuple, list)) or len(limits) != 2:
        raise TypeError(f"{name} must be two {kind} such as {example}, got {describe(limits)}")
    values = []
    for position, value in zip(("first", "second"), limits):
        if not isinstance(value, Quantity) or value.dim != unit.dim:
            raise TypeError(f"{name} must be two {kind} such as {example}, got {describe(value)} {position}")
        values.append(float(as_quantity(name, value, unit, example) / unit))
    if not values[0] < values[1]:
        raise ValueError(f"{name} must go from low to high, such as {example}, got {describe(limits[0])} "
                         f"to {describe(limits[1])}")
    return tuple(values)


def _limits_or_none(xlim, ylim):
    return (axis_limits("xlim", xlim, ms, "(10*ms, 40*ms)", "times"),
            axis_limits("ylim", ylim, mV, "(-70*mV, -45*mV)", "voltages"))


class TraceAxes:
    """The v-above-I drawer: axes and artists of a v(t) / I(t) figure, made once, updated by `show`.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        An empty figure; two axes are added to it.
    current_line_label : str or None
        If given, a horizontal reference line on the current axes (e.g. "rheobase (book)");
        set its level with ``show(..., current_reference=...)``.

    Examples
    --------
    >>> from neurodyn_lab import simulate, inputs
    >>> result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    >>> traces = TraceAxes(new_figure())
    >>> _ = traces.show(result.t, result.v, result.I, result.spike_times, result.duration, v_threshold=-50 * mV)
    >>> traces.ax_v.get_xlim() == (0, 100)
    True
    """

    def __init__(self, figure, current_line_label=None):
        _checked_figure("figure", figure)
        # Fixed margins instead of tight/constrained layout: a layout solver would run on every draw.
        figure.subplots_adjust(left=0.11, right=0.97, top=0.88, bottom=0.11, hspace=0.12)
        grid = figure.add_gridspec(2, 1, height_ratios=(2.3, 1))
        self.figure = figure
        self.ax_v = figure.add_subplot(grid[0])
        self.ax_i = figure.add_subplot(grid[1], sharex=self.ax_v)
        self.ax_v.tick_params(labelbottom=False)
        (self.v_line,) = self.ax_v.plot([], [], color=COLORS["voltage"], lw=1.4, label="v(t)")
        self.threshold = self.ax_v.axhline(np.nan, color=COLORS["threshold"], ls="--", lw=1, label="threshold")
        self.rest = self.ax_v.axhline(np.nan, color=COLORS["rest"], ls=":", lw=1, label="v_rest")
        # Spike markers sit at a fixed height in axes coordinates: no threshold needed to place them.
        (self.spikes,) = self.ax_v.plot([], [], ls="none", marker="v", ms=7, color=COLORS["spikes"], label="spikes",
                                        transform=self.ax_v.get_xaxis_transform())
        self.ax_v.set_ylabel("v (mV)")
        (self.i_line,) = self.ax_i.plot([], [], color=COLORS["current"], lw=1.4, label="I(t)")
        self.reference = None
        if current_line_label:
            self.reference = self.ax_i.axhline(np.nan, color=COLORS["marker"], ls="--", lw=1,
                                               label=current_line_label)
        self.ax_i.set_ylabel("I (nA)")
        self.ax_i.set_xlabel("time (ms)")
        for ax in (self.ax_v, self.ax_i):
            ax.grid(True, lw=0.4, alpha=0.5)
        self._v_limits = None
        self._i_limits = None
        self._legend_key = None
        #: The artists `show` changes (everything else is drawn only when the limits change).
        self.animated = [self.v_line, self.threshold, self.rest, self.spikes, self.i_line]
        if self.reference is not None:
            self.animated.append(self.reference)

    def _legend(self, threshold_known, reference_shown):
        """One legend above the plot (data lines are blitted on top, so one inside would be drawn over)."""
        key = (threshold_known, reference_shown)
        if key == self._legend_key:
            return False
        self._legend_key = key
        handles = [self.v_line] + ([self.threshold, self.rest] if threshold_known else []) + [self.spikes]
        if reference_shown:
            handles.append(self.reference)
        self.ax_v.legend(handles=handles, ncols=len(handles), **_LEGEND)
        return True

    def show(self, t, v, current, spike_times, duration, v_threshold=None, v_rest=None, v_reset=None,
             current_reference=None, xlim=None, ylim=None):
        """Put traces into the artists and adjust the limits; return True if the legend changed.

        Quantities: `t`, `spike_times`, `duration` in time; `v`, `v_threshold`, `v_rest`, `v_reset`
        in voltage; `current`, `current_reference` in current. Without `v_threshold` (a mystery
        neuron) no threshold or rest line is drawn. `xlim`/`ylim` are validated (low, high) floats
        in ms and mV, or None for automatic limits.
        """
        t = np.asarray(t / ms)
        v = np.asarray(v / mV)
        current = np.asarray(current / nA)
        known = v_threshold is not None
        threshold = float(v_threshold / mV) if known else np.nan
        rest = float(v_rest / mV) if v_rest is not None else np.nan
        reset = float(v_reset / mV) if v_reset is not None else np.nan

        self.v_line.set_data(t, v)
        self.threshold.set_ydata([threshold, threshold])
        self.rest.set_ydata([rest, rest])
        self.threshold.set_visible(known)
        self.rest.set_visible(bool(np.isfinite(rest)))
        levels = [x for x in (threshold, rest, reset) if np.isfinite(x)]
        low = min([float(v.min())] + levels) if v.size else min(levels or [0.0])
        high = max([float(v.max())] + levels) if v.size else max(levels or [1.0])
        spike_t = np.asarray(spike_times / ms) if len(spike_times) else np.empty(0)
        self.spikes.set_data(spike_t, np.full(spike_t.shape, 0.95))
        # Room above the data for the spike markers (at 95 % of the axes' height).
        self._v_limits = stable_limits(self._v_limits, low, high + 0.12 * (high - low if high > low else 1.0))
        self.ax_v.set_ylim(*(ylim or self._v_limits))

        self.i_line.set_data(t, current)
        i_low = min(float(current.min()) if current.size else 0.0, 0.0)
        i_high = max(float(current.max()) if current.size else 0.0, 0.0)
        shown = self.reference is not None and current_reference is not None
        if self.reference is not None:
            level = float(current_reference / nA) if shown else np.nan
            self.reference.set_ydata([level, level])
            self.reference.set_visible(shown)
            if shown:
                i_low, i_high = min(i_low, level), max(i_high, level)
        if i_high - i_low < 0.1:
            i_high = i_low + 0.1
        self._i_limits = stable_limits(self._i_limits, i_low, i_high)
        self.ax_i.set_ylim(*self._i_limits)
        self.ax_v.set_xlim(*(xlim or (0, float(duration / ms))))
        return self._legend(known, shown)


def _trace(name, values, unit, example, like=None):
    """`values` as a 1-d Quantity array in the dimensions of `unit` (as many as `like`), or one clear error."""
    values = as_quantity(name, values, unit, f"an array of {example}", allow_array=True)
    if np.ndim(values) != 1:
        raise ValueError(f"{name} must be a 1-d array of {example}, got {describe(values)}.")
    if like is not None and len(values) != len(like):
        raise ValueError(f"{name} must have one value per time in t ({len(like)}), got {describe(values)}.")
    return values


def plot_traces(t, v, current, spike_times=(), duration=None, v_threshold=None, v_rest=None, title=None,
                fig=None, xlim=None, ylim=None):
    """Draw v above I with `TraceAxes` on `fig` (a new Figure if None) and return the figure.

    This is the one function behind every static v/I plot (results, the classic ``plot_data``,
    the mystery neuron). `xlim` is a pair of times, `ylim` a pair of voltages (the v axis).

    Examples
    --------
    >>> from neurodyn_lab.lif import LIF_Step
    >>> rec = LIF_Step(do_plot=False)
    >>> fig = plot_traces(rec.t, rec.v[0], rec.I[0], rec.spike_times, v_threshold=1 * mV, title="Step")
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['v (mV)', 'I (nA)']
    """
    t = _trace("t", t, second, "times such as np.arange(0, 100, 0.1)*ms")
    v = _trace("v", v, volt, "voltages such as [-70, -65, -60]*mV", like=t)
    current = _trace("current", current, amp, "currents such as [0, 2, 2]*nA", like=t)
    if spike_times is not None and np.size(spike_times):
        spike_times = _trace("spike_times", spike_times, second, "times such as [12.5, 30.1]*ms")
    else:
        spike_times = np.empty(0) * second
    for name, value, unit, example in (("duration", duration, second, "a time such as 100*ms"),
                                       ("v_threshold", v_threshold, volt, "a voltage such as -50*mV"),
                                       ("v_rest", v_rest, volt, "a voltage such as -70*mV")):
        if value is not None:
            as_quantity(name, value, unit, example)
    xlim, ylim = _limits_or_none(xlim, ylim)
    fig = new_figure() if fig is None else _checked_figure("fig", fig)
    if duration is None:
        duration = t[-1]
    fig.clear()
    traces = TraceAxes(fig)
    traces.show(t, v, current, spike_times, duration, v_threshold=v_threshold, v_rest=v_rest, xlim=xlim, ylim=ylim)
    if title:
        traces.ax_v.set_title(title, pad=22)  # above the legend
    return fig


def plot_result(result, title=None, fig=None, xlim=None, ylim=None):
    """Plot a result: v with threshold and spikes above, the input current below.

    Parameters
    ----------
    result : TraceLike
        A `simulation.LIFResult` or `simulation.Recording`; a Recording without parameters (a mystery neuron's) is drawn without threshold lines.
    title : str, optional
    fig : matplotlib.figure.Figure, optional
        Drawn into (cleared first); a new Figure otherwise.
    xlim : (Quantity, Quantity), optional
        Time range, e.g. ``(10*ms, 40*ms)``.
    ylim : (Quantity, Quantity), optional
        Voltage range of the v axis, e.g. ``(-70*mV, -45*mV)``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from neurodyn_lab import simulate, inputs
    >>> fig = plot_result(simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms), xlim=(0 * ms, 50 * ms))
    >>> fig.axes[0].get_xlim() == (0, 50)
    True
    """
    if not isinstance(result, TraceLike):
        raise TypeError(f"result must be a result of simulate (or a mystery neuron's experiment), "
                        f"such as simulate(step(2*nA, 10*ms, 60*ms), 100*ms), got {describe(result, unitless=True)}.")
    if fig is not None:
        _checked_figure("fig", fig)
    params = getattr(result, "params", None)
    default = f"{result.spike_count} spike{'s' if result.spike_count != 1 else ''} in {float(result.duration / ms):g} ms"
    return plot_traces(result.t, result.v, result.I, result.spike_times, result.duration,
                       v_threshold=params.v_threshold if params is not None else None,
                       v_rest=params.v_rest if params is not None else None,
                       title=title or default, fig=fig, xlim=xlim, ylim=ylim)


class FICurveAxes:
    """The f-I drawer: simulated rates as dots, optionally the closed form, the rheobase and 1/t_ref.

    Examples
    --------
    >>> curve = FICurveAxes(new_figure())
    >>> _ = curve.show(np.array([0, 2, 4]) * nA, np.array([0, 0, 50]) * Hz)
    >>> curve.points.get_ydata().tolist()
    [0.0, 0.0, 50.0]
    """

    def __init__(self, figure):
        _checked_figure("figure", figure)
        figure.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.13)
        ax = self.ax = figure.add_subplot()
        (self.book_line,) = ax.plot([], [], color=COLORS["book"], lw=2, label="book: 1/T(I)")
        (self.points,) = ax.plot([], [], ls="none", marker="o", ms=3.5, color=COLORS["simulated"], label="simulated")
        self.rheobase = ax.axvline(np.nan, color=COLORS["marker"], ls="--", lw=1, label="rheobase (book)")
        self.cap = ax.axhline(np.nan, color=COLORS["rest"], ls=":", lw=1, label="1/t_ref")
        ax.set_xlabel("constant current I (nA)")
        ax.set_ylabel("firing rate (Hz)")
        ax.grid(True, lw=0.4, alpha=0.5)
        self._y_limits = None
        self._legend_key = None
        self.animated = [self.book_line, self.points, self.rheobase, self.cap]

    def show(self, currents, rates, book=None, rheobase=None, cap=None):
        """Set the data; `book` is (currents, rates) of the closed form, or None to draw none.

        Returns True if the legend changed (a panel then needs a full draw).
        """
        currents = np.asarray(currents / nA)
        rates = np.asarray(rates / Hz)
        self.points.set_data(currents, rates)
        top = max(float(np.nanmax(rates)) if rates.size else 0.0, 1.0)
        if book is not None:
            dense, book_rates = np.asarray(book[0] / nA), np.asarray(book[1] / Hz)
            self.book_line.set_data(dense, book_rates)
            top = max(top, float(np.nanmax(book_rates)))
        else:
            self.book_line.set_data([], [])
        level = float(rheobase / nA) if rheobase is not None else np.nan
        self.rheobase.set_xdata([level, level])
        self.rheobase.set_visible(bool(rheobase is not None and currents[0] <= level <= currents[-1]))
        cap_hz = float(cap / Hz) if cap is not None else np.nan
        # The rate tends to 1/t_ref for large currents: show that ceiling unless it is far off.
        cap_shown = bool(np.isfinite(cap_hz) and cap_hz < 3 * top)
        self.cap.set_ydata([cap_hz, cap_hz] if cap_shown else [np.nan, np.nan])
        self.cap.set_visible(cap_shown)
        if cap_shown:
            top = max(top, cap_hz)
        self.ax.set_xlim(currents[0], currents[-1])
        self._y_limits = stable_limits(self._y_limits, 0.0, top)
        self.ax.set_ylim(0.0, self._y_limits[1])  # rates are never negative
        key = (book is not None, rheobase is not None, cap is not None)
        if key == self._legend_key:
            return False
        self._legend_key = key
        handles = ([self.book_line] if key[0] else []) + [self.points] + ([self.rheobase] if key[1] else []) \
            + ([self.cap] if key[2] else [])
        self.ax.legend(handles=handles, ncols=len(handles), **_LEGEND)
        return True


class BodeAxes:
    """The frequency-response drawer: measured gain and phase as dots on log frequency axes,
    optionally the closed forms and the cut-off.

    Examples
    --------
    >>> bode = BodeAxes(new_figure(), (1, 1000))
    >>> _ = bode.show(np.array([10, 100]) * Hz, np.array([9, 1.5]) * Mohm, np.array([-27, -79]))
    >>> bode.ax_gain.get_xscale()
    'log'
    """

    def __init__(self, figure, band):
        _checked_figure("figure", figure)
        figure.subplots_adjust(left=0.12, right=0.97, top=0.9, bottom=0.11, hspace=0.12)
        self.band = band
        self.ax_gain = figure.add_subplot(2, 1, 1)
        self.ax_phase = figure.add_subplot(2, 1, 2, sharex=self.ax_gain)
        (self.gain_line,) = self.ax_gain.plot([], [], color=COLORS["book"], lw=2, label="book")
        (self.gain_points,) = self.ax_gain.plot([], [], ls="none", marker="o", ms=5, color=COLORS["simulated"],
                                                label="simulated")
        (self.phase_line,) = self.ax_phase.plot([], [], color=COLORS["book"], lw=2)
        (self.phase_points,) = self.ax_phase.plot([], [], ls="none", marker="o", ms=5, color=COLORS["simulated"])
        self.cut_gain = self.ax_gain.axvline(np.nan, color=COLORS["marker"], ls="--", lw=1,
                                             label="cut-off 1/(2π tau)")
        self.cut_phase = self.ax_phase.axvline(np.nan, color=COLORS["marker"], ls="--", lw=1)
        self.ax_gain.set_xscale("log")
        self.ax_gain.set_xlim(*band)
        self.ax_gain.set_ylabel("gain |V|/I0 (MΩ)")
        self.ax_gain.tick_params(labelbottom=False)
        self.ax_phase.set_ylim(-95, 5)
        self.ax_phase.set_yticks([-90, -45, 0])
        self.ax_phase.set_ylabel("phase (degrees)")
        self.ax_phase.set_xlabel("frequency (Hz)")
        for ax in (self.ax_gain, self.ax_phase):
            ax.grid(True, which="both", lw=0.4, alpha=0.5)
        self._gain_limits = None
        self._legend_key = None
        self.animated = [self.gain_line, self.gain_points, self.phase_line, self.phase_points, self.cut_gain,
                         self.cut_phase]

    def show(self, frequencies, gain, phase, book=None, cutoff=None):
        """Set the data; `book` is (frequencies, gain, phase) of the closed forms, or None.

        Returns True if the legend changed.
        """
        freqs = np.asarray(frequencies / Hz)
        gain = np.asarray(gain / Mohm)
        self.gain_points.set_data(freqs, gain)
        self.phase_points.set_data(freqs, np.asarray(phase, dtype=float))
        top = float(np.nanmax(gain)) if gain.size else 1.0
        if book is not None:
            dense, book_gain, book_phase = np.asarray(book[0] / Hz), np.asarray(book[1] / Mohm), np.asarray(book[2])
            self.gain_line.set_data(dense, book_gain)
            self.phase_line.set_data(dense, book_phase)
            top = max(top, float(np.nanmax(book_gain)))
        else:
            self.gain_line.set_data([], [])
            self.phase_line.set_data([], [])
        level = float(cutoff / Hz) if cutoff is not None else np.nan
        for line in (self.cut_gain, self.cut_phase):
            line.set_xdata([level, level])
            line.set_visible(bool(cutoff is not None and self.band[0] <= level <= self.band[1]))
        self._gain_limits = stable_limits(self._gain_limits, 0.0, top, pad=0.04)
        self.ax_gain.set_ylim(0.0, self._gain_limits[1])
        key = (book is not None, cutoff is not None)
        if key == self._legend_key:
            return False
        self._legend_key = key
        handles = ([self.gain_line] if key[0] else []) + [self.gain_points] + ([self.cut_gain] if key[1] else [])
        self.ax_gain.legend(handles=handles, ncols=len(handles), **_LEGEND)
        return True
