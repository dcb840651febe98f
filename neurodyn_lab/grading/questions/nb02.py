"""Questions of notebook 02 f-I curve: maximal rate, rate, firing_rate function, half-maximal current."""

import math

from brian2 import Hz, amp, ms, nA

from ... import analysis
from ...parameters import LIFParams
from ..framework import Case, FunctionQuestion, Mistake, QuantityQuestion, Tolerance, near, si
from .common import OTHER_A, OTHER_B, label, secret_neurons, secret_numbers, text

__all__ = ["QUESTIONS", "RATE_CURRENT_02", "T_REF_02"]

RATE_CURRENT_02 = 3 * nA  # 02.rate_at_3nA
T_REF_02 = 3 * ms  # 02.half_max_current: the f-I curve of p3, the student's neuron with this refractory period


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



def _half_max_current(v, t_ref=None):
    # The current whose interval is 2 t_ref (rate 1/(2 t_ref)): t_ref + tau ln((RI - dr)/(RI - dth)) = 2 t_ref.
    p = v.neuron.replace(t_ref=T_REF_02 if t_ref is None else t_ref)
    x = math.exp(si(p.t_ref / p.tau))
    return (x * (p.v_threshold - p.v_rest) - (p.v_reset - p.v_rest)) / (p.R * (x - 1))



#: The notebook's questions, in order.
QUESTIONS = [
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
