"""Bad input gets one clear sentence: which argument, what was expected (with a unit example), what was given."""

import numpy as np
import pytest
from brian2 import Hz, Mohm, TimedArray, mV, ms, nA, second

from neurodyn_lab import LIFParams, analysis, inputs, simulate
from neurodyn_lab.lif import LIF_Neuron, LIF_Sinus, LIF_Step, plot_data

STEP = inputs.step(2 * nA, 10 * ms, 60 * ms)

# (id, call, exception, words the message must contain)
CASES = [
    ("step amplitude in mV", lambda: inputs.step(2 * mV, 10 * ms, 60 * ms), TypeError, ["amplitude", "2*nA", "mV"]),
    ("step amplitude bare number", lambda: inputs.step(2, 10 * ms, 60 * ms), TypeError, ["amplitude", "2*nA", "bare number"]),
    ("step start bare number", lambda: inputs.step(2 * nA, 10, 60 * ms), TypeError, ["start", "10*ms", "bare number"]),
    ("step end before start", lambda: inputs.step(2 * nA, 60 * ms, 10 * ms), ValueError, ["end", "after start", "60. ms"]),
    ("step end equals start", lambda: inputs.step(2 * nA, 10 * ms, 10 * ms), ValueError, ["end", "after start"]),
    ("step amplitude NaN", lambda: inputs.step(np.nan * nA, 0 * ms, 1 * ms), ValueError, ["amplitude", "finite", "nan"]),
    ("step negative start", lambda: inputs.step(1 * nA, -5 * ms, 1 * ms), ValueError, ["start", "negative", "-5."]),
    ("sinusoid frequency in ms", lambda: inputs.sinusoid(1 * nA, 10 * ms), TypeError, ["frequency", "50*Hz", "10. ms"]),
    ("sinusoid frequency zero", lambda: inputs.sinusoid(1 * nA, 0 * Hz), ValueError, ["frequency", "positive", "0. Hz"]),
    ("sinusoid frequency infinite", lambda: inputs.sinusoid(1 * nA, np.inf * Hz), ValueError, ["frequency", "finite", "inf"]),
    ("sinusoid phase with a unit", lambda: inputs.sinusoid(1 * nA, 10 * Hz, phase=3 * ms), TypeError, ["phase", "radians", "3. ms"]),
    ("sinusoid offset bare", lambda: inputs.sinusoid(1 * nA, 10 * Hz, offset=0.5), TypeError, ["offset", "nA", "bare number"]),
    ("ramp without end", lambda: inputs.ramp(0 * nA, 1 * nA, 0 * ms, None), ValueError, ["end", "100*ms", "None"]),
    ("noise negative sigma", lambda: inputs.noise(1 * nA, -1 * nA, 5 * ms, seed=1), ValueError, ["sigma", "negative", "-1. nA"]),
    ("noise seed float", lambda: inputs.noise(1 * nA, 1 * nA, 5 * ms, seed=1.5), TypeError, ["seed", "whole number", "1.5"]),
    ("noise tau zero", lambda: inputs.noise(1 * nA, 1 * nA, 0 * ms, seed=1), ValueError, ["tau_noise", "positive", "0. s"]),
    ("from_array bare values", lambda: inputs.from_array(np.ones(5), 1 * ms), TypeError, ["values", "nA", "bare numbers"]),
    ("from_array 2-d", lambda: inputs.from_array(np.ones((2, 3)) * nA, 1 * ms), ValueError, ["values", "one-dimensional", "(2, 3)"]),
    ("current is a string", lambda: simulate("step", 100 * ms), TypeError, ["current", "step(2*nA, 10*ms, 60*ms)", "'step'"]),
    ("current in volts", lambda: simulate(3 * mV, 100 * ms), TypeError, ["current", "2*nA", "mV"]),
    ("duration bare number", lambda: simulate(STEP, 100), TypeError, ["duration", "100*ms", "bare number"]),
    ("duration negative", lambda: simulate(STEP, -100 * ms), ValueError, ["duration", "positive", "-100. ms"]),
    ("duration zero", lambda: simulate(STEP, 0 * ms), ValueError, ["duration", "positive"]),
    ("dt larger than tau", lambda: simulate(STEP, 100 * ms, dt=10 * ms), ValueError, ["dt", "tau", "10. ms"]),
    ("dt in volts", lambda: simulate(STEP, 100 * ms, dt=0.1 * mV), TypeError, ["dt", "0.1*ms", "uV"]),
    ("absurd size", lambda: simulate(STEP, 1e5 * second), ValueError, ["duration/dt", "time steps", "1e+09"]),
    ("params not LIFParams", lambda: simulate(STEP, 100 * ms, params={"tau": 8 * ms}), TypeError, ["params", "LIFParams()", "a dict"]),
    ("param tau in mV", lambda: LIFParams(tau=8 * mV), TypeError, ["tau", "8*ms", "mV"]),
    ("param R negative", lambda: LIFParams(R=-10 * Mohm), ValueError, ["R", "positive", "-10."]),
    ("param t_ref negative", lambda: LIFParams(t_ref=-1 * ms), ValueError, ["t_ref", "negative", "-1. ms"]),
    ("param reset above threshold", lambda: LIFParams(v_reset=-40 * mV), ValueError, ["v_reset", "below v_threshold", "-40."]),
    ("param bare number", lambda: LIFParams(v_rest=-70), TypeError, ["v_rest", "-70*mV", "bare number"]),
    ("param unknown name", lambda: LIFParams().replace(taus=3 * ms), TypeError, ["taus", "tau"]),
    ("rheobase params wrong", lambda: analysis.rheobase("book"), TypeError, ["params", "LIFParams", "'book'"]),
    ("firing_rate current in Hz", lambda: analysis.firing_rate(3 * Hz), TypeError, ["I", "3*nA", "Hz"]),
    ("gain bare frequency", lambda: analysis.gain(50), TypeError, ["f", "50*Hz", "bare number"]),
    ("fi_curve list of numbers", lambda: analysis.fi_curve([1, 2, 3]), TypeError, ["currents", "nA", "list"]),
    ("fi_curve too many", lambda: analysis.fi_curve(np.ones(300000) * nA, duration=100 * ms), ValueError, ["too large", "neurons"]),
    ("frequency_response amplitude zero", lambda: analysis.frequency_response([10] * Hz, 0 * nA), ValueError, ["amplitude", "positive"]),
    ("classic step amp with unit", lambda: LIF_Step(I_amp=1 * nA, do_plot=False), TypeError, ["I_amp", "plain number in nA"]),
    ("classic step end before start", lambda: LIF_Step(I_tstart=70, I_tend=20, do_plot=False), ValueError, ["I_tend", "after I_tstart", "20"]),
    ("classic sinus freq zero", lambda: LIF_Sinus(I_freq=0, do_plot=False), ValueError, ["I_freq", "positive", "kHz"]),
    ("classic sinus tend string", lambda: LIF_Sinus(tend="100", do_plot=False), TypeError, ["tend", "ms", "'100'"]),
    ("classic neuron bare simtime", lambda: LIF_Neuron(TimedArray([0, 1] * nA, dt=1 * ms), 100), TypeError, ["simtime", "100*ms", "bare number"]),
    ("classic neuron list current", lambda: LIF_Neuron([0, 1, 2], 100 * ms), TypeError, ["curr", "TimedArray", "list"]),
    ("plot_data wrong record", lambda: plot_data(42), TypeError, ["rec", "LIF_Step", "42"]),
]


@pytest.mark.parametrize("call, error, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_one_clear_sentence(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert "\n" not in message, "one sentence, one line"
    assert len(message) < 300
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    # Brian2's own exceptions never reach the student
    assert type(info.value).__module__ == "builtins"


def test_catalogue_is_large_enough():
    assert len(CASES) >= 25
