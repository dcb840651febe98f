"""Mystery neurons: LIF neurons with hidden parameters, to be found by experiment (notebook 04).

``mystery_neuron(seed)`` draws the six parameters from the book's ranges, deterministically from
the seed (a student number, say): the student and the grader see the same neuron, neighbours see
different ones.

What a curious student can reach, and what it shows:

- the neuron object: only its seed (which the student chose) and ``simulate``; it has no
  ``__dict__`` (``vars()`` fails), a repr and ``dir()`` without parameters, refuses pickling and
  attribute assignment, and copies are the same object;
- its results (`MysteryResult`): traces and spikes, no parameters and no threshold line;
- the engine: after each experiment the compiled network is run for one step with the book's
  parameters, so its variables do not keep the mystery values;
- the grader: messages give hints and tolerances, never the expected value.

The parameters exist only while an experiment or a check runs. This is not a security boundary:
the package source is on the student's machine, and code in the same Python process can always
find what that process computes (for graded exams the check runs in the instructor's autograder
anyway).

Examples
--------
>>> from brian2 import nA, ms
>>> from neurodyn_lab import inputs
>>> m = mystery_neuron(12345)
>>> m
<mystery neuron, seed 12345: find its parameters with m.simulate(current, duration)>
>>> r = m.simulate(inputs.step(0.5 * nA, 10 * ms, 200 * ms), 250 * ms)
>>> r.spike_count
0
"""

import hashlib
import numbers
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Mohm, mV, ms, second

from .. import engine
from .._validation import as_positive, describe
from ..inputs import as_current
from ..parameters import LIFParams
from ..simulation import Recording, simulate

__all__ = ["mystery_neuron", "MysteryNeuron", "MysteryResult"]

_DT = 0.1 * ms  # fixed: a dt > tau check would reveal tau in its message
_MAX_DURATION = 5 * second
_SALT = b"neurodyn_lab mystery neuron v1\0"


def _seed_key(seed):
    """The seed as a canonical text: 42, "42" and " 0042 " are the same neuron."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (numbers.Integral, np.integer, str)):
        given = repr(seed) if isinstance(seed, (numbers.Number, np.number)) else describe(seed)
        raise TypeError(f"seed must be a whole number or a text such as your student number, e.g. "
                        f"mystery_neuron(12345), got {given}")
    if isinstance(seed, str):
        text = seed.strip()
        if not text:
            raise ValueError("seed must be a whole number or a text such as your student number, e.g. "
                             "mystery_neuron(12345), got an empty text")
        return str(int(text)) if text.isdigit() else text
    return str(int(seed))


def _parameters(seed):
    """The hidden parameters of `seed`'s neuron (for the grader; never stored on the neuron).

    Ranges (the book's): v_rest -75...-60 mV, v_reset v_rest +- 10 mV, v_threshold -40...+5 mV,
    R 2-15 MOhm, tau 2-30 ms, t_ref 1-7 ms; rounded to 0.1 of their unit.
    """
    digest = hashlib.sha256(_SALT + _seed_key(seed).encode("utf-8")).digest()
    u = [int.from_bytes(digest[4 * i: 4 * i + 4], "big") / 2 ** 32 for i in range(6)]
    v_rest = round(-75 + 15 * u[0], 1)
    return LIFParams(
        v_rest=v_rest * mV,
        v_reset=round(v_rest - 10 + 20 * u[1], 1) * mV,
        v_threshold=round(-40 + 45 * u[2], 1) * mV,
        R=round(2 + 13 * u[3], 1) * Mohm,
        tau=round(2 + 28 * u[4], 1) * ms,
        t_ref=round(1 + 6 * u[5], 1) * ms,
    )


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

    Create one with `mystery_neuron(seed)`.
    """

    __slots__ = ("_seed",)

    def __init__(self, seed):
        _seed_key(seed)  # validate now, with a clear message
        object.__setattr__(self, "_seed", seed)

    @property
    def seed(self):
        """The seed this neuron was drawn from."""
        return self._seed

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
            raise ValueError(f"duration must be at most 5 s for a mystery neuron (e.g. 300*ms), got {duration!r}")
        result = simulate(current, duration, params=_parameters(self._seed), dt=_DT)
        hidden = MysteryResult(t=result.t, v=result.v, I=result.I, spike_times=result.spike_times,
                               current=result.current, duration=result.duration, dt=result.dt)
        del result
        _scrub(current, duration)
        return hidden

    def __setattr__(self, name, value):
        raise AttributeError("a mystery neuron cannot be changed; run experiments with .simulate(current, duration)")

    def __delattr__(self, name):
        raise AttributeError("a mystery neuron cannot be changed")

    def __reduce_ex__(self, protocol):
        raise TypeError("a mystery neuron cannot be pickled; make it again with mystery_neuron(seed)")

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __dir__(self):
        return ["seed", "simulate"]

    def __repr__(self):
        return f"<mystery neuron, seed {self._seed!r}: find its parameters with m.simulate(current, duration)>"


def _scrub(current, duration):
    """Overwrite the engine's copy of the last parameters: one short run of the same compiled model
    (same structure: a sampled input keeps its table length) with the book's parameters."""
    rows = engine.structure_of([current], float(duration / second), float(_DT / second)).sampled_rows
    steps = 1 if rows <= 4096 else rows // 2
    simulate(current, steps * _DT, params=LIFParams(), dt=_DT)


def mystery_neuron(seed):
    """A LIF neuron with hidden parameters drawn from the book's ranges, the same for the same seed.

    Parameters
    ----------
    seed : int or str
        Your seed, e.g. your student number (``12345`` or ``"s1234567"``); neighbours should use theirs.

    Returns
    -------
    MysteryNeuron
        Run experiments with ``m.simulate(current, duration)``; check your findings with
        ``check("04.tau", answer, seed=seed)`` (and 04.v_rest, 04.v_threshold, 04.R, 04.t_ref, 04.v_reset).

    Raises
    ------
    TypeError, ValueError
        If `seed` is not a whole number or a non-empty text.

    Examples
    --------
    >>> m = mystery_neuron(12345)
    >>> m.seed
    12345
    """
    return MysteryNeuron(seed)
