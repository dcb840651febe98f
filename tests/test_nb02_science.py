"""Notebook 02's questions where the student does the science (issue 19): the Euler integration they
write (02.euler_function), what its time step does (02.euler_max_rate, 02.euler_gain), the f-I sweep
step (02.measure_rate) and the concept questions (02.no_t_ref_limit, 02.steep_onset).

Every expected value is compared, for several students and several course keys, with the book's
closed forms (/work/shared/reference/book-formulas.md, via tests/book_common.py) or with our own Euler
loop (tests/book_nb02.py), never with the package's answers. The book's function bodies (what
tests/test_nbgrader.py's students type) pass the checks; the common wrong ones fail with their hint.
"""

import math

import numpy as np
import pytest
from brian2 import Hz, ms, mV, nA

from neurodyn_lab import inputs, simulate
from neurodyn_lab.grading import QUESTIONS
from neurodyn_lab.grading.questions import nb02
from neurodyn_lab.grading.students import variant_for

import book_nb02
from book_common import interval

STUDENTS = [None, "s001", "s2026001", "s2026002", "s2026004", "s1234567"]
KEYS = [b"a test key", b"another course"]


def _function(name, body, **extra):
    """The answer cell a student writes: the notebook's def line and `body`."""
    head = {"euler_lif": "def euler_lif(I, params, dt=0.1 * ms, duration=300 * ms):",
            "measure_rate": "def measure_rate(I, params):", "firing_rate": "def firing_rate(I, params):"}[name]
    namespace = {"np": np, "Hz": Hz, "ms": ms, "mV": mV, "nA": nA, "simulate": simulate, "inputs": inputs, **extra}
    exec(head + "\n" + "\n".join("    " + line for line in body.splitlines()), namespace)
    return namespace[name]


def _all_cases(question):
    for student in STUDENTS:
        yield from question.cases(variant_for(student))
    for key in KEYS:
        for student in ("s001", "s002"):
            yield from question.hidden_cases(key, student)


# ------------------------------------------------------------------------------------------------
# 02.euler_function
# ------------------------------------------------------------------------------------------------
def test_every_euler_case_is_our_own_euler_loop():
    cases = list(_all_cases(QUESTIONS["02.euler_function"]))
    assert len(cases) > 60 and any(c.note for c in cases) and sum(not c.note for c in cases) > 40
    for case in cases:
        mine = float(book_nb02.euler_rate(*case.args) / Hz)
        assert float(case.expected / Hz) == pytest.approx(mine, rel=1e-9, abs=1e-9), case.arguments
        assert (mine == 0) == bool(case.note), case.arguments


def test_euler_cases_fire_often_enough_that_the_start_does_not_matter():
    # A student who starts at v_reset instead of v_rest gets the same rate: three spikes or more either way.
    for case in _all_cases(QUESTIONS["02.euler_function"]):
        I, p = case.args
        from_rest, from_reset = book_nb02.euler_spikes(I, p), book_nb02.euler_spikes(I, p, v0=p.v_reset)
        assert len(from_rest) == len(from_reset) == 0 or min(len(from_rest), len(from_reset)) >= 3, case.arguments
        assert float(book_nb02.euler_rate(I, p, v0=p.v_reset) / Hz) == pytest.approx(float(case.expected / Hz),
                                                                                     rel=1e-9, abs=1e-9)


def test_euler_cases_differ_from_the_closed_form():
    # The Euler rate is not the book's: the closed form fails several cases of every student's check.
    question = QUESTIONS["02.euler_function"]
    groups = [question.cases(variant_for(s)) for s in STUDENTS]
    groups += [question.hidden_cases(k, s) for k in KEYS for s in ("s001", "s002")]
    for cases in groups:
        differ = [c for c in cases if not c.note and abs(float(c.expected * interval(*c.args)) - 1) > 1e-3]
        assert len(differ) >= 3, [c.arguments for c in cases]


@pytest.mark.parametrize("student", STUDENTS[:4])
def test_the_books_euler_loop_passes_and_twice_it_fails(student):
    question = QUESTIONS["02.euler_function"]
    right = _function("euler_lif", book_nb02.FUNCTION_BODIES["euler_lif"])
    assert question.grade(right, variant_for(student)).passed
    body = book_nb02.FUNCTION_BODIES["euler_lif"].replace("return (len(times) - 1)", "return 2 * (len(times) - 1)")
    assert question.grade(_function("euler_lif", body), variant_for(student)).status == "wrong"


def test_the_hidden_euler_cases_pass_the_books_loop():
    question = QUESTIONS["02.euler_function"]
    right = _function("euler_lif", book_nb02.FUNCTION_BODIES["euler_lif"])
    for key in KEYS:
        cases = question.hidden_cases(key, "s2026002")
        values = [float(right(*c.args) / Hz) for c in cases]
        assert question.compare(values, cases, lambda failures: "").passed


WRONG_LOOPS = {
    # int() of 29.999... is 29: one step too few held at v_reset.
    "int(round(float(params.t_ref / dt)))": ("int(float(params.t_ref / dt) * (1 - 1e-12))", "one time step"),
    "hold = int(round(float(params.t_ref / dt)))": ("hold = 0", "round(t_ref/dt) steps after each spike"),
}


@pytest.mark.parametrize("old", WRONG_LOOPS)
def test_a_wrong_euler_loop_gets_its_hint(old):
    new, hint = WRONG_LOOPS[old]
    body = book_nb02.FUNCTION_BODIES["euler_lif"].replace(old, new)
    verdict = QUESTIONS["02.euler_function"].grade(_function("euler_lif", body), variant_for("s001"))
    assert verdict.status == "wrong" and hint in verdict.text, verdict.text


def test_the_closed_form_in_euler_lif_gets_its_hint():
    closed = _function("euler_lif", book_nb02.FUNCTION_BODIES["firing_rate"])
    verdict = QUESTIONS["02.euler_function"].grade(closed, variant_for("s001"))
    assert verdict.status == "wrong" and "closed form" in verdict.text, verdict.text


def test_a_count_over_the_duration_gets_its_hint():
    body = book_nb02.FUNCTION_BODIES["euler_lif"].replace(
        "return (len(times) - 1) / (times[-1] - times[0])", "return len(times) / duration")
    verdict = QUESTIONS["02.euler_function"].grade(_function("euler_lif", body), variant_for("s001"))
    assert verdict.status == "wrong" and "count" in verdict.text, verdict.text


# ------------------------------------------------------------------------------------------------
# 02.euler_max_rate, 02.euler_gain
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", STUDENTS)
def test_eulers_largest_rate_is_one_step_more_than_t_ref(student):
    v = variant_for(student)
    question = QUESTIONS["02.euler_max_rate"]
    expected = question.expected(v)
    book = 1 / (v.neuron.t_ref + book_nb02.EULER_DT)  # round(t_ref/dt) steps held and one to climb
    assert float(expected / book) == pytest.approx(1, rel=1e-9)
    assert float(book_nb02.euler_rate(1e6 * nA, v.neuron) / book) == pytest.approx(1, rel=1e-9)
    assert question.grade(book, v).passed
    # The closed form's limit is a mistake with its own hint, however close it is.
    verdict = question.grade(1 / v.neuron.t_ref, v)
    assert verdict.status == "wrong" and "whole step" in verdict.text


@pytest.mark.parametrize("student", STUDENTS)
def test_eulers_gain_at_1kHz_is_too_large_by_our_own_loop(student):
    p = variant_for(student).neuron
    ours = book_nb02.euler_gain_ratio(p)
    assert 1.01 < ours < 1.04
    assert nb02._euler_gain_ratio(p) == pytest.approx(ours, rel=2e-4)
    assert book_nb02.euler_gain_ratio(p, dt=0.01 * ms) == pytest.approx(1, abs=2e-3)  # a tenth the step: 10x closer
    assert QUESTIONS["02.euler_gain"].grade("overestimates", variant_for(student)).passed
    assert not QUESTIONS["02.euler_gain"].grade("matches", variant_for(student)).passed


# ------------------------------------------------------------------------------------------------
# 02.measure_rate
# ------------------------------------------------------------------------------------------------
def _count_rate(I, p, duration=0.5):
    """The book's spike count over `duration` (s) from rest, over the duration: the first spike after
    the time to first spike, then one every interval."""
    if p.R * I <= p.v_threshold - p.v_rest:
        return 0.0
    first = float(p.tau) * math.log(float(p.R * I / (p.R * I - (p.v_threshold - p.v_rest))))
    return (math.floor((duration - first) / float(interval(I, p))) + 1) / duration if first <= duration else 0.0


def test_every_measure_case_is_the_books_rate_and_a_500_ms_count_passes():
    question = QUESTIONS["02.measure_rate"]
    cases = list(_all_cases(question))
    assert len(cases) > 40 and any(c.note for c in cases)
    for case in cases:
        book = 0.0 if case.note else float(1 / interval(*case.args) / Hz)
        assert float(case.expected / Hz) == pytest.approx(book, rel=1e-9, abs=1e-9), case.arguments
        assert question.agrees(_count_rate(*case.args), book), case.arguments  # what a 500 ms count allows
    # The tolerance is what a count allows, not more: twice the rate, or a tenth off, fails.
    lively = [c for c in cases if float(c.expected / Hz) > 100]
    assert lively and all(not question.agrees(0.9 * float(c.expected / Hz), float(c.expected / Hz)) for c in lively)


@pytest.mark.parametrize("student", STUDENTS[:3])
def test_the_books_sweep_step_passes(student):
    question = QUESTIONS["02.measure_rate"]
    right = _function("measure_rate", book_nb02.FUNCTION_BODIES["measure_rate"])
    assert question.grade(right, variant_for(student)).passed
    cases = question.hidden_cases(KEYS[0], student or "default")
    values = [float(right(*c.args) / Hz) for c in cases]
    assert question.compare(values, cases, lambda failures: "").passed
    body = book_nb02.FUNCTION_BODIES["measure_rate"].replace("return run.spike_count / duration",
                                                             "return 2 * (run.spike_count / duration)")
    assert question.grade(_function("measure_rate", body), variant_for(student)).status == "wrong"


def test_a_sweep_step_that_simulates_too_short_fails():
    body = book_nb02.FUNCTION_BODIES["measure_rate"].replace("500 * ms", "20 * ms")
    assert QUESTIONS["02.measure_rate"].grade(_function("measure_rate", body), variant_for("s001")).status == "wrong"


# ------------------------------------------------------------------------------------------------
# Concept questions
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", STUDENTS)
def test_the_concept_answers_are_the_books(student):
    v = variant_for(student)
    book = book_nb02.values(student, v)
    assert QUESTIONS["02.no_t_ref_limit"].expected(v) == book["without t_ref the rate is"] == "unbounded"
    assert QUESTIONS["02.steep_onset"].expected(v) == book["the rate leaves 0 at the rheobase"] == "vertically"
    assert QUESTIONS["02.euler_gain"].expected(v) == book["Euler's gain at 1 kHz, dt = 0.1 ms"] == "overestimates"


# ------------------------------------------------------------------------------------------------
# 02.predict_rates, 02.fi_plot
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", STUDENTS)
def test_the_predictions_truth_is_the_books_rate(student):
    v = variant_for(student)
    question = QUESTIONS["02.predict_rates"]
    currents = np.array([0.5, 1, 2, 3, 5, 8, 30]) * nA
    truth = question.truth(v)(np.asarray(currents, dtype=float))
    book = [float(book_nb02._book_rate(I, v.neuron) / Hz) for I in currents]
    assert truth == pytest.approx(book, rel=1e-9, abs=1e-9)
    assert question.grade(book_nb02.PREDICTIONS["02.predict_rates"](student, v), v).passed
    assert question.grade([(1 * nA, 1 * Hz), (2 * nA, 2 * Hz), (3 * nA, 3 * Hz)], v).passed  # any honest guess
    with pytest.raises(Exception, match="not predicted yet"):
        question.grade(..., v)


def _book_figure(student, change=""):
    """The book's f-I plot (FIGURE_CODE) of `student`, with measured rates from our own count of a
    500 ms run (`_count_rate`), and `change` applied after it."""
    import matplotlib
    matplotlib.use("Agg")
    p = variant_for(student).neuron
    currents = np.linspace(0, 100, 51) * nA
    p3 = p.replace(t_ref=3 * ms)
    my_rates = np.array([_count_rate(I, p3) for I in currents]) * Hz
    from brian2 import Mohm
    namespace = {"np": np, "Hz": Hz, "ms": ms, "mV": mV, "nA": nA, "Mohm": Mohm, "p": p, "currents": currents,
                 "my_rates": my_rates}
    exec(book_nb02.FIGURE_CODE["02.fi_plot"] + change, namespace)
    return namespace["fig"]


@pytest.mark.parametrize("student", STUDENTS[:4])
def test_the_books_fi_plot_passes_and_each_missing_piece_is_named(student):
    import matplotlib.pyplot as plt

    question, v = QUESTIONS["02.fi_plot"], variant_for(student)
    cases = {
        "": "correct",
        "\nax.set_xlabel('')": "x axis has no label",
        "\nax.set_ylabel('rate')": "names no unit",
        "\nax.set_xscale('log')": "should be linear",
        # The measured points do not follow the closed form closely enough to stand in for it.
        "\nax.lines[1].remove()": "plot your firing_rate(I, p3)",
        "\nax.lines[0].remove()": "your measured rates is not on the plot",
        # A wrong measure_rate (twice the rate) costs 02.measure_rate, not the plot; rates in mHz do not pass.
        "\nax.lines[0].set_ydata(ax.lines[0].get_ydata() * 2)": "correct",
        "\nax.lines[0].set_ydata(ax.lines[0].get_ydata() * 1000)": "your measured rates",
        # the closed form 20 % off
        "\nax.lines[1].set_ydata(ax.lines[1].get_ydata() * 1.2)": "does not follow it",
    }
    for change, expected in cases.items():
        fig = _book_figure(student, change)
        verdict = question.grade(fig, v)
        plt.close(fig)
        assert (verdict.passed if expected == "correct" else expected in verdict.text), (change, verdict.text)
