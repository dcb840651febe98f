"""One notebook's grading state, in an object you can construct: a `GradingSession`.

A session knows who the student is, the question bank it grades with, the latest result of each
question checked in it, and the attempt counts (kept on disk per student and question, so a kernel
restart is not a new attempt). The notebook functions `check`, `summary`, `student` and
`mystery_neuron` of `neurodyn_lab.grading` act on `default_session()`, the one session of a
notebook's kernel; a test, a tool or a second notebook in one process makes its own session and
gets its own state.

Examples
--------
>>> from brian2 import nA
>>> from neurodyn_lab._config import Settings
>>> session = GradingSession(Settings.from_environ({"NEURODYN_LAB_HOME": tempfile.mkdtemp()}))
>>> session.student("s001").id
's001'
>>> result = session.grade("01.rheobase", 1 * nA)
>>> result.status, result.attempts
('wrong', 1)
>>> GradingSession(Settings.from_environ({"NEURODYN_LAB_HOME": tempfile.mkdtemp()})).current().source
'default'
"""

import difflib
import hashlib
import json
import tempfile  # noqa: F401  (the examples use it)
from pathlib import Path

from .._config import Settings, settings
from .answers import Rejected
from .bank import Bank, load_bank
from .framework import PredictionQuestion, assess
from .shown import CheckResult, Summary, record_of
from .students import Student, identify, variant_for

__all__ = ["GradingSession", "Attempts", "Withheld", "default_session", "set_default_session"]


class Attempts:
    """Attempt counts per student and question, in ``attempts.json`` of `folder`.

    An answer counts as an attempt unless it is the answer checked last (running a notebook again is
    not a new attempt). Nothing is written when `persist` is False (nbgrader executing a notebook).
    """

    def __init__(self, folder, persist=True):
        self.folder = Path(folder)
        self.persist = persist
        self._counts = None

    def _load(self):
        if self._counts is None:
            self._counts = {}
            if self.persist:
                try:
                    self._counts = json.loads((self.folder / "attempts.json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    self._counts = {}
                if not isinstance(self._counts, dict):
                    self._counts = {}
        return self._counts

    def _entry(self, student, question_id):
        entry = self._load().setdefault(student or "default", {}).get(question_id)
        return entry if isinstance(entry, dict) else {"n": 0, "last": None}

    def used(self, student, question_id):
        """How many different answers this student has checked for the question."""
        return int(self._entry(student, question_id).get("n", 0))

    def wrong_before(self, student, question_id, answer):
        """How many of this student's answers to the question were wrong, not counting `answer` (a
        record) when it is the answer checked last."""
        entry = self._entry(student, question_id)
        wrong = int(entry.get("wrong", 0))
        if entry.get("last") == _answer_key(answer) and entry.get("last_wrong"):
            wrong -= 1
        return max(wrong, 0)

    def judged(self, student, question_id, answer, wrong):
        """Note whether `answer` (a record, counted with `count`) was wrong, once per answer."""
        entry = self._entry(student, question_id)
        if entry.get("last") != _answer_key(answer) or "last_wrong" in entry:
            return
        entry = dict(entry, wrong=int(entry.get("wrong", 0)) + bool(wrong), last_wrong=bool(wrong))
        self._load().setdefault(student or "default", {})[question_id] = entry
        self._save()

    def is_new(self, student, question_id, answer):
        """Whether `answer` (a record) differs from the answer this student checked last."""
        return self._entry(student, question_id).get("last") != _answer_key(answer)

    def count(self, student, question_id, answer):
        """Count `answer` (a record) as an attempt unless it is the answer checked last; return the
        attempts so far."""
        entry = self._entry(student, question_id)
        key = _answer_key(answer)
        if entry.get("last") != key:
            entry = {"n": int(entry.get("n", 0)) + 1, "last": key, "wrong": int(entry.get("wrong", 0))}
            self._load().setdefault(student or "default", {})[question_id] = entry
            self._save()
        return entry["n"]

    def _save(self):
        if not self.persist:
            return
        try:  # best effort: a read-only home must not stop the check
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "attempts.json").write_text(json.dumps(self._counts, indent=1), encoding="utf-8")
        except OSError:
            pass

    def forget(self):
        """Drop what was read, so the counts are read again from disk (a kernel restart)."""
        self._counts = None


def _answer_key(answer_record):
    text = json.dumps(answer_record, sort_keys=True)
    # A figure's record holds its points: keep a digest, not the figure, in attempts.json.
    return text if len(text) <= 1000 else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


class GradingSession:
    """The grading state of one notebook's kernel (see the module docstring).

    Parameters
    ----------
    settings : Settings, optional
        Where attempts are kept, the course's question file, strict mode, the hub login and
        whether nbgrader is executing the notebook; default: this process's `settings()`.
    bank : Bank, optional
        The questions; default: the package's, with the changes of the course file the settings
        name.
    """

    def __init__(self, settings: Settings | None = None, bank: Bank | None = None):
        if settings is not None and not isinstance(settings, Settings):
            raise TypeError(f"settings must be a neurodyn_lab._config.Settings, such as "
                            f"Settings.from_environ({{'NEURODYN_LAB_HOME': '/tmp/attempts'}}), got {type(settings).__name__}")
        if bank is not None and not isinstance(bank, Bank):
            raise TypeError(f"bank must be a question Bank, such as load_bank('neurodyn_lab_questions.py'), "
                            f"got {type(bank).__name__}")
        self.settings = settings if settings is not None else _process_settings()
        self.bank = bank if bank is not None else load_bank(self.settings.questions or None)
        #: The latest result per question id, in the order first checked.
        self.results: dict[str, CheckResult] = {}
        #: The predictions committed in this kernel (`check` of a `PredictionQuestion`), by id.
        self.predictions: dict[str, object] = {}
        self.attempts = Attempts(self.settings.home, persist=not self.settings.executed_by_nbgrader)
        #: This session's worked solutions (`grading.solutions.book_of` makes it on first use).
        self.solution_book = None
        self._student: Student | None = None

    # ---------------------------------------------------------------- who
    def student(self, student_id=None) -> Student:
        """Set and return this notebook's student (see `neurodyn_lab.grading.student`)."""
        key, source = identify(student_id, self.settings)
        self._student = Student(id=key, source=source, variant=variant_for(key))
        return self._student

    def current(self) -> Student:
        """The student set with `student`, else the one the settings name (autograded student, hub
        login) or the default neuron's."""
        if self._student is not None:
            return self._student
        key, source = identify(None, self.settings)
        return Student(id=key, source=source, variant=variant_for(key))

    # ---------------------------------------------------------------- answers
    def grade(self, question_id, answer=..., **options) -> CheckResult:
        """The `CheckResult` for `answer`, without showing or keeping it (counts as an attempt)."""
        question = self.bank.get(question_id) if isinstance(question_id, str) else None
        if question is None:
            return self._unknown(question_id)
        me = self.current()
        answered = {"answer": _record(question, answer),
                    "options": {k: record_of(v) for k, v in sorted(options.items())}}
        capped = (question.max_attempts is not None and self.attempts.is_new(me.id, question_id, answered)
                  and self.attempts.used(me.id, question_id) >= question.max_attempts)
        wrong_before = self.attempts.wrong_before(me.id, question_id, answered)
        attempts = (self.attempts.used(me.id, question_id) if capped
                    else self.attempts.count(me.id, question_id, answered))
        # misses_before lets the autograder show the same direction hint as this feedback (`assess`).
        record = dict(question=question_id, **answered, attempts=attempts, misses_before=wrong_before, student=me.id,
                      student_source=me.source)
        if self.settings.autograding:
            status, text = "recorded", "answer recorded for the autograder."
        elif capped:
            status, text = "recorded", (f"no feedback left for this question (at most {question.max_attempts} checks "
                                        "with feedback); your answer is recorded and your instructor grades it.")
        else:
            status, text = _feedback(question, answer, options, me.variant, wrong_before,
                                     self._predictions_about(question_id))
            self.attempts.judged(me.id, question_id, answered, status == "wrong")
        passed = status == "correct"
        return CheckResult(question_id=question_id, status=status, detail=text,
                           points=question.points if passed else 0, max_points=question.points, attempts=attempts,
                           max_attempts=question.max_attempts, record=record)

    def check(self, question_id, answer=..., **options) -> CheckResult:
        """`grade` and `keep` the answer (what the notebook's `check` does, without showing it); a
        valid prediction (`PredictionQuestion`) is committed for `reveal`, even when no feedback is
        given (the autograder's run)."""
        result = self.keep(self.grade(question_id, answer, **options))
        question = self.bank.get(question_id) if isinstance(question_id, str) else None
        if isinstance(question, PredictionQuestion):
            try:
                question.read(answer)
                self.predictions[question_id] = answer
            except Rejected:
                self.predictions.pop(question_id, None)
        return result

    def reveal(self, question_id, make=None):
        """What `make(prediction)` returns once the prediction `question_id` is committed in this
        session (`check`), or the prediction itself without `make`; else a `Withheld` sentence.

        Raises
        ------
        TypeError
            If `make` is given and is not callable.
        """
        if make is not None and not callable(make):
            raise TypeError(f"make must be a function of the prediction, such as lambda guess: "
                            f"FICurvePanel(p, prediction=guess), got {type(make).__name__}")
        question = self.bank.get(question_id) if isinstance(question_id, str) else None
        if not isinstance(question, PredictionQuestion):
            ids = [q.id for q in self.bank.values() if isinstance(q, PredictionQuestion)]
            example = f", e.g. {ids[0]!r}" if ids else ""
            return Withheld(f"reveal needs the id of a prediction question{example}, got {question_id!r}.")
        if question_id not in self.predictions:
            return Withheld(f"{question_id}: commit your prediction first (write it in the prediction cell above and "
                            f"run that cell and its check); this cell shows the answer only after that.")
        prediction = self.predictions[question_id]
        return prediction if make is None else make(prediction)

    def _predictions_about(self, question_id):
        return [(self.bank[pid], value) for pid, value in self.predictions.items()
                if pid in self.bank and getattr(self.bank[pid], "about", None) == question_id]

    def keep(self, result: CheckResult) -> CheckResult:
        """Keep `result` as its question's latest (what `summary` shows); unknown ids are not kept."""
        if result.status != "error" or result.question_id in self.bank:
            self.results.pop(result.question_id, None)
            self.results[result.question_id] = result
        return result

    def _unknown(self, question_id):
        if isinstance(question_id, str):
            close = difflib.get_close_matches(question_id, list(self.bank), n=1, cutoff=0.6)
            guess = f"did you mean {close[0]!r}?" if close else "the ids look like '01.rheobase'"
            text = f"unknown question id {question_id!r} ({guess})."
        else:
            text = (f"the question id must be text such as '01.rheobase' (the first argument of check), "
                    f"got {question_id!r}.")
        label = question_id if isinstance(question_id, str) else "check"
        return CheckResult(question_id=str(label), status="error", detail=text, points=0, max_points=0)

    def summary(self, notebook=None) -> Summary:
        """The `Summary` of a notebook's questions (default: the notebooks checked in this session)."""
        me = self.current()
        if notebook is None:
            notebooks = sorted({qid.split(".", 1)[0] for qid in self.results})
        else:
            known = sorted({q.notebook for q in self.bank.values()})
            prefix = _notebook_prefix(notebook, known)
            if prefix is None:
                return Summary(rows=(), points=0, max_points=0,
                               problem=f"notebook must be the number of an exercise notebook, one of "
                                       f"{', '.join(known)} (e.g. summary('01')), got {notebook!r}.")
            notebooks = [prefix]
        rows = []
        for nb in notebooks:
            for question in self.bank.of(nb):
                result = self.results.get(question.id)
                status = result.status if result is not None else "not checked"
                points = result.points if result is not None else 0
                rows.append((question.id, question.title, status, points, question.points,
                             self.attempts.used(me.id, question.id)))
        return Summary(rows=tuple(rows), points=sum(r[3] for r in rows), max_points=sum(r[4] for r in rows))

    def reset(self) -> None:
        """Forget this session's results and read the attempt counts again (as a kernel restart)."""
        self.results.clear()
        self.predictions.clear()
        self.attempts.forget()

    def forget_student(self) -> None:
        """Forget the student set with `student`."""
        self._student = None


class Withheld:
    """What ``reveal`` gives before the prediction is committed: one sentence, shown as the cell's
    output (``.message``)."""

    def __init__(self, message):
        self.message = message

    def __repr__(self):
        return f"⏳ {self.message}"

    def _repr_html_(self):
        import html

        return (f'<div class="neurodyn-withheld" role="status" style="border-left: 4px solid #9a6700; '
                f'padding: 4px 10px">⏳ {html.escape(self.message)}</div>')


def _record(question, answer):
    special = question.record_answer(answer)
    return special if special is not None else record_of(answer)


def _feedback(question, answer, options, variant, wrong_before=0, predictions=()):
    """The feedback status and sentence (the expected value stays inside the question's frames)."""
    try:
        verdict = assess(question, answer, variant, options, wrong_before=wrong_before, predictions=predictions)
        return verdict.status, verdict.text
    except Rejected as problem:
        return problem.status, problem.message
    except Exception as error:  # a bug in the grader must not stop "Run All"
        return "error", (f"the grader could not check this answer ({type(error).__name__}: {error}); "
                         "please tell your instructor.")


def _notebook_prefix(notebook, known):
    if isinstance(notebook, bool) or not isinstance(notebook, (str, int)):
        return None
    prefix = str(notebook).split("_", 1)[0].split(".", 1)[0].zfill(2)
    return prefix if prefix in known else None


def _process_settings():
    return settings()


class _Default:
    """Holds the notebook kernel's one session, made at its first use."""

    session: GradingSession | None = None


def default_session() -> GradingSession:
    """The session the notebook functions (`check`, `summary`, `student`, ...) act on.

    Examples
    --------
    >>> default_session() is default_session()
    True
    """
    if _Default.session is None:
        _Default.session = GradingSession()
    return _Default.session


def set_default_session(session: GradingSession) -> GradingSession:
    """Make `session` the one the notebook functions act on, as a kernel started afresh with its
    settings; return the previous one (for tests and tools that restore it).

    Examples
    --------
    >>> from neurodyn_lab._config import Settings
    >>> mine = GradingSession(Settings.from_environ({"NEURODYN_LAB_HOME": tempfile.mkdtemp()}))
    >>> previous = set_default_session(mine)
    >>> default_session() is mine
    True
    >>> _ = set_default_session(previous)
    """
    if not isinstance(session, GradingSession):
        raise TypeError(f"session must be a GradingSession, such as GradingSession(), got {type(session).__name__}")
    previous = default_session()
    _Default.session = session
    return previous
