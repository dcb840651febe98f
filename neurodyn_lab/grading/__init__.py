"""Graded exercises: feedback in the notebook, the question bank, a neuron per student, mystery
neurons, and the instructor's autograder.

Examples
--------
>>> from brian2 import nA
>>> from neurodyn_lab.grading import check, summary
>>> result = check("01.rheobase", 2 * nA)  # the default neuron (no student id): shows ✅ or ❌ with a hint
✅ 01.rheobase: correct (within ±1 %).
>>> result.passed
True

In a notebook, the first code cells set the student (``me = student(student_id)``); each check
records what was answered, and the instructor's autograder (`autograde`, run by nbgrader) grades
those records in its own process for the student the submission was collected from.

The student notebooks in ``exercises/`` are generated from ``exercises/source/`` by
``python -m neurodyn_lab.grading.build`` (``make exercises``), which needs nbgrader (the
``instructor`` or ``test`` extra); this package itself does not.
"""

from brian2 import second

from .bank import QUESTIONS, questions_of
from .feedback import (CheckFailed, CheckResult, Summary, check, current, grade, mystery_neuron, reset, reveal,
                       strict_mode, student, summary)
from .mystery import MysteryNeuron, MysteryResult
from .session import GradingSession, default_session
from .solutions import give_up, solution
from .students import Student

#: How long notebook 02's noisy runs last (its ``noise_duration``): they share one compiled model,
#: which `warm_up_jobs` compiles (tests/test_exercises.py checks that the two agree).
NOISE_DURATION_02 = 1.6 * second

__all__ = ["check", "summary", "grade", "reveal", "CheckResult", "Summary", "CheckFailed", "strict_mode", "reset",
           "student", "current", "Student", "GradingSession", "default_session", "mystery_neuron", "MysteryNeuron",
           "MysteryResult", "QUESTIONS", "questions_of", "warm_up_jobs", "solution", "give_up"]


def warm_up_jobs():
    """The simulations the exercises run, as ``(label, currents, record_v)`` jobs for
    `neurodyn_lab.engine.warm_up` (the classic functions of notebook 00 are in
    `neurodyn_lab.lif.warm_up_jobs`).

    Examples
    --------
    >>> [job[0] for job in warm_up_jobs()]  # doctest: +NORMALIZE_WHITESPACE
    ['mystery neuron: no input', 'mystery neuron: steps', '02 bonus: noisy input', '05: the noisy trials',
     '05: the noisy f-I curves']
    """
    from brian2 import ms, nA

    from ..inputs import noise, step, zero
    from .questions.nb05 import FI_POINTS_05, TRIAL_DURATION_05, TRIALS_05

    def noises(n):
        return [noise(1 * nA, 0.1 * nA, 5 * ms, seed=k) for k in range(n)]

    return [
        ("mystery neuron: no input", [zero()], True),
        ("mystery neuron: steps", [step(1 * nA, 0 * ms, None)], True),
        # A tabulated input's code depends on its table's length: notebook 02's noise_duration.
        ("02 bonus: noisy input", noises(1), True, NOISE_DURATION_02),
        # notebook 05's simulate_many: one model per number of noisy runs (their table has a column each)
        ("05: the noisy trials", noises(TRIALS_05), True, TRIAL_DURATION_05),
        ("05: the noisy f-I curves", noises(FI_POINTS_05), True, TRIAL_DURATION_05),
    ]
