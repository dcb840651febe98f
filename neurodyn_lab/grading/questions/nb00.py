"""Questions of notebook 00 getting started: the classic neuron (LIF_Step)."""

from functools import lru_cache

from brian2 import amp

from ... import analysis
from ...parameters import LIFParams
from ..framework import CountQuestion, QuantityQuestion, Tolerance

__all__ = ["QUESTIONS"]



@lru_cache(maxsize=64)
def _classic_step_spike_count(amplitude):
    # The spike count of the classic LIF_Step(I_amp=amplitude), from the model itself.
    from ... import lif

    return int(lif.LIF_Step(I_amp=amplitude, do_plot=False).spike_count)



#: The notebook's questions, in order.
QUESTIONS = [
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
]
