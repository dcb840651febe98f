"""Bad input gets one clear sentence: which argument, what was expected (with a unit example), what was given.

The words of those sentences come from `neurodyn_lab._validation`: values in the unit a student
writes (`format_value`), dimensions in words (`describe_dimension`), anything else `describe`d.
tests/test_bad_input_catalogue.py walks the whole public API; this file pins the exact wording.
"""

import re

import numpy as np
import pytest
from brian2 import (Hz, Mohm, Quantity, TimedArray, amp, kHz, mV, ms, nA, nF, ohm, pA, pcoulomb, second, uvolt,
                    volt)

from neurodyn_lab import LIFParams, analysis, inputs, simulate
from neurodyn_lab._validation import (as_dimensionless, as_int, as_nonnegative, as_positive, as_quantity, describe,
                                      describe_dimension, format_number, format_value)
from neurodyn_lab.lif import LIF_Neuron, LIF_Sinus, LIF_Step, plot_data

STEP = inputs.step(2 * nA, 10 * ms, 60 * ms)

# (id, call, exception, words the message must contain): messages written by _validation's helpers,
# through the public functions that use them. Messages other modules write themselves are walked by
# tests/test_bad_input_catalogue.py (shape: one sentence naming the argument), not pinned here.
CASES = [
    ("step amplitude in mV", lambda: inputs.step(2 * mV, 10 * ms, 60 * ms), TypeError, ["amplitude", "2*nA", "got 2 mV (a voltage)."]),
    ("step amplitude bare number", lambda: inputs.step(2, 10 * ms, 60 * ms), TypeError, ["amplitude", "2*nA", "bare number"]),
    ("step start bare number", lambda: inputs.step(2 * nA, 10, 60 * ms), TypeError, ["start", "10*ms", "bare number"]),
    ("step amplitude NaN", lambda: inputs.step(np.nan * nA, 0 * ms, 1 * ms), ValueError, ["amplitude", "finite", "got nan nA."]),
    ("step negative start", lambda: inputs.step(1 * nA, -5 * ms, 1 * ms), ValueError, ["start", "negative", "got -5 ms."]),
    ("sinusoid frequency in ms", lambda: inputs.sinusoid(1 * nA, 10 * ms), TypeError, ["frequency", "50*Hz", "got 10 ms (a time)."]),
    ("sinusoid frequency zero", lambda: inputs.sinusoid(1 * nA, 0 * Hz), ValueError, ["frequency", "positive", "got 0 Hz."]),
    ("sinusoid frequency infinite", lambda: inputs.sinusoid(1 * nA, np.inf * Hz), ValueError, ["frequency", "finite", "got inf Hz."]),
    ("sinusoid phase with a unit", lambda: inputs.sinusoid(1 * nA, 10 * Hz, phase=3 * ms), TypeError, ["phase", "radians", "got 3 ms (a time)."]),
    ("sinusoid offset bare", lambda: inputs.sinusoid(1 * nA, 10 * Hz, offset=0.5), TypeError, ["offset", "nA", "bare number"]),
    ("noise negative sigma", lambda: inputs.noise(1 * nA, -1 * nA, 5 * ms, seed=1), ValueError, ["sigma", "negative", "got -1 nA."]),
    ("noise seed float", lambda: inputs.noise(1 * nA, 1 * nA, 5 * ms, seed=1.5), TypeError, ["seed", "whole number", "got 1.5."]),
    ("noise tau zero", lambda: inputs.noise(1 * nA, 1 * nA, 0 * ms, seed=1), ValueError, ["tau_noise", "positive", "got 0 ms."]),
    ("from_array bare values", lambda: inputs.from_array(np.ones(5), 1 * ms), TypeError, ["values", "nA", "bare numbers"]),
    ("current in volts", lambda: simulate(3 * mV, 100 * ms), TypeError, ["current", "2*nA", "got 3 mV (a voltage)."]),
    ("duration bare number", lambda: simulate(STEP, 100), TypeError, ["duration", "100*ms", "bare number"]),
    ("duration negative", lambda: simulate(STEP, -100 * ms), ValueError, ["duration", "positive", "got -100 ms."]),
    ("duration zero", lambda: simulate(STEP, 0 * ms), ValueError, ["duration", "positive"]),
    ("dt in volts", lambda: simulate(STEP, 100 * ms, dt=0.1 * mV), TypeError, ["dt", "0.1*ms", "got 0.1 mV (a voltage)."]),
    ("param tau in mV", lambda: LIFParams(tau=8 * mV), TypeError, ["tau", "8*ms", "got 8 mV (a voltage)."]),
    ("param R negative", lambda: LIFParams(R=-10 * Mohm), ValueError, ["R", "positive", "got -10 MΩ."]),
    ("param t_ref negative", lambda: LIFParams(t_ref=-1 * ms), ValueError, ["t_ref", "negative", "got -1 ms."]),
    ("param bare number", lambda: LIFParams(v_rest=-70), TypeError, ["v_rest", "-70*mV", "bare number"]),
    ("firing_rate current in Hz", lambda: analysis.firing_rate(3 * Hz), TypeError, ["I", "3*nA", "got 3 Hz (a frequency)."]),
    ("gain bare frequency", lambda: analysis.gain(50), TypeError, ["f", "50*Hz", "bare number"]),
    ("fi_curve list of numbers", lambda: analysis.fi_curve([1, 2, 3]), TypeError, ["currents", "nA", "[1, 2, 3] (a list of bare numbers, without a unit)"]),
    ("frequency_response amplitude zero", lambda: analysis.frequency_response([10] * Hz, 0 * nA), ValueError, ["amplitude", "positive"]),
    ("classic step amp with unit", lambda: LIF_Step(I_amp=1 * nA, do_plot=False), TypeError, ["I_amp", "plain number in nA"]),
    ("classic step end before start", lambda: LIF_Step(I_tstart=70, I_tend=20, do_plot=False), ValueError, ["I_tend", "after I_tstart", "20"]),
    ("classic sinus freq zero", lambda: LIF_Sinus(I_freq=0, do_plot=False), ValueError, ["I_freq", "positive", "kHz"]),
    ("classic sinus tend string", lambda: LIF_Sinus(tend="100", do_plot=False), TypeError, ["tend", "ms", "'100'"]),
    ("classic neuron bare simtime", lambda: LIF_Neuron(TimedArray([0, 1] * nA, dt=1 * ms), 100), TypeError, ["simtime", "100*ms", "bare number"]),
    ("classic neuron list current", lambda: LIF_Neuron([0, 1, 2], 100 * ms), TypeError, ["curr", "TimedArray", "list"]),
    ("plot_data wrong record", lambda: plot_data(42), TypeError, ["rec", "LIF_Step", "42"]),
]


def assert_one_sentence(message):
    """One line, one sentence, ending with a full stop; no Brian2 unit names or exception types."""
    assert "\n" not in message, "one sentence, one line"
    assert len(message) < 300
    assert message.endswith("."), message
    assert not re.search(r"(?<!e\.g)[.!?] +[A-Z]", message), f"more than one sentence: {message}"
    assert not re.search(r"\d\. [a-zA-Z]|second\b|\bus\b|\bYs\b|\^", message), f"a Brian2-formatted value: {message}"


@pytest.mark.parametrize("call, error, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_one_clear_sentence(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert_one_sentence(message)
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    # Brian2's own exceptions never reach the student
    assert type(info.value).__module__ == "builtins"


def test_catalogue_is_large_enough():
    assert len(CASES) >= 30


# ---------------------------------------------------------------------------------- the words


@pytest.mark.parametrize("value, text", [
    (-0.1 * ms, "-0.1 ms"),                      # Brian2: "-100. us"
    (np.inf * second, "inf ms"),                 # Brian2: "inf Ys"
    (-np.inf * ms, "-inf ms"),
    (np.nan * mV, "nan mV"),
    (0.7 * ms, "0.7 ms"),                        # no float noise (0.7000000000000001)
    (1e5 * second, "1e8 ms"),
    (250 * pA, "0.25 nA"),
    (3e-9 * amp, "3 nA"),
    (100 * uvolt, "0.1 mV"),
    (10 * Mohm, "10 MΩ"),
    (1e7 * ohm, "10 MΩ"),
    (2 * kHz, "2000 Hz"),
    (1 * nF, "1 nF"),
    (5 * pcoulomb, "5 pC"),
    (5, "5 (a bare number, without a unit)"),
    (np.inf, "inf (a bare number, without a unit)"),
    (Quantity(2.5), "2.5 (a bare number, without a unit)"),
    ([1, 2, 3] * nA, "[1, 2, 3] nA"),
    (np.array([1.0, 2.0]), "[1, 2] (bare numbers, without a unit)"),
    (np.linspace(0, 5, 1000) * nA, "an array of 1000 currents from 0 to 5 nA"),
    (np.ones((2, 3)) * mV, "a 2x3 array of voltages, all 1 mV"),
    (np.array([1, 2, 3, 4, np.inf]) * ms, "an array of 5 times from 1 to 4 ms, including inf"),
])
def test_format_value_writes_the_unit_a_student_writes(value, text):
    assert format_value(value) == text


def test_format_value_never_uses_brian2s_automatic_units():
    # The examples: "8.79e-27 Ysecond" came from an array holding inf (tau ln 3 at 3 nA).
    t1 = analysis.time_to_first_spike([1, 2, 3] * nA)
    assert format_value(t1) == f"[inf, inf, {format_number(float(8 * np.log(3)))}] ms"
    for exponent in range(-30, 31, 3):
        for unit in (second, volt, amp, Hz, ohm):
            text = format_value(10.0**exponent * unit)
            assert not re.search(r"Y|second|volt|amp|hertz|\bus\b|\. ", text), text


@pytest.mark.parametrize("x, text", [
    (0, "0"), (-0.0, "0"), (1500.0, "1500"), (123456.0, "123456"), (1e6, "1e6"), (1e9, "1e9"),
    (0.0001, "0.0001"), (-2.5e-7, "-2.5e-7"), (0.1 + 0.2, "0.3"), (np.nan, "nan"), (-np.inf, "-inf"),
    (np.float64(8.788895747), "8.7889"), (np.int64(42), "42"),
])
def test_format_number(x, text):
    assert format_number(x) == text


@pytest.mark.parametrize("value, words", [
    (2 * mV, "a voltage (mV)"),
    (3 * nA, "a current (nA)"),
    (8 * ms, "a time (ms)"),
    (50 * Hz, "a frequency (Hz)"),
    (10 * Mohm, "a resistance (MΩ)"),
    (1 * mV / ms, "a rate of voltage change (mV/ms)"),
    (1 * volt * amp, "a power (pW)"),
    (mV, "a voltage (mV)"),
    (TimedArray([0, 1] * mV, dt=1 * ms), "a voltage (mV)"),
    (3, "a bare number (without a unit)"),
    (amp * amp, "a quantity in A^2"),
])
def test_describe_dimension_in_words(value, words):
    assert describe_dimension(value) == words


def test_dimensions_are_never_written_in_si_base_units():
    # What the classic API said of a TimedArray in mV: "got one in m^2 kg s^-3 A^-1".
    for value in (2 * mV, TimedArray([0, 1] * mV, dt=1 * ms), 1 * volt * amp, 1 * Mohm):
        assert "kg" not in describe_dimension(value) and "kg" not in describe(value)


@pytest.mark.parametrize("value, text", [
    ("100", "the text '100'"),
    ("", "an empty text ''"),
    (None, "None"),
    (True, "True"),
    ([1, 2, 3], "[1, 2, 3] (a list of bare numbers, without a unit)"),
    ((1, 2), "[1, 2] (a tuple of bare numbers, without a unit)"),
    (list(range(10)), "a list of 10 bare numbers (without a unit)"),
    ([1 * nA, 2 * mV], "a list of 2 items"),
    ({"tau": 8 * ms}, "a dict with keys tau"),
    (np.float64(3.0), "3 (a bare number, without a unit)"),
    (TimedArray([0, 1] * mV, dt=1 * ms), "a TimedArray of voltages (mV)"),
    (LIFParams, "the class LIFParams"),
    (len, "the function len"),
    (1 + 2j, "the complex number (1+2j)"),
])
def test_describe_anything(value, text):
    assert describe(value) == text


def test_describe_never_returns_several_lines_or_an_unbounded_text():
    class Loud:
        def __repr__(self):
            return "line one\nline two " + "x" * 500

    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    assert describe(Loud()) == "a Loud"
    assert describe(Broken()) == "a Broken"
    assert describe("x" * 100) == "the text '" + "x" * 37 + "...'"


@pytest.mark.parametrize("call, message", [
    (lambda: as_quantity("amplitude", 2 * mV, nA), "amplitude must be a current such as 2*nA, got 2 mV (a voltage)."),
    (lambda: as_quantity("amplitude", 2, nA), "amplitude must be a current such as 2*nA, got 2 (a bare number, without a unit)."),
    (lambda: as_quantity("duration", np.inf * second, second), "duration must be finite (a time such as 10*ms), got inf ms."),
    (lambda: as_quantity("start", [1, 2] * ms, second), "start must be a single value (a time such as 10*ms), got [1, 2] ms."),
    (lambda: as_quantity("currents", [] * nA, nA, allow_array=True), "currents must not be empty (a current such as 2*nA), got an empty array."),
    (lambda: as_positive("duration", -0.1 * ms, second, "a time such as 100*ms"), "duration must be positive (a time such as 100*ms), got -0.1 ms."),
    (lambda: as_nonnegative("t_ref", -1 * ms, second), "t_ref must not be negative (a time such as 10*ms), got -1 ms."),
    (lambda: as_quantity("R", 10 * mV, ohm), "R must be a resistance such as 10*Mohm, got 10 mV (a voltage)."),
    (lambda: as_quantity("x", 1 * volt * amp, nA), "x must be a current such as 2*nA, got 1e12 pW (a power)."),
    (lambda: as_int("seed", 1.5), "seed must be a whole number such as 42, got 1.5."),
    (lambda: as_int("seed", "7"), "seed must be a whole number such as 42, got the text '7'."),
    (lambda: as_int("count", 10**9, maximum=1000), "count must be at most 1000 (a whole number such as 42), got 1e9."),
    (lambda: as_int("count", -1, minimum=0), "count must be at least 0 (a whole number such as 42), got -1."),
    (lambda: as_dimensionless("phase", 3 * ms), "phase must be a plain number such as 0.5, got 3 ms (a time)."),
    (lambda: as_dimensionless("phase", np.inf), "phase must be finite (a plain number such as 0.5), got inf."),
    (lambda: as_dimensionless("phase", "0"), "phase must be a plain number such as 0.5, got the text '0'."),
])
def test_as_helpers_say_it_in_one_sentence(call, message):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    assert str(info.value) == message
    assert_one_sentence(message)


def test_as_helpers_return_what_they_accept():
    assert as_quantity("I", [1, 2] * nA, nA, allow_array=True).shape == (2,)
    assert as_quantity("I", [1 * nA, 2 * nA], nA, allow_array=True).shape == (2,)
    assert as_positive("tau", 8 * ms, second) == 8 * ms
    assert as_nonnegative("t_ref", 0 * ms, second) == 0 * ms
    assert as_int("seed", np.int64(3)) == 3
    assert as_dimensionless("phase", Quantity(0.5)) == 0.5
