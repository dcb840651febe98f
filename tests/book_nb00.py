"""The book's answers to notebook 00's questions (see tests/test_nbgrader.py, `book_values`)."""

from neurodyn_lab import LIFParams

from book_common import classic_step_count

FUNCTION_BODIES = {}

CLOSED_FORM_CALLS = {}


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    classic = LIFParams.classic()
    return {
        "classic rheobase": (classic.v_threshold - classic.v_rest) / classic.R,
        "classic step spikes": classic_step_count(v.classic_amplitude)[0],
    }
