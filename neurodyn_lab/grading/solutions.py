"""Worked solutions: the source notebook's solution of a question, shown only once it may be.

The solutions are the course's source notebooks (``exercises/source/NN_*.ipynb``): the code between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` of each answer cell (with its comments: the
explanation) and the model answers of the Think! cells. They are not in the package: nothing a
student installs holds them. They reach a student two ways.

**nbgrader's feedback** (a graded course). `WorkedSolutions` runs in ``nbgrader
generate_feedback`` (the course configuration `build.make_course` writes adds it): below each check
cell of a student's feedback it puts the worked solution of that question and, where the question
has one, the expected value *for the student the submission belongs to* (computed here, in the
instructor's process, never another student's), and the model answers below the Think! cell. By
default only after the deadline: when the gradebook's due date of the assignment, the longest
extension included, has passed; before it, or without a due date, the feedback is made without
them and one warning says why (``c.WorkedSolutions.release = "now"`` when the instructor knows the
deadline has passed, ``"never"`` to leave them out). The feedback reaches the students with
``nbgrader release_feedback``, which the instructor runs after grading.

**Self-learners** (no nbgrader). ``solution("01.rheobase")`` shows the worked solution of a
question after a correct check, after `Settings.solution_attempts` checks (default 3), or after
``give_up("01.rheobase")``; ``solution("01.think")`` shows a notebook's Think! model answers. It is
off unless the settings name a folder of source notebooks (``NEURODYN_LAB_SOLUTIONS``, read once):
a self-learner sets it to the repository's ``exercises/source``; in a graded course it stays unset
until the instructor turns it on (e.g. after the deadline, a folder the students can read, in the
hub's ``c.Spawner.environment``). While nbgrader executes a notebook it is always off.

Examples
--------
>>> from nbformat.v4 import new_code_cell, new_notebook
>>> cell = new_code_cell("answer = ...  # a number\\n### BEGIN SOLUTION\\nanswer = 6 * 7  # the product\\n"
...                      "### END SOLUTION", metadata={"nbgrader": {"grade_id": "q99_product_answer"}})
>>> worked = solutions_of(new_notebook(cells=[cell]))
>>> print(worked["99.product"].code)
answer = 6 * 7  # the product
"""

from __future__ import annotations

import copy  # noqa: F401  (the examples use it)
import datetime
import difflib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from brian2 import Quantity

from .._validation import format_number, format_value
from .framework import FunctionQuestion, PhaseQuestion
from .session import GradingSession, default_session

__all__ = ["Worked", "Closed", "SolutionBook", "solutions_of", "expected_text", "add_worked_solutions", "solution",
           "give_up", "book_of", "RELEASES"]

_BEGIN, _END = "### BEGIN SOLUTION", "### END SOLUTION"
_HIDDEN_BEGIN, _HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_ANSWER = re.compile(r"^q(\d\d)_(\w+)_answer$")
_CHECK = re.compile(r"^q(\d\d)_(\w+)$")
_THINK = re.compile(r"^think_(\d\d)$")
# The placeholder a student replaces (``answer = ...  # a current, e.g. 0.5*nA``): not part of a solution.
_PLACEHOLDER = re.compile(r"^\s*[\w.]+\s*=\s*\.\.\.\s*(#.*)?$")

#: How `WorkedSolutions` releases: after the deadline (the default), now, or never.
RELEASES = ("after_deadline", "now", "never")


@dataclass(frozen=True)
class Worked:
    """One question's worked solution, as the student may see it.

    Attributes
    ----------
    question_id : str
        ``"01.rheobase"``, or ``"01.think"`` for the Think! model answers.
    code : str
        The solution code (comments included); empty for the model answers.
    model_answer : str
        The Think! model answers (Markdown); empty for a question.
    expected : str
        The expected value for this student (``"2 nA"``), or empty.
    """

    question_id: str
    code: str = ""
    model_answer: str = ""
    expected: str = ""

    def markdown(self):
        """The worked solution as Markdown (what the feedback and the notebook show)."""
        if self.model_answer:
            return f"**Model answers ({self.question_id})**\n\n{self.model_answer}"
        text = f"**Worked solution ({self.question_id})**\n\n```python\n{self.code}\n```"
        if self.expected:
            text += f"\n\nFor your neuron and numbers the expected answer is {self.expected}."
        return text

    def _repr_markdown_(self):
        return self.markdown()

    def _repr_html_(self):
        if self.model_answer:
            body = f"<div style='white-space:pre-wrap'>{html.escape(self.model_answer)}</div>"
            title = "Model answers"
        else:
            body = f"<pre><code class='language-python'>{html.escape(self.code)}</code></pre>"
            if self.expected:
                body += f"<p>For your neuron and numbers the expected answer is {html.escape(self.expected)}.</p>"
            title = "Worked solution"
        return (f"<div class='neurodyn-worked-solution' style='border-left: 4px solid #1a7f37; padding: 4px 10px'>"
                f"<b>{title} ({html.escape(self.question_id)})</b>{body}</div>")

    def __repr__(self):
        return self.markdown()


class Closed:
    """Why a worked solution is not shown (yet): one sentence, shown as the cell's output (``.message``)."""

    def __init__(self, message):
        self.message = message

    def __repr__(self):
        return f"⏳ {self.message}"

    def _repr_html_(self):
        return (f'<div class="neurodyn-closed" role="status" style="border-left: 4px solid #9a6700; '
                f'padding: 4px 10px">⏳ {html.escape(self.message)}</div>')


def _region_lines(source, begin, end):
    """The lines of `source` outside (False) and inside (True) the regions between `begin` and `end`."""
    inside, out = False, []
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            out.append((inside, line))
    return out


def _solution_code(source):
    """An answer cell's solution: its code without the markers and the placeholder it replaces."""
    if _BEGIN not in source:
        return ""
    kept = []
    for inside, line in _region_lines(source, _BEGIN, _END):
        if inside or not _PLACEHOLDER.match(line):
            kept.append(line)
    visible = [line for hidden, line in _region_lines("\n".join(kept), _HIDDEN_BEGIN, _HIDDEN_END) if not hidden]
    return "\n".join(visible).strip("\n")


def _model_answer(source):
    """A Think! cell's model answers (the Markdown between the HTML-comment markers)."""
    lines = [line for inside, line in _region_lines(source, _BEGIN, _END) if inside]
    # The source's note to the instructor ("*Model answers: instructor notes, removed from ...*") is not for students.
    lines = [line for line in lines if not re.fullmatch(r"\s*\*Model answers:.*\*\s*", line)]
    return "\n".join(lines).strip()


def read_notebook(path):
    """The notebook at `path` (nbformat is imported here: the package does not need it otherwise)."""
    import nbformat

    return nbformat.read(path, as_version=4)


def solutions_of(nb):
    """Every worked solution of a source notebook `nb`: question id -> `Worked` (no expected value).

    Answer cells are those with grade id ``qNN_name_answer`` (question ``NN.name``); a Think! cell
    (grade id ``think_NN``) gives ``NN.think``.
    """
    found = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        match = _ANSWER.match(grade_id)
        if match and cell.cell_type == "code":
            code = _solution_code(cell.source)
            if code:
                qid = f"{match.group(1)}.{match.group(2)}"
                found[qid] = Worked(qid, code=code)
            continue
        match = _THINK.match(grade_id)
        if match and cell.cell_type == "markdown":
            answer = _model_answer(cell.source)
            if answer:
                qid = f"{match.group(1)}.think"
                found[qid] = Worked(qid, model_answer=answer)
    return found


def expected_text(question, variant):
    """The expected value of `question` for the student's `variant`, as the student writes it
    (``"2 nA"``, ``"-45.2°"``, ``"'low-pass'"``), or "" where a question has none to show (a
    function, a prediction, a measured value).

    Examples
    --------
    >>> from neurodyn_lab.grading import QUESTIONS
    >>> from neurodyn_lab.grading.students import variant_for
    >>> expected_text(QUESTIONS["01.rheobase"], variant_for("s001")).endswith(" nA")
    True
    """
    if isinstance(question, FunctionQuestion):  # its hidden cases' values are no answer to show
        return ""
    expected = getattr(question, "expected", None)
    if not callable(expected):
        return ""
    try:
        value = expected(variant)
    except Exception:  # a question that cannot say: no value rather than no feedback
        return ""
    if isinstance(question, PhaseQuestion):
        return f"{format_number(float(value), 4)}°"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Quantity):
        return format_value(value)
    try:
        return format_number(float(value))
    except (TypeError, ValueError):
        return ""


def _nb_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def add_worked_solutions(nb, source, bank, variant):
    """Insert into the graded notebook `nb` (in place) a Markdown cell below each check cell with
    the worked solution of its question from the source notebook `source` and the expected value for
    `variant` (the student's numbers), and the model answers below each Think! cell; return how many
    cells were added.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> from neurodyn_lab.grading import QUESTIONS
    >>> from neurodyn_lab.grading.students import variant_for
    >>> answer = new_code_cell("answer = ...\\n### BEGIN SOLUTION\\nanswer = 2 * p.R\\n### END SOLUTION",
    ...                        metadata={"nbgrader": {"grade_id": "q01_rheobase_answer"}})
    >>> check = new_code_cell('check("01.rheobase", answer)', metadata={"nbgrader": {"grade_id": "q01_rheobase"}})
    >>> graded = new_notebook(cells=[copy.deepcopy(answer), check])
    >>> add_worked_solutions(graded, new_notebook(cells=[answer]), QUESTIONS, variant_for("s001"))
    1
    >>> graded.cells[2].source.splitlines()[0]
    '**Worked solution (01.rheobase)**'
    """
    from nbformat.v4 import new_markdown_cell

    worked = solutions_of(source)
    cells, added = [], 0
    for cell in nb.cells:
        cells.append(cell)
        grade_id = _nb_id(cell)
        match = _CHECK.match(grade_id) if not grade_id.endswith("_answer") else None
        qid = f"{match.group(1)}.{match.group(2)}" if match and cell.cell_type == "code" else None
        think = _THINK.match(grade_id)
        if think and cell.cell_type == "markdown":
            qid = f"{think.group(1)}.think"
        if qid is None or qid not in worked:
            continue
        item = worked[qid]
        if qid in bank:
            item = Worked(qid, code=item.code, expected=expected_text(bank[qid], variant))
        cells.append(new_markdown_cell(item.markdown(), metadata={"neurodyn_lab": {"worked": qid}}))
        added += 1
    nb.cells = cells
    return added


# ------------------------------------------------------------------------- nbgrader's feedback


def _feedback_preprocessor():
    from nbgrader.preprocessors import NbGraderPreprocessor
    from traitlets import Enum, Unicode

    class WorkedSolutions(NbGraderPreprocessor):
        """In ``nbgrader generate_feedback``: the worked solutions below the check cells, for the
        student whose feedback it is, once the deadline has passed (see the module docstring)."""

        release = Enum(RELEASES, default_value="after_deadline",
                       help="When the worked solutions go into the feedback: 'after_deadline' (the gradebook's due "
                            "date, extensions included, has passed), 'now' or 'never'.").tag(config=True)
        questions_file = Unicode("", help="The course file of question changes (neurodyn_lab_questions.py)."
                                 ).tag(config=True)

        def preprocess(self, nb, resources):
            from .bank import load_bank
            from .students import canonical_id, variant_for

            info = resources["nbgrader"]
            withheld = self._withheld(info)
            if withheld:
                self.log.warning("neurodyn_lab: no worked solutions in the feedback of %s/%s: %s", info["student"],
                                 info["notebook"], withheld)
                return nb, resources
            source = self._source(info)
            if source is None:
                self.log.warning("neurodyn_lab: no source notebook %s/%s in the course directory; its feedback has "
                                 "no worked solutions", info["assignment"], info["notebook"])
                return nb, resources
            variant = variant_for(canonical_id(info["student"]))
            course_file = self.questions_file if self.questions_file and Path(self.questions_file).is_file() else None
            add_worked_solutions(nb, source, load_bank(course_file), variant)
            return nb, resources

        def _withheld(self, info):
            """Why the solutions stay out (one sentence for the instructor's log), or ""."""
            if self.release == "now":
                return ""
            if self.release == "never":
                return "c.WorkedSolutions.release is 'never'"
            return deadline_withheld(info["db_url"], info["assignment"])

        def _source(self, info):
            from nbgrader.coursedir import CourseDirectory

            coursedir = CourseDirectory(config=self.config)
            path = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"])) / \
                f"{info['notebook']}.ipynb"
            return read_notebook(path) if path.is_file() else None

    return WorkedSolutions


# The WorkedSolutions class, made on first use (nbgrader is imported then): a constant built once, like an import.
_worked_class = None


def worked_solutions_class():
    """The ``WorkedSolutions`` nbgrader preprocessor (nbgrader is imported on first use)."""
    global _worked_class
    if _worked_class is None:
        _worked_class = _feedback_preprocessor()
    return _worked_class


def deadline_withheld(db_url, assignment, now=None):
    """Why an assignment's worked solutions must wait ("" once its deadline has passed for every
    student): no due date in the gradebook, or a due date (plus the longest extension) still ahead.

    `now` is a naive UTC datetime (the gradebook's convention); default: the present.
    """
    from nbgrader.api import Gradebook, MissingEntry

    now = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    with Gradebook(db_url) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            return f"the gradebook has no assignment {assignment!r}"
        if found.duedate is None:
            return (f"the assignment {assignment!r} has no due date in the gradebook (set one with `nbgrader db "
                    f"assignment add {assignment} --duedate=...`, or c.WorkedSolutions.release = 'now' once the "
                    f"deadline has passed)")
        extensions = [s.extension for s in found.submissions if s.extension is not None]
        latest = found.duedate + max(extensions, default=datetime.timedelta(0))
        if now < latest:
            return f"the deadline {latest:%Y-%m-%d %H:%M} UTC (extensions included) has not passed yet"
    return ""


def configure_feedback(c):
    """Add `WorkedSolutions` to ``nbgrader generate_feedback`` in the configuration `c` (after
    nbgrader's GetGrades, before the HTML header); the course's ``nbgrader_config.py`` calls it."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    c.GenerateFeedback.preprocessors = [GetGrades, worked_solutions_class(), CSSHTMLHeaderPreprocessor]


# ----------------------------------------------------------------------------- self-learners


class SolutionBook:
    """A session's worked solutions for self-learners (see the module docstring).

    Parameters
    ----------
    session : GradingSession
        Whose checks open the solutions, with whose numbers, and the settings that turn it on.

    Examples
    --------
    >>> import tempfile
    >>> from neurodyn_lab._config import Settings
    >>> book = SolutionBook(GradingSession(Settings.from_environ({"NEURODYN_LAB_HOME": tempfile.mkdtemp()})))
    >>> book.solution("01.rheobase").message.split(":")[0]  # NEURODYN_LAB_SOLUTIONS unset: off
    'Worked solutions are off here'
    """

    def __init__(self, session):
        if not isinstance(session, GradingSession):
            raise TypeError(f"session must be a GradingSession, such as default_session(), got "
                            f"{type(session).__name__}")
        self.session = session
        self.given_up = set()
        self._notebooks = {}

    def _closed(self):
        settings = self.session.settings
        if settings.executed_by_nbgrader:
            return "Worked solutions are off while nbgrader runs this notebook."
        if not settings.solutions:
            return ("Worked solutions are off here: in a graded course your instructor turns them on after the "
                    "deadline; learning on your own, set the environment variable NEURODYN_LAB_SOLUTIONS to the "
                    "folder of the course's source notebooks (exercises/source in the repository) before you "
                    "start Jupyter.")
        if settings.solution_attempts < 1:
            return ("NEURODYN_LAB_SOLUTION_ATTEMPTS must be a whole number of checks such as 3; ask whoever set it "
                    "to correct it.")
        folder = Path(settings.solutions).expanduser()
        if not folder.is_dir() or not any(folder.glob("[0-9][0-9]_*.ipynb")):
            return (f"NEURODYN_LAB_SOLUTIONS must be a folder of the course's source notebooks (NN_name.ipynb), "
                    f"such as exercises/source, got {settings.solutions!r}.")
        return ""

    def _worked(self, question_id):
        prefix = question_id.split(".", 1)[0]
        if prefix not in self._notebooks:
            folder = Path(self.session.settings.solutions).expanduser()
            found = {}
            for path in sorted(folder.glob(f"{prefix}_*.ipynb")):
                found.update(solutions_of(read_notebook(path)))
            self._notebooks[prefix] = found
        return self._notebooks[prefix].get(question_id)

    def _known(self, question_id):
        if not isinstance(question_id, str):
            return f"the question id must be text such as '01.rheobase', got {question_id!r}."
        if question_id in self.session.bank or re.fullmatch(r"\d\d\.think", question_id):
            return ""
        close = difflib.get_close_matches(question_id, list(self.session.bank), n=1, cutoff=0.6)
        guess = f"did you mean {close[0]!r}?" if close else "the ids look like '01.rheobase' or '01.think'"
        return f"unknown question id {question_id!r} ({guess})."

    def opens(self, question_id):
        """Why the worked solution of `question_id` is still closed for this session's student, or ""."""
        if question_id.endswith(".think") or question_id in self.given_up:
            return ""
        result = self.session.results.get(question_id)
        if result is not None and result.status == "correct":
            return ""
        need = self.session.settings.solution_attempts
        used = self.session.attempts.used(self.session.current().id, question_id)
        if used >= need:
            return ""
        return (f"{question_id}: its worked solution opens after a correct check, after {need} checks or with "
                f"give_up({question_id!r}); you have checked it {used} time{'s' if used != 1 else ''}.")

    def solution(self, question_id):
        """The `Worked` solution of `question_id` with this student's expected value, or a
        `Closed` sentence saying why not yet."""
        why = self._closed() or self._known(question_id) or self.opens(question_id)
        if why:
            return Closed(why)
        worked = self._worked(question_id)
        if worked is None:
            return Closed(f"{question_id}: the source notebooks in {self.session.settings.solutions} have no worked "
                            f"solution for it.")
        question = self.session.bank.get(question_id)
        if question is not None:
            worked = Worked(question_id, code=worked.code,
                            expected=expected_text(question, self.session.current().variant))
        return worked

    def give_up(self, question_id):
        """Give up on `question_id` and see its worked solution (where solutions are on)."""
        why = self._closed() or self._known(question_id)
        if why:
            return Closed(why)
        self.given_up.add(question_id)
        return self.solution(question_id)


def book_of(session=None):
    """The `SolutionBook` of `session` (default: the notebook's `default_session`): one per session,
    kept by the session (``session.solution_book``) for as long as it lives."""
    session = session if session is not None else default_session()
    if session.solution_book is None:
        session.solution_book = SolutionBook(session)
    return session.solution_book


def solution(question_id):
    """The worked solution of `question_id` (e.g. ``"01.rheobase"``, or ``"01.think"`` for the
    Think! model answers), with your own expected value; it opens after a correct check, after a
    few checks, or after `give_up`, and only where worked solutions are turned on (see the module
    docstring). Otherwise one sentence says why not.

    Examples
    --------
    >>> print(solution("01.rheobase"))  # doctest: +ELLIPSIS
    ⏳ Worked solutions are off here: ...
    """
    return book_of().solution(question_id)


def give_up(question_id):
    """Give up on `question_id` and see its worked solution (where worked solutions are on)."""
    return book_of().give_up(question_id)

