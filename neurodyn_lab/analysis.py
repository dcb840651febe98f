"""The book's closed forms for the LIF neuron, and the same quantities measured in simulations.

Closed forms (Neuronal Dynamics, ch. 1; all accept a scalar or an array):

- `rheobase`: the threshold current ``(v_threshold - v_rest) / R``: every constant current above it
  fires, none at or below it;
- `time_to_first_spike`: ``tau ln(R I / (R I - (v_threshold - v_rest)))`` after the current's onset;
- `firing_rate`: ``1 / (t_ref + tau ln((R I - (v_reset - v_rest)) / (R I - (v_threshold - v_rest))))``;
- `gain`, `phase`, `cutoff_frequency`: the steady-state response of the membrane to a sinusoidal current.

Simulated: `fi_curve` (one vectorised run, a neuron per current), `frequency_response` (a neuron per
frequency, threshold out of reach) and `measure_gain_phase` (one result's steady state).
"""

from __future__ import annotations

import numpy as np
from brian2 import Hz, Quantity, amp, hertz, ms, nA, ohm, second, volt

from . import engine as _engine_module
from ._validation import as_positive, as_quantity, describe, format_value, in_course_unit
from .engine import Engine, RunSpec
from .inputs import STEPS_PER_PERIOD, Sinusoid, highest_frequency, sinusoid, step
from .parameters import LIFParams, as_params
from .simulation import LIFResult, engine_of

__all__ = [
    "rheobase", "time_to_first_spike", "firing_rate", "gain", "phase", "cutoff_frequency",
    "fi_curve", "frequency_response", "measure_gain_phase",
]


def _current(I):
    return np.asarray(as_quantity("I", I, amp, "a current such as 3*nA (or an array of currents)",
                                  allow_array=True) / amp, dtype=float)


def _frequency(f, name="f"):
    return np.asarray(as_positive(name, f, hertz, "a frequency such as 50*Hz (or an array of them)",
                                  allow_array=True) / Hz, dtype=float)


def _shape_like(values, template):
    return values if np.ndim(template) else values[()]


def rheobase(params: LIFParams | None = None) -> Quantity:
    """The threshold current ``(v_threshold - v_rest) / R``: every constant current above it fires, none at or below it.

    Examples
    --------
    >>> from neurodyn_lab import LIFParams
    >>> rheobase(LIFParams())
    2. * namp
    >>> rheobase(LIFParams.classic())
    1. * namp
    """
    p = as_params(params)
    return in_course_unit((p.v_threshold - p.v_rest) / p.R)


def time_to_first_spike(I, params: LIFParams | None = None) -> Quantity:
    """Time from the onset of a constant current `I` (neuron at rest) to the first spike.

    ``T1 = tau ln(R I / (R I - (v_threshold - v_rest)))``; infinite at or below the rheobase.

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> round(float(time_to_first_spike(3 * nA) / ms), 3)
    8.789
    >>> float(time_to_first_spike(1 * nA) / ms)  # at or below the rheobase: never
    inf
    >>> time_to_first_spike([1, 2, 3] * nA)
    array([       inf,        inf, 8.78889831]) * msecond
    """
    p = as_params(params)
    drive = float(p.R) * _current(I)
    gap = float(p.v_threshold - p.v_rest)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(drive > gap, float(p.tau) * np.log(drive / (drive - gap)), np.inf)
    return in_course_unit(Quantity(_shape_like(t1, drive), dim=second.dim))


def firing_rate(I, params: LIFParams | None = None) -> Quantity:
    """Steady firing rate for a constant current `I`, with the refractory period; 0 at or below the rheobase.

    ``f = 1 / (t_ref + tau ln((R I - (v_reset - v_rest)) / (R I - (v_threshold - v_rest))))``,
    tending to ``1/t_ref`` for large currents.

    Examples
    --------
    >>> from brian2 import nA, Hz
    >>> from neurodyn_lab import LIFParams
    >>> round(float(firing_rate(3 * nA, LIFParams()) / Hz), 2)
    107.18
    >>> firing_rate(1 * nA)
    0. * hertz
    """
    p = as_params(params)
    drive = float(p.R) * _current(I)
    gap = float(p.v_threshold - p.v_rest)
    reset = float(p.v_reset - p.v_rest)
    with np.errstate(divide="ignore", invalid="ignore"):
        isi = float(p.t_ref) + float(p.tau) * np.log((drive - reset) / (drive - gap))
        rate = np.where(drive > gap, 1.0 / isi, 0.0)
    return in_course_unit(Quantity(_shape_like(rate, drive), dim=hertz.dim))


def gain(f, params: LIFParams | None = None) -> Quantity:
    """Amplitude of v per amplitude of a sinusoidal current at frequency `f` (subthreshold).

    ``|V| / I0 = R / sqrt(1 + (2 pi f tau)^2)``, a resistance (mV/nA == MOhm).

    Examples
    --------
    >>> from brian2 import Hz, Mohm
    >>> round(float(gain(0.001 * Hz) / Mohm), 3)
    10.0
    """
    p = as_params(params)
    freq = _frequency(f)
    values = float(p.R) / np.sqrt(1 + (2 * np.pi * freq * float(p.tau)) ** 2)
    return in_course_unit(Quantity(_shape_like(values, freq), dim=ohm.dim))


def phase(f, params: LIFParams | None = None) -> float | np.ndarray:
    """Phase of v relative to a sinusoidal current at frequency `f`, in degrees (negative: v lags).

    ``phase = -atan(2 pi f tau)``.

    Examples
    --------
    >>> from brian2 import Hz
    >>> from neurodyn_lab import LIFParams
    >>> round(phase(1 / (2 * 3.141592653589793 * 0.008) * Hz, LIFParams()), 6)
    -45.0
    """
    p = as_params(params)
    freq = _frequency(f)
    values = -np.degrees(np.arctan(2 * np.pi * freq * float(p.tau)))
    return _shape_like(values, freq) if np.ndim(freq) else float(values)


def cutoff_frequency(params: LIFParams | None = None) -> Quantity:
    """Frequency at which the gain has fallen to 1/sqrt(2) of R: ``1 / (2 pi tau)``.

    Examples
    --------
    >>> from brian2 import Hz
    >>> round(float(cutoff_frequency() / Hz), 2)
    19.89
    """
    p = as_params(params)
    return in_course_unit(1 / (2 * np.pi * p.tau))


def _largest_resolved_current(p, dt):
    """The constant current (amp) above which the neuron fires more than once per time step `dt`."""
    t_ref, tau = float(p.t_ref), float(p.tau)
    if t_ref >= dt:
        return np.inf
    growth = np.exp((dt - t_ref) / tau)
    gap, reset = float(p.v_threshold - p.v_rest), float(p.v_reset - p.v_rest)
    return (growth * gap - reset) / (growth - 1) / float(p.R)


def fi_curve(currents, params: LIFParams | None = None, duration=500 * ms, dt=0.1 * ms, *,
             engine: Engine | None = None) -> Quantity:
    """Simulated steady firing rate for each constant current, in one vectorised run.

    Each current drives its own neuron (one Brian2 NeuronGroup, no Python loop). The rate is the
    inverse of the mean inter-spike interval; with fewer than two spikes it is count / duration.
    Spike times are exact within a time step, so the rates match the closed form `firing_rate`
    for any dt; currents that would fire more than once per time step (possible only when t_ref
    is shorter than dt) are refused.

    Parameters
    ----------
    currents : Quantity (amp), array
        e.g. ``np.linspace(0, 10, 201)*nA``; at most 10 000 of them (``engine.MAX_NEURONS``).
    params : LIFParams, optional
    duration, dt : Quantity (second)
        duration a whole number of time steps.
    engine : neurodyn_lab.engine.Engine, optional
        The engine that runs it; default the one the notebook shares.

    Returns
    -------
    Quantity (hertz), one rate per current.

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import nA, Hz
    >>> rates = fi_curve(np.array([1, 3, 5]) * nA)
    >>> [round(float(r / Hz), 2) for r in rates]
    [0.0, 107.18, 190.7]
    """
    p = as_params(params)
    if np.size(currents) > _engine_module.MAX_NEURONS:  # before any copy of a huge array
        raise ValueError(f"currents must be at most {_engine_module.MAX_NEURONS:,} values, one per neuron, got "
                         f"{np.size(currents):,} (that many neurons would make the run too large)")
    values = as_quantity("currents", currents, amp, "an array of currents such as np.linspace(0, 5, 51)*nA",
                         allow_array=True)
    if np.ndim(values) > 1:
        raise ValueError(f"currents must be a one-dimensional array of currents, got shape {np.shape(values)}")
    values = np.atleast_1d(np.asarray(values / amp, dtype=float))
    runner = engine_of(engine)
    # the grid first: a wrong duration or dt is named before 10 000 currents are made
    duration_s, dt_s, _ = RunSpec.time_grid(duration, dt, p, n_neurons=len(values), record_v=False)
    largest = _largest_resolved_current(p, dt_s)
    if values.max() >= largest:
        raise ValueError(
            f"currents must stay below {largest / 1e-9:.4g} nA at dt={dt_s * 1e3:g} ms (t_ref={float(p.t_ref) * 1e3:g} ms): "
            f"a larger current would fire more than once per time step; use a smaller dt, got up to "
            f"{values.max() / 1e-9:g} nA"
        )
    spec = RunSpec([step(value * amp, 0 * ms, None) for value in values], duration, params=p, dt=dt, record_v=False)
    raw = runner.run(spec)
    n = len(values)
    first = np.full(n, np.inf)
    last = np.full(n, -np.inf)
    np.minimum.at(first, raw.spike_i, raw.spike_t)
    np.maximum.at(last, raw.spike_i, raw.spike_t)
    counts = raw.spike_count
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(counts >= 2, (counts - 1) / (last - first), counts / spec.duration_s)
    return in_course_unit(Quantity(rates, dim=hertz.dim))


def _fit(t, v, omega, phase0):
    """Least-squares amplitude and phase (radians) of v = A sin(omega t + phase0 + phi) + c."""
    design = np.column_stack([np.sin(omega * t + phase0), np.cos(omega * t + phase0), np.ones_like(t)])
    coef, *_ = np.linalg.lstsq(design, v.T, rcond=None)
    a, b = coef[0], coef[1]
    return np.hypot(a, b), np.arctan2(b, a)


def frequency_response(frequencies, amplitude=1 * nA, params: LIFParams | None = None, dt=0.1 * ms, *,
                       engine: Engine | None = None) -> tuple[Quantity, np.ndarray]:
    """Gain and phase of the membrane potential for sinusoidal currents, measured in simulation.

    One neuron per frequency, all in one run, with the threshold out of reach (the linear,
    subthreshold regime). After 10 tau of settling, ``v - v_rest`` is fitted by a sinusoid at the
    input's frequency over at least two periods.

    Parameters
    ----------
    frequencies : Quantity (hertz), array
        e.g. ``[10, 100, 1000]*Hz``.
    amplitude : Quantity (amp)
        Amplitude of the current, default 1 nA.
    params : LIFParams, optional
    dt : Quantity (second)
    engine : neurodyn_lab.engine.Engine, optional
        The engine that runs it; default the one the notebook shares.

    Returns
    -------
    gain : Quantity (ohm), phase : ndarray of degrees
        Same units as `gain` and `phase`.

    Examples
    --------
    >>> from brian2 import Hz, nA, Mohm
    >>> g, ph = frequency_response([10, 100] * Hz, 1 * nA)
    >>> [round(float(x / Mohm), 2) for x in g], [round(float(x), 1) for x in ph]
    ([8.93, 1.95], [-26.7, -78.8])
    """
    p = as_params(params)
    freqs = np.atleast_1d(_frequency(frequencies, "frequencies"))
    max_neurons, most_recorded = _engine_module.MAX_NEURONS, _engine_module.MAX_RECORDED
    if len(freqs) > max_neurons:
        raise ValueError(f"frequencies must be at most {max_neurons:,} values, one per neuron, got "
                         f"{len(freqs):,} (that many neurons would make the run too large)")
    amp0 = float(as_positive("amplitude", amplitude, amp, "a current such as 1*nA") / amp)
    dt_s = float(as_positive("dt", dt, second, "a time step such as 0.1*ms") / second)
    highest = highest_frequency(dt_s * second)
    if freqs.max() > highest * (1 + 1e-9):
        raise ValueError(f"frequencies must be at most {highest:g} Hz at dt={dt_s * 1e3:g} ms ({STEPS_PER_PERIOD} "
                         f"time steps per period; use a smaller dt for higher ones), got up to {freqs.max():g} Hz")
    settle = 10 * float(p.tau)
    window = max(2.0 / freqs.min(), 0.02)
    n_steps = int(np.ceil((settle + window) / dt_s - 1e-9))  # a whole number of steps
    most = min(_engine_module.MAX_STEPS, most_recorded)
    finest = (settle + window) / most  # the smallest dt at which one neuron's recording fits
    if n_steps > most and finest <= 1e-4:
        # Even one frequency does not fit, yet it would at the usual 0.1 ms: dt is what is wrong.
        finest = float(f"{finest * 1.001:.2g}")  # rounded up, so the suggested dt does fit
        raise ValueError(
            f"dt must be at least {format_value(finest * second)} for frequencies down to {freqs.min():g} Hz "
            f"(10 tau of settling and two periods of the lowest frequency in at most {most:.0e} time steps; "
            f"e.g. dt=0.1*ms), got {format_value(dt_s * second)}"
        )
    if len(freqs) * n_steps > most_recorded:
        most_steps = most_recorded // len(freqs)
        lowest = 2.0 / (most_steps * dt_s - settle) if most_steps * dt_s > settle + 0.02 else None
        advice = (f"or a lowest frequency of at least {np.ceil(lowest * 100) / 100:g} Hz" if lowest
                  else "(even the shortest recording is too long for that many)")
        raise ValueError(
            f"frequencies: {len(freqs)} frequencies with the lowest at {freqs.min():g} Hz need "
            f"{len(freqs) * n_steps:.3g} recorded samples (10 tau of settling and two periods of the lowest "
            f"frequency each), more than {most_recorded:.0e}; use at most "
            f"{max(most_recorded // n_steps, 1)} frequencies {advice}"
        )
    runner = engine_of(engine)
    subthreshold = p.replace(v_threshold=max(p.v_rest, p.v_reset) + 1e3 * volt)
    spec = RunSpec([sinusoid(amp0 * amp, f * Hz) for f in freqs], n_steps * dt_s * second, params=subthreshold,
                   dt=dt_s * second, record_v=True, name="frequencies")
    raw = runner.run(spec)
    keep = raw.t >= settle
    t = raw.t[keep]
    gains, phases = np.empty(len(freqs)), np.empty(len(freqs))
    for k, f in enumerate(freqs):
        a, ph = _fit(t, raw.v[k, keep] - float(p.v_rest), 2 * np.pi * f, 0.0)
        gains[k], phases[k] = a / amp0, np.degrees(ph)
    return in_course_unit(Quantity(gains, dim=ohm.dim)), phases


def measure_gain_phase(result: LIFResult, frequency: Quantity | None = None, amplitude: Quantity | None = None,
                       settle: Quantity | None = None) -> tuple[Quantity, float]:
    """Gain and phase of one simulated result driven by a sinusoid, from its steady state.

    Parameters
    ----------
    result : LIFResult
        A run whose input contains exactly one sinusoid (other terms, e.g. a constant offset, only
        shift v).
    frequency, amplitude : Quantity, optional
        Taken from the result's sinusoid when omitted.
    settle : Quantity (second), optional
        Time after the sinusoid's start that is left out; default 5 tau.

    Returns
    -------
    gain : Quantity (ohm), phase : float (degrees)
        Meaningful only while the neuron stays below threshold (check ``result.spike_count == 0``).

    Examples
    --------
    >>> from brian2 import Hz, nA, ms, Mohm
    >>> from neurodyn_lab import simulate, inputs
    >>> r = simulate(inputs.sinusoid(0.5 * nA, 50 * Hz), 200 * ms)
    >>> g, ph = measure_gain_phase(r)
    >>> round(float(g / Mohm), 2), round(ph, 1)
    (3.7, -68.3)
    """
    if not isinstance(result, LIFResult):
        raise TypeError(f"result must be a LIFResult from simulate(...), got {describe(result)}")
    sines = [c for c in result.current.components if isinstance(c, Sinusoid)]
    if len(sines) != 1:
        raise ValueError(f"result must come from an input with exactly one sinusoid, got {result.current!r}")
    sine = sines[0]
    f = sine.frequency if frequency is None else float(_frequency(frequency, "frequency"))
    dt_s = float(result.dt / second)
    highest = highest_frequency(dt_s * second)
    if f > highest * (1 + 1e-9):
        raise ValueError(f"frequency must be at most {highest:g} Hz for a result at "
                         f"dt={dt_s * 1e3:g} ms ({STEPS_PER_PERIOD} samples per period), got {f:g} Hz")
    i0 = sine.amplitude if amplitude is None else float(as_positive("amplitude", amplitude, amp) / amp)
    if i0 == 0:
        raise ValueError("amplitude must be non-zero to measure a gain, got a sinusoid of amplitude 0*nA")
    settle_s = 5 * float(result.params.tau) if settle is None else float(as_positive("settle", settle, second) / second)
    t = np.asarray(result.t / second)
    keep = (t >= sine.start + settle_s) & (t < sine.end)
    if keep.sum() < 4 or (t[keep][-1] - t[keep][0]) < 1.0 / f:
        inside = t[(t >= sine.start) & (t < sine.end)]
        longest = (inside[-1] - sine.start - 1.0 / f - dt_s) if len(inside) else -1.0  # a step of slack
        if settle is not None and longest > 0:
            # The student's settle is what leaves too little; a shorter one would do.
            longest_ms = np.floor(longest * 1e4) / 10  # rounded down to 0.1 ms, so it fits
            raise ValueError(
                f"settle must be at most {format_value(longest_ms * ms)} for this result (one period of "
                f"{format_value(1.0 / f * second)} must follow it within the sinusoid; e.g. "
                f"settle={format_value(min(5 * float(result.params.tau), longest_ms * 1e-3) * second).replace(' ms', '*ms')}), "
                f"got {format_value(settle_s * second)}"
            )
        raise ValueError(
            f"result is too short to measure gain and phase at {f:g} Hz: simulate at least "
            f"{(settle_s + 1.0 / f) * 1e3:.0f} ms of the sinusoid"
        )
    a, ph = _fit(t[keep] - sine.start, np.asarray(result.v / volt)[keep], 2 * np.pi * f, sine.phase)
    return in_course_unit(Quantity(a / i0, dim=ohm.dim)), float(np.degrees(ph))
