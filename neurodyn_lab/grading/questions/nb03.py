"""Questions of notebook 03 sinusoidal input: filter, cut-off, gain, phase."""

import math

from brian2 import Hz, nA, ohm

from ... import analysis
from ..framework import ChoiceQuestion, GainQuestion, Mistake, PhaseQuestion, QuantityQuestion, Tolerance, near, si
from .common import text

__all__ = ["QUESTIONS", "GAIN_FREQUENCY_03", "GAIN_I0_03", "PHASE_FREQUENCY_03"]

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
]
