"""The book's answers to notebook 02's questions (see tests/test_nbgrader.py, `book_values`)."""

import math

from neurodyn_lab.grading.bank import RATE_CURRENT_02, T_REF_02

from book_common import interval

FUNCTION_BODIES = {
    "firing_rate": ("to_threshold = params.v_threshold - params.v_rest\n"
                    "to_reset = params.v_reset - params.v_rest\n"
                    "if params.R * I <= to_threshold:\n"
                    "    return 0 * Hz\n"
                    "interval = params.t_ref + params.tau * np.log((params.R * I - to_reset) / (params.R * I - to_threshold))\n"
                    "return 1 / interval"),
}

#: The package's own answer called from a function answer (an attack), by the function's name.
CLOSED_FORM_CALLS = {
    "firing_rate": "return closed.firing_rate(I, params)",
}


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    p = v.neuron
    to_threshold = p.v_threshold - p.v_rest
    p3 = p.replace(t_ref=T_REF_02)
    x = math.exp(float(p3.t_ref / p3.tau))  # the current whose interval is 2 t_ref: tau ln(...) = t_ref
    return {
        "maximal rate": 1 / p.t_ref,
        "rate at the stated current": 1 / interval(RATE_CURRENT_02, p),
        "half-maximal current of p3": (x * to_threshold - (p.v_reset - p.v_rest)) / (p.R * (x - 1)),
    }
