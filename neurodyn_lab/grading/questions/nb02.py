"""Questions of notebook 02 f-I curve: maximal rate, rate, firing_rate function, the student's Euler
integration (euler_lif) and what its time step does, the student's f-I sweep (measure_rate),
half-maximal current, and three concept questions.

The Euler integration the notebook asks for is fixed to the step, so its answers have closed forms:
from v0 each step multiplies the distance to v_inf = v_rest + R I by (1 - dt/tau), the voltage
reaches the threshold after ceil(ln((v_th - v_inf)/(v0 - v_inf)) / ln(1 - dt/tau)) steps, and one
interval is that count from v_reset plus round(t_ref/dt) steps held at v_reset (`euler_steps`).
"""

import math
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, amp, kHz, ms, nA

from ... import analysis
from ...parameters import LIFParams
from ..figures import Axis, Curve
from ..framework import Case, ChoiceQuestion, FigureQuestion, FunctionQuestion, Mistake, Plot, PredictionQuestion, \
    QuantityQuestion, Tolerance, Verdict, near, si
from .common import OTHER_A, OTHER_B, label, secret_neurons, secret_numbers, text

__all__ = ["QUESTIONS", "RATE_CURRENT_02", "T_REF_02", "FI_SWEEP_MAX_02", "EULER_DT_02", "EULER_DURATION_02", "MEASURE_DURATION_02",
           "GAIN_FREQUENCY_02", "euler_steps", "euler_rate"]

RATE_CURRENT_02 = 3 * nA  # 02.rate_at_3nA
T_REF_02 = 3 * ms  # 02.half_max_current: the f-I curve of p3, the student's neuron with this refractory period
EULER_DT_02 = 0.1 * ms  # euler_lif's default time step (02.euler_function, 02.euler_max_rate)
EULER_DURATION_02 = 300 * ms  # euler_lif's default duration
MEASURE_DURATION_02 = 500 * ms  # how long measure_rate simulates (02.measure_rate's tolerance allows for it)
GAIN_FREQUENCY_02 = 1000 * Hz  # 02.euler_gain: the sinusoid of the time-step section
#: How close (in steps) a threshold crossing may come to a whole step before a case is moved away
#: from it: there the student's rounding, not their method, would decide the step.
_TIE = 1e-6


def _rate_case(current, p, variant=None):
    note = "below the rheobase" if current <= analysis.rheobase(p) else ""
    return Case((current, p), f"{label(current)}, {label(p, variant)}", analysis.firing_rate(current, p), note)


def _rate_cases(variant):
    plan = (
        (variant.neuron, (0, 1, 1.9, 2.5, 3, 10, 100)),
        (LIFParams(), (-1, 2.2, 5)),
        (LIFParams.classic(), (0.5, 2)),
        (OTHER_A, (3.5, 6)),
        (OTHER_B, (0.2, 1)),
    )
    return [_rate_case(I * nA, p, variant) for p, currents in plan for I in currents]


def _hidden_rate_cases(key, student):
    cases = []
    neurons = secret_neurons(key, f"02.rate_function\0{student}", 5)
    factors = secret_numbers(key, f"02.rate_function currents\0{student}", 3 * len(neurons))
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



# ------------------------------------------------------------------------------------------------
# Euler (02.euler_function, 02.euler_max_rate)
# ------------------------------------------------------------------------------------------------
def _steps_to_threshold(v0, I, p, dt):
    """(whole steps, the real-valued count) Euler needs from `v0` (SI volts) to the threshold, or None
    when it never gets there."""
    v_inf = si(p.v_rest + p.R * I)
    v_th = si(p.v_threshold)
    if v_inf <= v_th:
        return None
    if v0 >= v_th:
        return 1, 0.0
    exact = math.log((v_th - v_inf) / (v0 - v_inf)) / math.log(1 - si(dt / p.tau))
    return max(1, math.ceil(exact)), exact


def euler_steps(I, p, dt=EULER_DT_02):
    """The forward-Euler integration of the notebook at a constant current `I`, in whole steps of `dt`:
    ``(first, interval, closest)`` = steps from v_rest at t = 0 to the first spike, steps per inter-spike
    interval (round(t_ref/dt) held at v_reset plus the climb from v_reset), and how close (in steps) a
    crossing comes to a whole step; None at or below the rheobase (Euler then never reaches the
    threshold).

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> euler_steps(1 * nA, LIFParams()) is None
    True
    >>> euler_steps(1000 * nA, LIFParams())[1]  # t_ref = 2 ms: 20 steps held, one to climb
    21
    """
    first = _steps_to_threshold(si(p.v_rest), I, p, dt)
    if first is None:
        return None
    climb = _steps_to_threshold(si(p.v_reset), I, p, dt)
    closest = min(abs(x - round(x)) if x else 1.0 for x in (first[1], climb[1]))
    return first[0], int(round(si(p.t_ref / dt))) + climb[0], closest


def euler_rate(I, p, dt=EULER_DT_02, duration=EULER_DURATION_02):
    """The rate the notebook's `euler_lif(I, p, dt, duration)` returns: one over the interval between
    spikes, 0 Hz with fewer than two spikes within `duration`.

    Examples
    --------
    >>> from brian2 import nA, Hz
    >>> round(float(euler_rate(1000 * nA, LIFParams()) / Hz), 2)  # one spike every 2.1 ms
    476.19
    """
    steps = euler_steps(I, p, dt)
    total = int(round(si(duration / dt)))
    if steps is None or steps[0] + steps[1] > total:
        return 0 * Hz
    return 1 / (steps[1] * dt)


def _euler_case(current, p, variant=None):
    steps = euler_steps(current, p)
    note = "below the rheobase" if steps is None else ""
    return Case((current, p), f"{label(current)}, {label(p, variant)}", euler_rate(current, p), note)


def _clear(current, p):
    # A case whose crossings stay off whole steps and that fires at least three times from either
    # start (v_rest or v_reset), or never.
    steps = euler_steps(current, p)
    if steps is None:
        return True
    return steps[2] > _TIE and max(steps[0], steps[1]) + 2 * steps[1] <= round(si(EULER_DURATION_02 / EULER_DT_02))


def _moved(current, p):
    """`current` (a Quantity), nudged up by 0.1 % steps until its case is clear."""
    for k in range(50):
        candidate = round(si(current / nA) * (1 + 0.001 * k), 6) * nA
        if _clear(candidate, p):
            return candidate
    raise ValueError(f"no clear Euler case near {current}")


def _euler_cases(variant):
    own = variant.neuron
    rheobase = si(analysis.rheobase(own) / nA)
    plan = [(own, rheobase * f) for f in (0.8, 1.6, 3, 10, 40)]
    plan += [(LIFParams(), 2.5), (LIFParams(), 20), (LIFParams.classic(), 3), (OTHER_A, 6), (OTHER_B, 1.5)]
    return [_euler_case(_moved(round(I, 3) * nA, p), p, variant) for p, I in plan]


def _hidden_euler_cases(key, student):
    cases = []
    # t_ref on the grid of the time step, as the notebook's neurons have it (round(t_ref/dt) steps).
    neurons = [p.replace(t_ref=max(1, round(si(p.t_ref / EULER_DT_02))) * EULER_DT_02)
               for p in secret_neurons(key, f"02.euler_function\0{student}", 5)]
    factors = secret_numbers(key, f"02.euler_function currents\0{student}", 3 * len(neurons))
    for i, p in enumerate(neurons):
        threshold = si(analysis.rheobase(p) / nA)
        for scale in (0.3 + 0.6 * factors[3 * i], 1.6 + 1.4 * factors[3 * i + 1], 3 + 40 * factors[3 * i + 2]):
            current = _moved(round(threshold * scale, 4) * nA, p)
            cases.append(_euler_case(current, p))
    return cases


def _student_values(function, failures, most=3):
    # The student's results on a few failing cases (in the student's kernel; None where the function
    # is not at hand, as in the autograder's process).
    if not callable(function):
        return None
    try:
        return [(case, si(function(*case.args) / Hz)) for case in failures[:most]]
    except Exception:
        return None


def _off_by_one_step(function, failures, cases):
    values = _student_values(function, failures)
    if not values:
        return False
    for case, value in values:
        steps = euler_steps(*case.args)
        if steps is None or not any(near(value, 1 / ((steps[1] + k) * si(EULER_DT_02)), 1e-4) for k in (-1, 1)):
            return False
    return True


def _euler_no_t_ref(function, failures, cases):
    values = _student_values(function, failures)
    if not values:
        return False
    for case, value in values:
        I, p = case.args
        steps = euler_steps(I, p.replace(t_ref=0 * ms))
        if steps is None or not near(value, 1 / (steps[1] * si(EULER_DT_02)), 1e-4):
            return False
    return True


def _closed_form_rate(function, failures, cases):
    values = _student_values(function, failures)
    return bool(values) and all(near(value, si(analysis.firing_rate(*case.args) / Hz), 2e-3)
                                for case, value in values)


def _count_over_duration(function, failures, cases):
    values = _student_values(function, failures)
    if not values:
        return False
    total = round(si(EULER_DURATION_02 / EULER_DT_02))
    for case, value in values:
        steps = euler_steps(*case.args)
        if steps is None:
            return False
        count = (total - steps[0]) // steps[1] + 1
        if not near(value, count / si(EULER_DURATION_02), 1e-3):
            return False
    return True


def _euler_max_rate(v):
    # At a very large current the first Euler step from v_reset is already past the threshold: one
    # interval is the round(t_ref/dt) steps held at v_reset plus that one step.
    return 1 / ((round(si(v.neuron.t_ref / EULER_DT_02)) + 1) * EULER_DT_02)


# ------------------------------------------------------------------------------------------------
# The f-I sweep (02.measure_rate)
# ------------------------------------------------------------------------------------------------
#: measure_rate's tolerance: a count over MEASURE_DURATION_02 is off by up to a few spikes' worth of
#: 1/duration (the first spike comes after the climb from rest, not from reset); the rate from the
#: intervals between spikes is exact.
MEASURE_REL, MEASURE_ABS = 0.01, 2.5 / MEASURE_DURATION_02


@dataclass(frozen=True, kw_only=True)
class RateFunctionQuestion(FunctionQuestion):
    """A function question whose results may also be off by `abs_tolerance` (a Quantity), whichever of
    that and `rel` is larger: what a measured rate allows."""

    abs_tolerance: object = 0.0  # a Quantity (Hz)

    def agrees(self, value, expected):
        return abs(value - expected) <= max(self.rel * abs(expected), si(self.abs_tolerance)) + 1e-12

    def compare(self, results, cases, hint_for):
        verdict = super().compare(results, cases, hint_for)
        if verdict.passed:
            return Verdict("correct", f"correct for all {len(cases)} test cases (within ±{self.rel * 100:g} % or "
                                      f"±{si(self.abs_tolerance / Hz):g} Hz, whichever is larger).")
        return verdict


def _measure_case(current, p, variant=None):
    note = "below the rheobase" if current <= analysis.rheobase(p) else ""
    return Case((current, p), f"{label(current)}, {label(p, variant)}", analysis.firing_rate(current, p), note)


def _measure_cases(variant):
    plan = ((variant.neuron, (1, 4, 30)), (LIFParams(), (2.5, 10)), (OTHER_A, (6,)), (OTHER_B, (0.5, 2)))
    return [_measure_case(I * nA, p, variant) for p, currents in plan for I in currents]


def _hidden_measure_cases(key, student):
    cases = []
    neurons = secret_neurons(key, f"02.measure_rate\0{student}", 4)
    factors = secret_numbers(key, f"02.measure_rate currents\0{student}", 3 * len(neurons))
    for i, p in enumerate(neurons):
        threshold = si(analysis.rheobase(p) / nA)
        for scale in (0.3 + 0.6 * factors[3 * i], 1.3 + 1.7 * factors[3 * i + 1], 3 + 30 * factors[3 * i + 2]):
            cases.append(_measure_case(round(threshold * scale, 4) * nA, p))
    return cases


# ------------------------------------------------------------------------------------------------
# The Euler gain at 1 kHz (02.euler_gain): the discrete filter of the Euler step, a dt/tau R / |e^(i w dt) - (1 - dt/tau)|
# ------------------------------------------------------------------------------------------------
def _euler_gain_ratio(p, dt=EULER_DT_02, f=GAIN_FREQUENCY_02):
    a = si(dt / p.tau)
    theta = 2 * math.pi * si(f * dt)
    euler = a / abs(complex(math.cos(theta) - (1 - a), math.sin(theta)))
    return euler * math.sqrt(1 + (2 * math.pi * si(f * p.tau)) ** 2)


# ------------------------------------------------------------------------------------------------
# Predict, then see (02.predict_rates) and the f-I plot (02.fi_plot)
# ------------------------------------------------------------------------------------------------
def _rate_curve(p):
    """The closed-form rate of `p`, current in A -> rate in Hz (SI floats, arrays in and out)."""
    return lambda current: np.asarray(analysis.firing_rate(np.asarray(current, dtype=float) * amp, p) / Hz,
                                      dtype=float)


def _own_rate_curve(variant):
    return _rate_curve(variant.neuron)


def _p3_rate_curve(variant):
    return _rate_curve(variant.neuron.replace(t_ref=T_REF_02))


def _sweep_range(variant):
    return (0.0, si(FI_SWEEP_MAX_02))


#: The f-I sweep of 02.fi_plot and 02.half_max_current spans 0 to this current.
FI_SWEEP_MAX_02 = 100 * nA


def _onset_slope(p):
    # Hz per nA between the rheobase plus 1e-9 and 1e-6 of it: grows without bound as the step shrinks.
    rheobase = analysis.rheobase(p)
    low, high = rheobase * (1 + 1e-9), rheobase * (1 + 1e-6)
    return si((analysis.firing_rate(high, p) - analysis.firing_rate(low, p)) / Hz) / si((high - low) / nA)


def _half_max_current(v, t_ref=None):
    # The current whose interval is 2 t_ref (rate 1/(2 t_ref)): t_ref + tau ln((RI - dr)/(RI - dth)) = 2 t_ref.
    p = v.neuron.replace(t_ref=T_REF_02 if t_ref is None else t_ref)
    x = math.exp(si(p.t_ref / p.tau))
    return (x * (p.v_threshold - p.v_rest) - (p.v_reset - p.v_rest)) / (p.R * (x - 1))



#: The notebook's questions, in order.
QUESTIONS = [
    PredictionQuestion(
        id="02.predict_rates", title="your prediction of your neuron's f–I curve", about="02.rate_at_3nA",
        unit=Hz, points_of=("current", "rate"), x_unit=nA,
        example="a list of (current, rate) pairs, e.g. [(1*nA, 5*Hz), (4*nA, 40*Hz), (8*nA, 90*Hz)]",
        plausible=(0 * Hz, 100 * kHz), x_plausible=(0 * nA, 1000 * nA), min_points=3, truth=_own_rate_curve,
    ),
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
    ChoiceQuestion(
        id="02.no_t_ref_limit", title="the closed-form rate without a refractory period", max_attempts=2,
        expected=lambda v: "unbounded" if analysis.firing_rate(1e6 * nA, v.neuron.replace(t_ref=0 * ms))
        > 2 * analysis.firing_rate(1e4 * nA, v.neuron.replace(t_ref=0 * ms)) else "saturates",
        choices=("unbounded", "saturates", "vanishes"),
        hint="with t_ref = 0 the interval is only the climb from v_reset to v_threshold: how short does it get "
             "when R I is a hundred times the distance to the threshold, and a thousand times?",
    ),
    QuantityQuestion(
        id="02.rate_at_3nA", title="rate of your neuron at 3 nA",
        expected=lambda v: analysis.firing_rate(RATE_CURRENT_02, v.neuron), unit=Hz,
        example="a frequency, e.g. 9000*Hz", tolerance=Tolerance(rel=0.02),
        stated=lambda v: (text(RATE_CURRENT_02, nA, "nA"),),
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
    ChoiceQuestion(
        id="02.steep_onset", title="how the rate leaves 0 at the rheobase", max_attempts=2,
        expected=lambda v: "vertically" if _onset_slope(v.neuron) > 1e3 else "linearly",
        choices=("vertically", "linearly", "quadratically"),
        hint="a current a fraction ε above the rheobase: how does the interval grow as ε goes to 0 (the "
             "logarithm of what?), and what does that make of the rate's slope there?",
    ),
    FunctionQuestion(
        id="02.euler_function", title="your Euler integration euler_lif(I, params)", points=2, name="euler_lif",
        cases=_euler_cases, hidden_cases=_hidden_euler_cases, example="your function euler_lif",
        returns="a frequency, e.g. 40*Hz", unit=Hz,
        mistakes=(Mistake(_closed_form_rate, "these are the closed form's rates; the Euler loop's interval is a "
                                             "whole number of time steps, so its rate differs a little."),
                  Mistake(_euler_no_t_ref, "did you hold v at v_reset for round(t_ref/dt) steps after each spike?"),
                  Mistake(_off_by_one_step, "your intervals are one time step too long or too short: hold v "
                                            "at v_reset for exactly round(t_ref/dt) steps (int() can round "
                                            "23.999... down), and count the step that crosses the threshold."),
                  Mistake(_count_over_duration, "that is the spike count over the duration; return one over "
                                                "the interval between spikes.")),
        hint="start at v_rest; each step adds dt/tau (v_rest - v + R I); when v reaches v_threshold, note the "
             "time, set v to v_reset and hold it there for round(t_ref/dt) steps; return one over the "
             "interval between spikes (0*Hz with fewer than two spikes); use the fields of params.",
    ),
    QuantityQuestion(
        id="02.euler_max_rate", title="the largest rate of Euler with dt = 0.1 ms for your neuron",
        expected=_euler_max_rate, unit=Hz, example="a frequency, e.g. 9000*Hz", tolerance=Tolerance(rel=0.005),
        stated=lambda v: (text(EULER_DT_02, ms, "ms"),),
        mistakes=(Mistake(lambda value, e, v: near(value, si(1 / v.neuron.t_ref), 0.005),
                          "that is the closed form's limit 1/t_ref; in the Euler loop the climb from v_reset "
                          "takes at least one whole step, however large the current."),
                  Mistake(lambda value, e, v: near(value, si(1 / (T_REF_02 + EULER_DT_02)), 0.005),
                          "that is the limit for p3 (t_ref = 3 ms); this question is about your neuron p."),),
        hint="for a huge current, how many steps does one interval of your euler_lif last: the steps held at "
             "v_reset, and how many to climb back over the threshold? Try euler_lif with a huge current.",
    ),
    ChoiceQuestion(
        id="02.euler_gain", title="Euler's gain at 1 kHz with dt = 0.1 ms", max_attempts=2,
        expected=lambda v: "overestimates" if _euler_gain_ratio(v.neuron) > 1.001 else (
            "underestimates" if _euler_gain_ratio(v.neuron) < 0.999 else "matches"),
        choices=("overestimates", "underestimates", "matches"),
        stated=lambda v: (text(GAIN_FREQUENCY_02, Hz, "Hz").replace("1000 Hz", "1 kHz"),),
        hint="compare the amplitude of the Euler voltage at dt = 0.1 ms with the closed-form gain "
             "R/√(1 + (2π f τ)²) times the current's amplitude, for your neuron p.",
    ),
    RateFunctionQuestion(
        id="02.measure_rate", title="your f–I sweep step measure_rate(I, params)", points=2, name="measure_rate",
        cases=_measure_cases, hidden_cases=_hidden_measure_cases, example="your function measure_rate",
        returns="a frequency, e.g. 40*Hz", unit=Hz, rel=MEASURE_REL, abs_tolerance=MEASURE_ABS,
        hint="simulate a constant current I (inputs.step(I, start=0*ms, end=None)) for 500 ms with simulate(..., "
             "params=params) and return the number of spikes over the duration, or one over the mean interval "
             "between spikes (0*Hz without spikes).",
    ),
    FigureQuestion(
        id="02.fi_plot", title="your f–I curve of p3: your measurements and the closed form",
        plots=(
            Plot(Axis("current", "linear"), Axis("rate", "linear"), curves=(
                Curve("the closed-form rate", follows=_p3_rate_curve, rel=0.002, abs=0.1, cover=0.8,
                      domain=_sweep_range, kinds=("line",),
                      missing="beside your measured points, plot your firing_rate(I, p3) at the same currents (or "
                              "more) as a line, in the units of your labels."),
                # Present, in the right units and roughly where the rates are: measure_rate itself is
                # graded in 02.measure_rate, so a wrong one (say twice the rate) does not cost the plot too.
                Curve("your measured rates", follows=_p3_rate_curve, rel=1.2, abs=6.0, cover=0.8,
                      domain=_sweep_range,
                      missing="plot my_rates / Hz against currents / nA (from your measure_rate) as points."),
            )),
        ),
        hint="one axes: your measured rates as points and your closed form as a line against the current from 0 "
             "to 100 nA, both axes labelled with their units, e.g. 'current (nA)' and 'rate (Hz)'.",
    ),
    QuantityQuestion(
        id="02.half_max_current", title="current where p3 (your neuron, t_ref = 3 ms) fires at half its maximal rate",
        expected=_half_max_current, unit=amp, example="a current, e.g. 0.5*nA", tolerance=Tolerance(rel=0.03),
        stated=lambda v: (text(T_REF_02, ms, "ms"), "0 to 100 nA"),
        mistakes=(Mistake(lambda value, e, v: near(value, si(_half_max_current(v, v.neuron.t_ref)), 0.03),
                          "that is the current for your neuron's own refractory period; the f–I curve of this "
                          "question is that of p3, your neuron with t_ref = 3 ms."),
                  Mistake(lambda value, e, v: near(value, si(analysis.rheobase(v.neuron)), 0.03),
                          "that is the rheobase, where the rate starts to rise from 0; half the maximal rate "
                          "comes at a larger current.")),
        hint="simulate your f–I curve from 0 to 100 nA with t_ref = 3 ms and find where it crosses half of "
             "1/t_ref; interpolate between neighbouring currents, or simulate more currents near the crossing.",
    ),
]
