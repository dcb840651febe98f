"""The question bank: every graded question of the exercise notebooks, and course-local changes.

Each question computes its expected value from the student's `Variant` (their neuron and stimulus,
see `students`) when an answer is graded: from the closed forms of `neurodyn_lab.analysis`, a
simulation, or the mystery neuron (which only answers "within tolerance or not"). No expected value
is written down here, and no message ever contains one.

An instructor changes or adds questions in a course file of their own (``neurodyn_lab_questions.py``
in the course directory, see `load_bank`), without editing the package.

Examples
--------
>>> from brian2 import nA
>>> from neurodyn_lab.grading.students import variant_for
>>> QUESTIONS["01.rheobase"].grade(2 * nA, variant_for(None)).status
'correct'
"""

import dataclasses
import hashlib
import hmac
import math
import os
import runpy
from collections.abc import Mapping
from functools import lru_cache

from brian2 import Hz, Mohm, amp, coulomb, mV, ms, nA, ohm, second, volt

from .. import analysis
from ..parameters import LIFParams
from . import mystery
from .framework import Case, ChoiceQuestion, CountQuestion, FunctionQuestion, GainQuestion, MeasuredQuestion, \
    Mistake, PhaseQuestion, QuantityQuestion, Question, Tolerance, near, si

__all__ = ["QUESTIONS", "Bank", "questions_of", "load_bank", "COURSE_FILE", "STEP_01", "CHARGE_01", "PULSE_01",
           "RATE_CURRENT_02", "T_REF_02", "GAIN_FREQUENCY_03", "GAIN_I0_03", "PHASE_FREQUENCY_03", "RETIRED_IDS"]

#: The name of an instructor's course file of question changes (in the course directory).
COURSE_FILE = "neurodyn_lab_questions.py"

# The experiments the questions are about; the notebooks state the same numbers in their prompts
# (tests/test_exercises.py compares them).
STEP_01 = dict(amplitude=3 * nA, start=10 * ms)  # 01.first_spike_time
CHARGE_01 = dict(amplitude=1 * nA, start=10 * ms)  # 01.v_after_tau
PULSE_01 = dict(duration=0.1 * ms, start=10 * ms)  # 01.min_charge: the pulse's width and start
RATE_CURRENT_02 = 3 * nA  # 02.rate_at_3nA
GAIN_FREQUENCY_03 = 50 * Hz  # 03.gain_at_50Hz
GAIN_I0_03 = 0.5 * nA  # 03.gain_at_50Hz: the stated input amplitude for an answer in mV
T_REF_02 = 3 * ms  # 02.half_max_current: the f-I curve of p3, the student's neuron with this refractory period
PHASE_FREQUENCY_03 = 100 * Hz  # 03.phase_at_your_frequency without a student id (students.phase_frequency_of)

#: Question ids of earlier versions: old id -> its id now, or None for a question that was removed.
#: 03.phase_at_100Hz was asked at the student's own frequency (10-60 Hz), not at 100 Hz;
#: 01.rheobase_function asked the formula of 01.rheobase a second time.
RETIRED_IDS = {"03.phase_at_100Hz": "03.phase_at_your_frequency", "01.rheobase_function": None}


def _text(q, unit, name):
    return f"{si(q / unit):g} {name}"


# --------------------------------------------------------------------------------------------
# Function questions: the cases shown in the notebook, and hidden ones for the autograder
# --------------------------------------------------------------------------------------------
_OTHER_A = LIFParams(v_rest=-65 * mV, v_reset=-75 * mV, v_threshold=-45 * mV, R=5 * Mohm, tau=20 * ms, t_ref=1 * ms)
_OTHER_B = LIFParams().replace(v_threshold=-55 * mV, R=20 * Mohm, tau=15 * ms)
_LABELS = {
    LIFParams(): "LIFParams()",
    LIFParams.classic(): "LIFParams.classic()",
    _OTHER_A: repr(_OTHER_A),
    _OTHER_B: "LIFParams().replace(v_threshold=-55*mV, R=20*Mohm, tau=15*ms)",
}


def _label(arg, variant=None):
    if isinstance(arg, LIFParams):
        if variant is not None and arg == variant.neuron and arg not in _LABELS:
            return "me.neuron"
        return _LABELS.get(arg, repr(arg))
    return _text(arg, nA, "nA")


def _rate_case(current, p, variant=None):
    note = "below the rheobase" if current <= analysis.rheobase(p) else ""
    return Case((current, p), f"{_label(current)}, {_label(p, variant)}", analysis.firing_rate(current, p), note)


def _rate_cases(variant):
    plan = (
        (variant.neuron, (0, 1, 1.9, 2.5, 3, 10, 100)),
        (LIFParams(), (-1, 2.2, 5)),
        (LIFParams.classic(), (0.5, 2)),
        (_OTHER_A, (3.5, 6)),
        (_OTHER_B, (0.2, 1)),
    )
    return [_rate_case(I * nA, p, variant) for p, currents in plan for I in currents]


def _secret_numbers(key, label, count):
    """`count` numbers in [0, 1) from the instructor's secret `key` (bytes) and `label`."""
    numbers = []
    block = 0
    while len(numbers) < count:
        digest = hmac.new(key, f"{label}\0{block}".encode(), hashlib.sha256).digest()
        numbers += [int.from_bytes(digest[4 * i: 4 * i + 4], "big") / 2 ** 32 for i in range(8)]
        block += 1
    return numbers[:count]


def _secret_neurons(key, label, count):
    """Neurons the student has never seen, from the instructor's secret key."""
    neurons = []
    u = _secret_numbers(key, label, 6 * count)
    for i in range(count):
        a = u[6 * i: 6 * i + 6]
        v_rest = round(-80 + 25 * a[0], 2)
        neurons.append(LIFParams(v_rest=v_rest * mV, v_reset=round(v_rest - 10 + 20 * a[1], 2) * mV,
                                 v_threshold=round(v_rest + 12 + 20 * a[2], 2) * mV,
                                 R=round(3 + 40 * a[3], 2) * Mohm, tau=round(3 + 40 * a[4], 2) * ms,
                                 t_ref=round(0.5 + 5 * a[5], 2) * ms))
    return neurons


def _hidden_rate_cases(key, student):
    cases = []
    neurons = _secret_neurons(key, f"02.rate_function\0{student}", 5)
    factors = _secret_numbers(key, f"02.rate_function currents\0{student}", 3 * len(neurons))
    for i, p in enumerate(neurons):
        threshold = si(analysis.rheobase(p) / nA)
        # One current below the rheobase, two above (one close to it, one far).
        for scale in (0.3 + 0.6 * factors[3 * i], 1.05 + 0.5 * factors[3 * i + 1], 2 + 20 * factors[3 * i + 2]):
            cases.append(_rate_case(round(threshold * scale, 4) * nA, p))
    return cases


def _ignores_params(function, failures, cases):
    # Right for the default set LIFParams() but wrong for another: fixed numbers instead of the argument.
    return all(c.args[-1] != LIFParams() for c in failures) and any(c.args[-1] == LIFParams() for c in cases)


def _below_rheobase(function, failures, cases):
    return all(c.note == "below the rheobase" for c in failures)


def _no_t_ref(function, failures, cases):
    # The result matches the closed form without the refractory period on the failing cases.
    for case in failures:
        I, p = case.args
        if case.note or p.t_ref == 0 * ms:
            return False
        try:
            value = si(function(I, p) / Hz)
        except Exception:
            return False
        if not near(value, si(analysis.firing_rate(I, p.replace(t_ref=0 * ms)) / Hz), 1e-3):
            return False
    return True


# --------------------------------------------------------------------------------------------
# Expected values from the student's variant
# --------------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _classic_step_spike_count(amplitude):
    # The spike count of the classic LIF_Step(I_amp=amplitude), from the model itself.
    from .. import lif

    return int(lif.LIF_Step(I_amp=amplitude, do_plot=False).spike_count)


def _first_spike(v):
    return STEP_01["start"] + analysis.time_to_first_spike(STEP_01["amplitude"], v.neuron)


def _v_after_tau(v):
    p = v.neuron
    return p.v_rest + p.R * CHARGE_01["amplitude"] * (1 - math.exp(-1))


def _half_max_current(v, t_ref=None):
    # The current whose interval is 2 t_ref (rate 1/(2 t_ref)): t_ref + tau ln((RI - dr)/(RI - dth)) = 2 t_ref.
    p = v.neuron.replace(t_ref=T_REF_02 if t_ref is None else t_ref)
    x = math.exp(si(p.t_ref / p.tau))
    return (x * (p.v_threshold - p.v_rest) - (p.v_reset - p.v_rest)) / (p.R * (x - 1))


def _gain_at(p, f):
    return analysis.gain(f, p)


def _frequency_where(p, gain):
    # Where the closed-form gain R / sqrt(1 + (2 pi f tau)^2) has fallen to `gain` (below R).
    ratio = si(p.R / gain)
    return math.sqrt(ratio ** 2 - 1) * analysis.cutoff_frequency(p)


def _half_gain_frequency(v):
    return _frequency_where(v.neuron, v.neuron.R / 2)


def _min_charge(v):
    # The pulse of width w lifts v from rest by R I (1 - exp(-w/tau)) with I = q/w: that must reach v_threshold.
    # (In the Dirac limit w << tau this is C (v_threshold - v_rest) with C = tau/R.)
    p, w = v.neuron, PULSE_01["duration"]
    return (p.v_threshold - p.v_rest) / p.R * w / (1 - math.exp(-si(w / p.tau)))


def _hidden(name):
    def within(variant, value, tolerance):
        return mystery.matches(variant.student, name, value, tolerance)

    return within


_MYSTERY_NOTE = " (Are these experiments on your own neuron, mystery_neuron()?)"


def _q(question):
    return question.id, question


_DEFAULT_QUESTIONS = [
    # ---------------------------------------------------------------- 00 getting started
    QuantityQuestion(
        id="00.classic_rheobase", title="rheobase of the classic neuron",
        expected=lambda v: analysis.rheobase(LIFParams.classic()), unit=amp, example="a current, e.g. 0.5*nA",
        # LIF_Step's default, 1.005 nA, fires: +-1 % would pass it without finding the threshold.
        tolerance=Tolerance(rel=0.002),
        hint="the rheobase is the constant current whose steady state v_rest + R·I just reaches the "
             "threshold; use the classic parameters (LIFParams.classic()), or try LIF_Step with amplitudes "
             "around your guess.",
    ),
    CountQuestion(
        id="00.classic_step_spikes", title="spike count of your LIF_Step",
        expected=lambda v: _classic_step_spike_count(v.classic_amplitude), example="a whole number, e.g. 4",
        hint="run rec = LIF_Step(I_amp=me.classic_amplitude) with the other arguments at their defaults and "
             "look at rec.spike_count.",
    ),
    # ---------------------------------------------------------------- 01 step current
    QuantityQuestion(
        id="01.rheobase", title="rheobase of your neuron",
        expected=lambda v: analysis.rheobase(v.neuron), unit=amp, example="a current, e.g. 0.5*nA",
        tolerance=Tolerance(rel=0.01),
        hint="set the steady state v_rest + R·I equal to v_threshold and solve for I, with your neuron's "
             "parameters (me.neuron).",
    ),
    QuantityQuestion(
        id="01.first_spike_time", title="time of the first spike (3 nA step at 10 ms)",
        expected=_first_spike, unit=second, example="a time, e.g. 5*ms", tolerance=Tolerance(abs=0.2 * ms),
        stated=lambda v: (_text(STEP_01["amplitude"], nA, "nA"), f"$t_0 = {si(STEP_01['start'] / ms):g}$ ms"),
        mistakes=(Mistake(lambda value, e, v: near(value, e - si(STEP_01["start"]), 0.02),
                          "that looks like the time since the step began; the question asks for the time on "
                          "the simulation clock, which starts at 0."),),
        hint="simulate the step on your neuron and read result.spike_times[0], or solve v(t) = v_threshold "
             "for the charging curve; remember that the step begins at 10 ms.",
    ),
    QuantityQuestion(
        id="01.v_after_tau", title="v one τ after a 1 nA step starts",
        expected=_v_after_tau, unit=volt, example="a voltage, e.g. -40*mV", tolerance=Tolerance(abs=0.2 * mV),
        stated=lambda v: (_text(CHARGE_01["amplitude"], nA, "nA"), f"$t_0 = {si(CHARGE_01['start'] / ms):g}$ ms"),
        mistakes=(Mistake(lambda value, e, v: near(value, e - si(v.neuron.v_rest), 0.02),
                          "that is the depolarisation v − v_rest; the question asks for the membrane voltage "
                          "v itself."),
                  Mistake(lambda value, e, v: near(value, si(v.neuron.v_rest + v.neuron.R * CHARGE_01["amplitude"]),
                                                   0.01),
                          "that is the steady state, reached only after many τ; after one τ the voltage has "
                          "covered a fraction 1 − 1/e of the way.")),
        hint="evaluate v(t) = v_rest + R·I·(1 − exp(−(t − t0)/τ)) at t − t0 = τ, or read the simulated v one τ "
             "after the step starts.",
    ),
    QuantityQuestion(
        id="01.min_charge", title="threshold charge of a 0.1 ms pulse for your neuron (every larger charge fires it)",
        expected=_min_charge, unit=coulomb, example="a charge, e.g. 100*nA*ms", tolerance=Tolerance(rel=0.02),
        stated=lambda v: (_text(PULSE_01["duration"], ms, "ms"), f"{si(PULSE_01['start'] / ms):g} ms"),
        mistakes=(Mistake(lambda value, e, v: near(value, si(v.neuron.tau / v.neuron.R * (
                      v.neuron.v_threshold - v.neuron.v_reset)), 0.02),
                          "the neuron starts at rest, v_rest, not at v_reset."),
                  Mistake(lambda value, e, v: near(value, si(analysis.rheobase(v.neuron) * PULSE_01["duration"]), 0.02),
                          "the rheobase times the pulse's width is far too little: a short pulse must lift v to "
                          "the threshold at once, by q/C."),),
        hint="a short pulse of charge q lifts v at once by q/C, with C = τ/R; it fires if that jump reaches "
             "the threshold from rest. Or bisect on the charge in simulations of inputs.pulse.",
    ),
    # ---------------------------------------------------------------- 02 f-I curve
    QuantityQuestion(
        id="02.max_rate", title="maximal rate of your neuron",
        expected=lambda v: 1 / v.neuron.t_ref, unit=Hz, example="a frequency, e.g. 9000*Hz",
        tolerance=Tolerance(rel=0.01),
        mistakes=(Mistake(lambda value, e, v: not near(e, si(1 / T_REF_02), 0.01) and near(value, si(1 / T_REF_02), 0.01),
                          "that is the limit for t_ref = 3 ms (p3, the neuron of the f–I curve); this question is "
                          "about your neuron p and its own refractory period p.t_ref."),
                  Mistake(lambda value, e, v: 0.85 * e <= value < e,
                          "a finite current only approaches the limit; what does the inter-spike interval tend "
                          "to as the current grows without bound?"),),
        hint="for a very large current the voltage jumps to threshold right after the refractory period: what "
             "does the inter-spike interval tend to? Use your neuron's t_ref.",
    ),
    QuantityQuestion(
        id="02.rate_at_3nA", title="rate of your neuron at 3 nA",
        expected=lambda v: analysis.firing_rate(RATE_CURRENT_02, v.neuron), unit=Hz,
        example="a frequency, e.g. 9000*Hz", tolerance=Tolerance(rel=0.02),
        stated=lambda v: (_text(RATE_CURRENT_02, nA, "nA"),),
        mistakes=(Mistake(lambda value, e, v: near(value, si(analysis.firing_rate(
                      RATE_CURRENT_02, v.neuron.replace(t_ref=0 * ms)) / Hz), 0.02),
                          "did you include the refractory period?"),
                  Mistake(lambda value, e, v: near(value, si(1 / (analysis.time_to_first_spike(
                      RATE_CURRENT_02, v.neuron) + v.neuron.t_ref) / Hz), 0.02),
                          "after a spike the voltage restarts from v_reset, not from v_rest.")),
        hint="the inter-spike interval is t_ref plus the time to climb from v_reset to v_threshold; the rate is "
             "its inverse (simulate at least 500 ms if you measure it).",
    ),
    FunctionQuestion(
        id="02.rate_function", title="your firing_rate(I, params)", points=2, name="firing_rate",
        cases=_rate_cases, hidden_cases=_hidden_rate_cases, example="your function firing_rate",
        returns="a frequency, e.g. 40*Hz", unit=Hz,
        mistakes=(Mistake(_below_rheobase, "below the rheobase a LIF neuron never fires: return 0*Hz there."),
                  Mistake(_no_t_ref, "did you include the refractory period params.t_ref?"),
                  Mistake(_ignores_params, "does your function use the fields of its argument params rather "
                                           "than fixed numbers?")),
        hint="above the rheobase, the interval is t_ref + τ·ln(...) with v_reset where the voltage restarts; use "
             "the fields of params.",
    ),
    QuantityQuestion(
        id="02.half_max_current", title="current where p3 (your neuron, t_ref = 3 ms) fires at half its maximal rate",
        expected=_half_max_current, unit=amp, example="a current, e.g. 0.5*nA", tolerance=Tolerance(rel=0.03),
        stated=lambda v: (_text(T_REF_02, ms, "ms"), "0 to 100 nA"),
        mistakes=(Mistake(lambda value, e, v: near(value, si(_half_max_current(v, v.neuron.t_ref)), 0.03),
                          "that is the current for your neuron's own refractory period; the f–I curve of this "
                          "question is that of p3, your neuron with t_ref = 3 ms."),
                  Mistake(lambda value, e, v: near(value, si(analysis.rheobase(v.neuron)), 0.03),
                          "that is the rheobase, where the rate starts to rise from 0; half the maximal rate "
                          "comes at a larger current.")),
        hint="simulate your f–I curve from 0 to 100 nA with t_ref = 3 ms and find where it crosses half of "
             "1/t_ref; interpolate between neighbouring currents, or simulate more currents near the crossing.",
    ),
    # ---------------------------------------------------------------- 03 sinusoidal input
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
        expected=lambda v: analysis.cutoff_frequency(v.neuron), unit=Hz, example="a frequency, e.g. 40*Hz",
        tolerance=Tolerance(rel=0.02),
        mistakes=(Mistake(lambda value, e, v: near(value, e * 2 * math.pi, 0.02),
                          "1/τ is an angular frequency (radians per second); the cut-off in Hz is smaller."),),
        hint="the cut-off is where the gain is R/√2; solve the theory section's gain for f, in terms of τ (in "
             "Hz, not radians per second).",
    ),
    GainQuestion(
        id="03.gain_at_50Hz", title="gain at 50 Hz", options=("I0",), default_I0=GAIN_I0_03,
        expected=lambda v: analysis.gain(GAIN_FREQUENCY_03, v.neuron), unit=ohm,
        example="a gain in mV/nA, e.g. 40*mV/nA (or the voltage amplitude in mV for I0 = 0.5 nA)",
        tolerance=Tolerance(rel=0.03),
        stated=lambda v: (_text(GAIN_FREQUENCY_03, Hz, "Hz"), f"$I_0 = {si(GAIN_I0_03 / nA):g}$ nA"),
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
        stated=lambda v: ("me.phase_frequency", f"{_text(v.phase_frequency, Hz, 'Hz')} without a student id"),
        mistakes=(Mistake(lambda value, e, v: abs(value + e) <= 4.0, "does the voltage lead or lag the current?"),),
        hint="the voltage lags the current by arctan(2πfτ) at your frequency me.phase_frequency; give the phase in "
             "degrees.",
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
    # ---------------------------------------------------------------- 04 mystery neuron
    MeasuredQuestion(
        id="04.v_rest", title="mystery: v_rest", within=_hidden("v_rest"), unit=volt,
        example="a voltage, e.g. -55*mV", tolerance=Tolerance(abs=0.5 * mV),
        hint="with no input current, where does the voltage stay?" + _MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.R", title="mystery: R", within=_hidden("R"), unit=ohm, example="a resistance, e.g. 40*Mohm",
        tolerance=Tolerance(rel=0.05),
        hint="a small step I that never reaches threshold moves the steady state by R·I; wait several τ."
             + _MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.tau", title="mystery: tau", within=_hidden("tau"), unit=second, example="a time, e.g. 50*ms",
        tolerance=Tolerance(rel=0.05, abs=0.2 * ms),
        hint="apply a small (subthreshold) step and find when the voltage has covered 1 − 1/e ≈ 63 % of its way "
             "to the new steady state." + _MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.v_threshold", title="mystery: v_threshold", within=_hidden("v_threshold"), unit=volt,
        example="a voltage, e.g. -55*mV", tolerance=Tolerance(abs=1 * mV),
        hint="find the rheobase (the threshold current: the neuron fires for every constant current above it, "
             "never at or below it) by bisection, and read the voltage where the largest step that does not fire "
             "settles; v_rest + R·I_rheobase needs R to better than 1 % (±5 % puts v_threshold 1–4 mV off)."
             + _MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.v_reset", title="mystery: v_reset", within=_hidden("v_reset"), unit=volt,
        example="a voltage, e.g. -90*mV", tolerance=Tolerance(abs=0.5 * mV),
        hint="make it fire and look at the voltage right after a spike, where it is held during the refractory "
             "period." + _MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.t_ref", title="mystery: t_ref", within=_hidden("t_ref"), unit=second,
        example="a time, e.g. 0.5*ms", tolerance=Tolerance(abs=0.3 * ms),
        hint="after a spike the voltage is held at v_reset for t_ref: measure how long it stays flat, or the "
             "inter-spike interval for a very large current." + _MYSTERY_NOTE,
    ),
]

#: Fields a course file may change with `Bank.change`.
_CHANGEABLE = ("title", "hint", "points", "tolerance", "max_attempts", "rel", "mistakes", "expected", "cases",
               "hidden_cases", "choices", "example")


class Bank(Mapping):
    """The questions by id, in notebook order; a course file changes a copy (`change`, `add`).

    Examples
    --------
    >>> bank = Bank(QUESTIONS.values())
    >>> bank.change("01.rheobase", tolerance=Tolerance(rel=0.02))
    >>> str(bank["01.rheobase"].tolerance), str(QUESTIONS["01.rheobase"].tolerance)
    ('±2 %', '±1 %')
    """

    def __init__(self, questions=()):
        self._questions = dict(_q(q) for q in questions)

    def __getitem__(self, question_id):
        return self._questions[question_id]

    def __iter__(self):
        return iter(self._questions)

    def __len__(self):
        return len(self._questions)

    def change(self, question_id, **fields):
        """Change a question's fields, e.g. ``change("01.rheobase", tolerance=Tolerance(rel=0.02),
        hint="...")``."""
        if question_id not in self._questions:
            if RETIRED_IDS.get(question_id) in self._questions:
                raise KeyError(f"question {question_id!r} is now called {RETIRED_IDS[question_id]!r}: change that one")
            if question_id in RETIRED_IDS:
                raise KeyError(f"question {question_id!r} was removed from the package's notebooks")
            raise KeyError(f"no question {question_id!r} to change; the ids look like '01.rheobase'")
        question = self._questions[question_id]
        bad = sorted(name for name in fields if name not in _CHANGEABLE or not hasattr(question, name))
        if bad:
            raise TypeError(f"{question_id} has no field {bad[0]!r} a course file can change "
                            f"(e.g. tolerance, hint, points, title, max_attempts)")
        self._questions[question_id] = dataclasses.replace(question, **fields)

    def add(self, question):
        """Add a new question (a `Question` from `framework`) with a new id."""
        if not isinstance(question, Question):
            raise TypeError(f"add() takes a question from neurodyn_lab.grading.framework, got {question!r}")
        if question.id in self._questions:
            raise ValueError(f"question {question.id!r} exists already: use change() for it")
        self._questions[question.id] = question

    def of(self, notebook):
        """The questions of one notebook (``"01"``), in order; one sentence for a notebook it has none of."""
        known = sorted({q.notebook for q in self._questions.values()})
        if not isinstance(notebook, str) or notebook not in known:
            raise ValueError(f"notebook must be one of {', '.join(repr(n) for n in known)} (e.g. notebook=\"01\"), "
                             f"got {notebook!r}")
        return [q for q in self._questions.values() if q.notebook == notebook]


#: The package's questions (a course file changes a copy, never this one).
QUESTIONS = Bank(_DEFAULT_QUESTIONS)


def questions_of(notebook):
    """The questions of one notebook (``"01"``) in the package's bank, in order."""
    return QUESTIONS.of(notebook)


def load_bank(course_file=None):
    """The package's questions with a course file's changes.

    The course file is Python with a function ``customise(bank)``, e.g.::

        from brian2 import mV
        from neurodyn_lab.grading.framework import Tolerance

        def customise(bank):
            bank.change("04.v_threshold", tolerance=Tolerance(abs=2 * mV), hint="...")
            bank.change("03.filter_type", max_attempts=1)

    Parameters
    ----------
    course_file : path, optional
        Default: none (the package's bank as it is).
    """
    bank = Bank(QUESTIONS.values())
    if course_file is None:
        return bank
    namespace = runpy.run_path(os.fspath(course_file))
    customise = namespace.get("customise")
    if not callable(customise):
        raise ValueError(f"the course file {course_file} must define a function customise(bank)")
    customise(bank)
    return bank
