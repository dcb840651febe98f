"""Graded exercises: instant feedback in the notebook, the question bank, mystery neurons.

Examples
--------
>>> from brian2 import nA
>>> from neurodyn_lab.grading import check, summary
>>> result = check("01.rheobase", 2 * nA)  # shows ✅ or ❌ with a hint
✅ 01.rheobase: correct (within ±1 %).
>>> result.passed
True

The student notebooks in ``exercises/`` are generated from ``exercises/source/`` by
``python -m neurodyn_lab.grading.build`` (``make exercises``), which needs nbgrader (the
``instructor`` or ``test`` extra); this package itself does not.
"""

from .feedback import CheckFailed, CheckResult, Summary, assert_all_passed, assert_passed, check, grade, reset, \
    strict_mode, summary
from .mystery import MysteryNeuron, MysteryResult, mystery_neuron
from .questions import QUESTIONS, questions_of

__all__ = ["check", "summary", "grade", "assert_passed", "assert_all_passed", "CheckResult", "Summary",
           "CheckFailed", "strict_mode", "reset", "mystery_neuron", "MysteryNeuron", "MysteryResult",
           "QUESTIONS", "questions_of"]
