"""The book's answers to notebook 03's questions (see tests/test_nbgrader.py, `book_values`)."""

import math

from neurodyn_lab.grading.bank import GAIN_FREQUENCY_03

FUNCTION_BODIES = {}

CLOSED_FORM_CALLS = {}


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    p = v.neuron
    return {
        "filter": "low-pass",
        "cut-off frequency": 1 / (2 * math.pi * p.tau),
        "gain at the stated frequency": p.R / math.sqrt(1 + float(2 * math.pi * GAIN_FREQUENCY_03 * p.tau) ** 2),
        "phase at your frequency (degrees)": -math.degrees(math.atan(float(2 * math.pi * v.phase_frequency * p.tau))),
        "frequency of gain R/2": math.sqrt(3) / (2 * math.pi * p.tau),
    }
