"""Parameters of the leaky integrate-and-fire neuron.

The model (Neuronal Dynamics, eq. 1.5): ``tau dv/dt = -(v - v_rest) + R I(t)``; when ``v`` crosses
``v_threshold`` a spike is recorded, ``v`` is set to ``v_reset`` and held there for ``t_ref``.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from brian2 import Mohm, Quantity, Unit, mV, ms, ohm, second, volt

from ._validation import as_nonnegative, as_positive, as_quantity, describe, format_value

__all__ = ["LIFParams", "PRESETS", "Field", "FIELDS"]


@dataclass(frozen=True)
class Field:
    """One LIF parameter as every part of the package sees it: the engine (its SI unit), the panels
    (display unit and slider range), the grader and the mystery neuron (its name, unit and meaning).

    Attributes
    ----------
    name : str
        The field of `LIFParams`, e.g. ``"tau"``.
    meaning : str
        In words, e.g. ``"membrane time constant"``.
    unit : Unit
        Its SI unit (volt, ohm, second); `si_name` is the unit's name in Brian2 equations.
    display : Unit
        The unit it is shown and typed in (mV, Mohm, ms); `display_name` as shown, `code_name` as typed.
    default : float
        The neurodynex3 default, in `display` units.
    slider : tuple of float
        (minimum, maximum, step) of a panel's control, in `display` units; holds both presets.
    example : str
        For error messages, e.g. ``"a time such as 8*ms"``.

    Examples
    --------
    >>> [f.name for f in FIELDS]
    ['v_rest', 'v_reset', 'v_threshold', 'R', 'tau', 't_ref']
    >>> FIELDS[3].display_name, FIELDS[3].code_name, FIELDS[3].si_name
    ('MΩ', 'Mohm', 'ohm')
    """

    name: str
    meaning: str
    unit: Unit
    si_name: str
    display: Unit
    display_name: str
    code_name: str
    default: float
    slider: tuple[float, float, float]
    example: str
    check: Callable[..., Quantity] = field(repr=False, compare=False)


#: The six LIF parameters, in order. Slider ranges hold both presets (neurodynex3: -70/-65/-50 mV,
#: 10 MOhm, 8 ms, 2 ms; classic: 0/0/1 mV, 1 MOhm, 1 ms, 0 ms) with steps fine enough for the classic
#: 1 mV threshold.
FIELDS = (
    Field("v_rest", "resting potential", volt, "volt", mV, "mV", "mV", -70.0, (-100.0, 30.0, 0.1),
          "a voltage such as -70*mV", as_quantity),
    Field("v_reset", "reset potential", volt, "volt", mV, "mV", "mV", -65.0, (-100.0, 30.0, 0.1),
          "a voltage such as -65*mV", as_quantity),
    Field("v_threshold", "firing threshold", volt, "volt", mV, "mV", "mV", -50.0, (-100.0, 30.0, 0.1),
          "a voltage such as -50*mV", as_quantity),
    Field("R", "membrane resistance", ohm, "ohm", Mohm, "MΩ", "Mohm", 10.0, (0.1, 100.0, 0.1),
          "a resistance such as 10*Mohm", as_positive),
    Field("tau", "membrane time constant", second, "second", ms, "ms", "ms", 8.0, (0.1, 100.0, 0.1),
          "a time such as 8*ms", as_positive),
    Field("t_ref", "absolute refractory period", second, "second", ms, "ms", "ms", 2.0, (0.0, 20.0, 0.1),
          "a time such as 2*ms", as_nonnegative),
)
_FIELDS = {f.name: f for f in FIELDS}


@dataclass(frozen=True, eq=False)
class LIFParams:
    """Leaky integrate-and-fire parameters; the defaults are neurodynex3's (not a set from the book's text).

    Parameters
    ----------
    v_rest : Quantity (volt)
        Resting potential, default -70 mV.
    v_reset : Quantity (volt)
        Potential after a spike, default -65 mV; must be below `v_threshold`.
    v_threshold : Quantity (volt)
        Firing threshold, default -50 mV.
    R : Quantity (ohm)
        Membrane resistance, default 10 MOhm; positive.
    tau : Quantity (second)
        Membrane time constant, default 8 ms; positive.
    t_ref : Quantity (second)
        Absolute refractory period, default 2 ms; zero or positive.

    Examples
    --------
    >>> from brian2 import ms
    >>> p = LIFParams()
    >>> p.tau
    8. * msecond
    >>> LIFParams.classic().v_threshold
    1. * mvolt
    >>> p.replace(tau=20 * ms).tau
    20. * msecond
    """

    v_rest: Quantity = field(default_factory=lambda: _FIELDS["v_rest"].default * mV)
    v_reset: Quantity = field(default_factory=lambda: _FIELDS["v_reset"].default * mV)
    v_threshold: Quantity = field(default_factory=lambda: _FIELDS["v_threshold"].default * mV)
    R: Quantity = field(default_factory=lambda: _FIELDS["R"].default * Mohm)
    tau: Quantity = field(default_factory=lambda: _FIELDS["tau"].default * ms)
    t_ref: Quantity = field(default_factory=lambda: _FIELDS["t_ref"].default * ms)

    def __post_init__(self):
        for f in FIELDS:
            name = f.name
            value = f.check(name, getattr(self, name), f.unit, f.example)
            # Store a 0-d copy so a caller's array cannot change a frozen value behind our back.
            object.__setattr__(self, name, Quantity(np.asarray(value, dtype=float).copy(), dim=value.dim))
        if not self.v_reset < self.v_threshold:
            raise ValueError(
                f"v_reset must be below v_threshold (e.g. v_reset=-65*mV with v_threshold=-50*mV), "
                f"got v_reset={format_value(self.v_reset)} and v_threshold={format_value(self.v_threshold)}"
            )

    @classmethod
    def neurodynex3(cls):
        """neurodynex3's default set (also ours): -70, -65, -50 mV, 10 MOhm, 8 ms, 2 ms.

        These are the defaults of neurodynex3's LIF module, the book's exercise package; the book's
        text uses no single parameter set.

        Examples
        --------
        >>> LIFParams.neurodynex3() == LIFParams()
        True
        """
        return cls()

    @classmethod
    def book(cls):
        """The older name of `neurodynex3` (kept so existing code runs): the same set."""
        return cls.neurodynex3()

    @classmethod
    def classic(cls):
        """The 2016 LIF module's set: 0, 0, 1 mV, 1 MOhm, 1 ms, no refractory period."""
        return cls(v_rest=0 * mV, v_reset=0 * mV, v_threshold=1 * mV, R=1 * Mohm, tau=1 * ms, t_ref=0 * ms)

    @staticmethod
    def field_names():
        """Names of the parameters, in order: v_rest, v_reset, v_threshold, R, tau, t_ref."""
        return tuple(_FIELDS)

    def replace(self, **changes):
        """Return a copy with some parameters changed (validated like the constructor).

        Examples
        --------
        >>> from brian2 import ms
        >>> LIFParams().replace(t_ref=3 * ms).t_ref
        3. * msecond
        """
        unknown = sorted(set(changes) - set(_FIELDS))
        if unknown:
            raise TypeError(
                f"LIFParams has no parameter {unknown[0]!r}; the parameters are {', '.join(_FIELDS)}"
            )
        return dataclasses.replace(self, **changes)

    def as_dict(self):
        """The parameters as a dict name -> Quantity."""
        return {name: getattr(self, name) for name in _FIELDS}

    def _key(self):
        return tuple(float(getattr(self, name)) for name in _FIELDS)

    def __eq__(self, other):
        if not isinstance(other, LIFParams):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return "LIFParams(" + ", ".join(f"{f.name}={float(getattr(self, f.name) / f.display):g}*{f.code_name}"
                                        for f in FIELDS) + ")"


#: Named parameter sets used in the course (read-only: no code can change what a name means).
PRESETS = MappingProxyType({"neurodynex3": LIFParams.neurodynex3(), "classic": LIFParams.classic()})


def as_params(params: "LIFParams | None", name: str = "params") -> "LIFParams":
    """Return `params`, or the default (neurodynex3's) set for None; a clear error for anything else."""
    if params is None:
        return LIFParams()
    if not isinstance(params, LIFParams):
        raise TypeError(f"{name} must be a LIFParams such as LIFParams() or LIFParams.classic(), got {describe(params)}")
    return params
