"""The whole course through the real nbgrader round, as an instructor runs it (docs/instructors.md):
`build.make_course` (what ``python -m neurodyn_lab.grading.build --course`` does), ``nbgrader
generate_assignment``, the students' submissions, ``nbgrader autograde``, ``nbgrader export``.

Every notebook of the course, every question of the bank (ids and questions come from the bank,
never written here). The submissions are the notebooks as the students ran them: each is executed
first in a kernel of its own as the student (``JUPYTERHUB_USER``), outputs and all, and that
executed notebook is what nbgrader collects and autogrades. The students:

- `CODE` answers with the solution notebooks' code (from the course's source notebooks);
- `TYPED` types literal numbers (and writes the function), correct for their own neuron, and
  explores: changes a parameter in every provided code cell (or adds a line to it) and runs it;
- `COPIER` types `CODE`'s literal numbers: they lose every question whose answer depends on the
  student (every question except those with one answer for everybody);
- `ATTACKER` rebinds the grading functions, patches the bank, reads expected values out of
  ``check.__globals__`` (in 04: out of the mystery neuron's simulation), and calls the package's
  closed form inside a function answer; each attack sits in the answer cell of a question it aims
  at, next to a wrong answer, and scores no more than that honest wrong answer would, flagged;
- ``w1`` and ``w2``: wrong answers. ``w1`` types correct literals except the questions at even positions
  of each notebook (the first, third, ...), which it answers wrong, and ``w2`` those at odd positions:
  every question is wrong in one submission and right in the other, so each question's points are
  checked both ways, and no wrong answer sits next to a right one it could spoil that the four
  students of before (positions K, K + 4, ...; 2026-12-03: 48 submissions, now 36) did not also have.
  Each adds a cell at the end that compares with the package's closed form once everything is checked
  (`AFTERWARDS`: flagged, but it can change no answer, so it costs nothing). Every question's
  wrong answer runs through the real round: one
  autograde of a notebook takes a few seconds (about 4 s of kernel and 1-2 s of nbgrader,
  2026-12-03), cheap enough that nothing is graded in-process here.

Expected values come from the book's closed forms (`book_values`, after
/work/shared/reference/book-formulas.md), the mystery neurons' hidden parameters (read as a
determined student reads them, by wrapping the simulation) and the count of a step's spikes from
the inter-spike interval; never from the package's answers. Which closed form a question asks for
is found by trying each of them against the bank for several students (exactly one must fit), so
the bank's ids and order can change without this file.

The autograder's verdicts must match the student-side ``check()`` verdicts on the same executed
notebooks, question by question (except the attacks, which fool the student's kernel by design:
the test shows they do). The table notebook x student x (expected, got) points, with nbgrader's
own scores from the gradebook, and the round's duration are printed and written next to the
course (``round.md``).

Measured 2026-12-03 on the shared 2-core machine, 41 submitted notebooks: 300 s for the whole file
with other test runs going on (load 3.5), 660 s under load 7; the students' runs take about 130 s
of CPU (two at a time), ``nbgrader autograde`` 4-5 s per notebook (kernel in its sandbox,
nbgrader, the function answers' processes), ``generate_assignment`` about 10 s.
"""

import copy
import csv
import json
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from brian2 import Hz, Mohm, Quantity, amp, coulomb, farad, get_dimensions, mV, ms, nA, nfarad, ohm, second, volt

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

pytest.importorskip("nbgrader", reason="class-scale grading needs the instructor extra (nbgrader)")
from nbgrader.api import Gradebook  # noqa: E402

from neurodyn_lab.grading import QUESTIONS, build  # noqa: E402
from neurodyn_lab.grading.answers import Rejected  # noqa: E402
from neurodyn_lab.grading.autograde import REPORT_CSV, REPORT_DIR, RULE_ANSWER  # noqa: E402
from neurodyn_lab.grading.feedback import RECORD_MIME  # noqa: E402
from neurodyn_lab.grading.framework import ChoiceQuestion, FigureQuestion, FunctionQuestion, MeasuredQuestion, \
    PredictionQuestion  # noqa: E402
from neurodyn_lab.grading.students import variant_for  # noqa: E402

import book_nb00  # noqa: E402
import book_nb01  # noqa: E402
import book_nb02  # noqa: E402
import book_nb03  # noqa: E402
import book_nb04  # noqa: E402
import book_nb05  # noqa: E402
from book_common import classic_step_count, hidden_parameters, interval  # noqa: E402,F401

#: The book's answers, one module per notebook.
BOOK = (book_nb00, book_nb01, book_nb02, book_nb03, book_nb04, book_nb05)

ASSIGNMENT = "lif"
#: Ids whose numbers differ enough: `COPIER` fails with `CODE`'s numbers on every question whose
#: answer depends on the student (`test_the_students_numbers_tell_them_apart` checks it).
CODE, TYPED, COPIER, ATTACKER = "s2026001", "s2026002", "s2026004", "s2026005"
#: Students with a few wrong answers each: ``wK`` answers the questions at positions K, K + n, K + 2n, ...
#: of each notebook wrong (n of them; every question is some wK's wrong one). Each question's points are
#: checked on their own, so several wrong answers in one submission test as much as one each, in fewer
#: executions of the notebook (the round grows with the notebooks, not with their questions).
WRONG_STUDENTS = 2
SINGLE_WRONG = [f"w{k + 1}" for k in range(WRONG_STUDENTS)]
STUDENTS = [CODE, TYPED, COPIER, ATTACKER] + SINGLE_WRONG
HONEST = [CODE, TYPED, COPIER] + SINGLE_WRONG
#: What the single-wrong students add at the end of each notebook, after every check.
AFTERWARDS = "from neurodyn_lab import LIFParams, analysis\nprint('the package says', analysis.rheobase(LIFParams()))"
#: A developer's round of some notebooks only: ``ROUND_NOTEBOOKS=02,03 pytest tests/test_nbgrader.py``
#: (the whole course is built; only these notebooks are submitted). `make test` runs them all.
ONLY = [n.strip() for n in os.environ.get("ROUND_NOTEBOOKS", "").split(",") if n.strip()]
#: The stub nbgrader puts where a solution was (build.CODE_STUB).
STUB = build.CODE_STUB


# ------------------------------------------------------------------------------------------------
# The book's answers
# ------------------------------------------------------------------------------------------------
def book_values(student):
    """Every quantity a question of the course can ask, for `student`'s numbers, from the book's
    closed forms (and the mystery neuron's hidden parameters): name -> value. Each notebook's
    values are in its own module (tests/book_nbNN.py, `values(student, variant)`)."""
    v = variant_for(student)
    values = {}
    for module in BOOK:
        values.update(module.values(student, v))
    values.update({f"prediction {qid}": f(student, v) for qid, f in PREDICTIONS.items()})
    return values


#: Function questions: the body a student writes from the book, by the function's name.
FUNCTION_BODIES = {name: body for module in BOOK for name, body in module.FUNCTION_BODIES.items()}
#: The attack "closed form in the function": a function answer's body that returns the package's own
#: answer (``closed`` is neurodyn_lab.analysis), by the function's name.
CLOSED_FORM_CALLS = {name: call for module in BOOK for name, call in module.CLOSED_FORM_CALLS.items()}


#: Figure questions: the code a student writes from the book, leaving the Figure in ``fig``, by id.
FIGURE_CODE = {qid: code for module in BOOK for qid, code in getattr(module, "FIGURE_CODE", {}).items()}
#: Predictions of several points: the book's points a student predicts, by id (``f(student, variant)``);
#: a prediction of one value predicts the book's value of the question it is about.
PREDICTIONS = {qid: f for module in BOOK for qid, f in getattr(module, "PREDICTIONS", {}).items()}


def _accepts(question, value, student):
    try:
        return question.grade(value, variant_for(student)).passed
    except Rejected:
        return False


def roles(questions, students):
    """Which book value each (non-function) question asks for: the one name of `book_values` that
    the bank accepts for every student (question id -> name)."""
    values = {s: book_values(s) for s in students}
    found = {}
    for q in questions:
        if isinstance(q, FunctionQuestion):
            assert q.name in FUNCTION_BODIES, f"{q.id} asks for a function {q.name}: add the book's body to this file"
            continue
        if isinstance(q, FigureQuestion):
            assert q.id in FIGURE_CODE, f"{q.id} asks for a figure: add the book's code to FIGURE_CODE of its book module"
            continue
        if isinstance(q, PredictionQuestion):  # any plausible prediction counts: below, once its question's role is known
            continue
        fitting = [name for name in values[students[0]] if not name.startswith("prediction ") and
                   all(_accepts(q, values[s][name], s) for s in students)]
        assert len(fitting) == 1, f"{q.id}: expected exactly one book value to fit, found {fitting}"
        found[q.id] = fitting[0]
    for q in questions:  # a prediction: the book's points, or the book's value of what it predicts
        if isinstance(q, PredictionQuestion):
            found[q.id] = f"prediction {q.id}" if q.id in PREDICTIONS else found.get(q.about)
            assert found[q.id] is not None, f"{q.id} predicts {q.about}: add its points to PREDICTIONS of its book module"
            assert all(_accepts(q, values[s][found[q.id]], s) for s in students), f"{q.id}: the book's prediction"
    return found


# ------------------------------------------------------------------------------------------------
# Answer cells
# ------------------------------------------------------------------------------------------------
_SHOWN_IN = [(amp, nA, "nA"), (second, ms, "ms"), (volt, mV, "mV"), (coulomb, nA * ms, "nA * ms"), (Hz, Hz, "Hz"),
             (ohm, Mohm, "Mohm"), (farad, nfarad, "nfarad")]
IMPORTS = "from brian2 import Hz, Mohm, mV, ms, nA\nimport numpy as np\n"


def literal(value):
    """`value` as a student types it (six significant digits, the usual units)."""
    if isinstance(value, Quantity):
        unit, name = next((u, n) for d, u, n in _SHOWN_IN if get_dimensions(d) == get_dimensions(value))
        return f"{float(value / unit):.6g} * {name}"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):  # predicted points: [(x, y), ...]
        return "[" + ", ".join(f"({literal(x)}, {literal(y)})" for x, y in value) + "]"
    return repr(value) if isinstance(value, int) else f"{value:.6g}"


def wrong(value):
    """An honest wrong answer: far outside every tolerance, and not one of the common mistakes."""
    if isinstance(value, tuple):  # a measurement (value, uncertainty): the value wrong, honestly uncertain
        return (wrong(value[0]),) + value[1:]
    if isinstance(value, str):
        return "high-pass"
    if isinstance(value, int):
        return value + 5
    if isinstance(value, float):  # degrees
        return value - 30
    if get_dimensions(value) == get_dimensions(volt):
        return value + 15 * mV
    return 1.5 * value


def filled(release_source, code):
    """The released answer cell with the student's `code` where nbgrader's stub is, indented as
    the stub (a function's body)."""
    line = next(line for line in release_source.splitlines() if line.strip() == STUB)
    indent = line[: len(line) - len(line.lstrip())]
    body = "\n".join(indent + part if part else part for part in code.splitlines())
    return release_source.replace(line, body)


def function_body(question, wrong_answer=False):
    body = FUNCTION_BODIES[question.name]
    if wrong_answer:  # twice the book's value wherever it fires
        head, last = body.rsplit("\n", 1) if "\n" in body else ("", body)
        body = (head + "\n" if head else "") + last.replace("return ", "return 2 * (", 1) + ")"
    return body


def typed_code(question, value, wrong_answer=False):
    if isinstance(question, FunctionQuestion):
        return function_body(question, wrong_answer)
    if isinstance(question, FigureQuestion):  # the book's plot; wrong: no x label (the first thing checked)
        unlabelled = "\nfor axes in fig.axes:\n    axes.set_xlabel('')" if wrong_answer else ""
        return IMPORTS + FIGURE_CODE[question.id].strip("\n") + unlabelled + "\nanswer = fig"
    if isinstance(question, PredictionQuestion):  # wrong: no prediction committed
        return IMPORTS + ("answer = ..." if wrong_answer else f"answer = {literal(value)}")
    if wrong_answer and isinstance(question, ChoiceQuestion):  # another of its choices, not a word it rejects
        value = next(c for c in question.choices if c != value)
        return IMPORTS + f"answer = {literal(value)}"
    if isinstance(value, tuple):  # a measurement: (value, uncertainty)
        return IMPORTS + f"answer = ({', '.join(literal(x) for x in (wrong(value) if wrong_answer else value))})"
    return IMPORTS + f"answer = {literal(wrong(value) if wrong_answer else value)}"


_PARAMETER = re.compile(r"^(\s*)(\w+) = (\d+\.?\d*) \* (\w+)(.*)$", re.M)


def explored(source):
    """A provided cell as a curious student leaves it: the first parameter set as ``name = number *
    unit`` (not a duration) 10 % larger, or else a line of their own at the end."""
    for match in _PARAMETER.finditer(source):
        indent, name, number, unit, rest = match.groups()
        if "duration" not in name:
            changed = f"{indent}{name} = {float(number) * 1.1:g} * {unit}{rest}  # tried another value"
            return source[:match.start()] + changed + source[match.end():]
    return source + "\nprint('explored')"


def provided_cells(nb):
    """Grade ids or indices of the code cells the student may edit that are not answer cells."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not c.metadata.get(
        "nbgrader", {}).get("locked") and not c.metadata.get("nbgrader", {}).get("solution")]


def solution_code(source_cell):
    """The solution notebook's answer cell without nbgrader's markers: what `CODE` writes."""
    return "\n".join(line for line in source_cell.source.splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


ATTACKS = ("read the expected value", "patch the bank", "rebind check", "closed form in the function")


def attack_code(kind, question, value, role):
    qid = question.id
    mystery = isinstance(question, MeasuredQuestion) or (role or "").startswith("mystery ")
    if kind == "read the expected value" and mystery:
        parameter = role.split(" ", 1)[1]
        read = f"(seen[0].{parameter}, {literal(value[1])})" if isinstance(value, tuple) else f"seen[0].{parameter}"
        return (f"import neurodyn_lab.grading.mystery as hidden\nseen, original = [], hidden.simulate\n"
                "hidden.simulate = lambda current, duration, **kw: seen.append(kw['params']) or "
                "original(current, duration, **kw)\n"
                "m.simulate(inputs.zero(), 1 * ms)\nhidden.simulate = original\n"
                f"answer = {read}")
    if kind == "read the expected value":
        return ("session = check.__globals__['default_session']()\n"
                f"answer = session.bank[{qid!r}].expected(session.current().variant)")
    if kind == "patch the bank":
        return (typed_code(question, value, wrong_answer=True) + "\nfrom neurodyn_lab.grading import QUESTIONS\n"
                "from neurodyn_lab.grading.framework import Verdict\n"
                f"object.__setattr__(QUESTIONS[{qid!r}], 'verdict', lambda *a: Verdict('correct', 'correct.'))")
    if kind == "rebind check":
        return (typed_code(question, value, wrong_answer=True) + "\nimport neurodyn_lab.grading as grading\n"
                "grading.check = check = lambda question, *a, **k: print(f'✅ {question}: correct.')")
    assert kind == "closed form in the function"
    return "from neurodyn_lab import analysis as closed\n" + CLOSED_FORM_CALLS[question.name]


def attack_plan(questions):
    """Which attack sits in which answer cell of one notebook: the function questions call the
    closed form; the first other question reads the expected value, the second patches the bank,
    the last rebinds check (a short notebook gets several in one cell); the rest are answered
    correctly, and lose their points because a flagged cell runs before their checks."""
    plain = [q for q in questions if not isinstance(q, FunctionQuestion)]
    plan = {q.id: ["closed form in the function"] for q in questions if isinstance(q, FunctionQuestion)}
    second, last = plain[min(1, len(plain) - 1)], plain[-1]
    # A prediction or a figure has no expected value to read: the first question that has one.
    first = next((q for q in plain if not isinstance(q, (PredictionQuestion, FigureQuestion))), plain[0])
    for q, kind in ((first, "read the expected value"), (second, "patch the bank"), (last, "rebind check")):
        plan.setdefault(q.id, []).append(kind)
    return plan


# ------------------------------------------------------------------------------------------------
# The round
# ------------------------------------------------------------------------------------------------
def answer_id(qid):
    return "q" + qid.replace(".", "_") + "_answer"


@dataclass
class Submission:
    student: str
    notebook: str  # file name
    kind: str
    answers: dict  # answer cell grade id -> source
    expected: dict  # question id -> points
    wrong: tuple = ()  # the questions answered wrong (the wK students)
    attacks: dict = field(default_factory=dict)  # question id -> attack kinds


def plan_submissions(course):
    """Every submission of the round (one per student and notebook)."""
    names = sorted(path.name for path in (course / "source" / ASSIGNMENT).glob("[0-9][0-9]_*.ipynb")
                   if not ONLY or path.name[:2] in ONLY)
    release = {n: nbformat.read(course / "release" / ASSIGNMENT / n, as_version=4) for n in names}
    source = {n: nbformat.read(course / "source" / ASSIGNMENT / n, as_version=4) for n in names}
    per_notebook = {n: QUESTIONS.of(n[:2]) for n in names}
    role = roles([q for qs in per_notebook.values() for q in qs], [CODE, TYPED, COPIER])
    values = {s: book_values(s) for s in STUDENTS}
    plans = []
    for name in names:
        questions = per_notebook[name]
        cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release[name].cells}
        source_cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in source[name].cells}
        full = {q.id: q.points for q in questions}
        plans.append(Submission(CODE, name, "solution code", {answer_id(q.id): solution_code(source_cells[answer_id(
            q.id)]) for q in questions}, dict(full)))
        plans.append(Submission(TYPED, name, "typed literals", typed(questions, cells, values[TYPED], role), dict(full)))
        # Another student's numbers: right only where every student has the same answer (by the book).
        shared = {q.id for q in questions if isinstance(q, (FunctionQuestion, FigureQuestion, PredictionQuestion)) or
                  all(_same(values[s][role[q.id]], values[CODE][role[q.id]]) for s in STUDENTS)}
        plans.append(Submission(COPIER, name, f"{CODE}'s numbers", typed(questions, cells, values[CODE], role),
                                {q.id: q.points if q.id in shared else 0 for q in questions}))
        plan = attack_plan(questions)
        attacked = typed(questions, cells, values[ATTACKER], role)
        for qid, kinds in plan.items():
            q = QUESTIONS[qid]
            code = "\n".join(attack_code(kind, q, values[ATTACKER].get(role.get(qid)), role.get(qid)) for kind in kinds)
            attacked[answer_id(qid)] = filled(cells[answer_id(qid)].source, code)
        # A question checked before the first attacked answer cell (a prediction at the top) was answered
        # honestly and no flagged cell runs before its check: it keeps its points; all others score 0.
        first_attack = min(i for i, q in enumerate(questions) if q.id in plan)
        plans.append(Submission(ATTACKER, name, "attacks", attacked, {q.id: q.points if i < first_attack else 0
                                                                      for i, q in enumerate(questions)}, attacks=plan))
        for k, student in enumerate(SINGLE_WRONG[:len(questions)]):
            wrong_ids = tuple(q.id for q in questions[k::len(SINGLE_WRONG)])
            plans.append(Submission(student, name, "wrong answers", typed(questions, cells, values[student], role,
                                                                          wrong_ids),
                                    {p.id: 0 if p.id in wrong_ids else p.points for p in questions}, wrong=wrong_ids))
    return plans, release


def typed(questions, cells, values, role, wrong_ids=()):
    """Answer cells with literal `values` (and the book's functions), the questions `wrong_ids` answered
    wrong."""
    return {answer_id(q.id): filled(cells[answer_id(q.id)].source, typed_code(
        q, values.get(role.get(q.id)), wrong_answer=q.id in wrong_ids)) for q in questions}


def _same(a, b):
    if isinstance(a, Quantity):
        return abs(float(a / b) - 1) < 1e-9
    return a == b


#: Runs notebooks as their students would, in this environment's kernel: json job file -> executed.
RUNNER = r'''
import json, os, sys
import nbformat
from nbclient import NotebookClient
for job in json.load(open(sys.argv[1])):
    for name in ("NEURODYN_LAB_STRICT", "NBGRADER_EXECUTION", "NEURODYN_LAB_AUTOGRADE_STUDENT"):
        os.environ.pop(name, None)
    os.environ.update(job["env"])
    nb = nbformat.read(job["path"], as_version=4)
    NotebookClient(nb, timeout=600, allow_errors=True, kernel_name="python3", shutdown_kernel="immediate",
                   resources={"metadata": {"path": os.path.dirname(job["path"])}}).execute()
    nbformat.write(nb, job["path"])
'''


def run_as_students(jobs, tmp_path, workers=2):
    """Execute the submissions in place, each in a fresh kernel as its student, `workers` at a time."""
    shares = [jobs[k::workers] for k in range(workers)]
    running = []
    for k, share in enumerate(shares):
        job_file = tmp_path / f"student-runs-{k}.json"
        job_file.write_text(json.dumps(share))
        running.append(subprocess.Popen([sys.executable, "-c", RUNNER, str(job_file)], env=_env(tmp_path),
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for process in running:
        out, _ = process.communicate(timeout=1800)
        assert process.returncode == 0, out[-3000:]


def _env(tmp_path):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # nbgrader runs `alembic`
    for name in ("NEURODYN_LAB_STRICT", "JUPYTERHUB_USER", "NEURODYN_LAB_AUTOGRADE_STUDENT", "NEURODYN_LAB_QUESTIONS"):
        env.pop(name, None)  # the autograder grades, not strict mode; the student comes from the folder
    env["NEURODYN_LAB_HOME"] = str(tmp_path / "home")
    return env


def _nbgrader(course, tmp_path, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=3000)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def student_verdicts(nb):
    """question id -> status, as the student saw it in their own run (the checks' outputs)."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            record = data.get(RECORD_MIME)
            html = str(data.get("text/html", ""))
            if record and "neurodyn-check-" in html:
                found[record["question"]] = html.split("neurodyn-check-", 1)[1].split('"', 1)[0]
        if cell.metadata.get("nbgrader", {}).get("grade"):  # a check the student rebound prints "✅ id: ..."
            printed = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            for line in printed.splitlines():
                if line.startswith("✅ ") and ":" in line:
                    found.setdefault(line[2:].split(":", 1)[0], "correct")
    return found


@dataclass
class Round:
    course: Path
    plans: list
    release: dict
    submitted: dict  # (student, notebook) -> the executed notebook the student handed in
    reports: dict  # (student, notebook) -> the report JSON
    scores: dict  # (student, notebook) -> nbgrader's score in the gradebook
    totals: dict  # student -> nbgrader export's score
    csv_rows: list
    seconds: float


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    start = time.monotonic()
    tmp_path = tmp_path_factory.mktemp("nbgrader")
    course = build.make_course(tmp_path / "course", ASSIGNMENT)
    _nbgrader(course, tmp_path, "generate_assignment", ASSIGNMENT, "--force")
    plans, release = plan_submissions(course)
    jobs = []
    for plan in plans:
        nb = copy.deepcopy(release[plan.notebook])
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in plan.answers:
                cell.source = plan.answers[grade_id]
        if plan.student == TYPED:
            for index in provided_cells(nb):
                nb.cells[index].source = explored(nb.cells[index].source)
        if plan.wrong:
            nb.cells.append(nbformat.v4.new_code_cell(AFTERWARDS))
        folder = course / "submitted" / plan.student / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / plan.notebook)
        (folder / "timestamp.txt").write_text("2026-01-12 09:00:00.000000 UTC")
        jobs.append({"path": str(folder / plan.notebook), "env": {
            "JUPYTERHUB_USER": plan.student, "NEURODYN_LAB_HOME": str(tmp_path / "home" / plan.student)}})
    ran, cpu = time.monotonic(), [_cpu()]
    run_as_students(jobs, tmp_path)
    cpu.append(_cpu())
    submitted = {(p.student, p.notebook): nbformat.read(course / "submitted" / p.student / ASSIGNMENT / p.notebook,
                                                        as_version=4) for p in plans}
    graded_at = time.monotonic()
    _nbgrader(course, tmp_path, "autograde", ASSIGNMENT, "--force")
    autograded = time.monotonic()
    cpu.append(_cpu())
    _nbgrader(course, tmp_path, "export", "--to", str(tmp_path / "grades.csv"))
    with open(tmp_path / "grades.csv", newline="") as handle:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    reports = {(p.student, p.notebook): json.loads((course / REPORT_DIR / ASSIGNMENT / p.student /
                                                     p.notebook.replace(".ipynb", ".json")).read_text())
               for p in plans}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {(p.student, p.notebook): gradebook.find_submission_notebook(
            p.notebook.replace(".ipynb", ""), ASSIGNMENT, p.student).score for p in plans}
    with open(course / REPORT_DIR / REPORT_CSV, newline="") as handle:
        csv_rows = list(csv.DictReader(handle))
    seconds = time.monotonic() - start
    result = Round(course, plans, release, submitted, reports, scores, totals, csv_rows, seconds)
    table = round_table(result)
    (tmp_path / "round.md").write_text(table + "\n", encoding="utf-8")
    print(f"\n{table}\n\nround: {seconds:.0f} s (students' runs {graded_at - ran:.0f} s, {cpu[1] - cpu[0]:.0f} s of CPU; "
          f"autograde {autograded - graded_at:.0f} s, {cpu[2] - cpu[1]:.0f} s of CPU; {len(plans)} submitted "
          f"notebooks); table in {tmp_path / 'round.md'}")
    return result


def _cpu():
    # CPU seconds of the finished child processes and theirs (kernels, nbgrader, function answers).
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def round_table(result):
    lines = ["| notebook | student | submission | expected | got (nbgrader) | report |", "|---|---|---|---|---|---|"]
    for plan in result.plans:
        key = (plan.student, plan.notebook)
        what = plan.kind + (f": {', '.join(plan.wrong)}" if plan.wrong else "")
        report = sum(r["points"] for r in result.reports[key]["questions"])
        lines.append(f"| {plan.notebook[:-6]} | {plan.student} | {what} | {sum(plan.expected.values()):g} | "
                     f"{result.scores[key]:g} | {report:g} |")
    return "\n".join(lines)


def _rows(result, plan):
    return {row["question"]: row for row in result.reports[(plan.student, plan.notebook)]["questions"]}


# ------------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------------
def test_the_round_covers_the_whole_course(graded):
    if ONLY:
        pytest.skip(f"ROUND_NOTEBOOKS={','.join(ONLY)}: a developer's round of some notebooks, not the course")
    names = {p.notebook for p in graded.plans}
    assert names == {path.name for path in build.SOURCE.glob("[0-9][0-9]_*.ipynb")}
    assert {q.id for q in QUESTIONS.values()} == {qid for p in graded.plans for qid in p.expected}
    assert {qid for p in graded.plans for qid in p.wrong} == {q.id for q in QUESTIONS.values()}
    assert len({p.student for p in graded.plans}) >= 3


def test_the_students_numbers_tell_them_apart():
    # The premises of the expected points: another student's numbers are wrong for COPIER wherever
    # the answers differ at all, and no student's step count sits at the edge of a spike.
    role = roles(list(QUESTIONS.values()), [CODE, TYPED, COPIER])
    mine, theirs = book_values(COPIER), book_values(CODE)
    passing = [q.id for q in QUESTIONS.values() if q.id in role and not isinstance(q, PredictionQuestion)
               and not _same(mine[role[q.id]], theirs[role[q.id]]) and _accepts(q, theirs[role[q.id]], COPIER)]
    assert not passing, f"{CODE}'s numbers pass {passing} for {COPIER}: choose other student ids"
    for student in STUDENTS:
        assert classic_step_count(variant_for(student).classic_amplitude)[1] > 0.05, student


def test_the_release_is_the_student_notebook(graded):
    for name, release in graded.release.items():
        student = nbformat.read(build.OUT / name, as_version=4)
        assert [c.source for c in release.cells] == [c.source for c in student.cells], name


def test_every_submission_gets_exactly_the_expected_points_per_question(graded):
    problems = []
    for plan in graded.plans:
        rows = _rows(graded, plan)
        got = {qid: rows[qid]["points"] for qid in plan.expected}
        if got != plan.expected:
            problems.append(f"{plan.student} {plan.notebook} ({plan.kind} {plan.wrong}): expected {plan.expected}, "
                            f"got {got}; " + "; ".join(f"{q}: {rows[q]['message']} [{rows[q]['flags']}]"
                                                       for q in got if got[q] != plan.expected[q]))
    assert not problems, "\n".join(problems)


def test_nbgraders_scores_are_the_reports_points(graded):
    # What the students get is nbgrader's score (from the check cells' outputs we rewrite).
    for plan in graded.plans:
        key = (plan.student, plan.notebook)
        assert graded.scores[key] == sum(plan.expected.values()), (key, graded.scores[key], plan.expected)
    for student in STUDENTS:
        assert graded.totals[student] == sum(sum(p.expected.values()) for p in graded.plans if p.student == student)


def test_honest_students_are_never_flagged(graded):
    for plan in graded.plans:
        if plan.student in HONEST:
            report = graded.reports[(plan.student, plan.notebook)]
            assert not any(row["flags"] or row["rule"] for row in report["questions"]), (plan.student, plan.notebook)
            flagged = [note for note in report["notes"] if note.startswith("Flagged")]
            counted = [cell for cell in report["flagged_cells"] if cell["counted"]]
            if plan.wrong:  # the comparison added at the end: reported, and it costs nothing
                last = len(graded.submitted[(plan.student, plan.notebook)].cells)
                assert flagged and all(f"cell {last} (a cell the student added)" in n and "costs no points" in n
                                       for n in flagged), flagged
                assert counted and {c["cell"] for c in counted} == {last}
            else:
                assert not flagged and not counted, (plan.student, plan.notebook, flagged)


def test_provided_cells_the_student_explored_in_cost_nothing(graded):
    # TYPED changed every provided cell; what the course wrote in them (closed forms in the bonus
    # sections, if any are editable) is still the course's.
    for plan in graded.plans:
        if plan.student != TYPED:
            continue
        release, submitted = graded.release[plan.notebook], graded.submitted[(TYPED, plan.notebook)]
        edited = provided_cells(release)
        assert edited and all(submitted.cells[i].source != release.cells[i].source for i in edited)
        for cell in graded.reports[(TYPED, plan.notebook)]["flagged_cells"]:
            assert cell["cell"] - 1 in edited and cell["origin"] == "edited" and not cell["counted"]
            assert cell["why"] == "the statement is one the course provided", cell


def test_student_side_checks_and_the_autograder_agree(graded):
    disagreements, compared = [], 0
    for plan in graded.plans:
        if plan.student not in HONEST:
            continue
        mine = student_verdicts(graded.submitted[(plan.student, plan.notebook)])
        rows = _rows(graded, plan)
        for qid in plan.expected:
            compared += 1
            if mine.get(qid) != rows[qid]["status"]:
                disagreements.append(f"{plan.student} {qid}: student saw {mine.get(qid)}, autograder "
                                     f"{rows[qid]['status']} ({rows[qid]['message']})")
    assert compared >= len(HONEST) and not disagreements, "\n".join(disagreements)


def test_each_attack_fools_the_students_kernel_but_not_the_autograder(graded):
    seen = set()
    for plan in graded.plans:
        if plan.student != ATTACKER:
            continue
        mine = student_verdicts(graded.submitted[(plan.student, plan.notebook)])
        rows = _rows(graded, plan)
        for qid, kinds in plan.attacks.items():
            seen.update(kinds)
            assert mine.get(qid) == "correct", f"the attack {kinds} on {qid} did not even fool the kernel"
            assert rows[qid]["points"] == 0 and rows[qid]["rule"] == RULE_ANSWER and rows[qid]["flags"], rows[qid]
        # No more than the honest wrong answers: those would have kept the unattacked questions'
        # points; the flagged cells before them cost those too.
        assert sum(r["points"] for r in rows.values()) == sum(plan.expected.values())  # only what precedes them
        assert any(note.startswith("Flagged") for note in graded.reports[(plan.student, plan.notebook)]["notes"])
    assert seen == set(ATTACKS) - ({"closed form in the function"} if not any(  # of the notebooks submitted
        isinstance(q, FunctionQuestion) for p in graded.plans for q in QUESTIONS.of(p.notebook[:2])) else set())


def test_a_closed_form_function_scores_zero_with_a_sentence_saying_so(graded):
    for plan in graded.plans:
        for qid, kinds in plan.attacks.items():
            if "closed form in the function" in kinds:
                assert "closed form" in _rows(graded, plan)[qid]["message"]


def test_the_feedback_shows_hints_and_never_an_expected_value(graded):
    for plan in graded.plans:
        if plan.student != COPIER:
            continue
        nb = nbformat.read(graded.course / "autograded" / COPIER / ASSIGNMENT / plan.notebook, as_version=4)
        # What the autograder writes: the check cells' and the summary's outputs.
        text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("evalue", ""))
                         for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
                         for o in c.outputs)
        assert f"Autograded for student {COPIER}" in text
        lost = [qid for qid, points in plan.expected.items() if not points]
        assert all(any(qid in line and "Hint:" in line for line in text.splitlines()) for qid in lost)
        # Neither COPIER's own answers nor the numbers they copied (CODE's answers).
        role = roles(QUESTIONS.of(plan.notebook[:2]), [CODE, TYPED, COPIER])
        for student in (COPIER, CODE):
            values = book_values(student)
            for qid in lost:
                if not isinstance(values[role[qid]], (Quantity, float)):
                    continue  # a count or a choice: nothing that the ids and points could not contain too
                shown = literal(values[role[qid]]).replace(" * ", " ").replace("Mohm", "MΩ")
                digits = re.sub(r"\D", "", shown.split()[0]).strip("0")
                assert len(digits) < 3 or (shown not in text and f"{float(shown.split()[0]):.3g} " not in text), \
                    (qid, shown)


def test_the_course_report_names_every_submission(graded):
    assert {(r["student"], r["notebook"]) for r in graded.csv_rows} == {
        (p.student, p.notebook.replace(".ipynb", "")) for p in graded.plans}
    assert {"flags", "rule", "message"} <= set(graded.csv_rows[0])
