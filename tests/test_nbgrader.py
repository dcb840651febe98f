"""Class-scale grading through nbgrader, in a temporary course with a sqlite gradebook: generate the
assignment from the solution notebook, submit honest and dishonest copies, autograde, export, and
check the scores and the grading report.

The autograder grades in the instructor's process, for the student each submission was collected
from (`neurodyn_lab.grading.autograde`): two students who submit the same literal numbers cannot
both be right, and no answer cell that reaches into the grading code raises its score. Several
minutes (one notebook execution per submission, one Python process per function answer).
"""

import copy
import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from brian2 import amp, mV, ms, nA, second

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

pytest.importorskip("nbgrader", reason="class-scale grading needs the instructor extra (nbgrader)")
from neurodyn_lab import analysis  # noqa: E402
from neurodyn_lab.grading import QUESTIONS, build  # noqa: E402
from neurodyn_lab.grading.autograde import REPORT_CSV, REPORT_DIR  # noqa: E402
from neurodyn_lab.grading.students import neuron_of, variant_for  # noqa: E402

NOTEBOOK = "01_step_current.ipynb"
TOTAL = sum(q.points for q in QUESTIONS.values() if q.notebook == "01")
FUNCTION_POINTS = QUESTIONS["01.rheobase_function"].points


def literal_answers(student):
    """Literal numbers, correct for `student`'s neuron (from the book's closed forms), and a correct
    function: what a student who worked it all out would type."""
    p = neuron_of(student)
    rheobase = (p.v_threshold - p.v_rest) / p.R
    first_spike = 10e-3 * second + p.tau * math.log(float(p.R * 3e-9 * amp / (p.R * 3e-9 * amp - (p.v_threshold - p.v_rest))))
    v_after_tau = p.v_rest + p.R * 1e-9 * amp * (1 - math.exp(-1))
    assert float(rheobase / amp) == pytest.approx(float(analysis.rheobase(p) / amp))
    # A 0.1 ms pulse from rest: R (q/w) (1 - exp(-w/tau)) = v_threshold - v_rest.
    w = 0.1e-3
    min_charge = float((p.v_threshold - p.v_rest) / p.R / amp) * w / (1 - math.exp(-w / float(p.tau / second)))
    return {
        "q01_rheobase_answer": f"answer = {float(rheobase / nA)!r} * nA",
        "q01_first_spike_time_answer": f"answer = {float(first_spike / ms)!r} * ms",
        "q01_v_after_tau_answer": f"answer = {float(v_after_tau / mV)!r} * mV",
        "q01_rheobase_function_answer": "def rheobase(params):\n    return (params.v_threshold - params.v_rest) / params.R",
        "q01_min_charge_answer": f"answer = {min_charge / 1e-12:.6g} * nA * ms",
    }


HONEST_WRONG = {
    "q01_rheobase_answer": "answer = 7.5 * nA",
    "q01_first_spike_time_answer": "answer = 3 * ms",
    "q01_v_after_tau_answer": "answer = -10 * mV",
    "q01_rheobase_function_answer": "def rheobase(params):\n    return 2 * (params.v_threshold - params.v_rest) / params.R",
    "q01_min_charge_answer": "answer = 1 * nA * ms",
}

#: Each attack of the issue, added to the honest wrong answers (grade id of the answer cell -> code).
ATTACKS = {
    "rebind": {"q01_rheobase_answer": "answer = 7.5 * nA\nimport neurodyn_lab.grading as g\n"
                                      "g.assert_passed = g.assert_all_passed = lambda *a, **k: None"},
    "patch_check": {"q01_rheobase_answer": "answer = 7.5 * nA\nimport neurodyn_lab.grading.feedback as f\n"
                                           "f.grade = lambda *a, **k: None\ncheck = lambda *a, **k: print('✅')"},
    "edit_bank": {"q01_rheobase_answer": (
        "answer = 7.5 * nA\nimport dataclasses\nfrom neurodyn_lab.grading import QUESTIONS\n"
        "from neurodyn_lab.grading.framework import Tolerance\n"
        "QUESTIONS._questions['01.rheobase'] = dataclasses.replace(QUESTIONS['01.rheobase'], "
        "tolerance=Tolerance(rel=1e9))")},
    # Reads the expected value out of check's globals: right for the kernel's student, so only the
    # flag keeps it from scoring.
    "globals": {"q01_rheobase_answer": (
        "g = check.__globals__\nanswer = g['active_bank']()['01.rheobase'].expected(g['current']().variant)")},
    "closed_form": {"q01_rheobase_function_answer": (
        "def rheobase(params):\n    import neurodyn_lab as nl\n    return nl.analysis.rheobase(params)")},
}


def _env(tmp_path):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # nbgrader runs `alembic`
    for name in ("NEURODYN_LAB_STRICT", "JUPYTERHUB_USER", "NEURODYN_LAB_AUTOGRADE_STUDENT"):
        env.pop(name, None)  # the autograder grades, not strict mode; the student comes from the folder
    env["NEURODYN_LAB_HOME"] = str(tmp_path / "home")
    return env


def _nbgrader(course, tmp_path, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _submit(course, release, student, answers):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    folder = course / "submitted" / student / "lif"
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / NOTEBOOK)
    (folder / "timestamp.txt").write_text("2025-01-06 09:00:00.000000 UTC")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("nbgrader")
    course = build.make_course(tmp_path / "course", "lif", notebooks=[NOTEBOOK])
    _nbgrader(course, tmp_path, "generate_assignment", "lif", "--force")
    release = nbformat.read(course / "release" / "lif" / NOTEBOOK, as_version=4)
    correct = literal_answers("s001")
    _submit(course, release, "s001", correct)
    _submit(course, release, "s002", correct)  # s001's numbers, copied
    _submit(course, release, "honest", HONEST_WRONG)
    for name, attack in ATTACKS.items():
        _submit(course, release, f"attack_{name}", {**HONEST_WRONG, **attack})
    _nbgrader(course, tmp_path, "autograde", "lif", "--force")
    _nbgrader(course, tmp_path, "export", "--to", str(tmp_path / "grades.csv"))
    with open(tmp_path / "grades.csv", newline="") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    with open(course / REPORT_DIR / REPORT_CSV, newline="") as handle:
        report = list(csv.DictReader(handle))
    return course, release, scores, report


def test_the_release_is_the_student_notebook(graded):
    course, release, scores, report = graded
    student = nbformat.read(Path(__file__).resolve().parents[1] / "exercises" / NOTEBOOK, as_version=4)
    assert [c.source for c in release.cells] == [c.source for c in student.cells]


def test_each_submission_is_graded_for_the_student_it_was_collected_from(graded):
    course, release, scores, report = graded
    assert scores["s001"] == TOTAL, "; ".join(str(row) for row in report if "s001" in row.values())
    # s002 copied s001's literal numbers: the function (right for any neuron) scores, the numbers only
    # where s001's value happens to lie within the tolerance of s002's own (the book's closed forms).
    copied = literal_answers("s001")
    by_chance = sum(q.points for q in QUESTIONS.values() if q.notebook == "01" and q.id != "01.rheobase_function"
                    and q.grade(eval(copied[f"q{q.id.replace('.', '_')}_answer"].split("=", 1)[1],  # noqa: S307
                                     {"nA": nA, "ms": ms, "mV": mV}), variant_for("s002")).passed)
    assert scores["s002"] == FUNCTION_POINTS + by_chance < TOTAL
    assert scores["honest"] == 0


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_scores_no_more_than_the_honest_wrong_answers_and_is_flagged(graded, attack):
    course, release, scores, report = graded
    student = f"attack_{attack}"
    assert scores[student] <= scores["honest"]
    rows = [r for r in report if r["student"] == student]
    assert rows and any(r["flags"] for r in rows), rows
    assert not any(r["flags"] for r in report if r["student"] in ("s001", "s002", "honest"))


def test_a_closed_form_function_scores_zero_with_a_sentence_saying_so(graded):
    course, release, scores, report = graded
    row = next(r for r in report if r["student"] == "attack_closed_form" and r["question"] == "01.rheobase_function")
    assert row["points"] in ("0", "0.0") and "closed form" in row["message"]


def test_the_feedback_shows_the_hint_and_never_the_expected_value(graded):
    course, release, scores, report = graded
    graded_nb = nbformat.read(course / "autograded" / "s002" / "lif" / NOTEBOOK, as_version=4)
    errors = [o for c in graded_nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert any("01.first_spike_time" in e.evalue and "Hint:" in e.evalue for e in errors)
    p = neuron_of("s002")
    expected = f"{float(analysis.rheobase(p) / amp) * 1e9:.3g}"
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("evalue", ""))
                     for c in graded_nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Autograded for student s002" in text and expected not in text
    report = (course / REPORT_DIR / REPORT_CSV).read_text()
    assert report.count("\ns002,") == 0 or "s002" in report  # the report names every submission
    assert {r["student"] for r in csv.DictReader(report.splitlines())} >= {"s001", "s002", "honest"}
