"""What a check shows and records: `CheckResult` (one answer), `Summary` (a notebook's questions),
and `record_of` (what the autograder reads of an answer).

Both show themselves once in the cell that made them (rich HTML and plain text) and again when
displayed in a later cell. A check's output also carries the record of what was answered (value
and unit, the attempt count, the student) under `RECORD_MIME`, for the autograder; never a verdict
or an expected value.

Examples
--------
>>> record_of(...)
{'kind': 'unanswered'}
>>> CheckResult("01.rheobase", "wrong", "not correct yet.", 0, 1).message
'❌ 01.rheobase: not correct yet.'
"""

import html
from dataclasses import dataclass

from .codec import encode

__all__ = ["CheckResult", "Summary", "CheckFailed", "record_of", "RECORD_MIME", "SYMBOLS", "NOT_GRADED"]

#: The MIME type of the record a check writes into its cell's output (read by the autograder).
RECORD_MIME = "application/vnd.neurodyn-lab.check+json"

SYMBOLS = {"correct": "✅", "wrong": "❌", "invalid": "❌", "unanswered": "❔", "error": "⚠️", "recorded": "📝",
           "not checked": "·"}
_COLOURS = {"correct": "#1a7f37", "wrong": "#cf222e", "invalid": "#cf222e", "unanswered": "#6e7781",
            "error": "#9a6700", "recorded": "#0969da"}


class CheckFailed(AssertionError):
    """Raised in strict mode when an answer does not pass."""


#: What a check cell says when nbgrader autogrades without our `autograde.GradeAnswers` (which
#: replaces this output): fail safe, every question scores 0 rather than full marks.
NOT_GRADED = ("recorded for the neurodyn_lab autograder; if this is your grade, the course's nbgrader "
              "configuration does not run it (python -m neurodyn_lab.grading.build --course).")


# ------------------------------------------------------------------------------------------------
# Results and their display
# ------------------------------------------------------------------------------------------------
class _Shown:
    """Shows itself once in the cell that made it (check() already displayed it), and again when
    displayed in a later cell."""

    def _bundle(self):
        return {"text/plain": self._text(), "text/html": self._html()}

    def show(self):
        """Show in the notebook now (a later display in the same cell shows nothing more)."""
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
    # One codec for everything grading writes down (codec.py); an answer's record stays small in the
    # notebook: a longer array is only described (the readers reject it with the same sentence).
    return encode(answer, max_items=10_000)


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

