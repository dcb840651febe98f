"""Mystery neurons: LIF neurons with hidden parameters, found by experiment (notebook 04).

`MysteryNeuron` (``mystery_neuron()`` in a notebook) draws its six parameters from physiological
ranges (`RANGES`), deterministically from the student's identity (see `students`): the student,
the hub and the autograder see the same neuron, neighbours see different ones.

An experiment is a real one:

- **noise**: the recorded voltage carries measurement noise, white and Gaussian with standard
  deviation `NOISE` (1 mV) per sample; the injected current and the spike times are recorded
  exactly. The noise is seeded by the student, the stimulus and how often this kernel gave that
  stimulus before: running the notebook again gives the same traces, repeating an experiment in
  one run gives new noise (so averaging repeats helps);
- **a budget**: each kernel may record at most `BUDGET` (10 s) of simulated time per neuron
  (``m.budget`` shows what is left); beyond it an experiment is refused with one sentence
  (`BudgetExceeded`). The autograder runs the notebook once, top to bottom, in a fresh kernel, so
  the experiments of the submitted notebook must fit in the budget. The time spent lives in a
  `Lab` (one per kernel: `default_lab`; a test makes its own).

What a curious student can reach, and what it shows:

- the neuron object: only whose it is, its budget and ``simulate``; it has no ``__dict__``
  (``vars()`` fails), a repr and ``dir()`` without parameters, refuses pickling and attribute
  assignment, and copies are the same object;
- its results (`MysteryResult`): noisy traces and spikes, no parameters and no threshold line;
- this module's globals: no function that returns the parameters; they are drawn inside a closure
  when an experiment runs, and `matches` (what the graders use) answers only yes or no;
- the engine: experiments run on the mystery neurons' own `Engine`, made inside the closure; the
  engine the notebook shares (``neurodyn_lab.engine.default_engine()``) never holds their values;
- the grader: messages give hints and tolerances, never the expected value.

This is not a security boundary: the package source is on the student's machine, and code in the
same Python process can always find what that process computes (by walking the closure, or by
wrapping the simulation). The autograder decides the grade in the instructor's process and flags
answer cells that do such things (docs/instructors.md).

Examples
--------
>>> from brian2 import pA, ms
>>> from neurodyn_lab import inputs
>>> m = MysteryNeuron("s12345", lab=Lab())  # in a notebook: m = mystery_neuron(), your own
>>> m
<mystery neuron of student s12345: 10 s of recording left; run experiments with m.simulate(current, duration)>
>>> r = m.simulate(inputs.step(20 * pA, 10 * ms, 200 * ms), 250 * ms)
>>> r.spike_count
0
>>> m.budget
<budget: 0.25 s of 10 s recorded, 9.75 s left>
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Mohm, Quantity, mV, ms, second

from .._validation import as_positive, format_value
from ..analysis import firing_rate, rheobase
from ..engine import Engine
from ..inputs import as_current
from ..parameters import LIFParams
from ..simulation import Recording, simulate
from .students import canonical_id

__all__ = ["MysteryNeuron", "MysteryResult", "Lab", "Budget", "BudgetExceeded", "default_lab", "set_default_lab",
           "matches", "rate_matches", "PARAMETER_NAMES", "RANGES", "NOISE", "BUDGET", "DT", "MAX_DURATION"]

#: The time step of every experiment (fixed: a dt > tau check would reveal tau in its message).
DT = 0.1 * ms
#: The longest single experiment.
MAX_DURATION = 5 * second
#: Simulated time a kernel may record from one mystery neuron.
BUDGET = 10 * second
#: The measurement noise of the recorded voltage: standard deviation per sample (white, Gaussian).
NOISE = 1 * mV
#: The hidden parameters, by name.
PARAMETER_NAMES = LIFParams.field_names()  # the one schema (parameters.FIELDS)
#: Where the hidden parameters lie (uniformly), as the notebook states them: name -> (low, high),
#: v_reset and v_threshold relative to v_rest. Physiological ranges for small cortical neurons
#: in a whole-cell recording.
RANGES = {"v_rest": (-75 * mV, -60 * mV), "v_reset - v_rest": (-15 * mV, 5 * mV),
          "v_threshold - v_rest": (10 * mV, 25 * mV), "R": (50 * Mohm, 300 * Mohm), "tau": (5 * ms, 30 * ms),
          "t_ref": (1 * ms, 5 * ms)}
_DEFAULT = "default"  # the key of the neuron of a notebook without a student id


class BudgetExceeded(RuntimeError):
    """An experiment that would record more than the budget left (`BUDGET` per neuron and kernel)."""


@dataclass(frozen=True)
class Budget:
    """Simulated time recorded from one mystery neuron in this kernel, and what is left of `total`.

    Examples
    --------
    >>> Budget(total=10 * second, spent=2.5 * second)
    <budget: 2.5 s of 10 s recorded, 7.5 s left>
    """

    total: Quantity
    spent: Quantity

    @property
    def left(self):
        """Simulated time that may still be recorded (a Quantity in seconds)."""
        return self.total - self.spent

    def __repr__(self):
        return (f"<budget: {float(self.spent / second):.4g} s of {float(self.total / second):g} s recorded, "
                f"{float(self.left / second):.4g} s left>")


class Lab:
    """The experiments of one kernel: the simulated time recorded from each mystery neuron (at most
    `budget`) and how often each stimulus was given (each repeat gets new noise).

    Parameters
    ----------
    budget : Quantity (second), optional
        Simulated time each neuron may record, default `BUDGET` (10 s).

    Examples
    --------
    >>> lab = Lab(budget=2 * second)
    >>> lab.budget_of("s1")
    <budget: 0 s of 2 s recorded, 2 s left>
    """

    def __init__(self, budget=BUDGET):
        self.budget = as_positive("budget", budget, second, "a simulated time such as 10*second")
        self._spent = {}  # neuron key -> seconds recorded
        self._given = {}  # (neuron key, stimulus fingerprint) -> how often

    def budget_of(self, key):
        """The `Budget` of the neuron with this key (a student id, or "default")."""
        return Budget(total=self.budget, spent=self._spent.get(key, 0.0) * second)

    def admit(self, key, duration):
        """Raise `BudgetExceeded` unless `duration` fits in what is left of `key`'s budget.

        Examples
        --------
        >>> Lab(budget=1 * second).admit("s1", 2 * second)
        Traceback (most recent call last):
        ...
        neurodyn_lab.grading.mystery.BudgetExceeded: this experiment would record 2000 ms but only 1 s of your 1 s budget is left (m.budget shows it): plan your experiments, and run the notebook again from the top (Kernel > Restart and Run All) to start with a full budget, as the autograder does
        """
        budget = self.budget_of(key)
        if duration > budget.left * (1 + 1e-9):
            raise BudgetExceeded(
                f"this experiment would record {format_value(duration)} but only {float(budget.left / second):.4g} s "
                f"of your {float(budget.total / second):g} s budget is left (m.budget shows it): plan your "
                f"experiments, and run the notebook again from the top (Kernel > Restart and Run All) to start with "
                f"a full budget, as the autograder does")

    def record(self, key, duration, fingerprint):
        """Charge `duration` to `key`'s budget; return how often this stimulus (`fingerprint`, any
        text) was given before.

        Examples
        --------
        >>> lab = Lab()
        >>> lab.record("s1", 300 * ms, "step 50 pA"), lab.record("s1", 300 * ms, "step 50 pA")
        (0, 1)
        >>> lab.budget_of("s1")
        <budget: 0.6 s of 10 s recorded, 9.4 s left>
        """
        self._spent[key] = self._spent.get(key, 0.0) + float(duration / second)
        repeat = self._given.get((key, fingerprint), 0)
        self._given[(key, fingerprint)] = repeat + 1
        return repeat


class _Default:
    """Holds the kernel's one `Lab`, made at its first use."""

    lab = None


def default_lab():
    """The `Lab` of this kernel (`mystery_neuron()`'s neurons spend their budget here).

    Examples
    --------
    >>> default_lab() is default_lab()
    True
    """
    if _Default.lab is None:
        _Default.lab = Lab()
    return _Default.lab


def set_default_lab(lab):
    """Make `lab` the kernel's `Lab` (as a fresh kernel has); return the previous one (for tests).

    Examples
    --------
    >>> previous = set_default_lab(Lab())
    >>> _ = set_default_lab(previous)
    """
    if not isinstance(lab, Lab):
        raise TypeError(f"lab must be a Lab, such as Lab(budget=10*second), got {type(lab).__name__}")
    previous = default_lab()
    _Default.lab = lab
    return previous


def _sealed():
    """The two ways in: run an experiment, and compare a measurement; the parameters are drawn
    inside, when needed, and never returned."""
    salt = b"neurodyn_lab mystery neuron v3\0"
    engine = Engine()  # the mystery neurons' own: nothing of theirs reaches the shared engine

    def draw(key):
        # Uniform in RANGES; rounded to 0.01 mV, 0.1 MOhm, 0.01 ms (numbers a table would show).
        digest = hashlib.sha256(salt + key.encode("utf-8")).digest()
        u = [int.from_bytes(digest[4 * i: 4 * i + 4], "big") / 2 ** 32 for i in range(6)]
        v_rest = round(-75 + 15 * u[0], 2)
        return LIFParams(v_rest=v_rest * mV, v_reset=round(v_rest - 15 + 20 * u[1], 2) * mV,
                         v_threshold=round(v_rest + 10 + 15 * u[2], 2) * mV, R=round(50 + 250 * u[3], 1) * Mohm,
                         tau=round(5 + 25 * u[4], 2) * ms, t_ref=round(1 + 4 * u[5], 2) * ms)

    def run(key, current, duration, lab):
        result = simulate(current, duration, params=draw(key), dt=DT, engine=engine)
        # The stimulus as given (the current on the time grid, and the duration): the noise's seed
        # is the student's, this stimulus's and the repeat's, so a re-run gives the same traces.
        stimulus = hashlib.sha256(np.ascontiguousarray(np.asarray(result.I), dtype=float).tobytes()
                                  + repr(float(duration / second)).encode()).hexdigest()
        repeat = lab.record(key, duration, stimulus)
        seed = hashlib.sha256(salt + b"noise\0" + key.encode("utf-8") + b"\0" + stimulus.encode()
                              + b"\0" + str(repeat).encode()).digest()
        noise = np.random.default_rng(int.from_bytes(seed[:8], "big")).standard_normal(len(result.v))
        hidden = MysteryResult(t=result.t, v=result.v + noise * NOISE, I=result.I, spike_times=result.spike_times,
                               current=result.current, duration=result.duration, dt=result.dt)
        del result
        return hidden

    def within(key, name, value, tolerance):
        return bool(tolerance.allows(float(value), float(np.asarray(getattr(draw(key), name)))))

    def rate_within(key, multiple, value, tolerance):
        params = draw(key)
        rate = firing_rate(multiple * rheobase(params), params)  # the book's 1/(t_ref + tau ln(...))
        return bool(tolerance.allows(float(value), float(np.asarray(rate))))

    return run, within, rate_within


_run, _within, _rate_within = _sealed()
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


def rate_matches(student_id, multiple, value, tolerance):
    """Whether `value` (Hz, SI float) is within `tolerance` of the firing rate of `student_id`'s
    mystery neuron (None: the default neuron) for a constant current of `multiple` (> 1) times its
    rheobase: yes or no, never the rate.

    Examples
    --------
    >>> from neurodyn_lab.grading.framework import Tolerance
    >>> rate_matches("s12345", 1.5, 1e6, Tolerance(rel=0.02))
    False
    """
    if isinstance(multiple, bool) or not isinstance(multiple, (int, float)) or not multiple > 1:
        raise ValueError(f"multiple must be a number larger than 1 (times the rheobase, e.g. 1.5), got {multiple!r}")
    return _rate_within(_DEFAULT if student_id is None else canonical_id(student_id), float(multiple), value,
                        tolerance)


@dataclass(frozen=True, eq=False)
class MysteryResult(Recording):
    """An experiment on a mystery neuron: a `Recording` (t, v, I, spike_times, current, duration,
    dt, spike_count, firing_rate) like `simulate`'s result, without the parameters; ``v`` carries
    the measurement noise (`NOISE`), the current and the spike times are exact."""

    def plot(self, title=None, *, xlim=None, ylim=None, view=None):
        """A matplotlib Figure: v with spike markers above I, on a shared time axis (no threshold line:
        finding it is the exercise). `xlim`/`ylim` as for `Recording.plot`.

        In a notebook whose panels are drawn by the browser the figure shows as the panels'
        canvas view (with the plot's text alternative), and as the same matplotlib PNG anywhere
        else (nbconvert, the docs); `view` ("auto", "canvas", "image") chooses as for a panel
        (see `neurodyn_lab.panels.browser_figure.BrowserFigure`).

        Examples
        --------
        >>> from brian2 import pA
        >>> from neurodyn_lab import inputs
        >>> r = MysteryNeuron("s12345", lab=Lab()).simulate(inputs.step(20 * pA, 10 * ms, 60 * ms), 80 * ms)
        >>> fig = r.plot()
        >>> [ax.get_ylabel() for ax in fig.axes], fig.label.split(":")[0]
        (['v (mV)', 'I (nA)'], 'Plot of v(t) above I(t) over 80 ms')
        """
        from ..panels.browser_figure import BrowserFigure, trace_label
        from ..plotting import plot_result

        figure = BrowserFigure(figsize=(7, 4.5), label=trace_label(self), view=view)
        return plot_result(self, title=title or f"mystery neuron: {self.spike_count} spike"
                           f"{'s' if self.spike_count != 1 else ''} in {float(self.duration / ms):g} ms",
                           fig=figure, xlim=xlim, ylim=ylim)

    def __repr__(self):
        return (f"<MysteryResult: {float(self.duration / ms):g} ms, {self.spike_count} "
                f"spike{'s' if self.spike_count != 1 else ''} ({float(self.firing_rate / Hz):.1f} Hz); "
                f"input {self.current!r}>")


class MysteryNeuron:
    """A LIF neuron whose parameters are hidden; experiment with `simulate`.

    ``MysteryNeuron(student_id)`` is that student's neuron, ``MysteryNeuron(None)`` the default one;
    a notebook calls `neurodyn_lab.grading.mystery_neuron()`, which gives the notebook's student's.
    Its experiments spend the budget kept by `lab` (default: this kernel's, `default_lab`).
    """

    __slots__ = ("_key", "_student", "_lab")

    def __init__(self, student_id=None, *, lab=None):
        if lab is not None and not isinstance(lab, Lab):
            raise TypeError(f"lab must be a Lab, such as Lab(budget=10*second), got {type(lab).__name__}")
        key = canonical_id(student_id) if student_id is not None else None
        object.__setattr__(self, "_student", key)
        object.__setattr__(self, "_key", _DEFAULT if key is None else key)
        object.__setattr__(self, "_lab", lab)

    @property
    def student(self):
        """Whose neuron this is (None: the default neuron of a notebook without a student id)."""
        return self._student

    @property
    def budget(self):
        """The `Budget`: simulated time recorded from this neuron in this kernel, and what is left."""
        return self._laboratory().budget_of(self._key)

    def _laboratory(self):
        return self._lab if self._lab is not None else default_lab()

    def simulate(self, current, duration):
        """Run an experiment: inject `current` for `duration` (dt = 0.1 ms) and record; it costs
        `duration` of the budget.

        Parameters
        ----------
        current : inputs.Current or Quantity (amp)
            Any current from `neurodyn_lab.inputs`, e.g. ``inputs.step(50*pA, 10*ms, 200*ms)``.
        duration : Quantity (second)
            At most 5 s, and at most what is left of the budget (``m.budget``), e.g. ``300*ms``.

        Returns
        -------
        MysteryResult
            ``t``, ``v`` (with measurement noise), ``I``, ``spike_times``, ``spike_count``,
            ``firing_rate``, ``plot()``.

        Raises
        ------
        BudgetExceeded
            If `duration` is more than what is left of the budget.
        """
        current = as_current(current)
        duration = as_positive("duration", duration, second, "a time such as 300*ms")
        if duration > MAX_DURATION:
            raise ValueError(f"duration must be at most 5 s for a mystery neuron (e.g. 300*ms), got {format_value(duration)}")
        lab = self._laboratory()
        lab.admit(self._key, duration)
        return _run(self._key, current, duration, lab)

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
        return ["budget", "simulate", "student"]

    def __repr__(self):
        whose = f"of student {self._student}" if self._student is not None else \
            "(the default one: no student id set)"
        return (f"<mystery neuron {whose}: {float(self.budget.left / second):.4g} s of recording left; "
                f"run experiments with m.simulate(current, duration)>")
