"""Input currents: step, sinusoid, ramp, noise, arrays, and their sums.

A current is a function of time. ``current(t)`` evaluates it at times ``t``; ``a + b`` is their sum,
``a - b``, ``2 * a``, ``a / 2`` and ``-a`` scale and subtract them.
Inside a simulation the step, pulse, sinusoid and ramp are evaluated analytically (as the exact mean
of the current over each time step, so nothing lags by half a step); noise and arrays are averaged
over each time step from their own sample grids.

The contract with the engine is written here, once, per input kind: an analytic current lists the
equation terms it adds to the input (`Current.terms`), the units of the variables those terms use
(`Current.variables`) and their values (`Current.values`); a tabulated current (`Tabulated`) gives
its mean over each time step (`Current.step_means`). The engine loops over these and knows no kinds.

Examples
--------
>>> from brian2 import nA, ms, Hz
>>> I = step(2 * nA, 10 * ms, 60 * ms) + sinusoid(0.5 * nA, 50 * Hz)
>>> I
step(amplitude=2*nA, start=10*ms, end=60*ms) + sinusoid(amplitude=0.5*nA, frequency=50*Hz)
>>> float(I(20 * ms) / nA)  # doctest: +ELLIPSIS
2.0...
"""

from __future__ import annotations

import numbers

import numpy as np
from brian2 import Hz, Quantity, amp, coulomb, hertz, ms, nA, second

from ._validation import as_dimensionless, as_int, as_nonnegative, as_positive, as_quantity, describe

__all__ = ["Current", "Tabulated", "step", "pulse", "sinusoid", "ramp", "noise", "from_array", "zero", "as_current",
           "MAX_TABLE_SAMPLES", "MIN_SAMPLE_DT", "InputLimitError",
           "highest_frequency"]

_FOREVER = np.inf
#: Most samples a noise or array current may be evaluated on (8 bytes each: 80 MB; 1000 s of
#: noise at dt = 0.1 ms).
MAX_TABLE_SAMPLES = 10_000_000
#: Smallest sample step of a noise current, in seconds (1 us).
MIN_SAMPLE_DT = 1e-6
#: Fewest time steps per period of a sinusoid: with fewer, the recorded v aliases (issue 8.3).
STEPS_PER_PERIOD = 10


def highest_frequency(dt) -> float:
    """The highest frequency, in Hz, a sinusoid may have in a run at time step `dt`.

    `STEPS_PER_PERIOD` time steps per period at least: with fewer, the recorded v aliases. The
    rule is written here once; `Sinusoid` refuses by it, and `analysis` asks it.

    Examples
    --------
    >>> from brian2 import ms
    >>> highest_frequency(0.1 * ms)
    1000.0
    """
    return _highest_hz(float(as_positive("dt", dt, second, "a time step such as 0.1*ms") / second))


def _highest_hz(dt_s):
    # The rule itself, on a checked float (a run checks its inputs every call: no Quantity here).
    return 1.0 / (STEPS_PER_PERIOD * dt_s)


def _ms(seconds):
    """A time in seconds as a student writes it: '0.1 ms'."""
    return f"{seconds * 1e3:g} ms"


class InputLimitError(ValueError):
    """An input's argument beyond what a run at its time step can show: the one sentence (``str``),
    and its parts, so that a layer with its own names for the argument (the classic ``I_freq`` in
    kHz) can say it in those (`neurodyn_lab.engine.Spelling`).

    Attributes
    ----------
    argument : str
        The input's argument (``"frequency"``).
    limit, given : float
        The largest value allowed and the value given, in SI units.
    reason : str
        Why, e.g. ``"10 time steps per period at dt=0.1 ms"``.
    """

    def __init__(self, message: str, *, argument: str, limit: float, given: float, reason: str) -> None:
        super().__init__(message)
        self.argument, self.limit, self.given, self.reason = argument, limit, given, reason


def _times(t):
    """Validate times `t` (scalar or array, in seconds; an empty array too, e.g. the spike times of a
    silent neuron) and return them as float seconds."""
    t = as_quantity("t", t, second, "a time such as 10*ms, or an array of times", allow_array=True, allow_empty=True)
    return np.asarray(t / second, dtype=float)


def _factor(value):
    """A plain number to scale a current by, or one clear error."""
    if isinstance(value, Quantity) and not value.dim.is_dimensionless:
        raise TypeError(f"a current can only be multiplied or divided by a plain number such as 2 or -1, "
                        f"got {describe(value)}")
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer, Quantity)) \
            or getattr(value, "ndim", 0) != 0:
        raise TypeError(f"a current can only be multiplied or divided by a plain number such as 2 or -1, "
                        f"got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"a current can only be scaled by a finite number such as 2 or -1, got {value!r}")
    return value


class Current:
    """Base class of all input currents; use the functions of this module to make one.

    The engine asks each basic current (each of `components`) for one of two things:

    - an analytic current defines `variables` (name -> Brian2 unit), `terms(p)` (the equation terms,
      in amp, it adds to the input current, using the variables as ``{p}_name``) and `values()`
      (their values, SI floats);
    - a tabulated current (a `Tabulated` subclass) gives its mean over each time step,
      `step_means`, which the engine writes into a table.

    Every kind also says, itself, what an instance of it looks like when it adds nothing
    (`idle`, for the engine's unused slots) and when it drives a neuron from t = 0 (`example`, for
    the engine's self-check): each class defines both for its own constructor, so a subclass
    with another signature (`Pulse`) never inherits a call that does not fit it. And it says
    whether a run of a given duration and time step can use it (`check_run`).

    Every kind is also a function of time in plain floats: `amps_at` (amp at times in seconds) and
    `charge_until` (its antiderivative, coulomb); ``current(t)`` and `step_means` are built on them
    (a tabulated kind defines `first_samples` instead).

    A subclass that is neither analytic nor tabulated is refused by the engine with a clear error.
    """

    #: Units of the variables of `terms` (name -> Brian2 unit string); None: not analytic.
    variables: dict[str, str] | None = None
    #: True for currents the engine tabulates from `step_means` instead of analytic terms.
    tabulated: bool = False

    def terms(self, p):
        """Equation terms (strings, in amp) this kind adds to the input; variables named ``{p}_<name>``."""
        raise NotImplementedError

    def values(self):
        """Values of `variables` (name -> float, SI units) for this current."""
        raise NotImplementedError

    @classmethod
    def idle(cls) -> "Current":
        """An instance of this kind that adds no current (fills unused slots); each kind defines its own."""
        raise NotImplementedError(f"{cls.__name__} defines no idle()")

    @classmethod
    def example(cls) -> "Current":
        """An instance of this kind that drives a neuron from t = 0 (the engine checks itself with it)."""
        raise NotImplementedError(f"{cls.__name__} defines no example()")

    def check_time_step(self, dt: float) -> None:
        """Raise a clear ValueError if a simulation at time step `dt` (float seconds) cannot resolve it."""

    def check_run(self, duration: float, dt: float) -> None:
        """Raise one clear ValueError if a run of `duration` at time step `dt` (float seconds) cannot use
        this current: too fast for `dt` (`check_time_step`), or too many samples to tabulate.

        Checked once, when the run is described (`neurodyn_lab.engine.RunSpec`), before any work.
        """
        self.check_time_step(dt)

    def scaled(self, factor: float) -> Current:
        """This current times the plain number `factor`."""
        raise NotImplementedError

    def __call__(self, t: Quantity) -> Quantity:
        """The current at times `t` (a time Quantity, scalar or array), in amp."""
        return Quantity(self.amps_at(_times(t)), dim=amp.dim)

    def amps_at(self, t):
        """The current in amp (floats) at float times `t` in seconds: what ``current(t)`` returns, unchecked."""
        raise NotImplementedError

    def charge_until(self, t):
        """The charge delivered from 0 to float times `t` (seconds), in coulomb: the antiderivative of `amps_at`."""
        raise NotImplementedError

    def step_means(self, t_start, dt: float) -> np.ndarray:
        """Mean current (float amp) over [t_start[k], t_start[k] + dt] for float seconds `t_start`."""
        t_start = np.asarray(t_start, dtype=float)
        return (self.charge_until(t_start + dt) - self.charge_until(t_start)) / dt

    @property
    def components(self):
        """The basic currents this current is the sum of."""
        return (self,)

    def __add__(self, other):
        if isinstance(other, numbers.Number) and other == 0:
            return self  # lets sum([...]) work
        if not isinstance(other, Current):
            raise TypeError(
                f"a current can only be added to another current (e.g. step(...) + sinusoid(...)), got {describe(other)}"
            )
        return SumCurrent(self.components + other.components)

    __radd__ = __add__

    def __sub__(self, other):
        if not isinstance(other, Current):
            raise TypeError(
                f"a current can only be subtracted from another current (e.g. step(...) - step(...)), "
                f"got {describe(other)}"
            )
        return self + other.scaled(-1.0)

    def __rsub__(self, other):
        if isinstance(other, numbers.Number) and other == 0:
            return self.scaled(-1.0)
        raise TypeError(
            f"a current can only be subtracted from another current (e.g. step(...) - step(...)), got {describe(other)}"
        )

    def __mul__(self, factor):
        return self.scaled(_factor(factor))

    __rmul__ = __mul__

    def __truediv__(self, divisor):
        divisor = _factor(divisor)
        if divisor == 0:
            raise ZeroDivisionError("a current cannot be divided by 0; divide by a non-zero number such as 2")
        return self.scaled(1.0 / divisor)

    def __neg__(self):
        return self.scaled(-1.0)

    def __pos__(self):
        return self


class SumCurrent(Current):
    """The sum of several currents."""

    def __init__(self, components):
        self._components = tuple(c for c in components if not isinstance(c, Zero)) or (Zero(),)

    @property
    def components(self):
        return self._components

    def check_time_step(self, dt):
        for c in self._components:
            c.check_time_step(dt)

    def check_run(self, duration, dt):
        for c in self._components:
            c.check_run(duration, dt)

    @classmethod
    def idle(cls):
        return Zero()

    @classmethod
    def example(cls):
        return SumCurrent((Step.example(), Sinusoid.example()))

    def scaled(self, factor):
        return SumCurrent(tuple(c.scaled(factor) for c in self._components))

    def amps_at(self, t):
        return sum(c.amps_at(t) for c in self._components)

    def charge_until(self, t):
        return sum(c.charge_until(t) for c in self._components)

    def __repr__(self):
        return " + ".join(repr(c) for c in self._components)


class Zero(Current):
    """No current at all."""

    variables: dict[str, str] | None = {}

    def terms(self, p):
        return []

    def values(self):
        return {}

    @classmethod
    def idle(cls):
        return Zero()

    @classmethod
    def example(cls):
        return Zero()  # adds nothing: the engine's self-check fires the neuron with its parameters alone

    def scaled(self, factor):
        return self

    def amps_at(self, t):
        return np.zeros_like(t, dtype=float)

    def charge_until(self, t):
        return np.zeros_like(t, dtype=float)

    def __repr__(self):
        return "zero()"


def _window(start, end):
    start = as_nonnegative("start", start, second, "a time such as 10*ms")
    if end is None:
        return float(start / second), _FOREVER
    end = as_quantity("end", end, second, "a time such as 60*ms, or None for no end")
    if not end > start:
        raise ValueError(f"end must be after start (e.g. start=10*ms, end=60*ms), got start={_ms(float(start))} "
                         f"and end={_ms(float(end))}")
    return float(start / second), float(end / second)


def _window_repr(start, end, default_start=0.0):
    text = ""
    if start != default_start:
        text += f", start={start * 1e3:g}*ms"
    if end != _FOREVER:
        text += f", end={end * 1e3:g}*ms"
    return text


def _new(cls, **attributes):
    """An instance of `cls` with these attributes, already validated (for `scaled`)."""
    obj = cls.__new__(cls)
    obj.__dict__.update(attributes)
    return obj


class Step(Current):
    """``amplitude`` for start <= t < end, zero elsewhere."""

    variables: dict[str, str] | None = {"amp": "amp", "start": "second", "end": "second"}

    def __init__(self, amplitude, start, end):
        self.amplitude = float(as_quantity("amplitude", amplitude, amp, "a current such as 2*nA") / amp)
        self.start, self.end = _window(start, end)

    def terms(self, p):
        # The fraction of the step [t, t + dt] inside the window, written so that it is exactly 1
        # inside: clip(t + dt) - clip(t) is not, and the error grows with t until a current at
        # the rheobase fires after 2 s (issue 8.1).
        return [f"{p}_amp*(clip(({p}_end - t)/dt, 0, 1) - clip(({p}_start - t)/dt, 0, 1))"]

    def values(self):
        return {"amp": self.amplitude, "start": self.start, "end": self.end}

    # Step's own constructor, not cls(...): a subclass may have another signature (Pulse has).
    @classmethod
    def idle(cls):
        return Step(0 * amp, 0 * ms, None)

    @classmethod
    def example(cls):
        return Step(3 * nA, 0 * ms, None)

    def scaled(self, factor):
        return _new(Step, amplitude=self.amplitude * factor, start=self.start, end=self.end)

    def amps_at(self, t):
        return np.where((t >= self.start) & (t < self.end), self.amplitude, 0.0)

    def charge_until(self, t):
        return self.amplitude * (np.clip(t, self.start, self.end) - self.start)

    def __repr__(self):
        text = f"step(amplitude={self.amplitude / 1e-9:g}*nA, start={self.start * 1e3:g}*ms"
        return text + (f", end={self.end * 1e3:g}*ms)" if self.end != _FOREVER else ")")


class Pulse(Step):
    """A short rectangular pulse: a step of ``charge / duration`` from `start` to ``start + duration``."""

    def __init__(self, amplitude, duration, start):
        duration = as_positive("duration", duration, second, "a time such as 0.1*ms")
        # start is checked before it is added to duration, so a wrong one is named, not Brian2's sum
        start = as_nonnegative("start", start, second, "a time such as 10*ms")
        super().__init__(amplitude, start, start + duration)

    @property
    def duration(self):
        """Width of the pulse in seconds."""
        return self.end - self.start

    @property
    def charge(self):
        """Charge delivered, in coulomb as a float (amplitude x duration)."""
        return self.amplitude * self.duration

    @classmethod
    def idle(cls):
        return Pulse(0 * amp, 1 * ms, 0 * ms)

    @classmethod
    def example(cls):
        return Pulse(3 * nA, 10 * ms, 0 * ms)

    def scaled(self, factor):
        return _new(Pulse, amplitude=self.amplitude * factor, start=self.start, end=self.end)

    def __repr__(self):
        return (f"pulse(charge={self.charge / 1e-12:g}*pC, duration={self.duration * 1e3:g}*ms, "
                f"start={self.start * 1e3:g}*ms)")


class Sinusoid(Current):
    """``offset + amplitude * sin(2 pi f (t - start) + phase)`` for start <= t < end."""

    variables: dict[str, str] | None = {"amp": "amp", "omega": "Hz", "offset": "amp", "phase": "1", "start": "second",
                                        "end": "second"}

    def __init__(self, amplitude, frequency, offset, phase, start, end):
        self.amplitude = float(as_quantity("amplitude", amplitude, amp, "a current such as 0.5*nA") / amp)
        self.frequency = float(as_positive("frequency", frequency, hertz, "a frequency such as 50*Hz") / Hz)
        self.offset = float(as_quantity("offset", offset, amp, "a current such as 0.5*nA") / amp)
        self.phase = as_dimensionless("phase", phase, "an angle in radians such as 0 or np.pi/2")
        self.start, self.end = _window(start, end)

    @property
    def omega(self):
        return 2 * np.pi * self.frequency

    def terms(self, p):
        # integral of offset + A sin(w u + phase) over the step's part of the window [a, b],
        # written without cancellation
        a = f"(clip(t, {p}_start, {p}_end) - {p}_start)"
        b = f"(clip(t + dt, {p}_start, {p}_end) - {p}_start)"
        return [f"({p}_offset*({b} - {a}) + 2*{p}_amp/{p}_omega*sin({p}_omega*({a} + {b})/2 + {p}_phase)"
                f"*sin({p}_omega*({b} - {a})/2))/dt"]

    def values(self):
        return {"amp": self.amplitude, "omega": self.omega, "offset": self.offset, "phase": self.phase,
                "start": self.start, "end": self.end}

    @classmethod
    def idle(cls):
        return Sinusoid(0 * amp, 1 * Hz, 0 * amp, 0, 0 * ms, None)  # 1 Hz: omega 0 would be 0/0

    @classmethod
    def example(cls):
        return Sinusoid(2 * nA, 200 * Hz, 2 * nA, 0.3, 0 * ms, None)

    def check_time_step(self, dt):
        highest = _highest_hz(dt)
        if self.frequency > highest * (1 + 1e-9):
            raise InputLimitError(
                f"frequency must be at most {highest:g} Hz at dt={_ms(dt)} ({STEPS_PER_PERIOD} time steps per "
                f"period; use a smaller dt for higher frequencies), got {self.frequency:g} Hz",
                argument="frequency", limit=highest, given=self.frequency,
                reason=f"{STEPS_PER_PERIOD} time steps per period at dt={_ms(dt)}")

    def scaled(self, factor):
        return _new(Sinusoid, amplitude=self.amplitude * factor, frequency=self.frequency,
                    offset=self.offset * factor, phase=self.phase, start=self.start, end=self.end)

    def amps_at(self, t):
        inside = (t >= self.start) & (t < self.end)
        return np.where(inside, self.offset + self.amplitude * np.sin(self.omega * (t - self.start) + self.phase), 0.0)

    def charge_until(self, t):
        u = np.clip(t, self.start, self.end) - self.start
        w = self.omega
        return self.offset * u + self.amplitude / w * (np.cos(self.phase) - np.cos(w * u + self.phase))

    def __repr__(self):
        text = f"sinusoid(amplitude={self.amplitude / 1e-9:g}*nA, frequency={self.frequency:g}*Hz"
        if self.offset:
            text += f", offset={self.offset / 1e-9:g}*nA"
        if self.phase:
            text += f", phase={self.phase:g}"
        return text + _window_repr(self.start, self.end) + ")"


class Ramp(Current):
    """Linear from ``amplitude_start`` at ``start`` to ``amplitude_end`` at ``end``; zero outside."""

    variables: dict[str, str] | None = {"a0": "amp", "slope": "amp/second", "start": "second", "end": "second"}

    def __init__(self, amplitude_start, amplitude_end, start, end):
        self.amplitude_start = float(as_quantity("amplitude_start", amplitude_start, amp, "a current such as 0*nA") / amp)
        self.amplitude_end = float(as_quantity("amplitude_end", amplitude_end, amp, "a current such as 4*nA") / amp)
        if end is None:
            raise ValueError("end must be a time such as 100*ms (a ramp needs an end), got None")
        self.start, self.end = _window(start, end)

    @property
    def slope(self):
        return (self.amplitude_end - self.amplitude_start) / (self.end - self.start)

    def terms(self, p):
        a = f"(clip(t, {p}_start, {p}_end) - {p}_start)"
        b = f"(clip(t + dt, {p}_start, {p}_end) - {p}_start)"
        return [f"({p}_a0*({b} - {a}) + 0.5*{p}_slope*({b}*{b} - {a}*{a}))/dt"]

    def values(self):
        return {"a0": self.amplitude_start, "slope": self.slope, "start": self.start, "end": self.end}

    @classmethod
    def idle(cls):
        return Ramp(0 * amp, 0 * amp, 0 * ms, 1 * ms)

    @classmethod
    def example(cls):
        return Ramp(1 * nA, 6 * nA, 0 * ms, 10 * ms)

    def scaled(self, factor):
        return _new(Ramp, amplitude_start=self.amplitude_start * factor, amplitude_end=self.amplitude_end * factor,
                    start=self.start, end=self.end)

    def amps_at(self, t):
        inside = (t >= self.start) & (t < self.end)
        return np.where(inside, self.amplitude_start + self.slope * (t - self.start), 0.0)

    def charge_until(self, t):
        u = np.clip(t, self.start, self.end) - self.start
        return self.amplitude_start * u + 0.5 * self.slope * u**2

    def __repr__(self):
        return (f"ramp(amplitude_start={self.amplitude_start / 1e-9:g}*nA, amplitude_end={self.amplitude_end / 1e-9:g}*nA, "
                f"start={self.start * 1e3:g}*ms, end={self.end * 1e3:g}*ms)")


class Tabulated(Current):
    """Piecewise-constant current: ``values[k]`` on [start + k dt, start + (k+1) dt), zero elsewhere.

    The engine writes its `step_means` into a table; subclasses define `first_samples`, `dt`, `start`.
    """

    tabulated = True
    #: Sample step and first sample's time, in seconds (set by each subclass).
    dt: float
    start: float

    def first_samples(self, n):
        """The first `n` samples as float amp."""
        raise NotImplementedError

    # Tabulated kinds share one table in the engine: any instance stands for them in its self-check.
    @classmethod
    def idle(cls):
        return ArrayCurrent(np.zeros(1) * nA, 0.1 * ms)

    @classmethod
    def example(cls):
        return ArrayCurrent(np.linspace(1, 5, 40) * nA, 0.05 * ms)

    def check_run(self, duration, dt):
        # The engine tabulates the step means up to the end of the step after the last one.
        self._n_available(duration + dt)

    def scaled(self, factor):
        return _ScaledTabulated(self, factor)

    def _n_available(self, t_max):
        n = int(np.ceil(max(t_max - self.start, 0.0) / self.dt)) + 1
        if n > MAX_TABLE_SAMPLES:
            raise ValueError(
                f"{self!r} would need {n:.3g} samples (dt={_ms(self.dt)}) up to t={_ms(t_max)}; at most "
                f"{MAX_TABLE_SAMPLES:.0e} are allowed: use a larger dt or a shorter duration"
            )
        return n

    def amps_at(self, t):
        t = np.asarray(t, dtype=float)
        k = np.floor((t - self.start) / self.dt + 1e-9).astype(np.int64)
        n = self._n_available(float(np.max(t, initial=0.0)))
        values = self.first_samples(n)
        inside = (k >= 0) & (k < len(values))
        return np.where(inside, values[np.clip(k, 0, max(len(values) - 1, 0))] if len(values) else 0.0, 0.0)

    def charge_until(self, t):
        t = np.asarray(t, dtype=float)
        n = self._n_available(float(np.max(t, initial=0.0)))
        values = self.first_samples(n)
        edges = self.start + self.dt * np.arange(len(values) + 1)
        cumulative = np.concatenate([[0.0], np.cumsum(values) * self.dt])
        return np.interp(t, edges, cumulative, left=0.0, right=cumulative[-1])


_Sampled = Tabulated  # the former name


class _ScaledTabulated(Tabulated):
    """A tabulated current times a number."""

    def __init__(self, inner, factor):
        self.inner, self.factor = inner, float(factor)
        self.dt, self.start = inner.dt, inner.start

    def first_samples(self, n):
        return self.factor * self.inner.first_samples(n)

    @classmethod
    def idle(cls):
        return _ScaledTabulated(ArrayCurrent.idle(), 1.0)

    @classmethod
    def example(cls):
        return _ScaledTabulated(ArrayCurrent.example(), 1.0)

    def scaled(self, factor):
        return _ScaledTabulated(self.inner, self.factor * factor)

    def __repr__(self):
        return f"{self.factor:g} * {self.inner!r}"


class ArrayCurrent(Tabulated):
    """A current given as samples; see `from_array`.

    Attributes
    ----------
    samples : ndarray
        The samples in amp (floats, read-only).
    dt, start : float
        Their step and the time of the first one, in seconds.
    """

    def __init__(self, values, dt, start=0 * ms):
        if np.size(values) > MAX_TABLE_SAMPLES:  # before any copy of a huge array
            raise ValueError(f"values must have at most {MAX_TABLE_SAMPLES:.0e} samples, got {np.size(values):,}")
        values = as_quantity("values", values, amp, "an array of currents such as np.array([0, 1, 2])*nA",
                             allow_array=True)
        values = np.atleast_1d(np.asarray(values / amp, dtype=float))
        if values.ndim != 1:
            raise ValueError(f"values must be a one-dimensional array of currents, got an array of shape {values.shape}")
        self.samples = values.copy()
        self.samples.setflags(write=False)
        self.dt = float(as_positive("dt", dt, second, "a time step such as 0.1*ms") / second)
        self.start = float(as_nonnegative("start", start, second, "a time such as 0*ms") / second)

    def first_samples(self, n):
        return self.samples

    def __repr__(self):
        return (f"from_array(<{len(self.samples)} values from {self.samples.min() / 1e-9:g} to "
                f"{self.samples.max() / 1e-9:g} nA>, dt={self.dt * 1e3:g}*ms{_window_repr(self.start, _FOREVER)})")


class Noise(Tabulated):
    """Ornstein-Uhlenbeck current; see `noise`."""

    _BLOCK = 8192

    def __init__(self, mean, sigma, tau_noise, seed, dt=0.1 * ms):
        self.mean = float(as_quantity("mean", mean, amp, "a current such as 1*nA") / amp)
        self.sigma = float(as_nonnegative("sigma", sigma, amp, "a current such as 0.5*nA") / amp)
        self.tau_noise = float(as_positive("tau_noise", tau_noise, second, "a time such as 5*ms") / second)
        self.seed = as_int("seed", seed, minimum=0, example="a whole number such as 42")
        self.dt = float(as_positive("dt", dt, second, "a time step such as 0.1*ms") / second)
        if self.dt < MIN_SAMPLE_DT * (1 - 1e-9):
            raise ValueError(f"dt must be at least {_ms(MIN_SAMPLE_DT)} for a noise current (e.g. dt=0.1*ms), "
                             f"got {_ms(self.dt)}")
        self.start = 0.0
        self._cache = np.empty(0)
        self._rng = np.random.default_rng(self.seed)

    @classmethod
    def idle(cls):
        return Noise(0 * nA, 0 * nA, 5 * ms, 0)

    @classmethod
    def example(cls):
        return Noise(2 * nA, 1 * nA, 2 * ms, 1)

    def first_samples(self, n):
        # Extend the path block by block: the same seed always gives the same path, however far
        # and in whatever order it is read.
        while len(self._cache) < n:
            decay = np.exp(-self.dt / self.tau_noise)
            kick = self.sigma * np.sqrt(1 - decay**2)
            if len(self._cache):
                x = self._cache[-1] - self.mean
            else:
                x = self.sigma * self._rng.standard_normal()  # start in the stationary distribution
            xi = self._rng.standard_normal(self._BLOCK)
            block = np.empty(self._BLOCK)
            for k in range(self._BLOCK):
                x = x * decay + kick * xi[k]
                block[k] = x
            self._cache = np.concatenate([self._cache, block + self.mean])
        return self._cache[:n]

    def __repr__(self):
        return (f"noise(mean={self.mean / 1e-9:g}*nA, sigma={self.sigma / 1e-9:g}*nA, "
                f"tau_noise={self.tau_noise * 1e3:g}*ms, seed={self.seed})")


def step(amplitude: Quantity, start: Quantity = 0 * ms, end: Quantity | None = None) -> Step:
    """A step current: `amplitude` for start <= t < end, zero elsewhere.

    Parameters
    ----------
    amplitude : Quantity (amp)
        Height of the step, e.g. ``2*nA``.
    start : Quantity (second)
        When the step switches on, default 0 ms.
    end : Quantity (second) or None
        When it switches off; None: never.

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> I = step(2 * nA, 10 * ms, 60 * ms)
    >>> I(5 * ms), I(10 * ms)
    (0. * amp, 2. * namp)
    """
    return Step(amplitude, start, end)


def pulse(charge: Quantity | None = None, duration: Quantity = 0.1 * ms, start: Quantity = 0 * ms,
          amplitude: Quantity | None = None) -> Pulse:
    """A short rectangular current pulse, given by its charge (or its amplitude) and its duration.

    The pulse is ``charge / duration`` (or `amplitude`) for start <= t < start + duration. In a
    simulation it is evaluated as its exact mean over each time step, so its charge is delivered
    exactly even when its edges fall inside a time step.

    Parameters
    ----------
    charge : Quantity (coulomb), optional
        Charge delivered, e.g. ``16*pcoulomb`` (16 pC); give either `charge` or `amplitude`.
    duration : Quantity (second)
        Width of the pulse, e.g. ``0.1*ms``; positive.
    start : Quantity (second)
        When it starts, default 0 ms.
    amplitude : Quantity (amp), optional
        Height of the pulse instead of its charge, e.g. ``160*nA``.

    Examples
    --------
    >>> from brian2 import pcoulomb, nA, ms
    >>> pC = pcoulomb  # Brian2 spells the picocoulomb out
    >>> I = pulse(charge=16 * pC, duration=0.1 * ms, start=10 * ms)
    >>> I
    pulse(charge=16*pC, duration=0.1*ms, start=10*ms)
    >>> round(float(I(10.05 * ms) / nA), 9)
    160.0
    >>> round(pulse(amplitude=2 * nA, duration=1 * ms).charge / 1e-12, 9)  # in pC
    2.0
    """
    if (charge is None) == (amplitude is None):
        raise TypeError("pulse needs either charge (e.g. pulse(charge=16*pcoulomb, duration=0.1*ms)) or amplitude "
                        "(e.g. pulse(amplitude=160*nA, duration=0.1*ms)), "
                        + ("got neither" if charge is None else "got both"))
    width = as_positive("duration", duration, second, "a time such as 0.1*ms")
    if charge is not None:
        charge = as_quantity("charge", charge, coulomb, "a charge such as 16*pcoulomb (16 pC)")
        amplitude = charge / width
    return Pulse(amplitude, width, start)


def sinusoid(amplitude: Quantity, frequency: Quantity, offset: Quantity = 0 * nA, phase: float = 0,
             start: Quantity = 0 * ms, end: Quantity | None = None) -> Sinusoid:
    """A sinusoidal current ``offset + amplitude sin(2 pi frequency (t - start) + phase)``.

    It is zero before `start` and from `end` on (None: it never ends).

    Parameters
    ----------
    amplitude : Quantity (amp)
        e.g. ``0.5*nA``.
    frequency : Quantity (hertz)
        e.g. ``50*Hz``; must be positive.
    offset : Quantity (amp)
        Constant added inside the window, default 0 nA.
    phase : float
        Phase in radians at `start`, default 0.
    start, end : Quantity (second)
        The window; default from 0 ms for ever.

    Examples
    --------
    >>> from brian2 import nA, Hz, ms
    >>> I = sinusoid(1 * nA, 250 * Hz)
    >>> round(float(I(1 * ms) / nA), 6)
    1.0
    """
    return Sinusoid(amplitude, frequency, offset, phase, start, end)


def ramp(amplitude_start: Quantity, amplitude_end: Quantity, start: Quantity, end: Quantity) -> Ramp:
    """A current rising (or falling) linearly from `amplitude_start` at `start` to `amplitude_end` at `end`.

    Zero outside [start, end).

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> I = ramp(0 * nA, 4 * nA, 0 * ms, 100 * ms)
    >>> float(I(50 * ms) / nA)
    2.0
    """
    return Ramp(amplitude_start, amplitude_end, start, end)


def noise(mean: Quantity, sigma: Quantity, tau_noise: Quantity, seed: int, dt: Quantity = 0.1 * ms) -> Noise:
    """A reproducible Ornstein-Uhlenbeck (coloured noise) current.

    ``dI = (mean - I) dt / tau_noise + sigma sqrt(2 / tau_noise) dW``: it fluctuates around `mean`
    with standard deviation `sigma` and correlation time `tau_noise`. It is sampled exactly on a grid
    of step `dt` and held between samples; the same `seed` always gives the same current.

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> I = noise(1 * nA, 0.5 * nA, 5 * ms, seed=42)
    >>> bool(I(10 * ms) == noise(1 * nA, 0.5 * nA, 5 * ms, seed=42)(10 * ms))
    True
    """
    return Noise(mean, sigma, tau_noise, seed, dt)


def from_array(values: Quantity, dt: Quantity, start: Quantity = 0 * ms) -> ArrayCurrent:
    """A current given as samples: ``values[k]`` for start + k dt <= t < start + (k+1) dt, zero after.

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import nA, ms
    >>> I = from_array(np.array([0, 1, 2]) * nA, dt=1 * ms)
    >>> float(I(1.5 * ms) / nA), float(I(5 * ms) / nA)
    (1.0, 0.0)
    """
    return ArrayCurrent(values, dt, start)


def zero() -> Zero:
    """No input current.

    Examples
    --------
    >>> from brian2 import ms
    >>> zero()(10 * ms)
    0. * amp
    """
    return Zero()


def as_current(current: Current | Quantity, name: str = "current") -> Current:
    """Return a `Current`; a constant current Quantity (e.g. ``2*nA``) becomes a step from 0 for ever."""
    if isinstance(current, Current):
        return current
    if isinstance(current, Quantity) and np.ndim(current) == 0:
        return step(as_quantity(name, current, amp, "a current such as step(2*nA, 10*ms, 60*ms) or 2*nA"), 0 * ms, None)
    raise TypeError(
        f"{name} must be a current such as step(2*nA, 10*ms, 60*ms) from neurodyn_lab.inputs "
        f"(or a constant such as 2*nA), got {describe(current)}"
    )
