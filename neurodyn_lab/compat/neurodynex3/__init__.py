"""neurodynex3's leaky integrate-and-fire exercises, unchanged but faster, on neurodyn_lab's engine.

A course written for neurodynex3 1.0.4 (EPFL-LCN/neuronaldynamics-exercises) changes only its
import lines::

    from neurodynex3.leaky_integrate_and_fire import LIF                      # before
    from neurodynex3.tools import input_factory, plot_tools
    from neurodyn_lab.compat.neurodynex3.leaky_integrate_and_fire import LIF  # after
    from neurodyn_lab.compat.neurodynex3.tools import input_factory, plot_tools

Modules: ``leaky_integrate_and_fire.LIF`` (`simulate_LIF_neuron`, the random neuron, the
constants), ``tools.input_factory`` (TimedArray currents), ``tools.plot_tools``
(`plot_voltage_and_current_traces`) and `monitors` (what the simulations return). The same
arguments, defaults, units and results: the input is read from the TimedArray exactly as
neurodynex3's Brian2 network reads it (integer time indices, ``append_zero``, the last entry held),
the time step is ``brian2.defaultclock.dt``, and a given ``random_seed`` gives neurodynex3's neuron.
Spike times are reported on Brian2's time grid, as neurodynex3 reports them; up to the first spike
the voltage agrees with neurodynex3 1.0.4 to 1e-14 V and the spike time is identical. A warm call costs what `neurodyn_lab.simulate` costs (the engine's compiled model is
reused) instead of building a new Brian2 network: 15-50 times faster than neurodynex3 in
benchmarks/bench_compat.py (2026-12-01, on a loaded 2-core machine). No call uses Brian2's magic
network, so calls repeat freely next to a student's own Brian2 code.

What is not the same
--------------------
- The monitors are not Brian2 objects: `monitors.StateRecord` and `monitors.SpikeRecord` have
  ``t``, ``v``, ``v[0]``, ``[0].v``, ``t_``, ``v_``, ``count``, ``i``, ``num_spikes``, ``it``,
  ``spike_trains()``, but they are bound to no network and no group, are not instances of
  ``brian2.StateMonitor``/``SpikeMonitor`` (``isinstance`` checks and Brian2 functions expecting a
  monitor, e.g. ``brian2.plot_tools``, refuse them), have no ``record_single_timestep``,
  ``get_states``, ``source``, ``clock`` or ``name``, record ``v`` only (as neurodynex3 does), and
  their ``t``, ``i`` and ``count`` arrays are read-only (``v`` is a fresh copy, as in Brian2).
  neurodynex3's own ``plot_tools`` asserts a Brian2 StateMonitor: use this package's.
- The membrane equation is integrated by neurodyn_lab's engine (exponential Euler, exact for a
  current held over each step) instead of Brian2's "linear" method on a new network: the same
  update up to floating-point rounding. A voltage landing within ~1e-14 V of the threshold could
  in principle be decided differently.
- After a spike, neurodyn_lab resets at the exact crossing time and holds v for exactly t_ref
  (the book's closed forms), where Brian2 counts t_ref from the start of the step. neurodynex3's
  spike trains therefore run up to one dt per interval ahead of ours (and of the closed forms):
  spike counts of long runs can differ by one, interval by interval within one dt.
- Brian2 settings other than ``defaultclock.dt`` (devices, ``prefs.codegen.target``) do not
  apply; Brian2 logs no messages for these runs, and ``defaultclock.t`` does not advance.
- Stricter arguments, each refused with one sentence where neurodynex3 accepts them or fails
  with a Brian2 traceback: ``v_reset`` at or above ``firing_threshold``, a non-positive
  ``membrane_resistance`` or ``membrane_time_scale`` (or one below dt), a negative
  ``abs_refractory_period``, NaN currents, a negative ``t_start`` or ``t_end < t_start``
  (neurodynex3 returns a zero or wrongly sliced current), currents of more than 10^7 entries and
  runs of more than 10^7 steps.
- More lenient: ``t_start``/``t_end`` may be numpy integers; a ``unit_time`` that is a multiple
  of dt up to float rounding (0.3 ms at 0.1 ms) is accepted, where Brian2 refuses the run; a
  one-dimensional TimedArray is read as the single column.
- `LIF.get_random_param_set` draws from a private ``random.Random(random_seed)``: the same draws as
  neurodynex3, but the caller's ``random`` module is not reseeded.
- `plot_tools.plot_voltage_and_current_traces` draws the current in nA (neurodynex3: A), in
  neurodyn_lab's colours, and labels each axis with the trace's own minimum and maximum.

Examples
--------
>>> import brian2 as b2
>>> from neurodyn_lab.compat.neurodynex3.leaky_integrate_and_fire import LIF
>>> from neurodyn_lab.compat.neurodynex3.tools import input_factory
>>> current = input_factory.get_step_current(t_start=5, t_end=100, unit_time=b2.ms, amplitude=2.1 * b2.nA)
>>> state_monitor, spike_monitor = LIF.simulate_LIF_neuron(input_current=current, simulation_time=100 * b2.ms)
>>> print("nr of spikes: {}".format(spike_monitor.count[0]))
nr of spikes: 3
"""
