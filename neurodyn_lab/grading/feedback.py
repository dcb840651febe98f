"""Feedback in the notebook: check() on one answer, summary() of this notebook's questions.

``check`` never raises for a wrong, missing or malformed answer, so "Run All" goes on; it shows
✅ / ❌ with a hint (rich HTML and plain text) and returns a `CheckResult`. In strict mode
(environment variable ``NEURODYN_LAB_STRICT=1``, set by the test suite for the solution notebooks)
a check that does not pass raises `CheckFailed`.

The feedback is for the student; it is not the grade. Each check also writes a record of what was
answered (value and unit, the attempt count, the student) into its cell's output, and the
instructor's autograder (`autograde`) grades those records in its own process, for the student the
submission was collected from. Attempts are counted per question and student, across kernel
restarts (in ``~/.neurodyn_lab/attempts.json``, or ``$NEURODYN_LAB_HOME``).

Examples
--------
>>> from brian2 import nA, pA
>>> r = grade("01.rheobase", 2000 * pA)
>>> r.passed, r.points, r.max_points
(True, 1, 1)
>>> grade("01.rheobase", ...).message
'❔ 01.rheobase: not answered yet: replace the ... by your answer and run the cell again.'
"""

import difflib
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from brian2 import Quantity, get_dimensions

from .answers import Rejected, describe_answer
from .bank import active_bank
from .students import current

__all__ = ["check", "grade", "summary", "CheckResult", "Summary", "CheckFailed", "strict_mode", "reset",
           "record_of", "RECORD_MIME", "SYMBOLS"]

#: The MIME type of the record a check writes into its cell's output (read by the autograder).
RECORD_MIME = "application/vnd.neurodyn-lab.check+json"

SYMBOLS = {"correct": "✅", "wrong": "❌", "invalid": "❌", "unanswered": "❔", "error": "⚠️", "recorded": "📝",
           "not checked": "·"}
_COLOURS = {"correct": "#1a7f37", "wrong": "#cf222e", "invalid": "#cf222e", "unanswered": "#6e7781",
            "error": "#9a6700", "recorded": "#0969da"}

#: This kernel's latest result per question id, in the order first checked.
_session = {}


class CheckFailed(AssertionError):
    """Raised in strict mode when an answer does not pass."""


def strict_mode():
    """Whether ``NEURODYN_LAB_STRICT`` is set (1, true, yes): then failed checks raise."""
    return os.environ.get("NEURODYN_LAB_STRICT", "").strip().lower() in ("1", "true", "yes", "on")


def _autograding():
    # nbgrader sets NBGRADER_EXECUTION while it executes a notebook (autograde, validate).
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _under_autograde():
    return os.environ.get("NBGRADER_EXECUTION") == "autograde"


#: What a check cell says when nbgrader autogrades without our `autograde.GradeAnswers` (which
#: replaces this output): fail safe, every question scores 0 rather than full marks.
NOT_GRADED = ("recorded for the neurodyn_lab autograder; if this is your grade, the course's nbgrader "
              "configuration does not run it (python -m neurodyn_lab.grading.build --course).")


# ------------------------------------------------------------------------------------------------
# Attempts, per student and question, kept across kernel restarts
# ------------------------------------------------------------------------------------------------
class _Attempts:
    def __init__(self):
        self.counts = None

    def _path(self):
        home = os.environ.get("NEURODYN_LAB_HOME", "").strip()
        return Path(home) if home else Path.home() / ".neurodyn_lab"

    def _load(self):
        if self.counts is None:
            self.counts = {}
            if not _autograding():
                try:
                    self.counts = json.loads((self._path() / "attempts.json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    self.counts = {}
        return self.counts

    def _entry(self, student, question_id):
        entry = self._load().setdefault(student or "default", {}).get(question_id)
        return entry if isinstance(entry, dict) else {"n": 0, "last": None}

    def used(self, student, question_id):
        """How many different answers this student has checked for the question."""
        return int(self._entry(student, question_id).get("n", 0))

    def is_new(self, student, question_id, answer):
        return self._entry(student, question_id).get("last") != _answer_key(answer)

    def count(self, student, question_id, answer):
        """Count `answer` (a record) as an attempt unless it is the answer checked last time (running
        the notebook again is not a new attempt); return the attempts so far."""
        entry = self._entry(student, question_id)
        key = _answer_key(answer)
        if entry.get("last") != key:
            entry = {"n": int(entry.get("n", 0)) + 1, "last": key}
            self._load().setdefault(student or "default", {})[question_id] = entry
            self._save()
        return entry["n"]

    def _save(self):
        if _autograding():
            return
        try:  # best effort: a read-only home must not stop the check
            folder = self._path()
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "attempts.json").write_text(json.dumps(self.counts, indent=1), encoding="utf-8")
        except OSError:
            pass

    def forget(self):
        self.counts = None


def _answer_key(answer_record):
    return json.dumps(answer_record, sort_keys=True)


_attempts = _Attempts()


# ------------------------------------------------------------------------------------------------
# Results and their display
# ------------------------------------------------------------------------------------------------
class _Shown:
    """Shows itself once in the cell that made it (check() already displayed it), and again when
    displayed in a later cell."""

    def _bundle(self):
        return {"text/plain": self._text(), "text/html": self._html()}

    def _show(self):
        _display(self._bundle())
        object.__setattr__(self, "_shown_in", _execution_count())

    def _ipython_display_(self):
        shown_in = getattr(self, "_shown_in", None)
        if shown_in is not None and shown_in == _execution_count():
            object.__setattr__(self, "_shown_in", None)  # a second explicit display() does show
            return
        _display(self._bundle())


@dataclass(frozen=True)
class CheckResult(_Shown):
    """The outcome of `check`.

    Attributes
    ----------
    question_id : str
    status : str
        ``"correct"``, ``"wrong"``, ``"invalid"`` (cannot be graded as given), ``"unanswered"``,
        ``"recorded"`` (no feedback: attempts used up, or the autograder is running) or ``"error"``
        (unknown question, or the grader itself failed).
    detail : str
        The sentence after the question id.
    points, max_points : int
        The points this feedback would give (the autograder decides the grade).
    attempts : int
        Checks of this question by this student so far, this one included.
    max_attempts : int or None
        The cap on checks with feedback, if the question has one.
    record : dict
        What was answered, as written into the cell's output for the autograder.
    """

    question_id: str
    status: str
    detail: str
    points: int
    max_points: int
    attempts: int = 0
    max_attempts: object = None
    record: object = None

    @property
    def passed(self):
        return self.status == "correct"

    @property
    def message(self):
        """The feedback as one line of plain text (also shown as HTML in the notebook)."""
        return f"{SYMBOLS[self.status]} {self.question_id}: {self.detail}"

    def _text(self):
        return self.message

    def _attempt_text(self):
        if not self.attempts:
            return ""
        cap = f" of {self.max_attempts}" if self.max_attempts else ""
        return f"attempt {self.attempts}{cap}"

    def _html(self):
        colour = _COLOURS.get(self.status, "#6e7781")
        extra = []
        if self.max_points:
            extra.append(f'{self.points}/{self.max_points} point{"s" if self.max_points != 1 else ""}')
        if self.attempts:
            extra.append(self._attempt_text())
        return (f'<div class="neurodyn-check neurodyn-check-{self.status}" role="status" '
                f'style="border-left: 4px solid {colour}; padding: 4px 10px; margin: 4px 0">'
                f"{SYMBOLS[self.status]} <strong>{html.escape(self.question_id)}</strong>: "
                f"{html.escape(self.detail)}"
                + (f' <span style="color: #6e7781">({", ".join(extra)})</span>' if extra else "")
                + "</div>")

    def _bundle(self):
        bundle = super()._bundle()
        if self.record is not None:
            bundle[RECORD_MIME] = self.record
        return bundle


def record_of(answer):
    """What the autograder needs to know about `answer`: its kind and, for a value, the value in SI
    units with its dimensions (a JSON-ready dict; never a verdict).

    Examples
    --------
    >>> from brian2 import nA
    >>> record_of(2 * nA)["value"]
    2e-09
    """
    if answer is Ellipsis:
        return {"kind": "unanswered"}
    if isinstance(answer, (bool, np.bool_)):
        return {"kind": "other", "description": repr(bool(answer))}
    if isinstance(answer, str):
        return {"kind": "text", "value": answer[:200]}
    if callable(answer) and not isinstance(answer, (Quantity, np.ndarray)):
        return {"kind": "function", "name": str(getattr(answer, "__name__", ""))[:100]}
    try:
        if isinstance(answer, Quantity) and np.size(answer) == 1:
            return {"kind": "quantity", "value": float(np.asarray(answer).ravel()[0]),
                    "dimensions": str(get_dimensions(answer))}
        if isinstance(answer, (int, float, np.integer, np.floating)) or (
                isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype.kind in "iuf"):
            return {"kind": "number", "value": float(np.asarray(answer).ravel()[0])}
    except (TypeError, ValueError):
        pass
    return {"kind": "other", "description": describe_answer(answer)[:200]}


def _feedback(question, answer, options, variant):
    """The feedback status and sentence (the expected value stays inside the question's frames)."""
    try:
        verdict = question.grade(answer, variant, options)
        return verdict.status, verdict.text
    except Rejected as problem:
        return problem.status, problem.message
    except Exception as error:  # a bug in the grader must not stop "Run All"
        return "error", (f"the grader could not check this answer ({type(error).__name__}: {error}); "
                         "please tell your instructor.")


def grade(question_id, answer=..., **options):
    """The `CheckResult` for `answer`, without showing it (never raises). It counts as an attempt.

    Parameters are those of `check`.
    """
    bank = active_bank()
    question = bank.get(question_id) if isinstance(question_id, str) else None
    if question is None:
        return _unknown(question_id, bank)
    me = current()
    answered = {"answer": record_of(answer), "options": {k: record_of(v) for k, v in sorted(options.items())}}
    capped = question.max_attempts is not None and _attempts.is_new(me.id, question_id, answered) and \
        _attempts.used(me.id, question_id) >= question.max_attempts
    attempts = _attempts.used(me.id, question_id) if capped else _attempts.count(me.id, question_id, answered)
    record = dict(question=question_id, **answered, attempts=attempts, student=me.id, student_source=me.source)
    if _under_autograde():
        status, text = "recorded", "answer recorded for the autograder."
    elif capped:
        status, text = "recorded", (f"no feedback left for this question (at most {question.max_attempts} checks "
                                    "with feedback); your answer is recorded and your instructor grades it.")
    else:
        status, text = _feedback(question, answer, options, me.variant)
    passed = status == "correct"
    return CheckResult(question_id=question_id, status=status, detail=text,
                       points=question.points if passed else 0, max_points=question.points, attempts=attempts,
                       max_attempts=question.max_attempts, record=record)


def _unknown(question_id, bank):
    if isinstance(question_id, str):
        close = difflib.get_close_matches(question_id, list(bank), n=1, cutoff=0.6)
        guess = f"did you mean {close[0]!r}?" if close else "the ids look like '01.rheobase'"
        text = f"unknown question id {question_id!r} ({guess})."
    else:
        text = (f"the question id must be text such as '01.rheobase' (the first argument of check), "
                f"got {question_id!r}.")
    label = question_id if isinstance(question_id, str) else "check"
    return CheckResult(question_id=str(label), status="error", detail=text, points=0, max_points=0)


def check(question_id, answer=..., **options):
    """Check an answer, show the feedback in the notebook, and return a `CheckResult`.

    Parameters
    ----------
    question_id : str
        The question, e.g. ``"01.rheobase"``.
    answer : object
        Your answer: a quantity with any unit of the right dimension (``2*nA`` or ``2000*pA``), a
        number (a phase in degrees), a count, text for a choice (``"high-pass"``), or a function;
        ``...`` means "not answered yet".
    **options
        What some questions need: ``I0=`` for an amplitude answer to 03.gain_at_50Hz.

    Returns
    -------
    CheckResult
        ``.passed``, ``.points``, ``.max_points``, ``.message``, ``.attempts``.

    Raises
    ------
    CheckFailed
        Only in strict mode (``NEURODYN_LAB_STRICT=1``), when the check does not pass.

    Examples
    --------
    >>> from brian2 import mV
    >>> r = check("01.rheobase", 2 * mV)  # doctest: +ELLIPSIS
    ❌ 01.rheobase: you gave a voltage (2...), but the question asks for a current, e.g. 0.5*nA.
    >>> r.passed
    False
    """
    result = grade(question_id, answer, **options)
    if result.status != "error" or result.question_id in active_bank():
        _session.pop(result.question_id, None)
        _session[result.question_id] = result
    result._show()  # noqa: SLF001 (CheckResult is this module's own class)
    if _under_autograde():
        raise CheckFailed(NOT_GRADED)
    if strict_mode() and not result.passed and result.status != "recorded":
        raise CheckFailed(result.message)
    return result


@dataclass(frozen=True)
class Summary(_Shown):
    """This notebook's questions with their status, points and attempts.

    Attributes
    ----------
    rows : tuple of (question_id, title, status, points, max_points, attempts)
        ``status`` is a CheckResult status, or ``"not checked"``.
    points, max_points : int
    problem : str
        One sentence when `summary` was asked for a notebook that does not exist, else "".
    """

    rows: tuple
    points: int
    max_points: int
    problem: str = ""

    @property
    def message(self):
        """The table (or the one sentence about an unknown notebook) as plain text."""
        return self._text()

    @property
    def all_passed(self):
        """Whether every question of the notebook was checked and passed."""
        return bool(self.rows) and all(row[2] == "correct" for row in self.rows)

    @property
    def not_passed(self):
        """Ids of the questions not (yet) passed."""
        return [row[0] for row in self.rows if row[2] != "correct"]

    def _text(self):
        if self.problem:
            return f"{SYMBOLS['error']} summary: {self.problem}"
        if not self.rows:
            return ("No question checked yet in this notebook: run the check cells above, or call "
                    "summary('01') with the notebook's number.")
        width = max(len(row[0]) for row in self.rows)
        lines = [f"{'question':<{width}}  status           points  attempts"]
        for qid, _title, status, points, max_points, attempts in self.rows:
            lines.append(f"{qid:<{width}}  {SYMBOLS.get(status, '·')} {status:<14} {f'{points}/{max_points}':<7} "
                         f"{attempts}")
        lines.append(f"{'total':<{width}}  {'':<16} {self.points}/{self.max_points}")
        lines.append("(Your instructor's autograder decides the grade; this is the feedback so far.)")
        return "\n".join(lines)

    def _html(self):
        if self.problem or not self.rows:
            return f"<p>{html.escape(self._text())}</p>"
        body = "".join(
            f"<tr><td><code>{html.escape(qid)}</code></td><td>{html.escape(title)}</td>"
            f"<td>{SYMBOLS.get(status, '·')} {html.escape(status)}</td><td>{points}/{max_points}</td>"
            f"<td>{attempts}</td></tr>"
            for qid, title, status, points, max_points, attempts in self.rows)
        return ('<table class="neurodyn-summary"><caption>Your answers in this notebook (your instructor\'s '
                "autograder decides the grade)</caption>"
                "<thead><tr><th>question</th><th>what</th><th>status</th><th>points</th><th>attempts</th></tr>"
                f"</thead><tbody>{body}</tbody><tfoot><tr><th colspan='3'>total</th>"
                f"<th>{self.points}/{self.max_points}</th><th></th></tr></tfoot></table>")


def _notebook_prefix(notebook, known):
    if isinstance(notebook, bool) or not isinstance(notebook, (str, int)):
        return None
    prefix = str(notebook).split("_", 1)[0].split(".", 1)[0].zfill(2)
    return prefix if prefix in known else None


def _summary(notebook=None):
    bank = active_bank()
    me = current()
    if notebook is None:
        notebooks = sorted({qid.split(".", 1)[0] for qid in _session})
    else:
        known = sorted({q.notebook for q in bank.values()})
        prefix = _notebook_prefix(notebook, known)
        if prefix is None:
            return Summary(rows=(), points=0, max_points=0,
                           problem=f"notebook must be the number of an exercise notebook, one of {', '.join(known)} "
                                   f"(e.g. summary('01')), got {notebook!r}.")
        notebooks = [prefix]
    rows = []
    for nb in notebooks:
        for question in bank.of(nb):
            result = _session.get(question.id)
            status = result.status if result is not None else "not checked"
            points = result.points if result is not None else 0
            rows.append((question.id, question.title, status, points, question.points,
                         _attempts.used(me.id, question.id)))
    return Summary(rows=tuple(rows), points=sum(r[3] for r in rows), max_points=sum(r[4] for r in rows))


def summary(notebook=None):
    """Show a table of this notebook's questions: status, points and attempts; returns a `Summary`.

    Parameters
    ----------
    notebook : str, optional
        The notebook's number, e.g. ``"01"``; by default the notebooks of the questions checked in
        this kernel. An unknown number gets one sentence, not an error.

    Raises
    ------
    CheckFailed
        Only in strict mode, when a question of the notebook was not checked or did not pass.
    """
    result = _summary(notebook)
    result._show()  # noqa: SLF001 (SummaryResult is this module's own class)
    if strict_mode() and not _autograding() and result.rows and not result.all_passed:
        raise CheckFailed(f"not passed: {', '.join(result.not_passed)}")
    return result


def reset():
    """Forget this kernel's results and reload the attempt counts (for tests)."""
    _session.clear()
    _attempts.forget()


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _execution_count():
    shell = _ipython()
    return getattr(shell, "execution_count", None) if shell is not None else None


def _display(bundle):
    shell = _ipython()
    if shell is None:
        print(bundle["text/plain"])
        return
    from IPython.display import display

    display(bundle, raw=True)
