"""The question bank: every graded question of the exercise notebooks, and course-local changes.

Each question computes its expected value from the student's `Variant` (their neuron and stimulus,
see `students`) when an answer is graded: from the closed forms of `neurodyn_lab.analysis`, a
simulation, or the mystery neuron (which only answers "within tolerance or not"). No expected value
is written down here, and no message ever contains one.

An instructor changes or adds questions in a course file of their own (``neurodyn_lab_questions.py``
in the course directory, see `load_bank`), without editing the package.

Examples
--------
>>> from brian2 import nA
>>> from neurodyn_lab.grading.students import variant_for
>>> QUESTIONS["01.rheobase"].grade(2 * nA, variant_for(None)).status
'correct'
"""


import dataclasses
import os
import runpy
from collections.abc import Mapping

from .framework import Question
from .questions import nb00, nb01, nb02, nb03, nb04, nb05
from .questions.nb01 import CHARGE_01, PULSE_01, STEP_01
from .questions.nb02 import RATE_CURRENT_02, T_REF_02
from .questions.nb03 import GAIN_FREQUENCY_03, GAIN_I0_03, PHASE_FREQUENCY_03

__all__ = ["QUESTIONS", "Bank", "questions_of", "load_bank", "COURSE_FILE", "STEP_01", "CHARGE_01", "PULSE_01",
           "RATE_CURRENT_02", "T_REF_02", "GAIN_FREQUENCY_03", "GAIN_I0_03", "PHASE_FREQUENCY_03", "RETIRED_IDS"]

#: The name of an instructor's course file of question changes (in the course directory).
COURSE_FILE = "neurodyn_lab_questions.py"

#: Question ids of earlier versions: old id -> its id now, or None for a question that was removed.
#: 03.phase_at_100Hz was asked at the student's own frequency (10-60 Hz), not at 100 Hz;
#: 01.rheobase_function asked the formula of 01.rheobase a second time.
RETIRED_IDS = {"03.phase_at_100Hz": "03.phase_at_your_frequency", "01.rheobase_function": None}

#: The notebooks' question modules (`questions.nb00`, ...), in course order; each has its QUESTIONS.
NOTEBOOK_MODULES = (nb00, nb01, nb02, nb03, nb04, nb05)


def _q(question):
    return question.id, question


_DEFAULT_QUESTIONS = [q for module in NOTEBOOK_MODULES for q in module.QUESTIONS]

#: Fields a course file may change with `Bank.change`.
_CHANGEABLE = ("title", "hint", "points", "tolerance", "max_attempts", "rel", "mistakes", "expected", "cases",
               "hidden_cases", "choices", "example")


class Bank(Mapping):
    """The questions by id, in notebook order; a course file changes a copy (`change`, `add`).

    Examples
    --------
    >>> from neurodyn_lab.grading.framework import Tolerance
    >>> bank = Bank(QUESTIONS.values())
    >>> bank.change("01.rheobase", tolerance=Tolerance(rel=0.02))
    >>> str(bank["01.rheobase"].tolerance), str(QUESTIONS["01.rheobase"].tolerance)
    ('±2 %', '±1 %')
    """

    def __init__(self, questions=()):
        self._questions = dict(_q(q) for q in questions)

    def __getitem__(self, question_id):
        return self._questions[question_id]

    def __iter__(self):
        return iter(self._questions)

    def __len__(self):
        return len(self._questions)

    def change(self, question_id, **fields):
        """Change a question's fields, e.g. ``change("01.rheobase", tolerance=Tolerance(rel=0.02),
        hint="...")``."""
        if question_id not in self._questions:
            if RETIRED_IDS.get(question_id) in self._questions:
                raise KeyError(f"question {question_id!r} is now called {RETIRED_IDS[question_id]!r}: change that one")
            if question_id in RETIRED_IDS:
                raise KeyError(f"question {question_id!r} was removed from the package's notebooks")
            raise KeyError(f"no question {question_id!r} to change; the ids look like '01.rheobase'")
        question = self._questions[question_id]
        bad = sorted(name for name in fields if name not in _CHANGEABLE or not hasattr(question, name))
        if bad:
            raise TypeError(f"{question_id} has no field {bad[0]!r} a course file can change "
                            f"(e.g. tolerance, hint, points, title, max_attempts)")
        self._questions[question_id] = dataclasses.replace(question, **fields)

    def add(self, question):
        """Add a new question (a `Question` from `framework`) with a new id."""
        if not isinstance(question, Question):
            raise TypeError(f"add() takes a question from neurodyn_lab.grading.framework, got {question!r}")
        if question.id in self._questions:
            raise ValueError(f"question {question.id!r} exists already: use change() for it")
        self._questions[question.id] = question

    def of(self, notebook):
        """The questions of one notebook (``"01"``), in order; one sentence for a notebook it has none of."""
        known = sorted({q.notebook for q in self._questions.values()})
        if not isinstance(notebook, str) or notebook not in known:
            raise ValueError(f"notebook must be one of {', '.join(repr(n) for n in known)} (e.g. notebook=\"01\"), "
                             f"got {notebook!r}")
        return [q for q in self._questions.values() if q.notebook == notebook]


#: The package's questions (a course file changes a copy, never this one).
QUESTIONS = Bank(_DEFAULT_QUESTIONS)


def questions_of(notebook):
    """The questions of one notebook (``"01"``) in the package's bank, in order."""
    return QUESTIONS.of(notebook)


def load_bank(course_file=None):
    """The package's questions with a course file's changes.

    The course file is Python with a function ``customise(bank)``, e.g.::

        from brian2 import mV
        from neurodyn_lab.grading.framework import Tolerance

        def customise(bank):
            bank.change("04.v_threshold", tolerance=Tolerance(abs=2 * mV), hint="...")
            bank.change("03.filter_type", max_attempts=1)

    Parameters
    ----------
    course_file : path, optional
        Default: none (the package's bank as it is).
    """
    bank = Bank(QUESTIONS.values())
    if course_file is None:
        return bank
    namespace = runpy.run_path(os.fspath(course_file))
    customise = namespace.get("customise")
    if not callable(customise):
        raise ValueError(f"the course file {course_file} must define a function customise(bank)")
    customise(bank)
    return bank
