"""Questions of notebook 04 mystery neuron: its hidden parameters, measured."""


from brian2 import mV, ms, ohm, second, volt

from ..framework import MeasuredQuestion, \
    Tolerance
from .common import MYSTERY_NOTE, hidden

__all__ = ["QUESTIONS"]





#: The notebook's questions, in order.
QUESTIONS = [
    MeasuredQuestion(
        id="04.v_rest", title="mystery: v_rest", within=hidden("v_rest"), unit=volt,
        example="a voltage, e.g. -55*mV", tolerance=Tolerance(abs=0.5 * mV),
        hint="with no input current, where does the voltage stay?" + MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.R", title="mystery: R", within=hidden("R"), unit=ohm, example="a resistance, e.g. 40*Mohm",
        tolerance=Tolerance(rel=0.05),
        hint="a small step I that never reaches threshold moves the steady state by R·I; wait several τ."
             + MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.tau", title="mystery: tau", within=hidden("tau"), unit=second, example="a time, e.g. 50*ms",
        tolerance=Tolerance(rel=0.05, abs=0.2 * ms),
        hint="apply a small (subthreshold) step and find when the voltage has covered 1 − 1/e ≈ 63 % of its way "
             "to the new steady state." + MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.v_threshold", title="mystery: v_threshold", within=hidden("v_threshold"), unit=volt,
        example="a voltage, e.g. -55*mV", tolerance=Tolerance(abs=1 * mV),
        hint="find the rheobase (the threshold current: the neuron fires for every constant current above it, "
             "never at or below it) by bisection, and read the voltage where the largest step that does not fire "
             "settles; v_rest + R·I_rheobase needs R to better than 1 % (±5 % puts v_threshold 1–4 mV off)."
             + MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.v_reset", title="mystery: v_reset", within=hidden("v_reset"), unit=volt,
        example="a voltage, e.g. -90*mV", tolerance=Tolerance(abs=0.5 * mV),
        hint="make it fire and look at the voltage right after a spike, where it is held during the refractory "
             "period." + MYSTERY_NOTE,
    ),
    MeasuredQuestion(
        id="04.t_ref", title="mystery: t_ref", within=hidden("t_ref"), unit=second,
        example="a time, e.g. 0.5*ms", tolerance=Tolerance(abs=0.3 * ms),
        hint="after a spike the voltage is held at v_reset for t_ref: measure how long it stays flat, or the "
             "inter-spike interval for a very large current." + MYSTERY_NOTE,
    ),
]
