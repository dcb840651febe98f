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

These functions act on the kernel's `session.default_session`; the state (student, results,
attempts) lives there, in an object a test or a tool can make for itself.

Examples
--------
>>> from brian2 import nA, pA
>>> r = grade("01.rheobase", 2000 * pA)
>>> r.passed, r.points, r.max_points
(True, 1, 1)
>>> grade("01.rheobase", ...).message
'❔ 01.rheobase: not answered yet: replace the ... by your answer and run the cell again.'
"""

from .mystery import MysteryNeuron
from .session import Withheld, default_session
from .shown import NOT_GRADED, RECORD_MIME, SYMBOLS, CheckFailed, CheckResult, Summary, record_of
from .students import Student

__all__ = ["check", "grade", "summary", "reveal", "CheckResult", "Summary", "CheckFailed", "strict_mode", "reset",
           "student", "current", "mystery_neuron", "record_of", "RECORD_MIME", "SYMBOLS", "NOT_GRADED"]

def strict_mode():
    """Whether ``NEURODYN_LAB_STRICT`` is set (1, true, yes): then failed checks raise."""
    return default_session().settings.strict


def student(student_id=None) -> Student:
    """Set and return the student of this notebook (the first code cell calls it).

    Parameters
    ----------
    student_id : str, optional
        Your student id, e.g. ``"s1234567"``; None uses the autograded student or your JupyterHub
        login, or the default neuron (with a message on how to set an id).

    Returns
    -------
    Student
        ``.id``, ``.source``, ``.neuron`` (your neuron, a LIFParams), ``.classic_amplitude``,
        ``.phase_frequency``; shown as "Your numbers".

    Examples
    --------
    >>> print(student("s001"))  # doctest: +ELLIPSIS
    Your numbers: student s001 (set in this notebook).
    Your neuron (me.neuron): v_rest = ... mV, ..., t_ref = ... ms.
    Your step in notebook 00: LIF_Step(I_amp=...) (... nA).
    Your frequency in notebook 03 (the phase question): me.phase_frequency = ... Hz.
    """
    return default_session().student(student_id)


def current() -> Student:
    """The notebook's student: the one set with `student`, else the autograded student or the hub
    login, else the default neuron's."""
    return default_session().current()


def mystery_neuron(student_id=None) -> MysteryNeuron:
    """A LIF neuron with hidden parameters drawn from physiological ranges, the same for the same
    student.

    Parameters
    ----------
    student_id : str, optional
        Whose neuron: by default the notebook's student (`current`: the id set with `student`, the
        autograded student, then your JupyterHub login); without any id, a default neuron.

    Returns
    -------
    MysteryNeuron
        Run experiments with ``m.simulate(current, duration)``; check your findings with
        ``check("04.tau", answer)`` (and 04.v_rest, 04.v_threshold, 04.R, 04.t_ref, 04.v_reset).

    Raises
    ------
    TypeError, ValueError
        If `student_id` is not a student id (text or a whole number).

    Examples
    --------
    >>> mystery_neuron("s12345").student
    's12345'
    """
    return MysteryNeuron(student_id if student_id is not None else current().id)


def grade(question_id, answer=..., **options) -> CheckResult:
    """The `CheckResult` for `answer`, without showing it (never raises). It counts as an attempt.

    Parameters are those of `check`.
    """
    return default_session().grade(question_id, answer, **options)


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
    session = default_session()
    result = session.check(question_id, answer, **options)
    result.show()
    if session.settings.autograding:
        raise CheckFailed(NOT_GRADED)
    if session.settings.strict and not result.passed and result.status != "recorded":
        raise CheckFailed(result.message)
    return result


def reveal(question_id, make=None):
    """Show what a simulation or panel gives only once your prediction is committed (predict, then
    see).

    Parameters
    ----------
    question_id : str
        The prediction question, e.g. ``"00.predict_step_spikes"``.
    make : callable, optional
        ``make(prediction)`` -> what to show (a panel, a figure, a record), called with your
        committed prediction (a panel draws it beside the simulation); None returns the prediction.

    Returns
    -------
    object
        What `make` returned (Jupyter shows it), or your prediction; before the prediction is
        committed, one sentence saying to commit it first (`session.Withheld`), and nothing is
        simulated.

    Raises
    ------
    CheckFailed
        Only in strict mode (``NEURODYN_LAB_STRICT=1``), when nothing was committed.
    TypeError
        If `make` is not callable.

    Examples
    --------
    >>> reveal("00.predict_step_spikes", lambda guess: f"you said {guess}")
    ⏳ 00.predict_step_spikes: commit your prediction first (write it in the prediction cell above and run that cell and its check); this cell shows the answer only after that.
    >>> _ = check("00.predict_step_spikes", 4)
    ✅ 00.predict_step_spikes: prediction committed: it earns its point whatever its value. Now run the next cells to see how it compares.
    >>> reveal("00.predict_step_spikes", lambda guess: f"you said {guess}")
    'you said 4'
    """
    session = default_session()
    shown = session.reveal(question_id, make)
    if isinstance(shown, Withheld) and session.settings.strict and not session.settings.executed_by_nbgrader:
        raise CheckFailed(shown.message)
    return shown


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
    session = default_session()
    result = session.summary(notebook)
    result.show()
    if session.settings.strict and not session.settings.executed_by_nbgrader and result.rows \
            and not result.all_passed:
        raise CheckFailed(f"not passed: {', '.join(result.not_passed)}")
    return result


def reset():
    """Start again as a restarted kernel does: forget the results, the student set with `student`,
    and read the attempt counts again."""
    session = default_session()
    session.reset()
    session.forget_student()
