"""Notebook 01's thread through chapter 1, the membrane as a linear filter (issue 19, item 2): the
impulse response measured from a short pulse (01.capacitance), the prediction by convolution
(01.predict_dv, graded on hidden currents and neurons), where superposition breaks (01.train_limit,
01.superposition_breaks), and the Think! prompts that became concept questions (01.near_rheobase,
01.halved_width).

Every expected value is compared, for several students and several course keys, with the book's
closed forms (/work/shared/reference/book-formulas.md: the charging curve, a rectangular pulse's
response R I (1 - exp(-w/tau)) and its decay) summed by superposition here, or with a simulation;
never with the package's answers. The book's function body (what tests/test_nbgrader.py's students
type) passes in the student's kernel and in the autograder's separate process alike; the common wrong
ones fail with their hint.
"""

import math

import numpy as np
import pytest
from brian2 import Quantity, amp, coulomb, mV, ms, nA, pcoulomb, second, volt

from neurodyn_lab import inputs, simulate
from neurodyn_lab.grading import QUESTIONS
from neurodyn_lab.grading.answers import Rejected
from neurodyn_lab.grading.codec import decode, encode
from neurodyn_lab.grading.questions import nb01
from neurodyn_lab.grading.sandbox import run_function
from neurodyn_lab.grading.students import variant_for

import book_nb01

STUDENTS = [None, "s001", "s2026001", "s2026002", "s2026004", "s1234567"]
KEYS = [b"a test key", b"another course"]
PREDICT = QUESTIONS["01.predict_dv"]
NAMESPACE = {"np": np, "ms": ms, "mV": mV, "nA": nA, "pcoulomb": pcoulomb}


def _function(body, **extra):
    """The answer cell a student writes: the notebook's def line and `body`."""
    namespace = {**NAMESPACE, **extra}
    exec("def predict_dv(current, dt, kernel):\n" + "\n".join("    " + line for line in body.splitlines()), namespace)
    return namespace["predict_dv"]


def _all_cases():
    for student in STUDENTS:
        yield from PREDICT.cases(variant_for(student))
    for key in KEYS:
        for student in ("s001", "s002"):
            yield from PREDICT.hidden_cases(key, student)


def _pulse_sum(current, dt, tau, R):
    """The book's response to a current held constant over each step: every step j is a rectangular
    pulse of R I_j (1 - exp(-dt/tau)) at its end, decaying with tau after it; summed (superposition)."""
    d, tau, R = float(dt), float(tau), float(R)
    values = np.asarray(current / amp, dtype=float)
    n = np.arange(len(values))
    since_end = (n[:, None] - n[None, :] - 1) * d  # time from the end of step j to sample n
    pulses = R * values[None, :] * (1 - math.exp(-d / tau)) * np.exp(-np.clip(since_end, 0, None) / tau)
    return np.where(since_end >= 0, pulses, 0.0).sum(axis=1)


def _neuron_of(case):
    """The neuron whose kernel a case passes, read back from the kernel (the book's pulse response)."""
    k, d = np.asarray(case.args[2], dtype=float), float(case.args[1])
    tau = d / math.log(k[1] / k[2])
    return tau, k[1] * d / (1 - math.exp(-d / tau))


# ------------------------------------------------------------------------------------------------
# The impulse response: 01.capacitance
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", STUDENTS[:4])
def test_the_measured_impulse_response_is_the_books_kernel(student):
    p = variant_for(student).neuron
    q = nb01.KERNEL_PULSE_01["charge"]
    probe = simulate(inputs.pulse(charge=q, duration=0.1 * ms, start=0 * ms), 200 * ms, params=p)
    kernel = np.asarray((probe.v - p.v_rest) / q, dtype=float)
    t = np.asarray(probe.t / second)
    book = float(p.R / p.tau) * np.exp(-t / float(p.tau))  # 1/C exp(-t/tau)
    # One sample late (the pulse delivers its charge first), and within w/(2 tau) of 1/C at its peak.
    assert kernel[0] == pytest.approx(0, abs=1e-3 * book[0])
    assert np.max(np.abs(kernel[1:] - book[:-1])) <= 0.02 * book[0]
    measured_c = 1 / np.max(kernel)
    assert measured_c == pytest.approx(float(p.tau / p.R), rel=0.01)
    assert QUESTIONS["01.capacitance"].grade(measured_c * coulomb / volt, variant_for(student)).passed
    assert QUESTIONS["01.capacitance"].expected(variant_for(student)) / (p.tau / p.R) == pytest.approx(1)
    # The kernel the questions pass is this measurement.
    assert np.allclose(np.asarray(nb01.kernel_of(p, 0.1 * ms, len(kernel))), kernel, rtol=1e-6, atol=1e-6 * book[0])


def test_a_forgotten_v_rest_gets_its_hint():
    v = variant_for("s001")
    verdict = QUESTIONS["01.capacitance"].grade(5 * pcoulomb / v.neuron.v_rest, v)
    assert not verdict.passed and "subtract v_rest" in verdict.text


# ------------------------------------------------------------------------------------------------
# The prediction by convolution: 01.predict_dv
# ------------------------------------------------------------------------------------------------
def test_every_expected_trace_is_the_books_pulses_summed():
    cases = list(_all_cases())
    assert len(cases) >= 40
    for case in cases:
        tau, R = _neuron_of(case)
        mine = _pulse_sum(case.args[0], case.args[1], tau, R)
        expected = np.asarray(case.expected / volt, dtype=float)
        assert np.max(np.abs(expected - mine)) <= 1e-9 * np.max(np.abs(mine)), case.arguments
        # The kernel is long enough (10 tau) or as long as the current: the convolution is exact.
        assert len(case.args[2]) >= min(len(case.args[0]), 10 * tau / float(case.args[1])) - 1, case.arguments


def test_the_hidden_cases_vary_what_matters():
    cases = [c for key in KEYS for s in ("s001", "s002") for c in PREDICT.hidden_cases(key, s)]
    assert len({float(c.args[1] / ms) for c in cases}) >= 2  # time steps
    assert any(len(c.args[2]) < len(c.args[0]) for c in cases) or any(
        len(c.args[2]) < len(c.args[0]) for c in PREDICT.cases(variant_for(None)))
    assert any(np.min(c.args[0]) < 0 for c in cases)  # a current below zero
    assert len({_neuron_of(c) for c in cases}) == len(cases)  # a neuron of its own each


def test_a_simulation_of_the_new_input_is_the_expected_trace():
    # The engine (Brian2) driven by the same samples agrees with the expected trace: the prediction is
    # the physics, not only our sum.
    for student in ("s001", "s2026004"):
        for case in PREDICT.cases(variant_for(student))[:2]:
            current, dt, _ = case.args
            run = simulate(inputs.from_array(current, dt), len(current) * dt, params=variant_for(student).neuron)
            dv = np.asarray((run.v - variant_for(student).neuron.v_rest) / volt)
            expected = np.asarray(case.expected / volt)
            assert run.spike_count == 0
            assert np.max(np.abs(dv - expected)) <= 1e-6 * np.max(np.abs(expected)), case.arguments


@pytest.mark.parametrize("student", STUDENTS)
def test_the_books_body_passes_and_a_wrong_one_fails(student):
    right = _function(book_nb01.FUNCTION_BODIES["predict_dv"])
    assert PREDICT.grade(right, variant_for(student)).passed
    twice = _function(book_nb01.FUNCTION_BODIES["predict_dv"].replace("return dv * mV", "return 2 * (dv * mV)"))
    verdict = PREDICT.grade(twice, variant_for(student))
    assert verdict.status == "wrong" and "too large by a factor of about 2" in verdict.text


def test_common_mistakes_get_their_hint():
    v = variant_for("s001")
    no_dt = _function("return np.convolve(current / nA, kernel / (mV / pcoulomb))[:len(current)] * mV")
    assert "multiply the sum by dt" in PREDICT.grade(no_dt, v).text
    centred = _function("dv = np.convolve(current / nA, kernel / (mV / pcoulomb), mode='same')[:len(current)] * (dt / ms)\n"
                        "return dv * mV")
    verdict = PREDICT.grade(centred, v)
    assert verdict.status == "wrong" and "np.convolve" in verdict.text
    for body, says in (("return np.convolve(current / nA, kernel / (mV / pcoulomb)) * (dt / ms) * mV",
                        "values for a current of"),):
        assert says in PREDICT.grade(_function(body), v).text
    for body, says in (("return np.convolve(current / nA, kernel / (mV / pcoulomb))[:len(current)] * (dt / ms)",
                        "np.convolve drops the units"),
                       ("return 3 * mV", "a voltage array"),
                       ("pass", "returned None")):
        with pytest.raises(Rejected, match=says):
            PREDICT.grade(_function(body), v)


def test_the_autograders_process_grades_a_function_as_the_kernel_does():
    # What autograde does with a function answer: the cases (arrays, a time step, a kernel) through the
    # codec to a separate process, the results back through the codec and the question's own reading.
    cases = PREDICT.hidden_cases(KEYS[0], "s001")
    answer_cell = "def predict_dv(current, dt, kernel):\n" + "\n".join(
        "    " + line for line in book_nb01.FUNCTION_BODIES["predict_dv"].splitlines())
    preamble = "import numpy as np\nfrom brian2 import ms, mV, nA, pcoulomb"
    for body, status in ((answer_cell, "correct"), (answer_cell.replace("return dv * mV", "return 2 * (dv * mV)"),
                                                    "wrong")):
        out = run_function(body, "predict_dv", [[encode(a) for a in c.args] for c in cases], preamble=preamble,
                           seconds=10)
        assert out["problem"] is None and out["closed_form_calls"] == []
        values = [PREDICT.read_result(decode(r["value"]), "predict_dv(...)") for r in out["results"]]
        assert PREDICT.compare(values, cases, lambda failures: PREDICT.hint).status == status
        kernel_side = [PREDICT.read_result(_function(body.split("\n", 1)[1].replace("\n    ", "\n").strip())(*c.args),
                                           "x") for c in cases]
        assert all(np.allclose(a, b, rtol=1e-12, atol=0) for a, b in zip(values, kernel_side))


def test_the_closed_form_attack_is_right_in_the_kernel_and_caught_in_the_process():
    from neurodyn_lab import analysis

    attack = _function(book_nb01.CLOSED_FORM_CALLS["predict_dv"], closed=analysis)
    for student in ("s001", "s2026005"):
        assert PREDICT.grade(attack, variant_for(student)).passed  # it would fool the student's kernel
    cell = "def predict_dv(current, dt, kernel):\n    from neurodyn_lab import analysis as closed\n" + "\n".join(
        "    " + line for line in book_nb01.CLOSED_FORM_CALLS["predict_dv"].splitlines())
    out = run_function(cell, "predict_dv", [[encode(a) for a in c.args] for c in PREDICT.hidden_cases(KEYS[0], "s1")],
                       preamble="import numpy as np\nfrom brian2 import ms, mV, nA, pcoulomb", seconds=10)
    assert {"gain", "phase"} <= set(out["closed_form_calls"])


# ------------------------------------------------------------------------------------------------
# Where superposition breaks: 01.train_limit, 01.superposition_breaks
# ------------------------------------------------------------------------------------------------
def test_the_train_is_the_one_the_notebook_states():
    train = nb01.train_samples(1 * nA)
    starts = np.flatnonzero(np.diff(np.concatenate([[0], np.asarray(train / nA)])) > 0) * 0.1
    assert list(starts) == pytest.approx([10, 15, 20, 25, 30]) and float(sum(train) / nA) == pytest.approx(100)  # 5 x 2 ms


@pytest.mark.parametrize("student", STUDENTS)
def test_the_train_limit_is_the_books_and_the_simulations(student):
    v = variant_for(student)
    p = v.neuron
    book = book_nb01.values(student, v)["largest silent amplitude of the pulse train"]
    assert QUESTIONS["01.train_limit"].expected(v) / book == pytest.approx(1, rel=1e-9)
    # Superposition: the predicted peak for 1 nA, scaled to the threshold.
    peak = np.max(_pulse_sum(nb01.train_samples(1 * nA), 0.1 * ms, p.tau, p.R))
    assert float(book / nA) == pytest.approx(float((p.v_threshold - p.v_rest) / volt) / peak, rel=1e-9)
    # The simulation stays silent just below it and fires just above it.
    for factor, fires in ((0.99, False), (1.01, True)):
        run = simulate(inputs.from_array(nb01.train_samples(factor * book), 0.1 * ms), 100 * ms, params=p)
        assert (run.spike_count > 0) == fires, (student, factor)
    # Not the rheobase, not a single pulse's limit: the hints for those tell them apart.
    assert float(book / ((p.v_threshold - p.v_rest) / p.R)) > 1.3
    verdict = QUESTIONS["01.train_limit"].grade((p.v_threshold - p.v_rest) / p.R, v)
    assert "rheobase" in verdict.text


@pytest.mark.parametrize("student", ["s001", "s2026002"])
def test_above_the_limit_the_traces_part_at_the_first_spike(student):
    v = variant_for(student)
    p = v.neuron
    amplitude = 1.1 * book_nb01.values(student, v)["largest silent amplitude of the pulse train"]
    current = nb01.train_samples(amplitude)
    run = simulate(inputs.from_array(current, 0.1 * ms), 100 * ms, params=p)
    predicted = _pulse_sum(current, 0.1 * ms, p.tau, p.R)
    simulated = np.asarray((run.v - p.v_rest) / volt)
    first = int(float(run.spike_times[0] / (0.1 * ms)))
    assert np.max(np.abs(simulated[:first] - predicted[:first])) < 1e-6 * np.max(predicted)
    assert np.max(predicted[first:] - simulated[first:]) > 0.2 * float((p.v_threshold - p.v_rest) / volt)
    assert QUESTIONS["01.superposition_breaks"].grade("spike and reset", v).passed


# ------------------------------------------------------------------------------------------------
# The Think! prompts that became concept questions
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", STUDENTS[:3])
def test_the_first_spike_comes_later_and_later_near_the_rheobase(student):
    v = variant_for(student)
    p = v.neuron
    gap = float((p.v_threshold - p.v_rest) / volt)
    times = [float(p.tau / ms) * math.log(gap * f / (gap * f - gap)) for f in (1.1, 1.01, 1.001, 1.0001)]
    assert all(b > a + 0.5 * float(p.tau / ms) for a, b in zip(times, times[1:]))  # by about tau ln 10 each
    assert QUESTIONS["01.near_rheobase"].grade(book_nb01.values(student, v)[
        "first spike as the current nears the rheobase"], v).passed


@pytest.mark.parametrize("student", STUDENTS[:3])
def test_a_narrower_pulse_of_the_same_charge_jumps_slightly_higher(student):
    v = variant_for(student)
    p = v.neuron
    q = 5 * pcoulomb
    jumps = []
    for w in (0.1 * ms, 0.05 * ms):
        run = simulate(inputs.pulse(charge=q, duration=w, start=1 * ms), 2 * ms, params=p, dt=0.01 * ms)
        jumps.append(float(run.v_at(1 * ms + w) - p.v_rest))
        assert jumps[-1] == pytest.approx(float(q / w * p.R * (1 - math.exp(-float(w / p.tau))) / volt), rel=1e-3)
    dirac = float(q * p.R / p.tau / volt)
    assert jumps[0] < jumps[1] < dirac and jumps[1] / jumps[0] - 1 < 0.01
    assert QUESTIONS["01.halved_width"].grade("grows slightly", v).passed
    assert not QUESTIONS["01.halved_width"].grade("falls to half", v).passed


def test_every_choice_is_a_sentence_of_its_own():
    # No choice of one concept question passes another, and the text of a choice is read as the student
    # types it ("Later and later" too).
    v = variant_for(None)
    concept = [QUESTIONS[q] for q in ("01.near_rheobase", "01.halved_width", "01.superposition_breaks")]
    for question in concept:
        right = question.expected(v)
        assert question.grade(right.upper(), v).passed
        for other in concept:
            if other is not question:
                with pytest.raises(Rejected, match="not one of the choices"):
                    other.grade(right, v)


def test_the_kernel_and_response_helpers_take_quantities():
    dv = nb01.linear_response(np.ones(3) * nA, 0.1 * ms, variant_for(None).neuron)
    assert isinstance(dv, Quantity) and float(dv[0] / mV) == 0


# ------------------------------------------------------------------------------------------------
# Predict, then see: 01.predict_first_spike
# ------------------------------------------------------------------------------------------------
def test_every_students_first_spike_is_a_plausible_prediction_and_a_wrong_clock_is_not():
    question = QUESTIONS["01.predict_first_spike"]
    assert question.about == "01.first_spike_time"
    for student in STUDENTS:
        v = variant_for(student)
        book = book_nb01.values(student, v)["first spike time"]
        assert question.grade(book, v).passed and question.grade(2 * book, v).passed  # never judged
        # A guess counted from the step's onset (a time before the step) gets one sentence about it.
        with pytest.raises(Rejected, match="outside what this question accepts"):
            question.grade(book - 10.5 * ms, v)
    with pytest.raises(Rejected, match="not predicted yet"):
        question.grade(..., variant_for(None))


def test_the_revealed_panel_draws_the_guess_at_its_time_after_the_onset():
    from neurodyn_lab.panels import StepPanel

    panel = StepPanel(params=variant_for("s001").neuron, amplitude=3 * nA, prediction=25 * ms - 10 * ms,
                      view="image")
    try:
        assert panel.result.spike_count > 0
    finally:
        panel.close()
