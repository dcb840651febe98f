"""What the per-notebook book modules (tests/book_nbNN.py) share: the book's inter-spike interval,
the classic step's spike count, and the mystery neuron's hidden parameters as a student finds them.
Never the package's answers."""

import math

from brian2 import ms, nA

from neurodyn_lab import LIFParams, inputs
from neurodyn_lab.grading import mystery


def hidden_parameters(student):
    """The mystery neuron's parameters, as a determined student finds them: by wrapping the
    simulation it calls (the package has no function that returns them)."""
    seen, original = [], mystery.simulate

    def spy(current, duration, **kwargs):
        seen.append(kwargs["params"])
        return original(current, duration, **kwargs)

    mystery.simulate = spy
    try:
        mystery.MysteryNeuron(student).simulate(inputs.zero(), 1 * ms)
    finally:
        mystery.simulate = original
    return seen[0]


def interval(current, p):
    """The book's inter-spike interval after a reset: t_ref + tau ln((R I - (v_reset - v_rest)) /
    (R I - (v_threshold - v_rest)))."""
    return p.t_ref + p.tau * math.log(float((p.R * current - (p.v_reset - p.v_rest)) /
                                            (p.R * current - (p.v_threshold - p.v_rest))))


def classic_step_count(amplitude_nA):
    """Spikes of the classic neuron (no refractory period, reset = rest) for ``LIF_Step``'s step
    from 20 to 70 ms: one every T = tau ln(R I / (R I - v_threshold)), the first T after the
    step starts, as long as the step lasts. Also how far 50 ms / T is from a whole number (a count
    at the edge would depend on the time step)."""
    p = LIFParams.classic()
    periods = 50 * ms / interval(amplitude_nA * nA, p)
    return math.floor(periods), min(periods % 1, 1 - periods % 1)


