"""Predict, then see (issue 19, item 5): a prediction is committed with check() and earns its point
whatever its value; reveal() shows the simulation only once it is committed; the question it is
about says, once answered correctly, which way and roughly how far the prediction was off (never the
value); the autograder decides the prediction's point from the re-executed notebook's record and
says the same; a faked prediction earns nothing.

Expected values come from the book's closed forms: the classic step's spike count from the
inter-spike interval (tests/book_common.py), the firing rate 1 / (t_ref + tau ln(...)).
"""

import json
import math

import nbformat
import numpy as np
import pytest
from brian2 import Hz, amp, mV, ms, nA
from nbformat.v4 import new_code_cell, new_notebook, new_output

from neurodyn_lab._config import Settings
from neurodyn_lab.grading import CheckFailed, check, reveal, student
from neurodyn_lab.grading.answers import Rejected
from neurodyn_lab.grading.bank import QUESTIONS, Bank
from neurodyn_lab.grading.feedback import RECORD_MIME
from neurodyn_lab.grading.framework import PredictionQuestion, QuantityQuestion, Tolerance
from neurodyn_lab.grading.session import GradingSession, Withheld
from neurodyn_lab.grading.students import variant_for

from book_common import classic_step_count, interval
from test_grading_students import clean  # noqa: F401 (autouse: no ids, attempts in tmp_path)

PREDICT, COUNT = "00.predict_step_spikes", "00.classic_step_spikes"


def book_count(student_id):
    return classic_step_count(variant_for(student_id).classic_amplitude)[0]


def book_rate(I, p):
    """The book's rate: 0 at or below the rheobase, else 1 / (t_ref + tau ln((R I - (v_reset - v_rest)) /
    (R I - (v_threshold - v_rest))))."""
    if float(p.R * I) <= float(p.v_threshold - p.v_rest):
        return 0 * Hz
    return 1 / interval(I, p)


def session(tmp_path, bank=None, **env):
    return GradingSession(Settings.from_environ({"NEURODYN_LAB_HOME": str(tmp_path / "home"), **env}), bank=bank)


# ------------------------------------------------------------------------------------------------
# The question: committed predictions of the right kind earn the point, whatever their value
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student_id", [None, "s001", "s2026001"])
def test_any_plausible_prediction_earns_its_point_and_is_never_judged(student_id):
    student(student_id)
    truth = book_count(student_id)
    for guess in (truth, truth + 40, 0, 3.0):
        result = check(PREDICT, guess)
        assert result.passed and result.points == 1, result.message
        assert str(truth) not in result.message.replace(PREDICT, "")


@pytest.mark.parametrize("answer, status, fragment", [
    (..., "unanswered", "not predicted yet"),
    (2.5, "invalid", "a count is a whole number"),
    (3 * ms, "invalid", "a count has no unit"),
    ("five", "invalid", "the text 'five'"),
    (None, "invalid", "the answer is None"),
    ([1, 2], "invalid", "give one value"),
    (-1, "invalid", "outside what this question accepts as a prediction (0 to 10000)"),
    (10 ** 6, "invalid", "outside what this question accepts"),
])
def test_no_prediction_or_one_of_the_wrong_kind_gets_one_sentence_and_no_point(answer, status, fragment):
    result = check(PREDICT, answer)
    assert result.status == status and result.points == 0
    assert fragment in result.message, result.message
    assert "\n" not in result.message and result.message.count(". ") <= 2


POINTS = PredictionQuestion(
    id="90.predict_fi", title="your f-I curve", about="90.rate", unit=Hz, x_unit=amp, points_of=("current", "rate"),
    example="a list of (current, rate) pairs, e.g. [(0.5*nA, 10*Hz), ...]", plausible=(0 * Hz, 2000 * Hz),
    x_plausible=(0 * nA, 100 * nA), min_points=3,
    truth=lambda v: lambda currents: np.array([float(book_rate(i * amp, v.neuron)) for i in currents]))
RATE = QuantityQuestion(id="90.rate", title="rate at 3 nA", hint="use the f-I curve.", unit=Hz,
                        example="a frequency, e.g. 100*Hz", tolerance=Tolerance(rel=0.01),
                        expected=lambda v: book_rate(3 * nA, v.neuron))
ONE = PredictionQuestion(id="90.predict_rate", title="your guess", about="90.rate", unit=Hz,
                         example="a frequency, e.g. 100*Hz", plausible=(0 * Hz, 2000 * Hz))
OWN_BANK = Bank([ONE, POINTS, RATE])


def test_a_prediction_of_several_points_reads_pairs_and_says_what_is_wrong_with_them():
    v = variant_for("s001")
    good = [(1 * nA, 5 * Hz), (2 * nA, 40 * Hz), (3 * nA, 80 * Hz)]
    assert POINTS.grade(good, v).passed
    for answer, fragment in (
            ([(1 * nA, 5 * Hz)], "give at least 3 (current, rate) pairs"),
            (5 * Hz, "give your prediction as a list of (current, rate) pairs"),
            ([(1 * nA, 5 * Hz), (2 * nA, 40 * Hz), (3 * mV, 80 * Hz)], "the current of pair 3: you gave a voltage"),
            ([(1 * nA, 5 * Hz), (2 * nA, 40), (3 * nA, 80 * Hz)], "the rate of pair 2: 40 has no unit"),
            ([(1 * nA, 5 * Hz), (2 * nA, 40 * Hz), (3 * nA, 1e6 * Hz)], "the rate of pair 3 (1e+06 Hz) is outside"),
            ([(1 * nA, 5 * Hz, 1), (2 * nA, 40 * Hz), (3 * nA, 80 * Hz)], "list of (current, rate) pairs")):
        with pytest.raises(Rejected) as problem:
            POINTS.grade(answer, v)
        assert fragment in problem.value.message and problem.value.status == "invalid", problem.value.message


# ------------------------------------------------------------------------------------------------
# reveal: the simulation only once the prediction is committed
# ------------------------------------------------------------------------------------------------
def test_reveal_shows_nothing_before_the_prediction_is_committed_and_then_passes_it_on():
    made = []
    before = reveal(PREDICT, lambda guess: made.append(guess) or "the panel")
    assert isinstance(before, Withheld) and not made
    assert "commit your prediction first" in before.message and "\n" not in before.message
    assert before.message in repr(before) and "commit your prediction first" in before._repr_html_()
    check(PREDICT, ...)  # not a prediction
    assert isinstance(reveal(PREDICT, made.append), Withheld) and not made
    check(PREDICT, 12)
    assert reveal(PREDICT, lambda guess: made.append(guess) or "the panel") == "the panel" and made == [12]
    assert reveal(PREDICT) == 12
    check(PREDICT, ...)  # taken back: nothing is shown again until a new one is committed
    assert isinstance(reveal(PREDICT), Withheld)


def test_reveal_of_an_id_that_is_no_prediction_or_with_something_not_callable_says_so():
    assert "reveal needs the id of a prediction question, e.g. '00.predict_step_spikes', got '01.rheobase'" in \
        reveal("01.rheobase").message
    assert "got 3" in reveal(3).message
    check(PREDICT, 4)
    with pytest.raises(TypeError, match="make must be a function of the prediction, such as lambda guess: .*got int"):
        reveal(PREDICT, 3)


def test_in_strict_mode_a_reveal_without_a_prediction_fails(kernel_env):
    kernel_env(NEURODYN_LAB_STRICT="1")
    with pytest.raises(CheckFailed, match="commit your prediction first"):
        reveal(PREDICT, print)


def test_the_prediction_is_committed_in_the_autograders_run_too(kernel_env):
    # check() records and then fails under nbgrader (NOT_GRADED) before our autograder rewrites the
    # cell: the reveal cell after it still shows what the student saw.
    kernel_env(NBGRADER_EXECUTION="autograde")
    with pytest.raises(CheckFailed):
        check(PREDICT, 7)
    assert reveal(PREDICT, lambda guess: guess + 1) == 8


def test_predictions_are_each_sessions_own(tmp_path):
    a, b = session(tmp_path / "a"), session(tmp_path / "b")
    a.check(PREDICT, 5)
    assert a.reveal(PREDICT) == 5 and isinstance(b.reveal(PREDICT), Withheld)
    a.reset()
    assert isinstance(a.reveal(PREDICT), Withheld)


# ------------------------------------------------------------------------------------------------
# How the prediction compared: in the feedback of the question it is about, never the value
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student_id", [None, "s001", "s2026002"])
def test_the_count_question_says_how_the_prediction_compared_once_answered_correctly(student_id):
    student(student_id)
    truth = book_count(student_id)
    check(PREDICT, truth * 10)
    wrong = check(COUNT, truth + 7)
    assert not wrong.passed and "prediction" not in wrong.message  # no second oracle before it is right
    right = check(COUNT, truth)
    assert right.passed and f"Your prediction ({PREDICT}) was too high, " in right.message
    check(PREDICT, truth - 2 if truth > 2 else truth + 2)
    assert "by 1 to 3." in check(COUNT, truth).message
    check(PREDICT, truth)
    assert "was right on it." in check(COUNT, truth).message


@pytest.mark.parametrize("student_id", ["s001", "s2026001"])
def test_a_prediction_of_one_rate_compares_with_the_students_correct_answer(tmp_path, student_id):
    s = session(tmp_path, OWN_BANK)
    s.student(student_id)
    truth = book_rate(3 * nA, variant_for(student_id).neuron)
    for factor, words in ((3, "too large, by a factor of about 2 to 5"), (0.8, "too small, by 10–30 %"),
                          (1.05, "within 10 % of it: well predicted")):
        s.check("90.predict_rate", factor * truth)
        message = s.check("90.rate", truth).message
        assert message.endswith(f"Your prediction (90.predict_rate) was {words}."), message
        assert f"{float(truth / Hz):.3g}" not in message and f"{float(factor * truth / Hz):.3g}" not in message


def test_a_prediction_of_points_compares_with_the_books_curve_point_by_point(tmp_path):
    s = session(tmp_path, OWN_BANK)
    s.student("s001")
    p = variant_for("s001").neuron
    currents = [0.5 * nA, 2 * nA, 3 * nA, 4 * nA]
    rates = [book_rate(i, p) for i in currents]
    assert float(rates[0]) == 0 and float(rates[1]) > 0  # below and above the rheobase
    guess = [(currents[0], 0 * Hz), (currents[1], rates[1] * 1.05), (currents[2], rates[2] * 3),
             (currents[3], rates[3] * 0.5)]
    s.check("90.predict_fi", guess)
    message = s.check("90.rate", rates[2]).message
    assert message.endswith("Your prediction (90.predict_fi): 2 of 4 within 10 %, 1 too large, 1 too small; the "
                            "furthest was too large, by a factor of about 2 to 5."), message


# ------------------------------------------------------------------------------------------------
# The autograder: the point from the re-executed notebook's record, the same sentences
# ------------------------------------------------------------------------------------------------
autograde = pytest.importorskip("neurodyn_lab.grading.autograde", reason="the autograder needs nbgrader")


def _notebook(records):
    """A notebook as nbgrader executed it: an answer and a check cell per question, with `records`
    (question id -> the record its check wrote, or None) in the check cells' outputs."""
    cells = []
    for qid, record in records.items():
        name = "q" + qid.replace(".", "_")
        cells.append(new_code_cell("answer = ...", metadata={"nbgrader": {
            "grade_id": name + "_answer", "solution": True, "locked": False, "grade": False}}))
        check_cell = new_code_cell(f"check({qid!r}, answer)", metadata={"nbgrader": {
            "grade_id": name, "grade": True, "locked": True, "solution": False, "points": 1}})
        if record is not None:
            check_cell.outputs = [new_output("display_data", data={"text/plain": "x", RECORD_MIME: record})]
        cells.append(check_cell)
    return new_notebook(cells=cells)


def _kernel_records(tmp_path, student_id, answers, bank=OWN_BANK):
    """What the student's kernel shows and records for `answers` (in order): messages, records."""
    s = session(tmp_path, bank)
    s.student(student_id)
    results = {qid: s.check(qid, answer) for qid, answer in answers}
    return {qid: r.message for qid, r in results.items()}, {qid: json.loads(json.dumps(r.record))
                                                              for qid, r in results.items()}


@pytest.mark.parametrize("student_id", ["s001", "s2026004"])
def test_the_autograder_gives_the_prediction_its_point_and_shows_what_the_student_saw(tmp_path, student_id):
    truth = book_rate(3 * nA, variant_for(student_id).neuron)
    guess = [(1 * nA, 5 * Hz), (2 * nA, 20 * Hz), (3 * nA, truth * 2.5)]
    shown, records = _kernel_records(tmp_path, student_id, [
        ("90.predict_rate", truth * 0.5), ("90.predict_fi", guess), ("90.rate", truth)])
    nb = _notebook(records)
    graded = autograde.grade_notebook(nb, student_id, OWN_BANK, b"key")
    rows = {row["question"]: row for row in graded.rows}
    assert {qid: row["points"] for qid, row in rows.items()} == {"90.predict_rate": 1, "90.predict_fi": 1,
                                                                "90.rate": 1}
    for qid, message in shown.items():
        assert nb.cells[[c.metadata["nbgrader"]["grade_id"] for c in nb.cells].index(
            "q" + qid.replace(".", "_"))].outputs[0]["data"]["text/plain"] == message
    assert "Your prediction (90.predict_rate) was too small, by a factor of about 2 to 5." in rows["90.rate"]["message"]


def test_a_faked_or_missing_prediction_earns_nothing_in_the_autograder():
    forged = [
        None,  # the check never ran (an error before it)
        {"question": "90.predict_rate", "answer": {"kind": "unanswered"}, "status": "correct", "points": 1},
        {"question": "90.predict_rate", "answer": {"kind": "quantity", "value": 1e9, "dimensions": "s^-1"}},
        {"question": "90.predict_rate", "answer": {"kind": "quantity", "value": 2e-9, "dimensions": "A"}},
        {"question": "90.predict_rate", "answer": {"kind": "other", "description": "a verdict"}, "passed": True},
        {"question": "90.other", "answer": {"kind": "quantity", "value": 40.0, "dimensions": "s^-1"}},
    ]
    for record in forged:
        graded = autograde.grade_notebook(_notebook({"90.predict_rate": record}), "s001", OWN_BANK, b"key")
        assert graded.rows[0]["points"] == 0 and graded.rows[0]["status"] in ("invalid", "unanswered"), record


def test_an_answer_cell_that_fakes_a_record_is_flagged_and_scores_nothing():
    # Writing a record into a check cell's output takes code that reaches the display machinery or
    # the grading package: the tamper rules flag it in the answer cell, whatever the record says.
    nb = _notebook({"90.predict_rate": {"question": "90.predict_rate", "student": "s001", "answer": {
        "kind": "quantity", "value": 40.0, "dimensions": "s^-1"}}})
    nb.cells[0].source = ("from neurodyn_lab.grading.feedback import RECORD_MIME\n"
                          "get_ipython().display_pub.publish({RECORD_MIME: {'question': '90.predict_rate'}})\n"
                          "answer = 40 * Hz")
    graded = autograde.grade_notebook(nb, "s001", OWN_BANK, b"key")
    assert graded.rows[0]["points"] == 0 and graded.rows[0]["rule"] == autograde.RULE_ANSWER


def test_the_book_count_is_what_the_bank_expects_for_several_students():
    # The comparison's reference (the student's correct count) is the book's count.
    for student_id in (None, "s001", "s2026001", "s2026005"):
        assert QUESTIONS[COUNT].grade(book_count(student_id), variant_for(student_id)).passed
        assert classic_step_count(variant_for(student_id).classic_amplitude)[1] > 0.05


def test_the_notebooks_prediction_cell_is_answered_by_its_worked_estimate():
    # 00's model answer estimates the count as 50 ms / T with T the book's interval: for every
    # student within 1 of the count (the step's first interval starts at 20 ms, the count floors).
    from pathlib import Path

    source = nbformat.read(Path(__file__).resolve().parents[1] / "exercises" / "source" / "00_getting_started.ipynb",
                           as_version=4)
    cell = next(c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") ==
                "q00_predict_step_spikes_answer")
    assert "answer = int(50 * ms / (classic.tau * np.log(" in cell.source
    for student_id in ("s001", "s2026001", "s2026003"):
        amplitude = variant_for(student_id).classic_amplitude
        estimate = int(50 / math.log(amplitude / (amplitude - 1)))
        assert abs(estimate - book_count(student_id)) <= 1
        assert QUESTIONS[PREDICT].grade(estimate, variant_for(student_id)).passed
