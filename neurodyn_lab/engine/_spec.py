"""What one run is: `RunSpec`, validated once, here, and trusted by the engine; the limits of a run.

Every layer that simulates (``simulate``, ``analysis.fi_curve``/``frequency_response``, the classic
functions and the neurodynex3 layer through ``simulate``, ``Engine.warm_up``) describes its run as a
`RunSpec`. Making one checks everything a run needs -- currents, parameters, duration, time step,
sizes, what each input kind can do at that time step -- and says what is wrong in one sentence,
before anything is allocated or built. `Engine.run` accepts nothing else, so it checks nothing
again.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from brian2 import Quantity, ms, second

from .._validation import as_positive, describe, format_number, format_value
from ..inputs import Current, InputLimitError, as_current
from ..parameters import LIFParams, as_params
from ._model import Structure

__all__ = ["RunSpec", "Spelling", "RUN_TERMS", "Layout", "structure_of", "sampled_table_rows", "n_steps_of", "MAX_STEPS", "MAX_NEURONS",
           "MAX_SAMPLES", "MAX_RECORDED", "MAX_TABLE", "LIMITS"]

#: Most time steps of one run (10^7: 1000 s at dt = 0.1 ms).
MAX_STEPS = 10_000_000
#: Most neurons of one run (one per current of an f-I curve or per frequency of a response).
MAX_NEURONS = 10_000
#: Most neurons x time steps of one run (a few seconds of compiled code).
MAX_SAMPLES = 200_000_000
#: Most recorded voltage samples of one run (8 bytes each: 160 MB, copied once for the result).
MAX_RECORDED = 20_000_000
#: Most cells of the table of tabulated (noise, array) inputs (8 bytes each: 256 MB).
MAX_TABLE = 2 ** 25
#: The limits in one sentence (for messages and the documentation).
LIMITS = (f"one run simulates at most {MAX_NEURONS:,} neurons and {MAX_STEPS:.0e} time steps (1000 s at "
          f"dt = 0.1 ms), at most {MAX_SAMPLES:.0e} neuron-steps, records at most {MAX_RECORDED:.0e} voltage "
          f"samples and tabulates noise or array inputs in at most {MAX_TABLE:.2e} cells, so that it fits a "
          "2 GB Binder kernel")

#: How far (in time steps) duration/dt may be from a whole number and still be one: float rounding
#: only (0.3 ms / 0.1 ms is 2.9999999999999996), never a real fraction of a step.
_WHOLE = 1e-6


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:g} ms"


def n_steps_of(duration: float, dt: float) -> int:
    """Number of time steps of `duration` at `dt` (float seconds): the nearest whole number, at least 1.

    A `RunSpec` refuses a duration that is not a whole number of steps, so for a run this is exact.

    Examples
    --------
    >>> n_steps_of(0.1, 1e-4), n_steps_of(0.0003, 1e-4)
    (1000, 3)
    """
    return max(int(round(duration / dt)), 1)


def sampled_table_rows(duration: float, dt: float) -> int:
    """Rows of the table a tabulated input needs for `duration` at `dt` (float seconds).

    A power of two, at least 4096, so that runs of similar durations share one compiled model. Two
    runs with the same number of rows (and neurons) use the same network.

    Examples
    --------
    >>> sampled_table_rows(0.1, 1e-4), sampled_table_rows(1.0, 1e-4)
    (4096, 16384)
    """
    n_steps = int(round(duration / dt))
    rows = 4096
    while rows < n_steps + 1:
        rows *= 2
    return rows


# --------------------------------------------------------------------------------------------
# the caller's terms
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spelling:
    """How a caller names and writes a run's duration and time step, so `RunSpec` refuses in its terms.

    `RunSpec` holds every rule of a run; a layer with arguments of its own (the classic functions'
    ``tend`` in plain ms, neurodynex3's ``simulation_time``) converts them to quantities and passes
    its `Spelling`, and the one sentence that refuses names the argument the student wrote, with
    an example to copy in the form the student writes it.

    Attributes
    ----------
    duration, dt : str
        The caller's names of the duration and the time step (``"tend"``, ``"simtime"``,
        ``"simulation_time"``; ``"dt"``, ``"brian2.defaultclock.dt"``).
    plain_ms : bool
        The caller writes times as plain numbers of ms (``tend=100``), not as quantities.
    duration_example, dt_example : str
        What the student may copy, as they would write it (``"100"``, ``"100*b2.ms"``).
    dt_is_argument : bool
        Whether the student chose dt (False: a fixed or global time step; a too short duration,
        or a too small tau, is then what the sentence names).
    tau : str
        The membrane time constant as the caller knows it (``"the classic neuron's membrane time
        constant"``, ``"membrane_time_scale"``).
    tau_example : str
        An example of `tau` to copy when it is the student's argument (``"8*b2.ms"``), else "".
    inputs : tuple of (str, str, str, float, str)
        The caller's names of input arguments with limits: (the input's argument, the caller's
        name, the caller's unit, SI units per caller's unit, example), e.g. ``("frequency",
        "I_freq", "kHz", 1e3, "0.1 for 100 Hz")``.
    end : str
        What ends the sentence (the classic API's sentences end with a full stop).

    `RUN_TERMS` (the default) keeps the sentences of ``simulate`` itself; any other spelling says
    a refusal argument first (``tend must be at most ...``), in the form the caller writes it.

    Examples
    --------
    >>> from brian2 import ms
    >>> tend = Spelling(duration="tend", plain_ms=True, duration_example="100", dt_is_argument=False, end=".")
    >>> RunSpec.time_grid(0.05 * ms, 0.1 * ms, spelling=tend)
    Traceback (most recent call last):
    ...
    ValueError: tend must be at least 0.1 (ms: one time step; e.g. tend=100), got 0.05.
    >>> from brian2 import Hz, nA
    >>> from neurodyn_lab import inputs
    >>> rates = Spelling(inputs=(("frequency", "f", "Hz", 1.0, "50*Hz"),))
    >>> RunSpec(inputs.sinusoid(1 * nA, 2000 * Hz), 100 * ms, spelling=rates)
    Traceback (most recent call last):
    ...
    ValueError: f must be at most 1000 Hz (10 time steps per period at dt=0.1 ms, e.g. f=50*Hz), got 2000 Hz
    """

    duration: str = "duration"
    dt: str = "dt"
    plain_ms: bool = False
    duration_example: str = "100*ms"
    dt_example: str = "0.1*ms"
    dt_is_argument: bool = True
    tau: str = "the membrane time constant tau"
    tau_example: str = ""
    inputs: tuple = ()
    end: str = ""

    def time(self, seconds: float) -> str:
        """A time as the caller writes it: ``"0.1"`` (plain ms) or ``"0.1 ms"``."""
        return format_number(seconds * 1e3) if self.plain_ms else format_value(seconds * second)

    def _unit_note(self, note: str) -> str:
        # Plain numbers carry their unit in the parentheses: "(ms: one time step; e.g. tend=100)".
        return f"ms: {note}; " if self.plain_ms else f"{note}, "

    def positive(self, name: str, value, example: str) -> float:
        """`value` (a time Quantity) in seconds, or one sentence if it is not a positive finite time."""
        if not self.plain_ms:
            return float(as_positive(name, value, second, f"a time such as {example}") / second)
        seconds = float(value / second)  # the caller's adapter made a Quantity of its plain number
        if not seconds > 0 or not seconds < float("inf"):
            raise ValueError(f"{name} must be positive (a plain number in ms such as {name}={example}), "
                             f"got {self.time(seconds)}{self.end}")
        return seconds

    def too_short(self, duration_s: float, dt_s: float) -> str:
        return (f"{self.duration} must be at least {self.time(dt_s)} ({self._unit_note('one time step')}e.g. "
                f"{self.duration}={self.duration_example}), got {self.time(duration_s)}{self.end}")

    def too_long(self, duration_s: float, dt_s: float) -> str:
        steps = f"{format_number(MAX_STEPS)} time steps of {format_number(dt_s * 1e3)} ms"
        return (f"{self.duration} must be at most {self.time(MAX_STEPS * dt_s)} ({self._unit_note(steps)}e.g. "
                f"{self.duration}={self.duration_example}), got {self.time(duration_s)}{self.end}")

    def not_whole(self, duration_s: float, dt_s: float) -> str:
        below = int(duration_s / dt_s) * dt_s
        above = below + dt_s
        if self.plain_ms:
            allowed = (f"ms: a multiple of {self.time(dt_s)} such as {self.duration}={self.time(below)} or "
                       f"{self.duration}={self.time(above)}")
        else:
            allowed = f"a multiple of {self.time(dt_s)} such as {self.time(below)} or {self.time(above)}"
        return (f"{self.duration} must be a whole number of time steps of {format_number(dt_s * 1e3)} ms "
                f"({allowed}), got {self.time(duration_s)}{self.end}")

    def dt_above_tau(self, dt_s: float, tau_s: float) -> str:
        if not self.dt_is_argument and self.tau_example:  # the student chose tau, not dt
            return (f"{self.tau} must be at least the time step {self.dt} = {self.time(dt_s)} (e.g. "
                    f"{self.tau}={self.tau_example}), got {self.time(tau_s)}{self.end}")
        return (f"{self.dt} must be at most {self.time(tau_s)} ({self._unit_note(self.tau)}e.g. "
                f"{self.dt}={self.dt_example}), got {self.time(dt_s)}{self.end}")

    def input_limit(self, error: InputLimitError) -> str | None:
        """`error` said with the caller's name and unit of its argument, or None if the caller has none."""
        for argument, name, unit, per_unit, example in self.inputs:
            if argument == error.argument:
                limit, given = format_number(error.limit / per_unit), format_number(error.given / per_unit)
                if self.plain_ms:  # plain numbers: the unit goes with the explanation, as for times
                    return (f"{name} must be at most {limit} ({unit}: {error.reason}; e.g. {name}={example}), "
                            f"got {given}{self.end}")
                return (f"{name} must be at most {limit} {unit} ({error.reason}, e.g. {name}={example}), "
                        f"got {given} {unit}{self.end}")
        return None


#: The terms of `simulate` and `RunSpec` themselves: ``duration`` and ``dt``, quantities.
RUN_TERMS = Spelling()


# --------------------------------------------------------------------------------------------
# input kinds: what the engine needs of each current
# --------------------------------------------------------------------------------------------
def _analytic(c: Current) -> bool:
    return isinstance(c.variables, dict) and type(c).terms is not Current.terms


def kind_of(c: Current):
    """The equation key ``(terms, variables)`` of a basic current, None for a tabulated one.

    Two classes with the same terms and variables (Step and Pulse) are one kind: one compiled code.
    A current that is neither analytic nor tabulated is refused in one sentence.
    """
    if c.tabulated:
        return None
    if not _analytic(c):
        raise TypeError(
            f"{type(c).__name__} is a Current the engine cannot simulate: define variables, terms(p) and "
            f"values() (see inputs.Step), or derive it from inputs.Tabulated and define first_samples "
            f"(see inputs.ArrayCurrent)"
        )
    variables = c.variables if c.variables is not None else {}
    return (tuple(c.terms("{p}")), tuple(variables.items()))


def instance_of_kind(cls: type, method: str, key) -> Current:
    """``cls.idle()`` or ``cls.example()``, checked to be of the kind `key` (same terms and variables)."""
    made = getattr(cls, method)()
    if not isinstance(made, Current) or kind_of(made) != key:
        raise TypeError(f"{cls.__name__}.{method}() must return a current of its own kind (the same terms and "
                        f"variables as {cls.__name__}), got {describe(made)}")
    return made


@dataclass(frozen=True)
class Layout:
    """How the currents of a run map onto a model's input slots.

    Attributes
    ----------
    per_neuron : tuple of (dict, tuple)
        For each neuron: its analytic components grouped by kind key, and its tabulated components.
    structure : Structure
        What fixes the generated code (see `neurodyn_lab.engine.Structure`).
    idle : dict
        For each kind key of the structure, the values of that kind's own ``idle()`` (unused slots).
    """

    per_neuron: tuple
    structure: Structure
    idle: dict


def layout_of(currents: Sequence[Current], duration: float, dt: float, record_v: bool) -> Layout:
    per_neuron = []
    counts: dict = {}
    classes: dict = {}
    tabulated_any = False
    for current in currents:
        grouped: dict = {}
        tabulated = []
        for c in current.components:
            key = kind_of(c)
            if key is None:
                tabulated.append(c)
            elif key[0]:  # a kind with no terms (no current) takes no slot
                grouped.setdefault(key, []).append(c)
                classes.setdefault(key, type(c))  # this run's own representative of the kind
        for key, members in grouped.items():
            counts[key] = max(counts.get(key, 0), len(members))
        tabulated_any = tabulated_any or bool(tabulated)
        per_neuron.append((grouped, tuple(tabulated)))
    kinds = tuple(sorted(counts.items()))
    labels = [f"{n} {classes[key].__name__.lower()}" for key, n in kinds]
    if tabulated_any:
        labels.append("tabulated input")
    structure = Structure(kinds=kinds, sampled_rows=sampled_table_rows(duration, dt) if tabulated_any else 0,
                          sampled_dt=float(dt) if tabulated_any else 0.0, n_neurons=len(per_neuron),
                          record_v=bool(record_v), labels=tuple(labels),
                          kind_classes=tuple(classes[key] for key, _ in kinds))
    idle = {key: instance_of_kind(classes[key], "idle", key).values() for key, _ in kinds}
    return Layout(tuple(per_neuron), structure, idle)


def structure_of(currents_per_neuron: Sequence[Current], duration: float, dt: float,
                 record_v: bool = True) -> Structure:
    """The `Structure` for these currents (one per neuron), `duration` and `dt` (float seconds).

    Examples
    --------
    >>> from brian2 import nA
    >>> from neurodyn_lab import inputs
    >>> structure_of([inputs.step(1 * nA)] * 3, 0.1, 1e-4).describe()
    '1 step; 3 neurons'
    """
    return layout_of(currents_per_neuron, duration, dt, record_v).structure


# --------------------------------------------------------------------------------------------
# the run description
# --------------------------------------------------------------------------------------------
class RunSpec:
    """One run, validated when it is made and frozen: the engine trusts it and checks nothing again.

    Parameters
    ----------
    currents : inputs.Current, Quantity (amp), or a sequence of them
        One current per neuron; a single current (or a constant such as ``2*nA``) is one neuron.
    duration : Quantity (second)
        How long to simulate, a whole number of time steps `dt`, e.g. ``100*ms``.
    params : LIFParams, optional
        The neuron (every neuron of the run); default neurodynex3's set ``LIFParams()``.
    dt : Quantity (second)
        Integration time step, default 0.1 ms; at most tau and at most `duration`.
    record_v : bool
        Record the membrane potential of every neuron (spikes are always recorded).
    name : str
        The caller's name for `currents`, used in messages (``"current"`` for ``simulate``).
    spelling : Spelling
        The caller's names and way of writing the duration and time step (and inputs' limited
        arguments), used in messages; default `RUN_TERMS` (``duration``, ``dt``, quantities).

    Attributes
    ----------
    params : LIFParams
    currents : tuple of inputs.Current
    duration, dt : Quantity (second)
    duration_s, dt_s : float
        The same in seconds.
    n_steps : int
        Time steps of the run: ``duration = n_steps * dt``.
    n_neurons : int
    record_v : bool
    layout : Layout
        How the currents map onto the model's input slots, and its `Structure`.

    Raises
    ------
    TypeError, ValueError
        One sentence naming the argument: what was expected (with a unit example) and what was given.

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> from neurodyn_lab import inputs
    >>> spec = RunSpec(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    >>> spec
    RunSpec(step(amplitude=3*nA, start=10*ms, end=60*ms), duration=100 ms, dt=0.1 ms, 1 neuron, record_v=True)
    >>> spec.n_steps
    1000
    >>> RunSpec(inputs.step(3 * nA), 1 * ms, dt=0.6 * ms)
    Traceback (most recent call last):
    ...
    ValueError: duration must be a whole number of time steps of dt=0.6 ms (a multiple of 0.6 ms such as 0.6 ms or 1.2 ms), got duration=1 ms
    """

    __slots__ = ("params", "currents", "duration_s", "dt_s", "n_steps", "record_v", "layout")

    params: LIFParams
    currents: tuple
    duration_s: float
    dt_s: float
    n_steps: int
    record_v: bool
    layout: Layout

    def __init__(self, currents, duration, *, params: LIFParams | None = None, dt=0.1 * ms, record_v: bool = True,
                 name: str = "currents", spelling: Spelling = RUN_TERMS) -> None:
        if not isinstance(spelling, Spelling):
            raise TypeError(f"spelling must be an engine.Spelling (e.g. engine.RUN_TERMS), got {describe(spelling)}")
        if isinstance(currents, (Current, Quantity)) and not (isinstance(currents, Quantity) and currents.ndim):
            currents = (currents,)
        elif not isinstance(currents, (list, tuple)):
            raise TypeError(f"{name} must be a current such as step(2*nA, 10*ms, 60*ms) from neurodyn_lab.inputs "
                            f"(or a list of them, one per neuron), got {describe(currents)}")
        currents = tuple(as_current(c, name) for c in currents)
        if not currents:
            raise ValueError(f"{name} must hold at least one current (one per neuron, e.g. [step(2*nA)]), "
                             f"got an empty {type(currents).__name__}")
        params = as_params(params)
        if not isinstance(record_v, (bool, numbers.Integral)):
            raise TypeError(f"record_v must be True or False, got {describe(record_v)}")
        duration_s, dt_s, n_steps = self.time_grid(duration, dt, params, n_neurons=len(currents),
                                                   record_v=bool(record_v), spelling=spelling)
        for current in currents:
            try:
                current.check_run(duration_s, dt_s)
            except InputLimitError as error:  # the input's rule, said in the caller's terms if it has them
                said = spelling.input_limit(error)
                if said is None:
                    raise
                raise ValueError(said) from None
        layout = layout_of(currents, duration_s, dt_s, bool(record_v))
        cells = layout.structure.sampled_rows * layout.structure.n_neurons
        if cells > MAX_TABLE:
            raise ValueError(f"{spelling.duration}={spelling.time(duration_s)} is too long for {len(currents)} noise "
                             f"or array input{'s' if len(currents) > 1 else ''}: their table would need {cells:.3g} "
                             f"cells; {LIMITS}{spelling.end}")
        for attribute, value in (("params", params), ("currents", currents), ("duration_s", duration_s),
                                 ("dt_s", dt_s), ("n_steps", n_steps), ("record_v", bool(record_v)),
                                 ("layout", layout)):
            object.__setattr__(self, attribute, value)

    @staticmethod
    def time_grid(duration, dt, params: LIFParams | None = None, n_neurons: int = 1,
                  record_v: bool = True, spelling: Spelling = RUN_TERMS) -> tuple[float, float, int]:
        """Check a run's duration and time step; return them in seconds and the number of steps.

        `duration` must be a whole number of time steps (a run covers exactly the duration asked
        for, so no spike is reported after it); dt at most tau (of `params`) and at most the
        duration; and the run within the limits (`LIMITS`) for `n_neurons`. Every refusal is one
        sentence in the terms of `spelling` (default: ``duration`` and ``dt``, quantities).

        Examples
        --------
        >>> from brian2 import ms
        >>> RunSpec.time_grid(100 * ms, 0.1 * ms)
        (0.1, 0.0001, 1000)
        >>> RunSpec.time_grid(100 * ms, 10 * ms)
        Traceback (most recent call last):
        ...
        ValueError: dt must not be larger than the membrane time constant tau=8 ms (e.g. dt=0.1*ms), got dt=10 ms
        """
        if spelling != RUN_TERMS:
            return RunSpec._time_grid_in(spelling, duration, dt, params, n_neurons, record_v)
        duration_s = float(as_positive("duration", duration, second, "a time such as 100*ms") / second)
        dt_s = float(as_positive("dt", dt, second, "a time step such as 0.1*ms") / second)
        tau = float(as_params(params).tau)
        if dt_s > tau:
            raise ValueError(f"dt must not be larger than the membrane time constant tau={_ms(tau)} (e.g. dt=0.1*ms), "
                             f"got dt={_ms(dt_s)}")
        if dt_s > duration_s:
            raise ValueError(f"dt must be shorter than duration={_ms(duration_s)} (e.g. dt=0.1*ms), got dt={_ms(dt_s)}")
        ratio = duration_s / dt_s
        if ratio > MAX_STEPS + 0.5:
            raise ValueError(
                f"duration/dt must be at most {MAX_STEPS:.0e} time steps (e.g. duration=1*second with dt=0.1*ms is "
                f"10^4), got {ratio:.3g} steps for duration={_ms(duration_s)} and dt={_ms(dt_s)}"
            )
        n_steps = n_steps_of(duration_s, dt_s)
        if abs(ratio - n_steps) > _WHOLE:
            below, above = int(ratio), int(ratio) + 1
            raise ValueError(
                f"duration must be a whole number of time steps of dt={_ms(dt_s)} (a multiple of {_ms(dt_s)} such as "
                f"{_ms(below * dt_s)} or {_ms(above * dt_s)}), got duration={_ms(duration_s)}"
            )
        if n_neurons > MAX_NEURONS or n_steps * n_neurons > MAX_SAMPLES or (
                record_v and n_steps * n_neurons > MAX_RECORDED):
            raise ValueError(
                f"the run is too large ({n_neurons} neurons x {n_steps} time steps): {LIMITS}; "
                "use fewer currents or a shorter duration"
            )
        return duration_s, dt_s, n_steps

    @staticmethod
    def _time_grid_in(spelling: Spelling, duration, dt, params, n_neurons: int, record_v: bool):
        """`time_grid`'s rules, refused in the caller's terms: the argument the student wrote first."""
        dt_s = spelling.positive(spelling.dt, dt, spelling.dt_example)
        tau = float(as_params(params).tau)
        if dt_s > tau:
            raise ValueError(spelling.dt_above_tau(dt_s, tau))
        duration_s = spelling.positive(spelling.duration, duration, spelling.duration_example)
        ratio = duration_s / dt_s
        if ratio < 1 - _WHOLE:
            raise ValueError(spelling.too_short(duration_s, dt_s))
        if ratio > MAX_STEPS + 0.5:
            raise ValueError(spelling.too_long(duration_s, dt_s))
        n_steps = n_steps_of(duration_s, dt_s)
        if abs(ratio - n_steps) > _WHOLE:
            raise ValueError(spelling.not_whole(duration_s, dt_s))
        if n_neurons > MAX_NEURONS or n_steps * n_neurons > MAX_SAMPLES or (
                record_v and n_steps * n_neurons > MAX_RECORDED):
            raise ValueError(f"the run is too large ({n_neurons} neurons x {n_steps} time steps): {LIMITS}; "
                             f"use a shorter {spelling.duration}{spelling.end}")
        return duration_s, dt_s, n_steps

    # -- derived, read-only ------------------------------------------------------------------
    @property
    def duration(self) -> Quantity:
        """How long the run is (second): exactly `n_steps` time steps."""
        return self.duration_s * second

    @property
    def dt(self) -> Quantity:
        """The time step (second)."""
        return self.dt_s * second

    @property
    def n_neurons(self) -> int:
        """One neuron per current."""
        return len(self.currents)

    @property
    def structure(self) -> Structure:
        """What fixes the generated code of this run (the engine's cache key)."""
        return self.layout.structure

    def __setattr__(self, name, value):
        raise AttributeError("a RunSpec cannot be changed; make a new one")

    def __delattr__(self, name):
        raise AttributeError("a RunSpec cannot be changed")

    def __repr__(self) -> str:
        if len(self.currents) == 1:
            what = f"{self.currents[0]!r}"
        else:
            what = f"<{len(self.currents)} currents>"
        return (f"RunSpec({what}, duration={format_value(self.duration)}, dt={format_value(self.dt)}, "
                f"{self.n_neurons} neuron{'s' if self.n_neurons != 1 else ''}, record_v={self.record_v})")
