"""The book's answers to notebook 01's questions (see tests/test_nbgrader.py, `book_values`)."""

import math

from neurodyn_lab.grading.bank import CHARGE_01, PULSE_01, STEP_01

FUNCTION_BODIES = {
    "rheobase": "return (params.v_threshold - params.v_rest) / params.R",
}

#: The package's own answer called from a function answer (an attack), by the function's name.
CLOSED_FORM_CALLS = {
    "rheobase": "return closed.rheobase(params)",
}


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    p = v.neuron
    to_threshold = p.v_threshold - p.v_rest
    w = PULSE_01["duration"]
    step = STEP_01["amplitude"]
    return {
        "rheobase": to_threshold / p.R,
        "first spike time": STEP_01["start"] + p.tau * math.log(float(p.R * step / (p.R * step - to_threshold))),
        "v one tau after a step": p.v_rest + p.R * CHARGE_01["amplitude"] * (1 - math.exp(-1)),
        "threshold charge of a pulse": to_threshold / p.R * w / (1 - math.exp(-float(w / p.tau))),
    }
