"""A neuron per student: the identity order, the same numbers everywhere, attempts counted across
restarts, capped feedback for choices, a time limit on student functions, records without verdicts,
and an instructor's course file of question changes."""

import json
import re
import time

import pytest
from brian2 import Hz, Mohm, mV, ms, nA

from neurodyn_lab import LIFParams, analysis
from neurodyn_lab._config import Settings
from neurodyn_lab.grading import QUESTIONS, CheckFailed, check, feedback, framework, grade, reset, student, summary
from neurodyn_lab.grading.bank import load_bank
from neurodyn_lab.grading.feedback import RECORD_MIME, record_of
from neurodyn_lab.grading.students import AUTOGRADE_STUDENT, identify, neuron_of, variant_for


@pytest.fixture(autouse=True)
def clean(kernel_env):
    """Each test is a kernel started with no student id, no hub login, attempts under tmp_path."""
    return kernel_env


def test_identity_order_notebook_then_autograde_then_hub_then_default():
    assert identify(None, Settings.from_environ({})) == (None, "default")
    hub = Settings.from_environ({"JUPYTERHUB_USER": "hubuser"})
    assert identify(None, hub) == ("hubuser", "hub")
    graded = Settings.from_environ({"JUPYTERHUB_USER": "hubuser", AUTOGRADE_STUDENT: "s002"})
    assert identify(None, graded) == ("s002", "autograde")
    assert identify("s001", graded) == ("s001", "notebook")
    assert identify(" 0042 ") == identify(42) == ("42", "notebook")


def test_without_an_id_the_default_neuron_and_one_message_on_how_to_set_one():
    me = student()
    assert me.id is None and me.neuron == LIFParams()
    text = repr(me)
    assert text.count('set student_id = "your id"') == 1 and "JupyterHub" in text
    assert "set student_id" not in repr(student("s001"))


@pytest.mark.parametrize("student_id", [None, "s001", "s1234567"])
def test_your_numbers_show_every_number_of_your_own_that_a_question_asks_about(student_id):
    """The neuron, 00's step amplitude and 03's phase frequency are on screen, and the phase question
    grades at the frequency shown (its id says so: 03.phase_at_your_frequency)."""
    me = student(student_id)
    for text in (repr(me), me._repr_html_()):
        assert f"LIF_Step(I_amp={me.classic_amplitude:g})" in text
        assert f"tau = {float(me.neuron.tau / ms):g} ms" in text
        shown = re.search(r"Your frequency in notebook 03 \(the phase question\): me\.phase_frequency = ([0-9.]+) Hz",
                          text)
        assert shown, text
        frequency = float(shown.group(1)) * Hz
        assert frequency == me.phase_frequency
        question = QUESTIONS["03.phase_at_your_frequency"]
        assert question.grade(analysis.phase(frequency, me.neuron), me.variant).passed
        assert not question.grade(analysis.phase(frequency / 2, me.neuron), me.variant).passed


@pytest.mark.parametrize("bad, error", [(1.5, TypeError), ("  ", ValueError), (True, TypeError), ([1], TypeError)])
def test_a_bad_id_gets_one_sentence(bad, error):
    with pytest.raises(error, match="student_id must be a student id"):
        student(bad)


def test_the_same_student_gets_the_same_neuron_and_neighbours_other_ones(kernel_env):
    assert neuron_of("s001") == neuron_of("s001") == student("s001").neuron
    kernel_env(JUPYTERHUB_USER="s001")
    assert student().neuron == neuron_of("s001")  # on the hub
    kernel_env(**{AUTOGRADE_STUDENT: "s001"})
    assert student().neuron == neuron_of("s001")  # in the autograder
    drawn = {tuple(float(getattr(neuron_of(f"s{i:03d}"), f) / unit) for f, unit in
                   (("v_rest", mV), ("v_threshold", mV), ("R", Mohm), ("tau", ms))) for i in range(40)}
    assert len(drawn) == 40


def test_every_students_neuron_suits_the_questions_stimuli():
    for i in range(300):
        p = neuron_of(f"student-{i}")
        assert analysis.rheobase(p) < 2.8 * nA  # the 3 nA step of 01 and 02 fires
        assert p.v_rest + p.R * 0.5 * nA < p.v_threshold  # the 0.5 nA sinusoid of 03 stays below threshold
        assert p.v_reset < p.v_threshold and 1 * ms <= p.t_ref <= 4 * ms
        assert variant_for(f"student-{i}").classic_amplitude > 1.0  # the classic step fires


def test_expected_values_are_each_students_own():
    me, other = variant_for("s001"), variant_for("s002")
    rheobase = (me.neuron.v_threshold - me.neuron.v_rest) / me.neuron.R  # the book's closed form
    student("s001")
    assert grade("01.rheobase", rheobase).passed
    student("s002")
    assert not grade("01.rheobase", rheobase).passed
    assert QUESTIONS["01.rheobase"].grade(rheobase, me).passed and not QUESTIONS["01.rheobase"].grade(rheobase,
                                                                                                       other).passed


def test_attempts_are_counted_per_question_and_survive_a_restart(tmp_path):
    student("s001")
    for answer in (1 * nA, 1 * nA, 2 * nA, 3 * nA):  # checking the same answer again is not a new attempt
        result = check("01.rheobase", answer)
    assert result.attempts == 3
    assert {row[0]: row[5] for row in summary("01").rows}["01.rheobase"] == 3
    reset()  # a kernel restart: the first cell sets the student again
    student("s001")
    assert {row[0]: row[5] for row in summary("01").rows}["01.rheobase"] == 3
    stored = json.loads((tmp_path / "home" / "attempts.json").read_text())
    assert stored["s001"]["01.rheobase"]["n"] == 3
    student("s002")
    assert check("01.rheobase", 1 * nA).attempts == 1  # per student


def test_an_instructor_can_cap_feedback_on_choice_questions():
    assert QUESTIONS["03.filter_type"].max_attempts == 2
    assert check("03.filter_type", "high-pass").status == "wrong"
    assert check("03.filter_type", "band-pass").status == "wrong"
    capped = check("03.filter_type", "low-pass")
    assert capped.status == "recorded" and "no feedback left" in capped.message and "(at most 2" in capped.message
    assert capped.record["answer"] == {"kind": "text", "value": "low-pass"}  # still recorded for the grader
    assert check("03.filter_type", "band-pass").status == "wrong"  # the last answer again: same feedback


def test_a_student_function_that_loops_is_stopped_and_run_all_goes_on(monkeypatch):
    monkeypatch.setattr(framework, "FUNCTION_TIME_LIMIT", 0.5)

    def firing_rate(I, params):
        while True:
            pass

    start = time.monotonic()
    result = check("02.rate_function", firing_rate)
    assert time.monotonic() - start < 5
    assert result.status == "invalid" and "stopped after 0.5 s" in result.message
    assert result.message.count(". ") <= 2


def test_a_loop_that_catches_exceptions_is_stopped_too(monkeypatch):
    monkeypatch.setattr(framework, "FUNCTION_TIME_LIMIT", 0.3)

    def firing_rate(I, params):
        while True:
            try:
                time.sleep(0.01)
            except Exception:
                pass

    assert "stopped after" in check("02.rate_function", firing_rate).message


def test_the_record_says_what_was_answered_and_never_whether_it_passed():
    student("s001")
    result = check("01.rheobase", 2000 * 1e-3 * nA)
    record = result.record
    assert record["question"] == "01.rheobase" and record["student"] == "s001" and record["attempts"] == 1
    assert record["answer"]["kind"] == "quantity" and record["answer"]["dimensions"] == "A"
    assert record["answer"]["value"] == pytest.approx(2e-9)
    text = json.dumps(record)
    assert "correct" not in text and "passed" not in text and "wrong" not in text
    assert RECORD_MIME in result._bundle()
    assert record_of(lambda p: p)["kind"] == "function" and record_of(...)["kind"] == "unanswered"


def test_under_the_autograder_check_only_records_and_fails_safe(kernel_env):
    kernel_env(NBGRADER_EXECUTION="autograde")
    with pytest.raises(CheckFailed, match="configuration does not run it"):
        check("01.rheobase", 2 * nA)  # if our preprocessor is missing, the cell scores 0, not full marks
    assert grade("01.rheobase", 2 * nA).status == "recorded"


def test_strict_summary_fails_unless_every_question_passed(kernel_env):
    kernel_env(NEURODYN_LAB_STRICT="1")
    check("02.max_rate", 1 / LIFParams().t_ref)
    with pytest.raises(CheckFailed, match="02.rate_at_3nA"):
        summary("02")


def test_a_course_file_changes_tolerance_hint_and_adds_a_question(tmp_path, kernel_env):
    course_file = tmp_path / "neurodyn_lab_questions.py"
    course_file.write_text(
        "from brian2 import nA, amp\n"
        "from neurodyn_lab.grading.framework import QuantityQuestion, Tolerance\n"
        "def customise(bank):\n"
        "    bank.change('01.rheobase', tolerance=Tolerance(rel=0.10), hint='ask in the tutorial.')\n"
        "    bank.add(QuantityQuestion(id='01.twice_rheobase', title='2 x rheobase', hint='double it.',\n"
        "        expected=lambda v: 2 * (v.neuron.v_threshold - v.neuron.v_rest) / v.neuron.R, unit=amp,\n"
        "        example='a current, e.g. 0.5*nA', tolerance=Tolerance(rel=0.01)))\n")
    bank = load_bank(course_file)
    assert str(bank["01.rheobase"].tolerance) == "±10 %" and str(QUESTIONS["01.rheobase"].tolerance) == "±1 %"
    assert [q.id for q in bank.of("01")][-1] == "01.twice_rheobase"
    kernel_env(NEURODYN_LAB_QUESTIONS=str(course_file))  # the hub gives students the same bank
    assert check("01.rheobase", 2.15 * nA).passed
    wrong = check("01.rheobase", 3 * nA)
    assert "±10 %" in wrong.message and "ask in the tutorial." in wrong.message
    assert check("01.twice_rheobase", 4 * nA).passed
    with pytest.raises(TypeError, match="no field 'colour'"):
        bank.change("01.rheobase", colour="red")


def test_summary_of_another_notebook_shows_its_checks():
    check("02.max_rate", 500 * Hz)
    assert {row[0]: row[2] for row in summary("02").rows}["02.max_rate"] == "correct"
    assert feedback.SYMBOLS["recorded"]
