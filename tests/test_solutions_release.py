"""Worked solutions released to students (issue 19, item 6): after the deadline through nbgrader's
feedback, and for self-learners on request once they checked or gave up.

The nbgrader part runs the real commands on notebook 01 for two students whose neurons differ:
``generate_assignment``, ``autograde``, ``generate_feedback`` (without a due date, before it, with an
extension still running, after it) and ``release_feedback`` into an exchange folder. Each student's
feedback page holds the worked solutions and *their own* expected values, never the other's, and
none before the deadline. The self-learner part drives `SolutionBook` with constructed settings:
off unless a folder of source notebooks is named, closed until a correct check, N checks or
`give_up`, never while nbgrader executes.
"""

import datetime
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from brian2 import nA

from neurodyn_lab._config import Settings
from neurodyn_lab.grading import QUESTIONS, GradingSession, solution
from neurodyn_lab.grading.framework import FunctionQuestion
from neurodyn_lab.grading.solutions import Closed, SolutionBook, Worked, add_worked_solutions, expected_text, solutions_of
from neurodyn_lab.grading.students import variant_for

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"
NOTEBOOK = "01_step_current.ipynb"
ASSIGNMENT = "lif"
STUDENTS = ("alice", "bob")
# A line of 01's rheobase solution and a clause of its Think! model answers (what the feedback must show).
RHEOBASE_LINE = "answer = (p.v_threshold - p.v_rest) / p.R"


def source_notebooks():
    return {path.name: nbformat.read(path, as_version=4) for path in sorted(SOURCE.glob("[0-9][0-9]_*.ipynb"))}


# ------------------------------------------------------------------- what a worked solution is


def test_every_answer_cell_of_the_source_gives_its_solution_without_markers_or_placeholder():
    for name, nb in source_notebooks().items():
        worked = solutions_of(nb)
        answer_ids = {m.group(1) + "." + m.group(2) for c in nb.cells
                      if (m := re.match(r"^q(\d\d)_(\w+)_answer$", c.metadata.get("nbgrader", {}).get("grade_id", "")))}
        assert answer_ids and answer_ids <= set(worked), (name, answer_ids - set(worked))
        for qid in answer_ids:
            code = worked[qid].code
            assert "### BEGIN" not in code and "### END" not in code and "HIDDEN TESTS" not in code
            assert not re.search(r"^\s*answer = \.\.\.", code, re.M), (qid, code)
        if any(c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("think_") for c in nb.cells):
            qid = name[:2] + ".think"
            assert worked[qid].model_answer and "BEGIN SOLUTION" not in worked[qid].model_answer
            assert "instructor notes" not in worked[qid].model_answer


def test_expected_values_are_each_students_own():
    rheobase = QUESTIONS["01.rheobase"]
    alice, bob = (expected_text(rheobase, variant_for(s)) for s in STUDENTS)
    assert alice != bob and alice.endswith(" nA") and bob.endswith(" nA")
    # The text is the value the grader expects for that student (the bank's, read back).
    assert float(alice.split()[0]) == pytest.approx(float(rheobase.expected(variant_for("alice")) / nA), rel=1e-5)
    # Questions without a value to show: a function, a prediction.
    function = next(q for q in QUESTIONS.values() if isinstance(q, FunctionQuestion))
    assert expected_text(function, variant_for("alice")) == ""


def test_add_worked_solutions_puts_each_solution_below_its_check_with_the_students_numbers():
    source = source_notebooks()[NOTEBOOK]
    graded = nbformat.from_dict(nbformat.v4.new_notebook(cells=[c for c in source.cells]))
    added = add_worked_solutions(graded, source, QUESTIONS, variant_for("alice"))
    worked = solutions_of(source)
    assert added == len(worked)
    for index, cell in enumerate(graded.cells):
        qid = cell.metadata.get("neurodyn_lab", {}).get("worked")
        if qid and not qid.endswith(".think"):
            check_id = graded.cells[index - 1].metadata["nbgrader"]["grade_id"]
            assert check_id == "q" + qid.replace(".", "_")  # right below its check cell
    text = "\n".join(c.source for c in graded.cells if c.metadata.get("neurodyn_lab"))
    assert RHEOBASE_LINE in text
    assert expected_text(QUESTIONS["01.rheobase"], variant_for("alice")) in text
    assert expected_text(QUESTIONS["01.rheobase"], variant_for("bob")) not in text


# ----------------------------------------------------------------------------- self-learners


def book(tmp_path, **env):
    settings = Settings.from_environ({"NEURODYN_LAB_HOME": str(tmp_path / "home"), **env})
    return SolutionBook(GradingSession(settings))


def test_off_unless_a_folder_of_source_notebooks_is_named(tmp_path):
    closed = book(tmp_path).solution("01.rheobase")
    assert isinstance(closed, Closed) and "NEURODYN_LAB_SOLUTIONS" in closed.message
    assert "answer =" not in closed.message and RHEOBASE_LINE not in repr(closed)
    assert book(tmp_path).give_up("01.rheobase").message == closed.message  # giving up opens nothing either
    assert isinstance(solution("01.rheobase"), Closed)  # this process: nothing named


def test_opens_after_a_correct_check_n_checks_or_giving_up(tmp_path):
    opened = book(tmp_path, NEURODYN_LAB_SOLUTIONS=str(SOURCE), NEURODYN_LAB_SOLUTION_ATTEMPTS="2")
    session = opened.session
    session.student("alice")
    first = opened.solution("01.rheobase")
    assert isinstance(first, Closed) and "after 2 checks" in first.message and "checked it 0 times" in first.message
    session.keep(session.grade("01.rheobase", 1 * nA))
    assert isinstance(opened.solution("01.rheobase"), Closed)
    session.keep(session.grade("01.rheobase", 1.5 * nA))  # the second wrong check
    worked = opened.solution("01.rheobase")
    assert isinstance(worked, Worked) and RHEOBASE_LINE in worked.code
    assert worked.expected == expected_text(QUESTIONS["01.rheobase"], variant_for("alice"))
    assert RHEOBASE_LINE in worked._repr_markdown_() and "expected answer is" in worked._repr_html_()
    # A correct check opens it at once.
    right = QUESTIONS["01.first_spike_time"].expected(variant_for("alice"))
    session.keep(session.grade("01.first_spike_time", right))
    assert isinstance(opened.solution("01.first_spike_time"), Worked)
    # Giving up opens it; another question stays closed; Think! model answers are not graded.
    assert isinstance(opened.solution("01.v_after_tau"), Closed)
    assert isinstance(opened.give_up("01.v_after_tau"), Worked)
    assert isinstance(opened.solution("01.v_after_tau"), Worked)
    assert isinstance(opened.solution("01.min_charge"), Closed)
    assert opened.solution("01.think").model_answer


@pytest.mark.parametrize("env, question, sentence", [
    ({"NBGRADER_EXECUTION": "autograde"}, "01.rheobase", "off while nbgrader runs this notebook"),
    ({"NEURODYN_LAB_SOLUTION_ATTEMPTS": "three"}, "01.rheobase", "NEURODYN_LAB_SOLUTION_ATTEMPTS must be a whole"),
    ({"NEURODYN_LAB_SOLUTIONS": "/nonexistent"}, "01.rheobase", "NEURODYN_LAB_SOLUTIONS must be a folder"),
    ({}, "01.rheobas", "unknown question id '01.rheobas' (did you mean '01.rheobase'?)"),
    ({}, 42, "the question id must be text such as '01.rheobase', got 42."),
])
def test_refusals_are_one_sentence(tmp_path, env, question, sentence):
    settings = {"NEURODYN_LAB_SOLUTIONS": str(SOURCE), **env}
    result = book(tmp_path, **settings).give_up(question)
    assert isinstance(result, Closed) and sentence in result.message and "\n" not in result.message


# ----------------------------------------------------------------------- nbgrader's feedback

#: The real nbgrader commands: a course of notebook 01, two students (measured 2026-12-03: 28 s of CPU, about
#: 3 min on a loaded 2-core machine, most of it generate_assignment and autograde).
def nbgrader_round(test):
    return pytest.mark.slow(pytest.mark.notebooks(test))


def _env(tmp_path):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # nbgrader runs `alembic`
    for name in ("NEURODYN_LAB_STRICT", "JUPYTERHUB_USER", "NEURODYN_LAB_AUTOGRADE_STUDENT", "NEURODYN_LAB_QUESTIONS",
                 "NEURODYN_LAB_SOLUTIONS"):
        env.pop(name, None)
    env["NEURODYN_LAB_HOME"] = str(tmp_path / "home")
    return env


def _nbgrader(course, tmp_path, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr


def _visible_text(page):
    """What a reader of the feedback page sees: tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    pytest.importorskip("nbgrader", reason="the feedback release needs the instructor extra (nbgrader)")
    from neurodyn_lab.grading import build

    tmp_path = tmp_path_factory.mktemp("feedback")
    course = build.make_course(tmp_path / "course", ASSIGNMENT, notebooks=[NOTEBOOK], course_id="nd-feedback",
                               exchange_root=tmp_path / "exchange")
    (tmp_path / "exchange").mkdir()
    (tmp_path / "exchange").chmod(0o777)
    _nbgrader(course, tmp_path, "generate_assignment", ASSIGNMENT, "--force")
    release = course / "release" / ASSIGNMENT / NOTEBOOK
    for student in STUDENTS:  # unanswered notebooks: the feedback is what matters here
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / NOTEBOOK).write_bytes(release.read_bytes())
        (folder / "timestamp.txt").write_text("2026-01-12 09:00:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(f"secret-of-{student}")  # what nbgrader submit writes
    _nbgrader(course, tmp_path, "autograde", ASSIGNMENT, "--force")
    return course, tmp_path


def _feedback(course, tmp_path):
    """Generate the feedback now; return (log, student -> the visible text of their page)."""
    log = _nbgrader(course, tmp_path, "generate_feedback", ASSIGNMENT, "--force")
    pages = {s: _visible_text((course / "feedback" / s / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html"))
                              .read_text(encoding="utf-8")) for s in STUDENTS}
    return log, pages


def _set_deadline(course, due, extension=None):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=due)
        submission = gradebook.find_submission(ASSIGNMENT, "bob")
        submission.extension = extension
        gradebook.db.commit()


@nbgrader_round
def test_the_deadline_is_the_gradebooks_due_date_with_the_longest_extension(course):
    from neurodyn_lab.grading.solutions import deadline_withheld

    course, _ = course
    db = f"sqlite:///{course / 'gradebook.db'}"
    now = datetime.datetime(2026, 12, 3, 12, 0)
    day = datetime.timedelta(days=1)
    try:
        for due, extension, why in [
            (None, None, "has no due date in the gradebook"),
            (now + day, None, "the deadline 2026-12-04 12:00 UTC (extensions included) has not passed yet"),
            (now - day, 3 * day, "the deadline 2026-12-05 12:00 UTC (extensions included) has not passed yet"),
            (now - day, day / 2, ""),
        ]:
            _set_deadline(course, due, extension)
            assert why in deadline_withheld(db, ASSIGNMENT, now=now) and (why or not deadline_withheld(db, ASSIGNMENT, now=now))
        assert "no assignment 'other'" in deadline_withheld(db, "other", now=now)
    finally:
        _set_deadline(course, None)


@nbgrader_round
def test_feedback_holds_no_solution_before_the_deadline(course):
    course, tmp_path = course
    _set_deadline(course, None)
    log, pages = _feedback(course, tmp_path)
    assert "has no due date in the gradebook" in log, log[-2000:]
    for student, page in pages.items():
        assert "Worked solution" not in page and RHEOBASE_LINE not in page and "Model answers" not in page, student


@nbgrader_round
def test_after_the_deadline_each_student_gets_the_worked_solutions_with_their_own_numbers(course):
    course, tmp_path = course
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    _set_deadline(course, now - datetime.timedelta(days=3), datetime.timedelta(days=1))
    _, pages = _feedback(course, tmp_path)
    worked = solutions_of(nbformat.read(SOURCE / NOTEBOOK, as_version=4))
    values = {s: expected_text(QUESTIONS["01.rheobase"], variant_for(s)) for s in STUDENTS}
    for student, page in pages.items():
        other = next(s for s in STUDENTS if s != student)
        assert page.count("Worked solution (") == len([q for q in worked if not q.endswith(".think")])
        assert RHEOBASE_LINE in page and "Model answers (01.think)" in page
        assert f"the expected answer is {values[student]}" in page
        assert values[other] not in page  # never another student's value
        for qid in ("01.first_spike_time", "01.v_after_tau"):
            assert expected_text(QUESTIONS[qid], variant_for(student)) in page
            assert expected_text(QUESTIONS[qid], variant_for(other)) not in page
    # nbgrader's release_feedback delivers these pages through the exchange, as students fetch them.
    _nbgrader(course, tmp_path, "release_feedback", ASSIGNMENT)
    released = sorted((tmp_path / "exchange" / "nd-feedback" / "feedback").glob("*.html"))
    assert len(released) == len(STUDENTS)
    texts = [_visible_text(p.read_text(encoding="utf-8")) for p in released]
    assert all(RHEOBASE_LINE in t for t in texts)
    assert sorted(next(s for s in STUDENTS if f"is {values[s]}" in t) for t in texts) == sorted(STUDENTS)


@nbgrader_round
def test_release_never_and_now_are_the_instructors_word(course):
    from neurodyn_lab.grading.solutions import worked_solutions_class

    course, _ = course
    graded = nbformat.read(course / "autograded" / "alice" / ASSIGNMENT / NOTEBOOK, as_version=4)
    resources = {"nbgrader": {"student": "alice", "assignment": ASSIGNMENT, "notebook": NOTEBOOK[:-6],
                              "db_url": f"sqlite:///{course / 'gradebook.db'}"}}
    config = {"CourseDirectory": {"root": str(course)}}
    from traitlets.config import Config

    cells = len(graded.cells)
    never = worked_solutions_class()(config=Config(config), release="never")
    assert len(never.preprocess(graded, resources)[0].cells) == cells
    now = worked_solutions_class()(config=Config(config), release="now")  # no due date needed
    assert len(now.preprocess(graded, resources)[0].cells) > cells
