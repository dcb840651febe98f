"""What the notebooks' question modules share: numbers as text, the neurons questions are called on,
and neurons and numbers drawn from the instructor's secret key (the autograder's hidden cases)."""

import hashlib
import hmac

from brian2 import Mohm, mV, ms, nA

from ...parameters import LIFParams
from .. import mystery
from ..framework import si

__all__ = ["text", "label", "OTHER_A", "OTHER_B", "secret_numbers", "secret_neurons", "hidden", "MYSTERY_NOTE"]


def text(q, unit, name):
    """`q` in `unit` as the notebooks write it, e.g. ``text(3*nA, nA, "nA") == "3 nA"``."""
    return f"{si(q / unit):g} {name}"


#: Neurons function questions are called on besides the student's own (shown in the notebook).
OTHER_A = LIFParams(v_rest=-65 * mV, v_reset=-75 * mV, v_threshold=-45 * mV, R=5 * Mohm, tau=20 * ms, t_ref=1 * ms)
OTHER_B = LIFParams().replace(v_threshold=-55 * mV, R=20 * Mohm, tau=15 * ms)
_LABELS = {
    LIFParams(): "LIFParams()",
    LIFParams.classic(): "LIFParams.classic()",
    OTHER_A: repr(OTHER_A),
    OTHER_B: "LIFParams().replace(v_threshold=-55*mV, R=20*Mohm, tau=15*ms)",
}


def label(arg, variant=None):
    """A call's argument as the student reads it: a neuron by name (``me.neuron``), a current in nA."""
    if isinstance(arg, LIFParams):
        if variant is not None and arg == variant.neuron and arg not in _LABELS:
            return "me.neuron"
        return _LABELS.get(arg, repr(arg))
    return text(arg, nA, "nA")


def secret_numbers(key, label, count):
    """`count` numbers in [0, 1) from the instructor's secret `key` (bytes) and `label`."""
    numbers = []
    block = 0
    while len(numbers) < count:
        digest = hmac.new(key, f"{label}\0{block}".encode(), hashlib.sha256).digest()
        numbers += [int.from_bytes(digest[4 * i: 4 * i + 4], "big") / 2 ** 32 for i in range(8)]
        block += 1
    return numbers[:count]


def secret_neurons(key, label, count):
    """Neurons the student has never seen, from the instructor's secret key."""
    neurons = []
    u = secret_numbers(key, label, 6 * count)
    for i in range(count):
        a = u[6 * i: 6 * i + 6]
        v_rest = round(-80 + 25 * a[0], 2)
        neurons.append(LIFParams(v_rest=v_rest * mV, v_reset=round(v_rest - 10 + 20 * a[1], 2) * mV,
                                 v_threshold=round(v_rest + 12 + 20 * a[2], 2) * mV,
                                 R=round(3 + 40 * a[3], 2) * Mohm, tau=round(3 + 40 * a[4], 2) * ms,
                                 t_ref=round(0.5 + 5 * a[5], 2) * ms))
    return neurons


def hidden(name):
    """A `MeasuredQuestion`'s test: is the value within tolerance of the mystery neuron's `name`?"""
    def within(variant, value, tolerance):
        return mystery.matches(variant.student, name, value, tolerance)

    return within


MYSTERY_NOTE = " (Are these experiments on your own neuron, mystery_neuron()?)"
