"""The book's answers to notebook 04's questions (see tests/test_nbgrader.py, `book_values`): the
mystery neuron's hidden parameters, as a determined student reads them."""

from neurodyn_lab import LIFParams

from book_common import hidden_parameters

FUNCTION_BODIES = {}

CLOSED_FORM_CALLS = {}


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    hidden = hidden_parameters(student)
    return {f"mystery {name}": getattr(hidden, name) for name in LIFParams.field_names()}
