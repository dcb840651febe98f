"""Feedback that teaches (issue 19, item 6): from the second wrong answer to a question on, the hint
adds which way and roughly how far the answer is off, in buckets ("too large, by 10–30 %"), never the
value; wrong answers are counted per question and student (not invalid ones, not a re-run), across
restarts; the autograder shows the same sentence as the student's screen; a hidden parameter of a
mystery neuron gets no more than one experiment tells (twice or half).

Expected values come from the book's closed forms: the rheobase (v_th - v_rest) / R, the gain
R / sqrt(1 + (2 pi f tau)^2), the phase -arctan(2 pi f tau), the classic step's spike count.
"""

import json
import math
import re

import numpy as np
import pytest
from brian2 import Hz, Mohm, amp, mV, ms, nA, second
from nbformat.v4 import new_code_cell, new_notebook, new_output

from neurodyn_lab._config import Settings
from neurodyn_lab.grading import check, student
from neurodyn_lab.grading.bank import QUESTIONS, Bank
from neurodyn_lab.grading.feedback import RECORD_MIME
from neurodyn_lab.grading.framework import DIRECTION_AFTER, MeasuredQuestion, Tolerance, off_by, off_by_count, \
    off_by_degrees
from neurodyn_lab.grading.questions.common import hidden
from neurodyn_lab.grading.session import GradingSession
from neurodyn_lab.grading.students import variant_for

from book_common import classic_step_count, hidden_parameters
from test_grading_students import clean  # noqa: F401 (autouse: no ids, attempts in tmp_path)

STUDENTS = [None, "s001", "s2026002", "s2026005"]
#: Every phrase a direction may use: a way and a bucket, nothing else.
WAYS = ("too large", "too small", "too low (more negative)", "too high (closer to zero)", "too high", "too low",
        "too large (closer to zero)", "too small (more negative)")
BUCKETS = ("by less than 10 %", "by 10–30 %", "by 30–60 %", "by 60–100 %", "by 30–50 %", "by a factor of about 2 to 5",
           "by a factor of about 5 to 20", "by more than a factor of 20", "by less than 10°", "by 10–30°",
           "by 30–90°", "by more than 90°", "by 1 to 3", "by 4 to 10", "by more than 10")
PHRASES = {f"{way}, {bucket}" for way in WAYS for bucket in BUCKETS} | set(WAYS)


def book_rheobase(p):
    return (p.v_threshold - p.v_rest) / p.R


def book_gain(f, p):
    return p.R / math.sqrt(1 + (2 * math.pi * float(f * p.tau)) ** 2)


def book_phase(f, p):
    return -math.degrees(math.atan(2 * math.pi * float(f * p.tau)))


def direction_of(message):
    found = re.search(r" Your answer is (.+)\.$", message)
    return found.group(1) if found else None


# ------------------------------------------------------------------------------------------------
# The buckets: a way and a rough size, never a number that gives the value back
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ratio, words", [
    (1.05, "too large, by less than 10 %"), (1.2, "too large, by 10–30 %"), (1.5, "too large, by 30–60 %"),
    (1.8, "too large, by 60–100 %"), (3.0, "too large, by a factor of about 2 to 5"),
    (10.0, "too large, by a factor of about 5 to 20"), (50.0, "too large, by more than a factor of 20"),
    (0.95, "too small, by less than 10 %"), (0.8, "too small, by 10–30 %"), (0.6, "too small, by 30–50 %"),
    (0.3, "too small, by a factor of about 2 to 5"), (0.1, "too small, by a factor of about 5 to 20"),
    (0.01, "too small, by more than a factor of 20"),
])
def test_the_size_of_a_miss_is_a_bucket(ratio, words):
    assert off_by(ratio * 2e-9, 2e-9) == words
    negative = off_by(-ratio * 0.07, -0.07)
    assert negative == words.replace("too large", "too low (more negative)").replace(
        "too small", "too high (closer to zero)")


def test_no_direction_where_it_means_nothing():
    assert off_by(0.0, 1.0) is None and off_by(1.0, 0.0) is None and off_by(-1.0, 1.0) is None
    assert off_by(float("nan"), 1.0) is None and off_by_degrees(5.0, 5.0) is None and off_by_count(3, 3) is None


def test_the_words_cannot_be_turned_back_into_the_value():
    # For any answer, each phrase stands for a range of expected values at least 10 % wide (a count: 3
    # whole numbers), so no answer and its phrase pin the value down; and the phrases are a fixed set.
    rng = np.random.default_rng(19)
    answer = 1.0
    for words in {off_by(answer, e) for e in np.geomspace(0.01, 100, 2000)} - {None}:
        expected = [e for e in np.geomspace(0.01, 100, 20000) if off_by(answer, e) == words]
        assert max(expected) / min(expected) >= 1.09, words  # 10 %, sampled
    for _ in range(500):
        value, expected = rng.lognormal(0, 2), rng.lognormal(0, 2)
        assert off_by(value, expected) in PHRASES
        assert off_by_degrees(rng.normal(0, 90), rng.normal(0, 90)) in PHRASES | {None}
    for count in range(0, 80):  # a count: at least three possible counts behind every phrase
        for expected in range(0, 80):
            words = off_by_count(count, expected)
            if words is not None:
                assert re.fullmatch(r"too (high|low), by (\d+ to \d+|more than 10)", words), words
                assert sum(off_by_count(count, e) == words for e in range(0, 300)) >= 3, (count, expected, words)


# ------------------------------------------------------------------------------------------------
# In the notebook: from the second wrong answer on, against the book's values, several students
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student_id", STUDENTS)
def test_the_second_wrong_answer_gets_the_direction_and_never_the_value(student_id):
    student(student_id)
    truth = book_rheobase(variant_for(student_id).neuron)
    assert DIRECTION_AFTER == 2
    first = check("01.rheobase", 3 * truth)
    assert first.status == "wrong" and direction_of(first.message) is None
    second = check("01.rheobase", 2.5 * truth)
    assert direction_of(second.message) == "too large, by a factor of about 2 to 5"
    third = check("01.rheobase", 0.8 * truth)
    assert direction_of(third.message) == "too small, by 10–30 %"
    again = check("01.rheobase", 0.8 * truth)  # the same answer run again: the same feedback
    assert again.message == third.message and again.attempts == third.attempts
    assert check("01.rheobase", truth).message.endswith("correct (within ±1 %).")
    for result in (first, second, third):
        for digits in {f"{float(truth / nA):.3g}", f"{float(truth / nA):.2f}", f"{float(truth / amp):.3g}"}:
            if len(digits.replace(".", "").replace("-", "").strip("0")) >= 2:  # "2" is in "2 to 5"
                assert digits not in result.message.split(":", 1)[1], (digits, result.message)


def test_invalid_and_unanswered_answers_are_not_wrong_ones():
    truth = book_rheobase(variant_for(None).neuron)
    check("01.rheobase", ...)
    check("01.rheobase", 2 * mV)
    assert direction_of(check("01.rheobase", 3 * truth).message) is None  # the first wrong one
    check("01.rheobase", 2)  # no unit: invalid
    assert direction_of(check("01.rheobase", 4 * truth).message) == "too large, by a factor of about 2 to 5"


def test_a_common_mistakes_hint_is_kept_without_a_direction():
    truth = book_rheobase(variant_for(None).neuron)
    check("01.rheobase", 3 * truth)
    prefix = check("01.rheobase", 1000 * truth)
    assert "power of 1000" in prefix.message and direction_of(prefix.message) is None
    sign = check("01.rheobase", -truth)
    assert "sign" in sign.message and direction_of(sign.message) is None


@pytest.mark.parametrize("student_id", STUDENTS)
def test_counts_gains_and_phases_get_their_own_kind_of_direction(student_id):
    student(student_id)
    v = variant_for(student_id)
    count = classic_step_count(v.classic_amplitude)[0]
    check("00.classic_step_spikes", count + 20)
    assert direction_of(check("00.classic_step_spikes", count + 2).message) == "too high, by 1 to 3"
    assert direction_of(check("00.classic_step_spikes", count + 8).message) == "too high, by 4 to 10"
    gain = book_gain(50 * Hz, v.neuron)
    check("03.gain_at_50Hz", 5 * gain)
    assert direction_of(check("03.gain_at_50Hz", 0.6 * gain).message) == "too small, by 30–50 %"
    # the same answer as a voltage amplitude for I0 = 0.5 nA
    assert direction_of(check("03.gain_at_50Hz", 1.25 * gain * 0.5 * nA).message) == "too large, by 10–30 %"
    phase = book_phase(v.phase_frequency, v.neuron)
    check("03.phase_at_your_frequency", phase - 60)
    assert direction_of(check("03.phase_at_your_frequency", phase - 20).message) == "too small (more negative), by 10–30°"
    assert direction_of(check("03.phase_at_your_frequency", phase + 8).message).endswith("by less than 10°")


def test_wrong_answers_are_counted_per_student_and_question_across_restarts(tmp_path):
    settings = Settings.from_environ({"NEURODYN_LAB_HOME": str(tmp_path / "home")})
    truth = book_rheobase(variant_for("s001").neuron)
    first = GradingSession(settings)
    first.student("s001")
    first.check("01.rheobase", 3 * truth)
    restarted = GradingSession(settings)  # a kernel restart: the count is on disk
    restarted.student("s001")
    assert direction_of(restarted.check("01.rheobase", 4 * truth).message) is not None
    other = GradingSession(settings)
    other.student("s002")
    assert direction_of(other.check("01.rheobase", 4 * truth).message) is None
    assert direction_of(restarted.check("01.first_spike_time", 100 * ms).message) is None


# ------------------------------------------------------------------------------------------------
# A mystery neuron's hidden parameter: no more than one experiment tells
# ------------------------------------------------------------------------------------------------
MYSTERY_TAU = MeasuredQuestion(id="90.tau", title="tau", hint="fit the charging curve.", within=hidden("tau"),
                               unit=second, example="a time, e.g. 5*ms", tolerance=Tolerance(rel=0.05))


@pytest.mark.parametrize("student_id", ["s001", "s2026003"])
def test_a_hidden_parameter_gets_only_twice_or_half(tmp_path, student_id):
    tau = hidden_parameters(student_id).tau  # as a determined student finds it (the book's spy)
    s = GradingSession(Settings.from_environ({"NEURODYN_LAB_HOME": str(tmp_path)}), bank=Bank([MYSTERY_TAU]))
    s.student(student_id)
    s.check("90.tau", 7 * tau)
    assert direction_of(s.check("90.tau", 3 * tau).message) == \
        "more than twice the size your experiments should find (measure it again)"
    assert direction_of(s.check("90.tau", 0.3 * tau).message) == \
        "less than half the size your experiments should find (measure it again)"
    for factor in (1.3, 0.8, 1.9, 0.55):  # nothing finer than one experiment tells
        assert direction_of(s.check("90.tau", factor * tau).message) is None
    assert direction_of(s.check("90.tau", -tau).message) is None  # the sign hint


# ------------------------------------------------------------------------------------------------
# The autograder shows what the student's screen showed
# ------------------------------------------------------------------------------------------------
autograde = pytest.importorskip("neurodyn_lab.grading.autograde", reason="the autograder needs nbgrader")


def _submitted(records):
    cells = []
    for record in records:
        name = "q" + record["question"].replace(".", "_")
        cells.append(new_code_cell("answer = ...", metadata={"nbgrader": {
            "grade_id": name + "_answer", "solution": True, "locked": False, "grade": False}}))
        cells.append(new_code_cell(f"check({record['question']!r}, answer)", metadata={"nbgrader": {
            "grade_id": name, "grade": True, "locked": True, "solution": False, "points": 1}}, outputs=[
            new_output("display_data", data={"text/plain": "x", RECORD_MIME: record})]))
    return new_notebook(cells=cells)


@pytest.mark.parametrize("student_id", ["s001", "s2026005"])
def test_the_autograder_repeats_the_direction_the_student_saw(tmp_path, student_id):
    s = GradingSession(Settings.from_environ({"NEURODYN_LAB_HOME": str(tmp_path)}))
    s.student(student_id)
    truth = book_rheobase(variant_for(student_id).neuron)
    count = classic_step_count(variant_for(student_id).classic_amplitude)[0]
    s.check("01.rheobase", 3 * truth)
    shown = {"01.rheobase": s.check("01.rheobase", 1.2 * truth), "00.classic_step_spikes":
             s.check("00.classic_step_spikes", count + 9)}
    assert direction_of(shown["01.rheobase"].message) == "too large, by 10–30 %"
    assert direction_of(shown["00.classic_step_spikes"].message) is None  # its first wrong answer
    submitted = _submitted([json.loads(json.dumps(r.record)) for r in shown.values()])
    nb, _ = autograde.KeepAttempts().preprocess(submitted, {})
    assert nb.metadata["neurodyn_lab_misses"] == {"01.rheobase": 1, "00.classic_step_spikes": 0}
    graded = autograde.grade_notebook(nb, student_id, QUESTIONS, b"key",
                                      wrong_before=nb.metadata["neurodyn_lab_misses"])
    for row in graded.rows:
        assert f"{'❌'} {row['question']}: {row['message']}" == shown[row["question"]].message
        assert row["points"] == 0
    # Without the kept counts (an old submission), no direction: never more than the student saw.
    plain = autograde.grade_notebook(_submitted([json.loads(json.dumps(r.record)) for r in shown.values()]),
                                     student_id, QUESTIONS, b"key")
    assert all(direction_of(row["message"]) is None for row in plain.rows)


def test_misses_before_in_a_record_changes_words_never_points(tmp_path):
    truth = book_rheobase(variant_for("s001").neuron)
    for misses, answer, points in ((5, truth, 1), (5, 3 * truth, 0), ("many", 3 * truth, 0), (-3, 3 * truth, 0)):
        record = {"question": "01.rheobase", "student": "s001", "misses_before": misses, "answer": {
            "kind": "quantity", "value": float(answer / amp), "dimensions": "A"}}
        nb = _submitted([record])
        nb, _ = autograde.KeepAttempts().preprocess(nb, {})
        row = autograde.grade_notebook(nb, "s001", Bank([QUESTIONS["01.rheobase"]]), b"key",
                                       wrong_before=nb.metadata["neurodyn_lab_misses"]).rows[0]
        assert row["points"] == points, (misses, row)
        assert (direction_of(row["message"]) is not None) == (points == 0 and misses == 5), row["message"]


def test_the_gain_in_mohm_from_the_book_is_what_the_bank_expects():
    # The premise of the gain directions above.
    for student_id in STUDENTS:
        v = variant_for(student_id)
        assert QUESTIONS["03.gain_at_50Hz"].grade(book_gain(50 * Hz, v.neuron), v).passed
        assert float(book_gain(50 * Hz, v.neuron) / Mohm) < float(v.neuron.R / Mohm)
