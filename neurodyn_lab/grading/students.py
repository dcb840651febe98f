"""Who is working on this notebook, and their own numbers: a neuron (and stimulus) per student.

The identity is, in this order:

1. an id set explicitly in the notebook's first code cell (``student_id = "s1234567"``, passed to
   `student`);
2. the student whose submission nbgrader is autograding (the autograder sets it, see `autograde`);
3. the ``JUPYTERHUB_USER`` environment variable (the hub login);
4. none: the default neuron (neurodynex3's set), with one message saying how to set an id.

The same id gives the same numbers everywhere: in the student's notebook, on the hub and in the
instructor's autograder, which grades each submission against the student it was collected from,
whatever id the notebook names.

Nothing here keeps state: the notebook's student is kept by its `session.GradingSession`
(`neurodyn_lab.grading.student` sets it).

Examples
--------
>>> identify("s001")
('s001', 'notebook')
>>> variant_for("s001").neuron == variant_for(" s001 ").neuron
True
"""

import hashlib
import numbers
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Mohm, Quantity, mV, ms

from .._config import settings as process_settings
from .._validation import describe
from ..parameters import FIELDS, LIFParams

__all__ = ["Student", "Variant", "identify", "canonical_id", "variant_for", "neuron_of",
           "classic_amplitude_of", "phase_frequency_of", "AUTOGRADE_STUDENT"]

#: The environment variable through which the autograder names the student being graded.
AUTOGRADE_STUDENT = "NEURODYN_LAB_AUTOGRADE_STUDENT"

_SALT = b"neurodyn_lab student variant v2\0"
_HOW_TO = ('set student_id = "your id" (e.g. your student number, as text) in the first code cell and run the '
           "notebook again; on JupyterHub your login is used")


def canonical_id(value, argument="student_id"):
    """A student id as canonical text: 42, "42" and " 0042 " are the same student.

    Raises one clear TypeError/ValueError for anything else.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer, str)):
        given = repr(value) if isinstance(value, (numbers.Number, np.number)) else describe(value)
        raise TypeError(f"{argument} must be a student id as text (or a whole number), e.g. \"s1234567\", "
                        f"got {given}")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError(f"{argument} must be a student id as text, e.g. \"s1234567\", got an empty text")
        return str(int(text)) if text.isdigit() else text
    return str(int(value))


def identify(explicit=None, settings=None):
    """``(id, source)``: `explicit` (from the notebook), else the autograded student, else the hub
    login of `settings` (default: this process's `neurodyn_lab._config.settings()`), else
    ``(None, "default")``."""
    if explicit is not None:
        return canonical_id(explicit), "notebook"
    settings = settings if settings is not None else process_settings()
    for value, source in ((settings.autograde_student, "autograde"), (settings.hub_user, "hub")):
        if value:
            return canonical_id(value), source
    return None, "default"


def _uniform(student_id, count, purpose):
    digest = hashlib.sha256(_SALT + purpose.encode() + b"\0" + student_id.encode("utf-8")).digest()
    return [int.from_bytes(digest[4 * i: 4 * i + 4], "big") / 2 ** 32 for i in range(count)]


def _grid(u, low, high, step):
    return round(low + round(u * (high - low) / step) * step, 6)


def neuron_of(student_id):
    """The neuron of notebooks 01-03 for `student_id` (None: neurodynex3's default set, LIFParams()).

    Drawn around neurodynex3's default set so every stimulus of the questions works: v_rest -75...-65 mV,
    v_threshold 15-22 mV above it, v_reset 0-8 mV above v_rest, R 8-14 MOhm, tau 5-15 ms,
    t_ref 1-4 ms, on a 0.1 grid (the rheobase stays below 2.8 nA, the steady state of 0.5 nA below threshold).
    These numbers are not secret: the notebook shows them as "your neuron".
    """
    if student_id is None:
        return LIFParams()
    u = _uniform(canonical_id(student_id), 6, "neuron")
    v_rest = _grid(u[0], -75, -65, 0.1)
    return LIFParams(
        v_rest=v_rest * mV,
        v_reset=round(v_rest + _grid(u[1], 0, 8, 0.1), 6) * mV,
        v_threshold=round(v_rest + _grid(u[2], 15, 22, 0.1), 6) * mV,
        R=_grid(u[3], 8, 14, 0.1) * Mohm,
        tau=_grid(u[4], 5, 15, 0.1) * ms,
        t_ref=_grid(u[5], 1, 4, 0.1) * ms,
    )


def classic_amplitude_of(student_id):
    """The amplitude (nA) of notebook 00's step for `student_id`: 1.005 nA (the classic default)
    without an id, else 1.10-2.00 nA in steps of 0.05 nA."""
    if student_id is None:
        return 1.005
    return _grid(_uniform(canonical_id(student_id), 1, "classic step")[0], 1.1, 2.0, 0.05)


def phase_frequency_of(student_id):
    """The frequency of notebook 03's phase question for `student_id`: 100 Hz without an id, else
    10-60 Hz in steps of 5 Hz (the phase alone varies too little with tau to tell students apart)."""
    if student_id is None:
        return 100 * Hz
    return _grid(_uniform(canonical_id(student_id), 1, "phase frequency")[0], 10, 60, 5) * Hz


@dataclass(frozen=True)
class Variant:
    """One student's numbers: whose they are, the neuron of 01-03, the step amplitude of 00, the
    frequency of 03's phase question."""

    student: object  # canonical id, or None for the default
    neuron: LIFParams
    classic_amplitude: float  # nA, as LIF_Step(I_amp=...) takes it
    phase_frequency: Quantity


def variant_for(student_id):
    """The `Variant` of `student_id` (None: the default numbers)."""
    key = None if student_id is None else canonical_id(student_id)
    return Variant(student=key, neuron=neuron_of(key), classic_amplitude=classic_amplitude_of(key),
                   phase_frequency=phase_frequency_of(key))


def _value(q, unit, name):
    return f"{float(np.asarray(q / unit)):g} {name}"


@dataclass(frozen=True)
class Student:
    """The student of this notebook: ``id``, where it came from (``source``), and their numbers.

    Attributes
    ----------
    id : str or None
    source : str
        ``"notebook"``, ``"autograde"``, ``"hub"`` or ``"default"``.
    neuron : LIFParams
        "Your neuron" in notebooks 01-03.
    classic_amplitude : float
        "Your step" in notebook 00, in nA: ``LIF_Step(I_amp=me.classic_amplitude)``.
    phase_frequency : Quantity
        "Your frequency" of notebook 03's phase question.
    """

    id: object
    source: str
    variant: Variant

    @property
    def neuron(self):
        return self.variant.neuron

    @property
    def classic_amplitude(self):
        return self.variant.classic_amplitude

    @property
    def phase_frequency(self):
        return self.variant.phase_frequency

    def _lines(self):
        who = {"notebook": f"student {self.id} (set in this notebook)",
               "autograde": f"student {self.id} (the submission being graded)",
               "hub": f"student {self.id} (your JupyterHub login)",
               "default": "no student id: the default neuron"}[self.source]
        p = self.neuron
        neuron = ", ".join(f"{f.name} = {_value(getattr(p, f.name), f.display, f.display_name)}" for f in FIELDS)
        lines = [f"Your numbers: {who}.", f"Your neuron (me.neuron): {neuron}.",
                 f"Your step in notebook 00: LIF_Step(I_amp={self.classic_amplitude:g}) ({self.classic_amplitude:g} nA).",
                 f"Your frequency in notebook 03 (the phase question): me.phase_frequency = "
                 f"{_value(self.phase_frequency, Hz, 'Hz')}."]
        if self.source == "default":
            lines.append(f"To get your own numbers, {_HOW_TO}.")
        return lines

    def __repr__(self):
        return "\n".join(self._lines())

    def _repr_html_(self):
        import html

        return "<div class='neurodyn-student'>" + "<br>".join(html.escape(line) for line in self._lines()) + "</div>"
