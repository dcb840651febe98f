"""neurodynex3's leaky integrate-and-fire module, run on neurodyn_lab's engine.

The functions, arguments, defaults and constants of ``neurodynex3.leaky_integrate_and_fire.LIF``
1.0.4, so that exercises written for it run after changing their import lines only. The neuron,
as in neurodynex3::

    tau dv/dt = -(v - v_rest) + R I(t)      (unless refractory)
    v > firing_threshold:  spike, v = v_reset, no integration for abs_refractory_period

It is simulated for `simulation_time` at ``brian2.defaultclock.dt`` (0.1 ms unless the course
changed it), with the input read from the TimedArray as neurodynex3's Brian2 network reads it.
What differs from neurodynex3 is listed in the docstring of `neurodyn_lab.compat.neurodynex3`.

Examples
--------
>>> import brian2 as b2
>>> from neurodyn_lab.compat.neurodynex3.leaky_integrate_and_fire import LIF
>>> from neurodyn_lab.compat.neurodynex3.tools import input_factory
>>> current = input_factory.get_step_current(5, 100, b2.ms, 2.5 * b2.nA)
>>> state_monitor, spike_monitor = LIF.simulate_LIF_neuron(current, simulation_time=100 * b2.ms)
>>> len(state_monitor.t), state_monitor.v[0][0], int(spike_monitor.count[0]) > 0
(1000, -70. * mvolt, True)
"""

import numbers
import random

import numpy as np
import brian2 as b2
from brian2 import Mohm, Quantity, TimedArray, amp, mV, ms, ohm, second, volt

from neurodyn_lab import inputs
from neurodyn_lab._validation import as_nonnegative, as_positive, as_quantity, describe, format_value
from neurodyn_lab.engine import RunSpec, Spelling
from neurodyn_lab.parameters import LIFParams
from neurodyn_lab.simulation import simulate_spec

from ..monitors import SpikeRecord, StateRecord

__all__ = [
    "V_REST", "V_RESET", "FIRING_THRESHOLD", "MEMBRANE_RESISTANCE", "MEMBRANE_TIME_SCALE",
    "ABSOLUTE_REFRACTORY_PERIOD", "print_default_parameters", "simulate_LIF_neuron", "get_random_param_set",
    "print_obfuscated_parameters", "simulate_random_neuron", "getting_started",
]

# Neuron model default values (neurodynex3's)
V_REST = -70 * mV
V_RESET = -65 * mV
FIRING_THRESHOLD = -50 * mV
MEMBRANE_RESISTANCE = 10. * Mohm
MEMBRANE_TIME_SCALE = 8. * ms
ABSOLUTE_REFRACTORY_PERIOD = 2.0 * ms

#: How long `simulate_random_neuron` runs, as in neurodynex3.
RANDOM_NEURON_TIME = 50 * ms

_LABELS = ("Resting potential", "Reset voltage", "Firing threshold", "Membrane resistance",
           "Membrane time-scale", "Absolute refractory period")

_TIMED_ARRAY_EXAMPLE = "a TimedArray of currents such as input_factory.get_step_current(5, 100, b2.ms, 2*b2.nA)"

#: How neurodynex3 names a run: RunSpec, which holds every rule of a run, refuses in these terms
#: (the time step is Brian2's default clock, set by the course, so a too small membrane_time_scale
#: is what a sentence names).
SPELLING = Spelling(duration="simulation_time", duration_example="100*b2.ms", dt="brian2.defaultclock.dt",
                    dt_example="0.1*b2.ms", dt_is_argument=False, tau="membrane_time_scale", tau_example="8*b2.ms")


def _print_parameters(values):
    for label, value in zip(_LABELS, values):
        print(f"{label}: {value}")


def print_default_parameters():
    """Print the default parameter values.

    Examples
    --------
    >>> print_default_parameters()
    Resting potential: -70. mV
    Reset voltage: -65. mV
    Firing threshold: -50. mV
    Membrane resistance: 10. Mohm
    Membrane time-scale: 8. ms
    Absolute refractory period: 2. ms
    """
    _print_parameters([V_REST, V_RESET, FIRING_THRESHOLD, MEMBRANE_RESISTANCE, MEMBRANE_TIME_SCALE,
                       ABSOLUTE_REFRACTORY_PERIOD])


# --------------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------------
def _simulation_dt():
    """The time step neurodynex3's network would use: Brian2's default clock, in seconds."""
    return float(b2.defaultclock.dt_)


def _n_steps(simulation_time, dt):
    """Number of time steps Brian2's clock makes for `simulation_time` (rounded up unless within 1e-4 dt)."""
    duration = float(simulation_time / second)
    n = int(np.round(duration / dt))
    if n * dt == duration or abs(n * dt - duration) / dt <= 1e-4:
        return n
    return int(np.ceil(duration / dt))


def _brian2_duration(simulation_time, dt):
    """What Brian2's network would run for `simulation_time`: its whole number of steps of `dt`.

    Only the unit is checked here; RunSpec refuses the rest (`SPELLING`). A time shorter than half
    a step, or not positive, is passed on as it is, for RunSpec to refuse in its own words.
    """
    simulation_time = as_quantity("simulation_time", simulation_time, second, "a time such as 100*b2.ms")
    duration = float(simulation_time / second)
    if not np.isfinite(duration) or duration <= 0:
        return simulation_time
    n = _n_steps(simulation_time, dt)
    return n * dt * second if n >= 1 else simulation_time


def _neuron(v_rest, v_reset, firing_threshold, membrane_resistance, membrane_time_scale, abs_refractory_period):
    """The LIFParams for neurodynex3's arguments, each checked under its neurodynex3 name."""
    v_rest = as_quantity("v_rest", v_rest, volt, "a voltage such as -70*b2.mV")
    v_reset = as_quantity("v_reset", v_reset, volt, "a voltage such as -65*b2.mV")
    firing_threshold = as_quantity("firing_threshold", firing_threshold, volt, "a voltage such as -50*b2.mV")
    resistance = as_positive("membrane_resistance", membrane_resistance, ohm, "a resistance such as 10*b2.Mohm")
    tau = as_positive("membrane_time_scale", membrane_time_scale, second, "a time such as 8*b2.ms")
    t_ref = as_nonnegative("abs_refractory_period", abs_refractory_period, second, "a time such as 2*b2.ms")
    if not v_reset < firing_threshold:
        raise ValueError(f"v_reset must be below firing_threshold (e.g. v_reset=-65*b2.mV with "
                         f"firing_threshold=-50*b2.mV), got v_reset={format_value(v_reset)} and "
                         f"firing_threshold={format_value(firing_threshold)}")
    return LIFParams(v_rest=v_rest, v_reset=v_reset, v_threshold=firing_threshold, R=resistance, tau=tau, t_ref=t_ref)


def _current_per_step(input_current, n_steps, dt):
    """The current (float amp) at the start of each of `n_steps` time steps, as Brian2 reads the TimedArray.

    neurodynex3's network evaluates ``input_current(t, 0)`` at each step's start t = k dt, and
    its "linear" integration holds that value over the step. Brian2's compiled TimedArray finds
    the entry as ``int((t/epsilon + 0.5)/K)`` with ``epsilon = dt_array/K`` (K a power of two
    chosen from the two time steps), clipped to the array: entry j covers j dt_array up to
    (j + 1) dt_array, and the last entry holds for ever.
    """
    if not isinstance(input_current, TimedArray):
        raise TypeError(f"input_current must be {_TIMED_ARRAY_EXAMPLE}, got {describe(input_current)}")
    if input_current.dim != amp.dim:
        raise TypeError(f"input_current must be {_TIMED_ARRAY_EXAMPLE}, got a TimedArray of values in "
                        f"{input_current.dim if not input_current.dim.is_dimensionless else 'bare numbers'}")
    values = np.asarray(input_current.values, dtype=float)
    column = values if values.ndim == 1 else values[:, 0] if values.shape[1] else None
    if column is None or column.size == 0:
        raise ValueError(f"input_current must have at least one value ({_TIMED_ARRAY_EXAMPLE}), got an empty TimedArray")
    if not np.all(np.isfinite(column)):
        raise ValueError(f"input_current must hold finite currents ({_TIMED_ARRAY_EXAMPLE}), "
                         "got a TimedArray with NaN or infinite values")
    array_dt = float(input_current.dt)
    # neurodynex3's "linear" integration needs the current constant over each time step: Brian2
    # refuses the run otherwise. We accept ratios off an integer by float rounding only (Brian2
    # also refuses 0.3 ms / 0.1 ms = 2.9999999999999996).
    ratio = array_dt / dt
    if round(ratio) < 1 or abs(ratio - round(ratio)) > 1e-9 * ratio:
        raise ValueError(f"input_current's time step (unit_time) must be a whole multiple of the simulation time step "
                         f"brian2.defaultclock.dt = {format_value(dt * second)} (e.g. unit_time=1*b2.ms or "
                         f"0.1*b2.ms), got a TimedArray with dt = {format_value(array_dt * second)}")
    k_factor = max(int(2 ** np.ceil(np.log2(8 / dt * array_dt))), 1)
    epsilon = float(f"{array_dt:.18f}") / k_factor  # Brian2 writes dt_array into its code with 18 decimals
    t = np.arange(n_steps) * dt
    index = ((t / epsilon + 0.5) / k_factor).astype(np.int64)  # C's (int): truncation, t >= 0
    return column[np.clip(index, 0, len(column) - 1)]


def simulate_LIF_neuron(input_current,
                        simulation_time=5 * ms,
                        v_rest=V_REST,
                        v_reset=V_RESET,
                        firing_threshold=FIRING_THRESHOLD,
                        membrane_resistance=MEMBRANE_RESISTANCE,
                        membrane_time_scale=MEMBRANE_TIME_SCALE,
                        abs_refractory_period=ABSOLUTE_REFRACTORY_PERIOD):
    """Simulate a leaky integrate-and-fire neuron driven by `input_current`.

    Parameters
    ----------
    input_current : brian2.TimedArray
        Currents of shape (n, 1), e.g. from `input_factory.get_step_current`; the neuron reads
        column 0.
    simulation_time : Quantity (second)
        How long to simulate, default 5 ms.
    v_rest : Quantity (volt)
        Resting potential, default -70 mV.
    v_reset : Quantity (volt)
        Potential after a spike, default -65 mV; must be below `firing_threshold`.
    firing_threshold : Quantity (volt)
        A spike when v exceeds it, default -50 mV.
    membrane_resistance : Quantity (ohm)
        Default 10 MOhm.
    membrane_time_scale : Quantity (second)
        Default 8 ms.
    abs_refractory_period : Quantity (second)
        Default 2 ms.

    Returns
    -------
    state_monitor : monitors.StateRecord
        ``state_monitor.t`` (second) and ``state_monitor.v`` (volt, shape (1, n)), recorded at the
        start of every time step, as neurodynex3's StateMonitor.
    spike_monitor : monitors.SpikeRecord
        ``spike_monitor.t``, ``.i``, ``.count`` (``count[0]`` is the number of spikes).

    Examples
    --------
    >>> import brian2 as b2
    >>> from neurodyn_lab.compat.neurodynex3.tools import input_factory
    >>> current = input_factory.get_step_current(0, 9, 0.1 * b2.ms, 0.02 * b2.uA)
    >>> state_monitor, spike_monitor = simulate_LIF_neuron(current, simulation_time=1.1 * b2.ms)
    >>> int(spike_monitor.count[0]), spike_monitor.t
    (1, array([0.8]) * msecond)
    >>> simulate_LIF_neuron(current, simulation_time=100)
    Traceback (most recent call last):
    ...
    TypeError: simulation_time must be a time such as 100*b2.ms, got 100 (a bare number, without a unit).
    """
    dt = _simulation_dt()
    params = _neuron(v_rest, v_reset, firing_threshold, membrane_resistance, membrane_time_scale,
                     abs_refractory_period)
    # The run's rules (RunSpec's, in neurodynex3's terms) before the per-step currents are made.
    duration = _brian2_duration(simulation_time, dt)
    _, _, n_steps = RunSpec.time_grid(duration, dt * second, params, spelling=SPELLING)
    per_step = _current_per_step(input_current, n_steps, dt)
    current = inputs.from_array(Quantity(per_step, dim=amp.dim), dt=dt * second)
    result = simulate_spec(RunSpec(current, duration, params=params, dt=dt * second, name="input_current",
                                   spelling=SPELLING))
    # neurodyn_lab times a spike exactly within its time step; Brian2 (and so neurodynex3) records
    # the start of that step. Report Brian2's grid times so published answers still hold.
    dt_s = float(result.dt / second)
    on_grid = np.floor(np.asarray(result.spike_times / second) / dt_s + 1e-9) * dt_s
    return StateRecord(result.t, result.v), SpikeRecord(Quantity(on_grid, dim=second.dim))


# --------------------------------------------------------------------------------------------
# the neuron with random parameters
# --------------------------------------------------------------------------------------------
# neurodynex3's factors: the same factors give the same obfuscated lists, so a course's
# published lists and answer keys still hold. (This hides nothing from a determined student.)
_OBFUSCATION_FACTORS = (543, 622, 9307, 584, 2029, 211)


def _obfuscate(values):
    return [factor * value for factor, value in zip(_OBFUSCATION_FACTORS, values)]


def _deobfuscate(obfuscated_params, name="obfuscated_param_set"):
    example = "the list from LIF.get_random_param_set()"
    if not isinstance(obfuscated_params, (list, tuple)) or len(obfuscated_params) != len(_OBFUSCATION_FACTORS):
        raise TypeError(f"{name} must be {example} (6 values), got {describe(obfuscated_params)}")
    values = [value / factor if isinstance(value, Quantity) else value
              for factor, value in zip(_OBFUSCATION_FACTORS, obfuscated_params)]
    for label, value, unit in zip(_LABELS, values, (volt, volt, volt, ohm, second, second)):
        if not isinstance(value, Quantity) or not value.dim == unit.dim or np.ndim(value) != 0:
            raise TypeError(f"{name} must be {example}, got a list whose {label.lower()} entry is {describe(value)}")
    return values


def get_random_param_set(random_seed=None):
    """A random, obfuscated parameter set for `simulate_random_neuron`; each value in its typical range.

    The draws are neurodynex3's, from Python's random module seeded with `random_seed`, so the
    same seed gives the same neuron as neurodynex3. They come from a private generator: the
    caller's ``random`` module state is left alone (neurodynex3 reseeds it).

    Parameters
    ----------
    random_seed : int or str, optional
        Seed for a reproducible neuron; None: a different neuron each call.

    Returns
    -------
    list
        Six obfuscated values; pass the list to `simulate_random_neuron`.

    Examples
    --------
    >>> params = get_random_param_set(random_seed=432)
    >>> params == get_random_param_set(random_seed=432), len(params)
    (True, 6)
    """
    if random_seed is not None and (isinstance(random_seed, float) or
                                    not isinstance(random_seed, (numbers.Integral, np.integer, str, bytes))):
        raise TypeError(f"random_seed must be a whole number such as 432 (or None), got {describe(random_seed)}")
    rng = random.Random(int(random_seed) if isinstance(random_seed, np.integer) else random_seed)
    # The order and ranges of neurodynex3's draws: the same seed gives the same values.
    v_rest = (-75. + rng.randint(0, 15)) * mV
    v_reset = v_rest + rng.randint(-10, +10) * mV
    firing_threshold = rng.randint(-40, +5) * mV
    membrane_resistance = rng.randint(2, 15) * Mohm
    membrane_time_scale = rng.randint(2, 30) * ms
    abs_refractory_period = rng.randint(1, 7) * ms
    return _obfuscate([v_rest, v_reset, firing_threshold, membrane_resistance, membrane_time_scale,
                       abs_refractory_period])


def print_obfuscated_parameters(obfuscated_params):
    """Print the true values of an obfuscated parameter set.

    Examples
    --------
    >>> print_obfuscated_parameters(get_random_param_set(random_seed=0))  # doctest: +ELLIPSIS
    Resting potential: ... mV
    Reset voltage: ... mV
    Firing threshold: ... mV
    Membrane resistance: ... Mohm
    Membrane time-scale: ... ms
    Absolute refractory period: ... ms
    """
    _print_parameters(_deobfuscate(obfuscated_params, "obfuscated_params"))


def simulate_random_neuron(input_current, obfuscated_param_set):
    """Simulate the neuron of `obfuscated_param_set` for 50 ms, driven by `input_current`.

    Parameters
    ----------
    input_current : brian2.TimedArray
        The current to probe the neuron with, e.g. from `input_factory.get_step_current`.
    obfuscated_param_set : list
        From `get_random_param_set`.

    Returns
    -------
    state_monitor, spike_monitor
        As `simulate_LIF_neuron` returns them.

    Examples
    --------
    >>> import brian2 as b2
    >>> from neurodyn_lab.compat.neurodynex3.tools import input_factory
    >>> current = input_factory.get_step_current(5, 30, b2.ms, 1 * b2.nA)
    >>> state_monitor, spike_monitor = simulate_random_neuron(current, get_random_param_set(random_seed=432))
    >>> state_monitor.t[-1]
    49.9 * msecond
    """
    values = _deobfuscate(obfuscated_param_set)
    return simulate_LIF_neuron(
        input_current,
        simulation_time=RANDOM_NEURON_TIME,
        v_rest=values[0],
        v_reset=values[1],
        firing_threshold=values[2],
        membrane_resistance=values[3],
        membrane_time_scale=values[4],
        abs_refractory_period=values[5])


def getting_started():
    """The module at work: a step current and a sinusoidal current, each plotted with pyplot."""
    import matplotlib.pyplot as plt

    from ..tools import input_factory, plot_tools

    step_current = input_factory.get_step_current(t_start=100, t_end=200, unit_time=ms, amplitude=1.2 * b2.namp)
    state_monitor, spike_monitor = simulate_LIF_neuron(input_current=step_current, simulation_time=300 * ms)
    plot_tools.plot_voltage_and_current_traces(state_monitor, step_current, title="Step current",
                                               firing_threshold=FIRING_THRESHOLD)
    print(f"nr of spikes: {len(spike_monitor.t)}")
    plt.show()

    # The sine is sampled every 0.1 ms (unit_time), finer than a 1 ms grid could follow 150 Hz.
    sinusoidal_current = input_factory.get_sinusoidal_current(
        500, 1500, unit_time=0.1 * ms, amplitude=2.5 * b2.namp, frequency=150 * b2.Hz, direct_current=2. * b2.namp)
    state_monitor, spike_monitor = simulate_LIF_neuron(input_current=sinusoidal_current, simulation_time=200 * ms)
    plot_tools.plot_voltage_and_current_traces(state_monitor, sinusoidal_current, title="Sinusoidal input current",
                                               firing_threshold=FIRING_THRESHOLD)
    print(f"nr of spikes: {spike_monitor.count[0]}")
    plt.show()
