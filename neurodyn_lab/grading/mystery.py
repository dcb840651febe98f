"""Mystery neurons: LIF neurons with hidden parameters, to be found by experiment (notebook 04).

`MysteryNeuron` (``mystery_neuron()`` in a notebook) draws the six parameters from neurodynex3's ranges, deterministically from
the student's identity (see `students`): the student, the hub and the autograder see the same
neuron, neighbours see different ones.

What a curious student can reach, and what it shows:

- the neuron object: only whose it is and ``simulate``; it has no ``__dict__`` (``vars()``
  fails), a repr and ``dir()`` without parameters, refuses pickling and attribute assignment, and
  copies are the same object;
- its results (`MysteryResult`): traces and spikes, no parameters and no threshold line;
- this module's globals: no function that returns the parameters; they are drawn inside a closure
  when an experiment runs, and `matches` (what the graders use) answers only yes or no;
- the engine: experiments run on the mystery neurons' own `Engine`, made inside the closure; the
  engine the notebook shares (``neurodyn_lab.engine.default_engine()``) never holds their values;
- the grader: messages give hints and tolerances, never the expected value.

This is not a security boundary: the package source is on the student's machine, and code in the
same Python process can always find what that process computes (by walking the closure, or by
wrapping the engine). The autograder decides the grade in the instructor's process and flags answer
cells that do such things (docs/instructors.md).

Examples
--------
>>> from brian2 import nA, ms
>>> from neurodyn_lab import inputs
>>> m = MysteryNeuron("s12345")  # in a notebook: m = mystery_neuron(), your own
>>> m
<mystery neuron of student s12345: find its parameters with m.simulate(current, duration)>
>>> r = m.simulate(inputs.step(0.5 * nA, 10 * ms, 200 * ms), 250 * ms)
>>> r.spike_count
0
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Mohm, mV, ms, second

from .._validation import as_positive, format_value
from ..engine import Engine
from ..inputs import as_current
from ..parameters import LIFParams
from ..simulation import Recording, simulate
from .students import canonical_id

__all__ = ["MysteryNeuron", "MysteryResult", "matches", "PARAMETER_NAMES"]

_DT = 0.1 * ms  # fixed: a dt > tau check would reveal tau in its message
_MAX_DURATION = 5 * second
#: The hidden parameters, by name.
PARAMETER_NAMES = ("v_rest", "v_reset", "v_threshold", "R", "tau", "t_ref")
_DEFAULT = "default"  # the key of the neuron of a notebook without a student id


def _sealed():
    """The two ways in: run an experiment, and compare a measurement; the parameters are drawn
    inside, when needed, and never returned."""
    salt = b"neurodyn_lab mystery neuron v2\0"
    engine = Engine()  # the mystery neurons' own: nothing of theirs reaches the shared engine

    def draw(key):
        # neurodynex3's get_random_param_set ranges: v_rest -75...-60 mV, v_reset v_rest +- 10 mV,
        # v_threshold -40...+5 mV, R 2-15 MOhm, tau 2-30 ms, t_ref 1-7 ms; rounded to 0.1 of their unit.
        digest = hashlib.sha256(salt + key.encode("utf-8")).digest()
        u = [int.from_bytes(digest[4 * i: 4 * i + 4], "big") / 2 ** 32 for i in range(6)]
        v_rest = round(-75 + 15 * u[0], 1)
        return LIFParams(v_rest=v_rest * mV, v_reset=round(v_rest - 10 + 20 * u[1], 1) * mV,
                         v_threshold=round(-40 + 45 * u[2], 1) * mV, R=round(2 + 13 * u[3], 1) * Mohm,
                         tau=round(2 + 28 * u[4], 1) * ms, t_ref=round(1 + 6 * u[5], 1) * ms)

    def run(key, current, duration):
        result = simulate(current, duration, params=draw(key), dt=_DT, engine=engine)
        hidden = MysteryResult(t=result.t, v=result.v, I=result.I, spike_times=result.spike_times,
                               current=result.current, duration=result.duration, dt=result.dt)
        del result
        return hidden

    def within(key, name, value, tolerance):
        return bool(tolerance.allows(float(value), float(np.asarray(getattr(draw(key), name)))))

    return run, within


_run, _within = _sealed()
del _sealed


def matches(student_id, name, value, tolerance):
    """Whether `value` (SI float) is within `tolerance` of parameter `name` of `student_id`'s
    mystery neuron (None: the default neuron): yes or no, never the value.

    Examples
    --------
    >>> from brian2 import mV
    >>> from neurodyn_lab.grading.framework import Tolerance
    >>> matches("s12345", "v_rest", -0.2, Tolerance(abs=0.5 * mV))
    False
    """
    if name not in PARAMETER_NAMES:
        raise ValueError(f"name must be one of {', '.join(PARAMETER_NAMES)}, got {name!r}")
    return _within(_DEFAULT if student_id is None else canonical_id(student_id), name, value, tolerance)


@dataclass(frozen=True, eq=False)
class MysteryResult(Recording):
    """An experiment on a mystery neuron: a `Recording` (t, v, I, spike_times, current, duration,
    dt, spike_count, firing_rate) like `simulate`'s result, without the parameters."""

    def plot(self, title=None, *, xlim=None, ylim=None):
        """A matplotlib Figure: v with spike markers above I, on a shared time axis (no threshold line:
        finding it is the exercise). `xlim`/`ylim` as for `Recording.plot`."""
        from ..plotting import plot_result

        return plot_result(self, title=title or f"mystery neuron: {self.spike_count} spike"
                           f"{'s' if self.spike_count != 1 else ''} in {float(self.duration / ms):g} ms",
                           xlim=xlim, ylim=ylim)

    def __repr__(self):
        return (f"<MysteryResult: {float(self.duration / ms):g} ms, {self.spike_count} "
                f"spike{'s' if self.spike_count != 1 else ''} ({float(self.firing_rate / Hz):.1f} Hz); "
                f"input {self.current!r}>")


class MysteryNeuron:
    """A LIF neuron whose parameters are hidden; experiment with `simulate`.

    ``MysteryNeuron(student_id)`` is that student's neuron, ``MysteryNeuron(None)`` the default one;
    a notebook calls `neurodyn_lab.grading.mystery_neuron()`, which gives the notebook's student's.
    """

    __slots__ = ("_key", "_student")

    def __init__(self, student_id=None):
        key = canonical_id(student_id) if student_id is not None else None
        object.__setattr__(self, "_student", key)
        object.__setattr__(self, "_key", _DEFAULT if key is None else key)

    @property
    def student(self):
        """Whose neuron this is (None: the default neuron of a notebook without a student id)."""
        return self._student

    def simulate(self, current, duration):
        """Run an experiment: inject `current` for `duration` (dt = 0.1 ms) and record.

        Parameters
        ----------
        current : inputs.Current or Quantity (amp)
            Any current from `neurodyn_lab.inputs`, e.g. ``inputs.step(0.5*nA, 10*ms, 200*ms)``.
        duration : Quantity (second)
            At most 5 s, e.g. ``300*ms``.

        Returns
        -------
        MysteryResult
            ``t``, ``v``, ``I``, ``spike_times``, ``spike_count``, ``firing_rate``, ``plot()``.
        """
        current = as_current(current)
        duration = as_positive("duration", duration, second, "a time such as 300*ms")
        if duration > _MAX_DURATION:
            raise ValueError(f"duration must be at most 5 s for a mystery neuron (e.g. 300*ms), got {format_value(duration)}")
        return _run(self._key, current, duration)

    def __setattr__(self, name, value):
        raise AttributeError("a mystery neuron cannot be changed; run experiments with .simulate(current, duration)")

    def __delattr__(self, name):
        raise AttributeError("a mystery neuron cannot be changed")

    def __reduce_ex__(self, protocol):
        raise TypeError("a mystery neuron cannot be pickled; make it again with mystery_neuron()")

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __dir__(self):
        return ["simulate", "student"]

    def __repr__(self):
        whose = f"of student {self._student}" if self._student is not None else \
            "(the default one: no student id set)"
        return f"<mystery neuron {whose}: find its parameters with m.simulate(current, duration)>"
