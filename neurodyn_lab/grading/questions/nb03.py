"""Questions of notebook 03 sinusoidal input: filter, cut-off, the student's measure(t, v, I, frequency),
gain, phase, the Bode plot's half-gain frequency and its asymptotes."""

import math
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Mohm, Quantity, amp, get_dimensions, kHz, ms, nA, ohm, second, volt

from ... import analysis
from ..answers import Rejected, kind_of, read_number, read_quantity
from ..figures import Axis, Curve
from ..framework import (Case, ChoiceQuestion, CountQuestion, FigureQuestion, FunctionQuestion, GainQuestion, Mistake,
                         PhaseQuestion, Plot, PredictionQuestion, QuantityQuestion, Tolerance, Verdict, near, si)
from .common import secret_neurons, secret_numbers, text

__all__ = ["QUESTIONS", "GAIN_FREQUENCY_03", "GAIN_I0_03", "PHASE_FREQUENCY_03", "GainPhaseQuestion", "TraceCase",
           "sine_trace", "TRACE_DT_03", "TRACE_NOISE_03", "CHANGED_03", "BODE_RANGE_03"]

GAIN_FREQUENCY_03 = 50 * Hz  # 03.gain_at_50Hz
GAIN_I0_03 = 0.5 * nA  # 03.gain_at_50Hz: the stated input amplitude for an answer in mV
PHASE_FREQUENCY_03 = 100 * Hz  # 03.phase_at_your_frequency without a student id (students.phase_frequency_of)


def _gain_at(p, f):
    return analysis.gain(f, p)


def _frequency_where(p, gain):
    # Where the closed-form gain R / sqrt(1 + (2 pi f tau)^2) has fallen to `gain` (below R).
    ratio = si(p.R / gain)
    return math.sqrt(ratio ** 2 - 1) * analysis.cutoff_frequency(p)


def _half_gain_frequency(v):
    return _frequency_where(v.neuron, v.neuron.R / 2)


# ------------------------------------------------------------------------------------------------
# 03.measure_function: the student's measure(t, v, I, frequency) -> (gain, phase), on recorded traces
# ------------------------------------------------------------------------------------------------
#: The sampling step of the traces measure() is tested on (that of a simulation at the default dt).
TRACE_DT_03 = 0.1 * ms
#: Measurement noise on the traces' voltage: its standard deviation as a fraction of the voltage amplitude.
#: It hides nothing from a least-squares fit over the steady state, but it lifts the highest and
#: lowest samples (a reading from the peaks comes out several per cent too large).
TRACE_NOISE_03 = 0.05
#: The public key of the traces a student's own kernel checks measure() on (their own neuron);
#: the autograder's traces come from the instructor's secret key instead.
_SHOWN_KEY = b"neurodyn_lab 03.measure_function: traces of the student's own neuron"


def sine_trace(params, amplitude, frequency, start_phase=0.0, noise=0.0, seed=0, dt=TRACE_DT_03):
    """A recorded trace of `params` driven by ``amplitude * sin(2 pi frequency t + start_phase)`` from
    rest at t = 0, from the closed form (the steady state and its decaying transient, no threshold),
    with Gaussian measurement noise on the voltage.

    The trace lasts 10 tau (so its second half is the steady state to well under 1 %) and at least
    8 periods.

    Parameters
    ----------
    params : LIFParams
    amplitude, frequency : Quantity (amp, hertz)
    start_phase : float
        The current's phase at t = 0, in degrees.
    noise : float
        Standard deviation of the noise as a fraction of the steady voltage amplitude.
    seed : int
        The noise's seed.
    dt : Quantity (second)

    Returns
    -------
    t, v, I : Quantity arrays (second, volt, amp)

    Examples
    --------
    >>> from brian2 import Hz, nA, mV
    >>> from neurodyn_lab import LIFParams
    >>> t, v, I = sine_trace(LIFParams(), 0.5 * nA, 20 * Hz)
    >>> len(t), round(float(v[0] / mV), 3)
    (4000, -70.0)
    """
    tau, f, step = si(params.tau), si(frequency), si(dt)
    i0, omega, theta = si(amplitude), 2 * math.pi * si(frequency), math.radians(start_phase)
    n = int(math.ceil(max(10 * tau, 8 / f) / step - 1e-9))
    t = np.arange(n) * step
    lag = -math.atan(omega * tau)
    swing = si(params.R) * i0 / math.sqrt(1 + (omega * tau) ** 2)
    # tau dv/dt = -(v - v_rest) + R I: the steady state, and a transient that starts v at rest.
    v = si(params.v_rest) + swing * (np.sin(omega * t + theta + lag) - math.sin(theta + lag) * np.exp(-t / tau))
    if noise:
        v = v + noise * swing * np.random.default_rng(seed).standard_normal(n)
    return Quantity(t, dim=second.dim), Quantity(v, dim=volt.dim), Quantity(i0 * np.sin(omega * t + theta), dim=amp.dim)


@dataclass(frozen=True)
class TraceCase(Case):
    """A `Case` of measure(t, v, I, frequency): `start_phase` is the current's phase at t = 0 (degrees)."""

    start_phase: float = 0.0


def _trace_case(params, i0_nA, f_Hz, start_phase, seed, note):
    f = round(f_Hz, 2) * Hz
    i0 = round(i0_nA, 3) * nA
    start_phase = round(start_phase)
    t, v, I = sine_trace(params, i0, f, start_phase, TRACE_NOISE_03, seed)
    expected = (analysis.gain(f, params), float(analysis.phase(f, params)))
    return TraceCase((t, v, I, f), f"t, v, I, {text(f, Hz, 'Hz').replace(' ', '*')}", expected,
                     f"{note}: {text(i0, nA, 'nA')} from phase {start_phase:g}°", start_phase)


def _seed(u):
    return int(u * 2 ** 31)


def _measure_cases(variant):
    # The student's own neuron, around its cut-off frequency, with other amplitudes and start phases.
    p = variant.neuron
    fc = si(analysis.cutoff_frequency(p))
    u = secret_numbers(_SHOWN_KEY, str(variant.student), 8)
    plan = ((0.4 + 0.3 * u[0], 0.5, 0), (1.0, 0.3, 40 + 80 * u[1]), (3 + 2 * u[2], 0.2, -100 - 60 * u[3]),
            (12 + 6 * u[4], 0.5, 200 * u[5]))
    return [_trace_case(p, i0, min(max(ratio * fc, 5), 500), phase, _seed(u[6 + k % 2]) + k, "your neuron p")
            for k, (ratio, i0, phase) in enumerate(plan)]


def _hidden_measure_cases(key, student):
    # Neurons the student has never seen, each at a slow (10-60 Hz) and a fast (80-500 Hz) frequency
    # (log-uniform), with amplitudes and start phases of their own.
    cases = []
    neurons = secret_neurons(key, f"03.measure_function\0{student}", 3)
    u = secret_numbers(key, f"03.measure_function traces\0{student}", 8 * len(neurons))
    for i, p in enumerate(neurons):
        a = u[8 * i: 8 * i + 8]
        for j, (low, high) in enumerate(((10, 60), (80, 500))):
            f = math.exp(math.log(low) + a[j] * math.log(high / low))
            cases.append(_trace_case(p, 0.05 + 0.5 * a[2 + j], f, -180 + 360 * a[4 + j], _seed(a[6 + j]),
                                     "a neuron you have not seen"))
    return cases


def _wrapped(degrees):
    """An angle difference in degrees, in [-180, 180)."""
    return (degrees + 180.0) % 360.0 - 180.0


@dataclass(frozen=True, kw_only=True)
class GainPhaseQuestion(FunctionQuestion):
    """A function that returns a pair (gain, phase): the gain a Quantity in ohm (mV/nA), the phase a
    plain number of degrees. Each is compared with the case's expected pair within its own tolerance
    (`tolerance` for the gain, `phase_tolerance` for the phase, compared modulo 360°), in the
    student's kernel and, on the hidden cases, in the autograder (which calls `read_result` and
    `compare` on what the function returned in its sandbox).

    Examples
    --------
    >>> from brian2 import Mohm
    >>> q = QUESTIONS[3]
    >>> q.read_result((40 * Mohm, -30), "measure(...)")
    (40000000.0, -30.0)
    >>> q.tolerance_text
    'gain ±2 %, phase ±2°'
    """

    tolerance: Tolerance
    phase_tolerance: Tolerance

    @property
    def tolerance_text(self):
        return f"gain {self.tolerance}, phase {self.phase_tolerance}"

    def read_result(self, result, call):
        if result is None:
            raise Rejected("unanswered", f"not answered yet: {call} returned None; write the body of the "
                                         "function and return the result.")
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise Rejected("invalid", f"{call} gave {kind_of(result)}: your function must return {self.returns}.")
        gain, phase = result
        if isinstance(gain, Quantity) and np.size(gain) == 1 and get_dimensions(gain) == get_dimensions(ohm) \
                and not np.isfinite(float(np.asarray(gain).ravel()[0])):
            gain = math.nan
        else:
            try:
                gain = read_quantity(gain, self.unit, "a gain, e.g. 40*Mohm")
            except Rejected as problem:
                raise Rejected("invalid", f"the gain {call} returned: {problem.message} (a voltage amplitude "
                                          "divided by a current amplitude keeps its unit, mV/nA = MΩ).") from None
        if isinstance(phase, (float, np.floating)) and not np.isfinite(phase):
            return gain, math.nan
        try:
            phase = read_number(phase, "a phase in degrees, a plain number such as -30")
        except Rejected as problem:
            raise Rejected("invalid", f"the phase {call} returned: {problem.message}") from None
        return gain, phase

    def compare(self, results, cases, hint_for):
        """The `Verdict` for the student's `results` ((gain in ohm, phase in degrees) pairs) on `cases`."""
        failures, gain_off, phase_off = [], [], []
        for case, (gain, phase) in zip(cases, results):
            expected_gain, expected_phase = si(case.expected[0]), float(case.expected[1])
            good_gain = self.tolerance.allows(gain, expected_gain)
            good_phase = abs(_wrapped(phase - expected_phase)) <= si(self.phase_tolerance.abs) * (1 + 1e-9)
            if not (good_gain and good_phase):
                failures.append(case)
                gain_off.append(None if good_gain else gain / expected_gain)
                phase_off.append(None if good_phase else (phase, expected_phase, case))
        if not failures:
            return Verdict("correct", f"correct for all {len(cases)} test cases (within {self.tolerance_text}).")
        which = ("the gain and the phase are" if any(g is not None for g in gain_off) and any(
            p is not None for p in phase_off) else "the gain is" if any(g is not None for g in gain_off)
            else "the phase is")
        where = (f"{len(failures)} of {len(cases)} test cases are not right ({which} off), e.g. "
                 f"{failures[0].label(self.name)}.")
        return Verdict("wrong", f"{where} Hint: {self._hint(gain_off, phase_off) or hint_for(failures)}")

    def _hint(self, gain_off, phase_off):
        """A hint from how the results are off (never the expected values)."""
        ratios = [r for r in gain_off if r is not None and np.isfinite(r)]
        phases = [p for p in phase_off if p is not None and np.isfinite(p[0])]
        close = si(self.phase_tolerance.abs) * (1 + 1e-9)
        if phases and all(abs(_wrapped(math.degrees(ph) - e)) <= close for ph, e, _ in phases):
            return "your phases look like radians: give the phase in degrees."
        if phases and all(abs(_wrapped(-ph - e)) <= close for ph, e, _ in phases):
            return "check the sign of the phase: the voltage lags the current, so its phase is the voltage's " \
                   "minus the current's."
        if phases and all(abs(_wrapped(ph - e - case.start_phase)) <= close or abs(_wrapped(
                ph - e + case.start_phase)) <= close for ph, e, case in phases):
            return "measure the phase relative to the current's own phase: the current does not always start " \
                   "at phase 0, so fit it too and subtract."
        if ratios and all(1.9 <= r <= 2.1 for r in ratios):
            return "the amplitude is half the peak-to-peak swing."
        if ratios and all(r > 1 for r in ratios) and not phases:
            return "your gains come out too large: the recording's noise lifts the highest samples and lowers " \
                   "the lowest. Fit a sinusoid a sin(2πft) + b cos(2πft) + c to the steady state by least squares " \
                   "(np.linalg.lstsq); its amplitude is √(a² + b²)."
        return None


def _gain_curve(variant):
    """The closed-form gain R / sqrt(1 + (2 pi f tau)^2) of the student's neuron, f in Hz -> ohm."""
    R, tau = si(variant.neuron.R), si(variant.neuron.tau)
    return lambda f: R / np.sqrt(1 + (2 * np.pi * np.asarray(f, dtype=float) * tau) ** 2)


def _phase_curve(variant):
    """The closed-form phase -atan(2 pi f tau) of the student's neuron, f in Hz -> degrees."""
    tau = si(variant.neuron.tau)
    return lambda f: -np.degrees(np.arctan(2 * np.pi * np.asarray(f, dtype=float) * tau))


def _bode_range(variant):
    return BODE_RANGE_03


#: The frequencies (Hz) the Bode plot of 03.bode_plot spans: the notebook measures from 10 Hz to 1 kHz.
BODE_RANGE_03 = (10.0, 1000.0)


def _changed(p):
    return p.replace(**{name: factor * getattr(p, name) for name, factor in CHANGED_03.items()})


#: 03.cutoff_of_p2: the neuron p2 = p.replace(R=2 * p.R, tau=p.tau / 2).
CHANGED_03 = {"R": 2.0, "tau": 0.5}



#: The notebook's questions, in order.
QUESTIONS = [
    ChoiceQuestion(
        id="03.filter_type", title="which filter is the membrane?", max_attempts=2,
        expected=lambda v: "low-pass" if analysis.gain(1 * Hz, v.neuron) > analysis.gain(1000 * Hz, v.neuron)
        else "high-pass",
        choices=("low-pass", "high-pass", "band-pass", "band-stop"),
        hint="compare the voltage amplitude for a slow (5 Hz) and a fast (500 Hz) sinusoid of the same "
             "amplitude: which frequencies pass?",
    ),
    QuantityQuestion(
        id="03.cutoff_frequency", title="cut-off frequency of your neuron",
        expected=lambda v: analysis.cutoff_frequency(v.neuron), unit=Hz, example="a frequency, e.g. 15*Hz",
        tolerance=Tolerance(rel=0.02),
        mistakes=(Mistake(lambda value, e, v: near(value, e * 2 * math.pi, 0.02),
                          "1/τ is an angular frequency (radians per second); the cut-off in Hz is smaller."),),
        hint="the cut-off is where the gain is R/√2; solve the theory section's gain for f, in terms of τ (in "
             "Hz, not radians per second).",
    ),
    PredictionQuestion(
        id="03.predict_gains", title="your prediction of your neuron's gain at three frequencies",
        about="03.gain_at_50Hz", unit=Mohm, points_of=("frequency", "gain"), x_unit=Hz,
        example="a list of (frequency, gain) pairs, e.g. [(5*Hz, 3*Mohm), (50*Hz, 2*Mohm), (500*Hz, 1*Mohm)]",
        plausible=(0.001 * Mohm, 10_000 * Mohm), x_plausible=(0.1 * Hz, 100 * kHz), min_points=3,
        truth=_gain_curve,
    ),
    GainPhaseQuestion(
        id="03.measure_function", title="your measure(t, v, I, frequency)", points=2, name="measure",
        cases=_measure_cases, hidden_cases=_hidden_measure_cases, example="your function measure",
        returns="a pair (gain, phase): the gain with its unit, e.g. 40*Mohm, and the phase in degrees, e.g. -30",
        unit=ohm, tolerance=Tolerance(rel=0.02), phase_tolerance=Tolerance(abs=2.0, unit_name="°"),
        hint="leave out the transient (the first half of the trace) and fit v ≈ a sin(2πft) + b cos(2πft) + c "
             "by least squares, and the current the same way; the gain is the ratio of the amplitudes, the phase "
             "the difference of the phases, in degrees.",
    ),
    GainQuestion(
        id="03.gain_at_50Hz", title="gain at 50 Hz", options=("I0",), default_I0=GAIN_I0_03,
        expected=lambda v: analysis.gain(GAIN_FREQUENCY_03, v.neuron), unit=ohm,
        example="a gain in mV/nA, e.g. 40*mV/nA (or the voltage amplitude in mV for I0 = 0.5 nA)",
        tolerance=Tolerance(rel=0.03),
        stated=lambda v: (text(GAIN_FREQUENCY_03, Hz, "Hz"), f"$I_0 = {si(GAIN_I0_03 / nA):g}$ nA"),
        mistakes=(Mistake(lambda value, e, v: near(value, si(v.neuron.R), 0.03),
                          "that is the gain for a constant current (0 Hz); at 50 Hz the membrane filters."),
                  Mistake(lambda value, e, v: near(value, 2 * e, 0.03), "the amplitude is half the peak-to-peak "
                                                                        "swing.")),
        hint="gain = voltage amplitude / current amplitude in the steady state: use R/√(1 + (2πfτ)²), or a "
             "subthreshold simulation without its first few τ.",
    ),
    PhaseQuestion(
        id="03.phase_at_your_frequency", title="phase at your frequency me.phase_frequency (degrees)",
        expected=lambda v: analysis.phase(v.phase_frequency, v.neuron), example="a number of degrees, e.g. -30",
        tolerance=Tolerance(abs=4.0, unit_name="°"),
        stated=lambda v: ("me.phase_frequency", f"{text(v.phase_frequency, Hz, 'Hz')} without a student id"),
        mistakes=(Mistake(lambda value, e, v: abs(value + e) <= 4.0, "does the voltage lead or lag the current?"),),
        hint="the voltage lags the current by arctan(2πfτ) at your frequency me.phase_frequency; give the phase in "
             "degrees.",
    ),
    FigureQuestion(
        id="03.bode_plot", title="your Bode plot: your measurements and the closed form",
        plots=(
            Plot(Axis("frequency", "log"), Axis("resistance", "log"), curves=(
                Curve("your measured gains", follows=_gain_curve, rel=0.03, cover=0.8, domain=_bode_range,
                      missing="plot your measured gain_Mohm against frequencies / Hz as points on the gain axes."),
                Curve("the closed-form gain", follows=_gain_curve, rel=0.01, cover=0.8, domain=_bode_range,
                      missing="beside your measured points, compute R/√(1 + (2πfτ)²) of your neuron with NumPy at "
                              "your frequencies (or more) and plot it as a line on the gain axes, in the units of "
                              "its label (e.g. MΩ)."),
            )),
            Plot(Axis("frequency", "log"), Axis("phase", "linear"), curves=(
                Curve("your measured phases", follows=_phase_curve, abs=3.0, rel=0.0, cover=0.8, domain=_bode_range,
                      missing="plot your measured phase_deg against frequencies / Hz as points on the phase axes."),
                Curve("the closed-form phase", follows=_phase_curve, abs=0.5, rel=0.0, cover=0.8, domain=_bode_range,
                      missing="beside your measured points, compute −arctan(2πfτ) in degrees with NumPy and plot "
                              "it as a line on the phase axes."),
            )),
        ),
        hint="two axes, one above the other (fig, (ax_gain, ax_phase) = plt.subplots(2, 1)): the gain on log–log "
             "axes, the phase on a log frequency axis, each with your measured points and the closed form as a "
             "line, and every axis labelled with its unit.",
    ),
    QuantityQuestion(
        id="03.half_gain_frequency", title="frequency where your gain is R/2",
        expected=_half_gain_frequency, unit=Hz, example="a frequency, e.g. 70*Hz", tolerance=Tolerance(rel=0.03),
        mistakes=(Mistake(lambda value, e, v: near(value, si(analysis.cutoff_frequency(v.neuron) / Hz), 0.03),
                          "that is the cut-off frequency, where the gain is R/√2; it is R/2 at a higher "
                          "frequency."),
                  Mistake(lambda value, e, v: near(value, e * 2 * math.pi, 0.03),
                          "that looks like an angular frequency (radians per second); give the frequency in Hz."),
                  Mistake(lambda value, e, v: near(value, si(_frequency_where(v.neuron, 0.5 * _gain_at(
                      v.neuron, 10 * Hz)) / Hz), 0.03),
                          "half of the gain at 10 Hz is not half of R: the gain for a constant current is R.")),
        hint="measure the gain at frequencies from 10 Hz to 1 kHz (your Bode plot) and find where it crosses "
             "R/2, half the gain for a constant current; interpolate between measured points on the log axis, "
             "or measure more frequencies near the crossing.",
    ),
    QuantityQuestion(
        id="03.cutoff_of_p2", title="cut-off frequency of p2 (R doubled, τ halved)",
        expected=lambda v: analysis.cutoff_frequency(_changed(v.neuron)), unit=Hz, example="a frequency, e.g. 15*Hz",
        tolerance=Tolerance(rel=0.02),
        stated=lambda v: ("p2 = p.replace(R=2 * p.R, tau=p.tau / 2)",),
        mistakes=(Mistake(lambda value, e, v: near(value, si(analysis.cutoff_frequency(v.neuron) / Hz), 0.02),
                          "that is the cut-off of p itself: R changed the same way, but does R move the cut-off?"),
                  Mistake(lambda value, e, v: near(value, e / 4, 0.02) or near(value, e * 4, 0.02),
                          "does R move the cut-off at all? Only one of the two changes matters."),
                  Mistake(lambda value, e, v: near(value, e * 2 * math.pi, 0.02),
                          "that looks like an angular frequency (radians per second); give the frequency in Hz.")),
        hint="which of R and τ appears in the cut-off frequency? Change only that one.",
    ),
    CountQuestion(
        id="03.gain_per_decade", title="factor by which the gain falls per decade well above f_c",
        expected=lambda v: 10, example="a whole number, e.g. 3",
        hint="well above the cut-off, 2πfτ ≫ 1 in the gain's formula: how does the gain depend on f then? "
             "Multiply f by 10.",
    ),
    PhaseQuestion(
        id="03.phase_far_above_cutoff", title="the phase far above the cut-off (degrees)",
        expected=lambda v: -90.0, example="a number of degrees, e.g. -30", tolerance=Tolerance(abs=3.0, unit_name="°"),
        mistakes=(Mistake(lambda value, e, v: abs(value) <= 3.0, "that is the phase far below the cut-off, for a "
                                                                 "slow input; what does arctan do for a large "
                                                                 "argument?"),
                  Mistake(lambda value, e, v: abs(value + 45) <= 3.0, "that is the phase at the cut-off; far above "
                                                                      "it the lag grows further."),
                  Mistake(lambda value, e, v: abs(value + e) <= 3.0, "does the voltage lead or lag the current?")),
        hint="the phase is −arctan(2πfτ): what does it approach as f grows without bound? Your Bode plot's phase "
             "panel shows it too.",
    ),
]
