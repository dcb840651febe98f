"""Figures from results, drawn on explicit axes.

Functions here never touch pyplot's global state: they draw on axes they are given, or on a new
`matplotlib.figure.Figure` (which Jupyter displays when it is a cell's value).
"""

import io

import numpy as np
from brian2 import Hz, Mohm, mV, ms, nA
from matplotlib.figure import Figure

__all__ = ["new_figure", "plot_result", "draw_voltage", "draw_current", "plot_fi_curve", "plot_frequency_response"]

VOLTAGE_COLOR = "C0"
CURRENT_COLOR = "C1"
THRESHOLD_COLOR = "0.35"
SPIKE_COLOR = "C3"


class ResultFigure(Figure):
    """A Figure that Jupyter shows as an image even before pyplot was ever imported.

    Jupyter's own display of figures is only set up when pyplot loads its inline backend; a figure
    made without pyplot would otherwise show as "<Figure size 700x450 with 2 Axes>".
    """

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def new_figure(rows=2, height_ratios=(2, 1), figsize=(7, 4.5), sharex=True):
    """A Figure with `rows` stacked axes, not registered with pyplot."""
    fig = ResultFigure(figsize=figsize, layout="constrained")
    axes = fig.subplots(rows, 1, sharex=sharex, gridspec_kw={"height_ratios": height_ratios[:rows]} if rows > 1 else None)
    return fig, np.atleast_1d(axes)


def draw_voltage(ax, t, v, v_threshold, spike_times=(), label="v(t)"):
    """Draw v(t) in mV with the threshold line and spike markers on `ax`; return the artists."""
    t_ms, v_mv = np.asarray(t / ms), np.asarray(v / mV)
    (line,) = ax.plot(t_ms, v_mv, color=VOLTAGE_COLOR, lw=1.5, label=label)
    threshold = ax.axhline(float(v_threshold / mV), color=THRESHOLD_COLOR, ls="--", lw=1, label="threshold")
    spikes_ms = np.asarray(spike_times / ms) if len(spike_times) else np.empty(0)
    (markers,) = ax.plot(spikes_ms, np.full(len(spikes_ms), float(v_threshold / mV)), ls="none", marker="v",
                         color=SPIKE_COLOR, ms=7, label="spikes")
    ax.set_ylabel("v [mV]")
    ax.grid(True, alpha=0.3)
    return line, threshold, markers


def draw_current(ax, t, current):
    """Draw I(t) in nA on `ax`; return the line."""
    (line,) = ax.plot(np.asarray(t / ms), np.asarray(current / nA), color=CURRENT_COLOR, lw=1.5)
    ax.set_ylabel("I [nA]")
    ax.set_xlabel("t [ms]")
    ax.grid(True, alpha=0.3)
    return line


def plot_result(result, title=None, fig=None):
    """Plot a `LIFResult`: v with threshold and spikes above, the input current below.

    Parameters
    ----------
    result : LIFResult
    title : str, optional
    fig : matplotlib.figure.Figure, optional
        Drawn into (cleared first); a new Figure otherwise.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> from neurodyn_lab import simulate, inputs
    >>> fig = plot_result(simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms))  # doctest: +SKIP
    """
    if fig is None:
        fig, (ax_v, ax_i) = new_figure()
    else:
        fig.clear()
        ax_v, ax_i = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": (2, 1)})
    draw_voltage(ax_v, result.t, result.v, result.params.v_threshold, result.spike_times)
    draw_current(ax_i, result.t, result.I)
    ax_v.legend(loc="upper right", fontsize="small")
    ax_v.set_title(title or f"{result.spike_count} spike{'s' if result.spike_count != 1 else ''} "
                            f"in {float(result.duration / ms):g} ms")
    return fig


def plot_fi_curve(currents, rates, predicted=None, rheobase=None, ax=None):
    """Plot simulated firing rates against current, with the closed form and the rheobase."""
    if ax is None:
        fig, (ax,) = new_figure(rows=1, figsize=(6, 4))
    ax.plot(np.asarray(currents / nA), np.asarray(rates / Hz), "o", ms=3, color=VOLTAGE_COLOR, label="simulated")
    if predicted is not None:
        ax.plot(np.asarray(currents / nA), np.asarray(predicted / Hz), "-", color=THRESHOLD_COLOR, label="closed form")
    if rheobase is not None:
        ax.axvline(float(rheobase / nA), color=SPIKE_COLOR, ls=":", label="rheobase")
    ax.set_xlabel("I [nA]")
    ax.set_ylabel("firing rate [Hz]")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    return ax.figure


def plot_frequency_response(frequencies, gains, phases, predicted_gain=None, predicted_phase=None, cutoff=None,
                            fig=None):
    """Bode plot: gain (MOhm) and phase (degrees) against frequency on a log axis."""
    if fig is None:
        fig, (ax_g, ax_p) = new_figure(rows=2, height_ratios=(1, 1), figsize=(6, 5))
    else:
        ax_g, ax_p = fig.axes[:2]
    f = np.asarray(frequencies / Hz)
    ax_g.loglog(f, np.asarray(gains / Mohm), "o", color=VOLTAGE_COLOR, label="simulated")
    ax_p.semilogx(f, phases, "o", color=VOLTAGE_COLOR, label="simulated")
    if predicted_gain is not None:
        ax_g.loglog(f, np.asarray(predicted_gain / Mohm), "-", color=THRESHOLD_COLOR, label="closed form")
    if predicted_phase is not None:
        ax_p.semilogx(f, predicted_phase, "-", color=THRESHOLD_COLOR, label="closed form")
    if cutoff is not None:
        for ax in (ax_g, ax_p):
            ax.axvline(float(cutoff / Hz), color=SPIKE_COLOR, ls=":", label="cut-off")
    ax_g.set_ylabel("gain [MOhm = mV/nA]")
    ax_p.set_ylabel("phase [deg]")
    ax_p.set_xlabel("f [Hz]")
    for ax in (ax_g, ax_p):
        ax.grid(True, which="both", alpha=0.3)
    ax_g.legend(loc="lower left", fontsize="small")
    return fig
