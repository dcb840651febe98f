"""Feedback in the notebook: check() on one answer, summary() of this notebook's questions.

``check`` never raises for a wrong, missing or malformed answer, so "Run All" goes on; it shows
✅ / ❌ with a hint (rich HTML and plain text) and returns a `CheckResult`. In strict mode
(environment variable ``NEURODYN_LAB_STRICT=1``, set by the test suite for the solution notebooks)
a check that does not pass raises `CheckFailed`.

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
import os
from dataclasses import dataclass

from .answers import Rejected
from .questions import QUESTIONS, questions_of

__all__ = ["check", "grade", "summary", "assert_passed", "assert_all_passed", "CheckResult", "Summary",
           "CheckFailed", "strict_mode", "reset"]

_SYMBOLS = {"correct": "✅", "wrong": "❌", "invalid": "❌", "unanswered": "❔", "error": "⚠️"}
_COLOURS = {"correct": "#1a7f37", "wrong": "#cf222e", "invalid": "#cf222e", "unanswered": "#6e7781",
            "error": "#9a6700"}

#: This kernel's latest result per question id, in the order first checked.
_session = {}


class CheckFailed(AssertionError):
    """Raised in strict mode (and by `assert_passed`) when an answer does not pass."""


def strict_mode():
    """Whether ``NEURODYN_LAB_STRICT`` is set (1, true, yes): then failed checks raise."""
    return os.environ.get("NEURODYN_LAB_STRICT", "").strip().lower() in ("1", "true", "yes", "on")


class _Shown:
    """Shows itself once in the cell that made it (check() already displayed it), and again when
    displayed in a later cell."""

    def _show(self):
        _display(self._text(), self._html())
        object.__setattr__(self, "_shown_in", _execution_count())

    def _ipython_display_(self):
        shown_in = getattr(self, "_shown_in", None)
        if shown_in is not None and shown_in == _execution_count():
            object.__setattr__(self, "_shown_in", None)  # a second explicit display() does show
            return
        _display(self._text(), self._html())


@dataclass(frozen=True)
class CheckResult(_Shown):
    """The outcome of `check`.

    Attributes
    ----------
    question_id : str
    passed : bool
    points, max_points : int
    message : str
        The feedback as plain text (also shown as HTML in the notebook).
    status : str
        ``"correct"``, ``"wrong"``, ``"invalid"`` (cannot be graded as given), ``"unanswered"`` or
        ``"error"`` (unknown question, or the grader itself failed).
    """

    question_id: str
    passed: bool
    points: int
    max_points: int
    message: str
    status: str

    def _text(self):
        return self.message

    def _html(self):
        colour = _COLOURS.get(self.status, "#6e7781")
        symbol, _, rest = self.message.partition(" ")
        qid, _, text = rest.partition(": ")
        return (f'<div class="neurodyn-check neurodyn-check-{self.status}" role="status" '
                f'style="border-left: 4px solid {colour}; padding: 4px 10px; margin: 4px 0">'
                f"{symbol} <strong>{html.escape(qid)}</strong>: {html.escape(text)}"
                + (f' <span style="color: #6e7781">({self.points}/{self.max_points} '
                   f'point{"s" if self.max_points != 1 else ""})</span>' if self.max_points else "")
                + "</div>")


def grade(question_id, answer=..., **options):
    """The `CheckResult` for `answer`, without showing or recording it (never raises).

    Parameters are those of `check`.
    """
    question = QUESTIONS.get(question_id) if isinstance(question_id, str) else None
    if question is None:
        return _unknown(question_id)
    try:
        verdict = question.grade(answer, options)
        status, text = verdict.status, verdict.text
    except Rejected as problem:
        status, text = problem.status, problem.message
    except Exception as error:  # a bug in the grader must not stop "Run All"
        status = "error"
        text = (f"the grader could not check this answer ({type(error).__name__}: {error}); "
                "please tell your instructor.")
    passed = status == "correct"
    return CheckResult(question_id=question_id, passed=passed, points=question.points if passed else 0,
                       max_points=question.points, message=f"{_SYMBOLS[status]} {question_id}: {text}",
                       status=status)


def _unknown(question_id):
    if isinstance(question_id, str):
        close = difflib.get_close_matches(question_id, list(QUESTIONS), n=1, cutoff=0.6)
        guess = f" Did you mean {close[0]!r}?" if close else " The ids look like '01.rheobase'."
        text = f"unknown question id {question_id!r}.{guess}"
    else:
        text = (f"the question id must be text such as '01.rheobase' (the first argument of check), "
                f"got {question_id!r}.")
    label = question_id if isinstance(question_id, str) else "check"
    return CheckResult(question_id=str(question_id), passed=False, points=0, max_points=0,
                       message=f"{_SYMBOLS['error']} {label}: {text}", status="error")


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
        What some questions need: ``seed=`` for the mystery neuron (04.*), ``I0=`` for an amplitude
        answer to 03.gain_at_50Hz.

    Returns
    -------
    CheckResult
        ``.passed``, ``.points``, ``.max_points``, ``.message``.

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
    if result.status != "error" or result.question_id in QUESTIONS:
        _session.pop(result.question_id, None)
        _session[result.question_id] = result
    result._show()
    if strict_mode() and not result.passed:
        raise CheckFailed(result.message)
    return result


def assert_passed(question_id, answer=..., **options):
    """Raise `CheckFailed` unless `answer` passes; shows nothing and returns None (for nbgrader's
    hidden tests: the last line of a check cell, so the cell's value adds nothing to the feedback)."""
    result = grade(question_id, answer, **options)
    if not result.passed:
        raise CheckFailed(result.message)


@dataclass(frozen=True)
class Summary(_Shown):
    """This notebook's questions with their status and points.

    Attributes
    ----------
    rows : tuple of (question_id, title, status, points, max_points)
        ``status`` is a CheckResult status, or ``"not checked"``.
    points, max_points : int
    """

    rows: tuple
    points: int
    max_points: int

    @property
    def all_passed(self):
        """Whether every question of the notebook was checked and passed."""
        return bool(self.rows) and all(row[2] == "correct" for row in self.rows)

    @property
    def not_passed(self):
        """Ids of the questions not (yet) passed."""
        return [row[0] for row in self.rows if row[2] != "correct"]

    def _text(self):
        if not self.rows:
            return ("No question checked yet in this notebook: run the check cells above, or call "
                    "summary('01') with the notebook's number.")
        width = max(len(row[0]) for row in self.rows)
        lines = [f"{'question':<{width}}  status           points"]
        for qid, title, status, points, max_points in self.rows:
            lines.append(f"{qid:<{width}}  {_SYMBOLS.get(status, '·')} {status:<14} {points}/{max_points}")
        lines.append(f"{'total':<{width}}  {'':<16} {self.points}/{self.max_points}")
        return "\n".join(lines)

    def _html(self):
        if not self.rows:
            return f"<p>{html.escape(self._text())}</p>"
        body = "".join(
            f"<tr><td><code>{html.escape(qid)}</code></td><td>{html.escape(title)}</td>"
            f"<td>{_SYMBOLS.get(status, '·')} {html.escape(status)}</td><td>{points}/{max_points}</td></tr>"
            for qid, title, status, points, max_points in self.rows)
        return ('<table class="neurodyn-summary"><caption>Your answers in this notebook</caption>'
                "<thead><tr><th>question</th><th>what</th><th>status</th><th>points</th></tr></thead>"
                f"<tbody>{body}</tbody><tfoot><tr><th colspan='3'>total</th>"
                f"<th>{self.points}/{self.max_points}</th></tr></tfoot></table>")


def _summary(notebook=None):
    if notebook is None:
        notebooks = sorted({qid.split(".", 1)[0] for qid in _session})
    else:
        known = sorted({q.notebook for q in QUESTIONS.values()})
        prefix = str(notebook).split("_", 1)[0].split(".", 1)[0].zfill(2) if isinstance(notebook, (str, int)) \
            and not isinstance(notebook, bool) else None
        if prefix not in known:
            raise ValueError(f"notebook must be the number of an exercise notebook, one of {', '.join(known)} "
                             f"(e.g. summary('01')), got {notebook!r}")
        notebooks = [prefix]
    rows = []
    for nb in notebooks:
        for question in questions_of(nb):
            result = _session.get(question.id)
            status = result.status if result is not None else "not checked"
            points = result.points if result is not None else 0
            rows.append((question.id, question.title, status, points, question.points))
    return Summary(rows=tuple(rows), points=sum(r[3] for r in rows), max_points=sum(r[4] for r in rows))


def summary(notebook=None):
    """Show a table of this notebook's questions: status and points; returns a `Summary`.

    Parameters
    ----------
    notebook : str, optional
        The notebook's number, e.g. ``"01"``; by default the notebooks of the questions checked in
        this kernel.
    """
    result = _summary(notebook)
    result._show()
    return result


def assert_all_passed(notebook=None):
    """Raise `CheckFailed` unless every question of the notebook was checked and passed (the last
    cell of a solution notebook); returns None."""
    result = _summary(notebook)
    if not result.rows:
        raise CheckFailed("no question of this notebook was checked")
    if not result.all_passed:
        raise CheckFailed(f"not passed: {', '.join(result.not_passed)}")


def reset():
    """Forget this kernel's results (for tests)."""
    _session.clear()


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _execution_count():
    shell = _ipython()
    return getattr(shell, "execution_count", None) if shell is not None else None


def _display(text, html_text):
    shell = _ipython()
    if shell is None:
        print(text)
        return
    from IPython.display import display

    display({"text/plain": text, "text/html": html_text}, raw=True)
