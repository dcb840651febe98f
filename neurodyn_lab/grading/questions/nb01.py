"""Questions of notebook 01 step current: rheobase, charging curve, a short pulse's threshold charge."""

import math

from brian2 import amp, coulomb, mV, ms, nA, second, volt

from ... import analysis
from ..framework import Mistake, QuantityQuestion, Tolerance, near, si
from .common import text

__all__ = ["QUESTIONS", "STEP_01", "CHARGE_01", "PULSE_01"]

STEP_01 = dict(amplitude=3 * nA, start=10 * ms)  # 01.first_spike_time
CHARGE_01 = dict(amplitude=1 * nA, start=10 * ms)  # 01.v_after_tau
PULSE_01 = dict(duration=0.1 * ms, start=10 * ms)  # 01.min_charge: the pulse's width and start


def _first_spike(v):
    return STEP_01["start"] + analysis.time_to_first_spike(STEP_01["amplitude"], v.neuron)


def _v_after_tau(v):
    p = v.neuron
    return p.v_rest + p.R * CHARGE_01["amplitude"] * (1 - math.exp(-1))



def _min_charge(v):
    # The pulse of width w lifts v from rest by R I (1 - exp(-w/tau)) with I = q/w: that must reach v_threshold.
    # (In the Dirac limit w << tau this is C (v_threshold - v_rest) with C = tau/R.)
    p, w = v.neuron, PULSE_01["duration"]
    return (p.v_threshold - p.v_rest) / p.R * w / (1 - math.exp(-si(w / p.tau)))



#: The notebook's questions, in order.
QUESTIONS = [
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
        stated=lambda v: (text(STEP_01["amplitude"], nA, "nA"), f"$t_0 = {si(STEP_01['start'] / ms):g}$ ms"),
        mistakes=(Mistake(lambda value, e, v: near(value, e - si(STEP_01["start"]), 0.02),
                          "that looks like the time since the step began; the question asks for the time on "
                          "the simulation clock, which starts at 0."),),
        hint="simulate the step on your neuron and read result.spike_times[0], or solve v(t) = v_threshold "
             "for the charging curve; remember that the step begins at 10 ms.",
    ),
    QuantityQuestion(
        id="01.v_after_tau", title="v one τ after a 1 nA step starts",
        expected=_v_after_tau, unit=volt, example="a voltage, e.g. -40*mV", tolerance=Tolerance(abs=0.2 * mV),
        stated=lambda v: (text(CHARGE_01["amplitude"], nA, "nA"), f"$t_0 = {si(CHARGE_01['start'] / ms):g}$ ms"),
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
        stated=lambda v: (text(PULSE_01["duration"], ms, "ms"), f"{si(PULSE_01['start'] / ms):g} ms"),
        mistakes=(Mistake(lambda value, e, v: near(value, si(v.neuron.tau / v.neuron.R * (
                      v.neuron.v_threshold - v.neuron.v_reset)), 0.02),
                          "the neuron starts at rest, v_rest, not at v_reset."),
                  Mistake(lambda value, e, v: near(value, si(analysis.rheobase(v.neuron) * PULSE_01["duration"]), 0.02),
                          "the rheobase times the pulse's width is far too little: a short pulse must lift v to "
                          "the threshold at once, by q/C."),),
        hint="a short pulse of charge q lifts v at once by q/C, with C = τ/R; it fires if that jump reaches "
             "the threshold from rest. Or bisect on the charge in simulations of inputs.pulse.",
    ),
]
