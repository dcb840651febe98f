"""Class-scale grading through nbgrader, in a temporary course with a sqlite gradebook: generate the
assignment from the solution notebook, submit a correct and a half-wrong copy, autograde, export,
and check the scores. About a minute (three nbgrader runs, two notebook executions)."""

import copy
import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

pytest.importorskip("nbgrader", reason="class-scale grading needs the instructor extra (nbgrader)")
from neurodyn_lab.grading import QUESTIONS, build  # noqa: E402

NOTEBOOK = "01_step_current.ipynb"
EXERCISES = Path(__file__).resolve().parents[1] / "exercises"

#: Two of the four questions answered wrongly (grade_id of the answer cell -> line appended).
WRONG = {
    "q01_first_spike_time_answer": "answer = answer + 5 * ms  # wrong on purpose",
    "q01_rheobase_function_answer": "rheobase = lambda params: 2 * (params.v_threshold - params.v_rest) / params.R",
}


def _nbgrader(course, *args):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # nbgrader runs `alembic`
    env.pop("NEURODYN_LAB_STRICT", None)  # the hidden tests must do the grading, not strict mode
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _submit(course, release, solutions, student, wrong=None):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell.source = solutions[grade_id] + ("\n" + wrong[grade_id] if wrong and grade_id in wrong else "")
    folder = course / "submitted" / student / "lif"
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / NOTEBOOK)
    (folder / "timestamp.txt").write_text("2025-01-06 09:00:00.000000 UTC")


def test_generate_submit_autograde_export(tmp_path):
    course = build.make_course(tmp_path / "course", "lif", notebooks=[NOTEBOOK])
    assert "sqlite:///" in (course / "nbgrader_config.py").read_text()

    _nbgrader(course, "generate_assignment", "lif", "--force")
    release = nbformat.read(course / "release" / "lif" / NOTEBOOK, as_version=4)
    # nbgrader's release and our student notebook are the same notebook (same stubs, no hidden tests).
    student = nbformat.read(EXERCISES / NOTEBOOK, as_version=4)
    assert [c.source for c in release.cells] == [c.source for c in student.cells]

    source = nbformat.read(course / "source" / "lif" / NOTEBOOK, as_version=4)
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    _submit(course, release, solutions, "alice")
    _submit(course, release, solutions, "bob", WRONG)

    _nbgrader(course, "autograde", "lif", "--force")
    _nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))

    with open(tmp_path / "grades.csv", newline="") as handle:
        scores = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(handle)}
    total = sum(q.points for q in QUESTIONS.values() if q.notebook == "01")
    lost = QUESTIONS["01.first_spike_time"].points + QUESTIONS["01.rheobase_function"].points
    assert scores == {"alice": (total, total), "bob": (total - lost, total)}

    # Bob's autograded notebook shows the hint of each failed check, never the expected value.
    graded = nbformat.read(course / "autograded" / "bob" / "lif" / NOTEBOOK, as_version=4)
    errors = [o for c in graded.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert any("01.first_spike_time" in e.evalue and "Hint:" in e.evalue for e in errors)
    assert any("01.rheobase_function" in e.evalue for e in errors)
