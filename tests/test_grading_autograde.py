"""The instructor's side without a full nbgrader round: grading records for the collected student,
function answers in a separate process (hidden cases, time limit, closed forms caught at run time),
and the flags. tests/test_nbgrader.py runs the real round."""

import copy
from pathlib import Path

import nbformat
import pytest
from brian2 import Hz, mV, ms, nA

pytest.importorskip("nbgrader", reason="the autograder needs the instructor extra (nbgrader)")
from neurodyn_lab import analysis  # noqa: E402
from neurodyn_lab.grading import QUESTIONS  # noqa: E402
from neurodyn_lab.grading.autograde import answer_from_record, grade_notebook  # noqa: E402
from neurodyn_lab.grading.feedback import RECORD_MIME, record_of  # noqa: E402
from neurodyn_lab.grading.sandbox import run_function  # noqa: E402
from neurodyn_lab.grading.students import variant_for  # noqa: E402

SOURCE = Path(__file__).resolve().parents[1] / "exercises" / "source"
KEY = b"a test key"


def _with_records(nb, answers, student):
    """`nb` as if its checks had run with `answers` (question id -> answer)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        qid = next((q for q in answers if meta.get("grade_id") == "q" + q.replace(".", "_")), None)
        if qid is not None:
            record = {"question": qid, "answer": record_of(answers[qid]), "options": {}, "attempts": 3,
                      "student": student}
            cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "x", RECORD_MIME: record})]
    return nb


def _correct_01(student):
    p = variant_for(student).neuron
    return {"01.rheobase": (p.v_threshold - p.v_rest) / p.R,
            "01.first_spike_time": 10 * ms + analysis.time_to_first_spike(3 * nA, p),
            "01.v_after_tau": p.v_rest + p.R * 1 * nA * 0.6321205588285577}


def test_records_are_graded_for_the_collected_student_and_outputs_rewritten():
    source = nbformat.read(SOURCE / "01_step_current.ipynb", as_version=4)
    nb = _with_records(source, _correct_01("s001"), "s001")
    rows, notes = grade_notebook(copy.deepcopy(nb), "s001", QUESTIONS, KEY)
    assert [(r["question"], r["points"]) for r in rows] == [
        ("01.rheobase", 1), ("01.first_spike_time", 1), ("01.v_after_tau", 1), ("01.rheobase_function", 2),
        ("01.min_charge", 0)]  # not answered in these records
    copied = copy.deepcopy(nb)
    rows, notes = grade_notebook(copied, "s002", QUESTIONS, KEY)
    # s001's numbers are wrong for s002's neuron, unless (rarely) within a tolerance of it anyway.
    chance = [QUESTIONS[q].grade(a, variant_for("s002")).passed for q, a in _correct_01("s001").items()]
    assert chance.count(True) < 3
    assert [r["points"] for r in rows] == [int(c) for c in chance] + [2, 0]
    assert any("named student s001" in n for n in notes)
    check_cell = next(c for c in copied.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q01_rheobase")
    assert [o.output_type for o in check_cell.outputs] == ["display_data", "error"]
    assert "Hint:" in check_cell.outputs[1].evalue


def test_a_missing_record_scores_zero_with_a_sentence():
    source = nbformat.read(SOURCE / "01_step_current.ipynb", as_version=4)
    rows, notes = grade_notebook(copy.deepcopy(source), "s001", QUESTIONS, KEY)
    assert rows[0]["points"] == 0 and "no answer was recorded" in rows[0]["message"]


@pytest.mark.parametrize("answer", [2.5 * nA, 40 * Hz, -3.2 * mV, 12.0, "low-pass", ..., [1, 2]])
def test_answers_survive_the_record(answer):
    rebuilt = answer_from_record(record_of(answer))
    if answer is ...:
        assert rebuilt is ...
    elif isinstance(answer, list):
        assert "list" in repr(rebuilt)
    else:
        assert rebuilt == answer


def _cases(*params):
    units = {"v_rest": "volt", "v_reset": "volt", "v_threshold": "volt", "R": "ohm", "tau": "second", "t_ref": "second"}
    return [[{"kind": "params", "fields": {k: (float(getattr(p, k)), u) for k, u in units.items()}}] for p in params]


def test_the_separate_process_calls_the_function_and_catches_closed_forms_at_run_time():
    from neurodyn_lab import LIFParams

    p = LIFParams()
    honest = run_function("def rheobase(params):\n    return (params.v_threshold - params.v_rest) / params.R",
                          "rheobase", _cases(p), seconds=5)
    assert honest["problem"] is None and honest["closed_form_calls"] == []
    assert honest["results"][0]["value"] == pytest.approx(2e-9) and honest["results"][0]["dim"] == "A"
    # Built from pieces, so the source analysis cannot see it; the stand-in in the process does.
    sneaky = run_function("def rheobase(params):\n    m = __import__('neurodyn_lab.anal' + 'ysis', fromlist=['x'])\n"
                          "    return getattr(m, 'rheo' + 'base')(params)", "rheobase", _cases(p), seconds=5)
    assert sneaky["closed_form_calls"] == ["rheobase"]


def test_the_separate_process_stops_a_function_that_loops():
    out = run_function("def rheobase(params):\n    while True:\n        pass", "rheobase",
                       _cases(__import__("neurodyn_lab").LIFParams()), seconds=1)
    assert out["problem"] == "timeout"


def test_hidden_cases_are_the_students_own_and_need_the_key():
    question = QUESTIONS["02.rate_function"]
    mine, again = question.hidden_cases(KEY, "s001"), question.hidden_cases(KEY, "s001")
    assert [c.arguments for c in mine] == [c.arguments for c in again]
    assert [c.arguments for c in mine] != [c.arguments for c in question.hidden_cases(KEY, "s002")]
    assert [c.arguments for c in mine] != [c.arguments for c in question.hidden_cases(b"another key", "s001")]
    assert any(c.note == "below the rheobase" for c in mine) and any(not c.note for c in mine)
    shown = {c.arguments for c in question.cases(variant_for("s001"))}
    assert not shown & {c.arguments for c in mine}


def test_attempts_of_the_submission_reach_the_report():
    from neurodyn_lab.grading.autograde import KeepAttempts

    source = nbformat.read(SOURCE / "01_step_current.ipynb", as_version=4)
    submitted = _with_records(source, {"01.rheobase": 3 * nA}, "s001")  # the student's own run: attempt 3
    nb, _ = KeepAttempts().preprocess(submitted, {})
    assert nb.metadata["neurodyn_lab"] == {"attempts": {"01.rheobase": 3}, "named": ["s001"]}
    rows, notes = grade_notebook(nb, "s001", QUESTIONS, KEY, attempts=nb.metadata["neurodyn_lab"]["attempts"])
    assert rows[0]["attempts"] == 3
