"""The voltage-and-current plot shared by the step and sinusoid panels, built once, updated in place.

v(t) with the threshold and resting lines and spike markers on top; I(t) below on the same time
axis. `show(result)` only calls ``set_data``/``set_ydata`` and sets limits; the caller redraws.
"""

import numpy as np
from brian2 import mV, ms, nA

from ._base import stable_limits

__all__ = ["TraceAxes"]


class TraceAxes:
    """Axes and artists of a v(t) / I(t) figure.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        An empty figure; two axes are added to it.
    current_line_label : str or None
        If given, a horizontal reference line on the current axes (e.g. "rheobase (book)");
        set its level with ``show(..., current_reference=...)``.
    """

    def __init__(self, figure, current_line_label=None):
        # Fixed margins instead of tight/constrained layout: a layout solver would run on every draw.
        figure.subplots_adjust(left=0.11, right=0.97, top=0.88, bottom=0.11, hspace=0.12)
        grid = figure.add_gridspec(2, 1, height_ratios=(2.3, 1))
        self.ax_v = figure.add_subplot(grid[0])
        self.ax_i = figure.add_subplot(grid[1], sharex=self.ax_v)
        self.ax_v.tick_params(labelbottom=False)
        (self.v_line,) = self.ax_v.plot([], [], color="tab:blue", lw=1.4, label="v(t)")
        self.threshold = self.ax_v.axhline(0, color="tab:red", ls="--", lw=1, label="threshold")
        self.rest = self.ax_v.axhline(0, color="0.55", ls=":", lw=1, label="v_rest")
        (self.spikes,) = self.ax_v.plot([], [], ls="none", marker="v", ms=7, color="tab:red", label="spikes")
        self.ax_v.set_ylabel("v (mV)")
        (self.i_line,) = self.ax_i.plot([], [], color="tab:green", lw=1.4, label="I(t)")
        handles = [self.v_line, self.threshold, self.rest, self.spikes]
        self.reference = None
        if current_line_label:
            self.reference = self.ax_i.axhline(0, color="tab:purple", ls="--", lw=1, label=current_line_label)
            handles.append(self.reference)
        # One legend above the plot: data lines are blitted on top of everything, so a legend
        # inside the axes would be drawn over.
        self.ax_v.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(handles),
                         frameon=False, fontsize="small", borderaxespad=0.2, columnspacing=1.2, handlelength=1.8)
        self.ax_i.set_ylabel("I (nA)")
        self.ax_i.set_xlabel("time (ms)")
        for ax in (self.ax_v, self.ax_i):
            ax.grid(True, lw=0.4, alpha=0.5)
        self._v_limits = None
        self._i_limits = None
        #: The artists `show` changes (everything else is drawn only when the limits change).
        self.animated = [self.v_line, self.threshold, self.rest, self.spikes, self.i_line]
        if self.reference is not None:
            self.animated.append(self.reference)

    def show(self, result, current_reference=None):
        """Put `result` (a LIFResult) into the artists and adjust the limits."""
        p = result.params
        t = np.asarray(result.t / ms)
        v = np.asarray(result.v / mV)
        current = np.asarray(result.I / nA)
        threshold = float(p.v_threshold / mV)
        rest = float(p.v_rest / mV)
        reset = float(p.v_reset / mV)

        self.v_line.set_data(t, v)
        self.threshold.set_ydata([threshold, threshold])
        self.rest.set_ydata([rest, rest])
        low = min(float(v.min()) if v.size else rest, rest, reset)
        high = max(float(v.max()) if v.size else rest, threshold)
        marker_y = threshold + 0.08 * (high - low if high > low else 1.0)
        spike_t = np.asarray(result.spike_times / ms)
        self.spikes.set_data(spike_t, np.full(spike_t.shape, marker_y))
        self._v_limits = stable_limits(self._v_limits, low, marker_y + 0.04 * (high - low))
        self.ax_v.set_ylim(*self._v_limits)

        self.i_line.set_data(t, current)
        i_low = min(float(current.min()) if current.size else 0.0, 0.0)
        i_high = max(float(current.max()) if current.size else 0.0, 0.0)
        if self.reference is not None and current_reference is not None:
            level = float(current_reference / nA)
            self.reference.set_ydata([level, level])
            i_low, i_high = min(i_low, level), max(i_high, level)
        if i_high - i_low < 0.1:
            i_high = i_low + 0.1
        self._i_limits = stable_limits(self._i_limits, i_low, i_high)
        self.ax_i.set_ylim(*self._i_limits)
        self.ax_v.set_xlim(0, float(result.duration / ms))
