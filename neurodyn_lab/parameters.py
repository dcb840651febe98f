"""Parameters of the leaky integrate-and-fire neuron.

The model (Neuronal Dynamics, eq. 1.5): ``tau dv/dt = -(v - v_rest) + R I(t)``; when ``v`` crosses
``v_threshold`` a spike is recorded, ``v`` is set to ``v_reset`` and held there for ``t_ref``.
"""

import dataclasses
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from brian2 import Mohm, Quantity, mV, ms, ohm, second, volt

from ._validation import as_nonnegative, as_positive, as_quantity, describe, format_value

__all__ = ["LIFParams", "PRESETS"]

_FIELDS = {
    # name: (unit, example, check)
    "v_rest": (volt, "a voltage such as -70*mV", as_quantity),
    "v_reset": (volt, "a voltage such as -65*mV", as_quantity),
    "v_threshold": (volt, "a voltage such as -50*mV", as_quantity),
    "R": (ohm, "a resistance such as 10*Mohm", as_positive),
    "tau": (second, "a time such as 8*ms", as_positive),
    "t_ref": (second, "a time such as 2*ms", as_nonnegative),
}


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

    v_rest: Quantity = field(default_factory=lambda: -70 * mV)
    v_reset: Quantity = field(default_factory=lambda: -65 * mV)
    v_threshold: Quantity = field(default_factory=lambda: -50 * mV)
    R: Quantity = field(default_factory=lambda: 10 * Mohm)
    tau: Quantity = field(default_factory=lambda: 8 * ms)
    t_ref: Quantity = field(default_factory=lambda: 2 * ms)

    def __post_init__(self):
        for name, (unit, example, check) in _FIELDS.items():
            value = check(name, getattr(self, name), unit, example)
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
        return (
            f"LIFParams(v_rest={self.v_rest / mV:g}*mV, v_reset={self.v_reset / mV:g}*mV, "
            f"v_threshold={self.v_threshold / mV:g}*mV, R={self.R / Mohm:g}*Mohm, "
            f"tau={self.tau / ms:g}*ms, t_ref={self.t_ref / ms:g}*ms)"
        )


#: Named parameter sets used in the course (read-only: no code can change what a name means).
PRESETS = MappingProxyType({"neurodynex3": LIFParams.neurodynex3(), "classic": LIFParams.classic()})


def as_params(params: "LIFParams | None", name: str = "params") -> "LIFParams":
    """Return `params`, or the default (neurodynex3's) set for None; a clear error for anything else."""
    if params is None:
        return LIFParams()
    if not isinstance(params, LIFParams):
        raise TypeError(f"{name} must be a LIFParams such as LIFParams() or LIFParams.classic(), got {describe(params)}")
    return params
