"""neurodynex3's plot of a voltage trace above its input current, on pyplot's current figure.

Examples
--------
>>> import brian2 as b2
>>> import matplotlib.pyplot as plt
>>> from neurodyn_lab.compat.neurodynex3.leaky_integrate_and_fire import LIF
>>> from neurodyn_lab.compat.neurodynex3.tools import input_factory, plot_tools
>>> current = input_factory.get_step_current(5, 80, b2.ms, 2.5 * b2.nA)
>>> state_monitor, spike_monitor = LIF.simulate_LIF_neuron(current, simulation_time=100 * b2.ms)
>>> axis_c, axis_v = plot_tools.plot_voltage_and_current_traces(
...     state_monitor, current, title="step", firing_threshold=LIF.FIRING_THRESHOLD)
>>> axis_v.get_xlabel(), [text.get_text() for text in axis_v.get_legend().get_texts()]
('t [ms]', ['vm', 'firing threshold'])
>>> plt.close("all")
"""

import numpy as np
from brian2 import StateMonitor, TimedArray, amp, mV, ms, nA, volt

from neurodyn_lab._validation import as_quantity, describe
from neurodyn_lab.plotting import COLORS

from ..monitors import StateRecord

__all__ = ["plot_voltage_and_current_traces"]


def _current_at(current, t):
    """The current at the monitor's times, as neurodynex3 plots it (TimedArray read at t, column 0)."""
    return current(t) if np.ndim(current.values) == 1 else current(t, 0)


def plot_voltage_and_current_traces(voltage_monitor, current, title=None, firing_threshold=None, legend_location=0):
    """Plot the input current (top) and the membrane voltage of neuron 0 (bottom) on pyplot's current figure.

    Parameters
    ----------
    voltage_monitor : StateRecord or brian2.StateMonitor
        What `LIF.simulate_LIF_neuron` returned first, or a Brian2 StateMonitor recording ``v``.
    current : brian2.TimedArray
        The injected current, e.g. from `input_factory.get_step_current`.
    title : str, optional
        The figure's title.
    firing_threshold : Quantity (volt), optional
        If given, drawn as a dashed line and named in a legend.
    legend_location : int or str
        Where matplotlib puts the legend, default 0 ("best").

    Returns
    -------
    axis_c, axis_v : matplotlib Axes
        The current's and the voltage's axes.
    """
    import matplotlib.pyplot as plt  # neurodynex3 draws on pyplot's current figure; so do we

    if not isinstance(voltage_monitor, (StateRecord, StateMonitor)):
        raise TypeError(f"voltage_monitor must be the state monitor LIF.simulate_LIF_neuron returns (or a brian2 "
                        f"StateMonitor recording v), got {describe(voltage_monitor)}")
    if isinstance(voltage_monitor, StateMonitor) and "v" not in voltage_monitor.record_variables:
        raise ValueError(f"voltage_monitor must record v, got a StateMonitor recording "
                         f"{', '.join(voltage_monitor.record_variables)}")
    if not isinstance(current, TimedArray) or current.dim != amp.dim:
        raise TypeError(f"current must be a TimedArray of currents such as "
                        f"input_factory.get_step_current(5, 100, b2.ms, 2*b2.nA), got {describe(current)}")
    if firing_threshold is not None:
        firing_threshold = as_quantity("firing_threshold", firing_threshold, volt, "a voltage such as -50*b2.mV")

    t = voltage_monitor.t
    if len(t) == 0:
        raise ValueError("voltage_monitor has recorded nothing yet: run the simulation before plotting it")
    t_ms = np.asarray(t / ms)
    v_mv = np.asarray(voltage_monitor[0].v / mV)
    i_na = np.asarray(_current_at(current, t) / nA)

    # neurodynex3's layout (current above voltage, on pyplot's current figure), in neurodyn_lab's
    # one colour scheme (plotting.COLORS).
    axis_c = plt.subplot(211)
    axis_c.plot(t_ms, i_na, color=COLORS["current"], lw=1.4)
    axis_c.grid(True, lw=0.4, alpha=0.5)
    low, high = float(np.min(i_na)), float(np.max(i_na))
    margin = 1.05 * (high - low)
    if margin > 0:
        axis_c.set_ylim(low - margin, high + margin)
    axis_c.set_xlabel("")
    axis_c.set_ylabel(f"Input current [nA]\nmin: {low:.4g} nA\nmax: {high:.4g} nA")

    axis_v = plt.subplot(212)
    low, high = float(np.min(v_mv)), float(np.max(v_mv))
    if firing_threshold is None:  # neurodynex3 draws the threshold only when it is given
        axis_v.plot(t_ms, v_mv, color=COLORS["voltage"], lw=1.4)
    else:
        (trace,) = axis_v.plot(t_ms, v_mv, color=COLORS["voltage"], lw=1.4)
        threshold = axis_v.axhline(float(firing_threshold / mV), color=COLORS["threshold"], ls="--", lw=1)
        axis_v.legend([trace, threshold], ["vm", "firing threshold"], fontsize=12, loc=legend_location)
        high = max(high, float(firing_threshold / mV))
    axis_v.grid(True, lw=0.4, alpha=0.5)
    margin = 0.05 * (high - low)
    if margin > 0:
        axis_v.set_ylim(low - margin, high + margin)
    axis_v.set_xlabel("t [ms]")
    axis_v.set_ylabel(f"membrane voltage [mV]\nmin: {low:.4g} mV\nmax: {float(np.max(v_mv)):.4g} mV")
    if title is not None:
        plt.suptitle(title)
    return axis_c, axis_v
