"""The book's answers to notebook 04's questions (see tests/test_nbgrader.py, `book_values`): the
mystery neuron's hidden parameters, as a determined student reads them, reported as a careful
student reports them: ``(value, uncertainty)`` with the uncertainty a careful plan reaches and the
value one such uncertainty off the hidden one (as a measurement typically is); and the two concept
questions' answers, which follow from the book; the rate at 1.5 times the rheobase from the book's
inter-spike interval (`book_common.interval`), which a prediction of it predicts too.

The uncertainties are those of tests/test_nb04_experiment.py's reference fits (noise 1 mV per
sample, a few seconds of the budget, 2026-12-03): 0.03 mV for v_rest and v_reset, 0.06 mV for
v_threshold, 0.3 % of R, 1 % of tau, 0.02 ms for t_ref.
"""

from brian2 import mV, ms

from book_common import hidden_parameters, interval

FUNCTION_BODIES = {}

CLOSED_FORM_CALLS = {}

#: A careful student's uncertainty per parameter, given the hidden value; the sign of the one
#: uncertainty their value is off by.
CAREFUL = {"v_rest": (lambda x: 0.03 * mV, +1), "R": (lambda x: 0.003 * x, -1), "tau": (lambda x: 0.01 * x, +1),
           "v_threshold": (lambda x: 0.06 * mV, -1), "v_reset": (lambda x: 0.03 * mV, +1),
           "t_ref": (lambda x: 0.02 * ms, -1)}


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    hidden = hidden_parameters(student)
    found = {}
    for name, (uncertainty_of, sign) in CAREFUL.items():
        true = getattr(hidden, name)
        uncertainty = uncertainty_of(true)
        found[f"mystery {name}"] = (true + sign * uncertainty, uncertainty)
    # Four times the samples: the standard error sigma/sqrt(N) halves. From spike times alone, with
    # u = (v - v_rest)/R the LIF reads tau du/dt = -u + I, threshold (v_th - v_rest)/R, reset
    # (v_reset - v_rest)/R: only tau and t_ref appear on their own.
    rheobase = (hidden.v_threshold - hidden.v_rest) / hidden.R
    found["mystery rate at 1.5 rheobase"] = 1 / interval(1.5 * rheobase, hidden)
    found["04 averaging"] = "half as large"
    found["04 spikes only"] = "tau and t_ref"
    return found
