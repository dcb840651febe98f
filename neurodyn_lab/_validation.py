"""Argument checks that answer bad input with one clear sentence, and the words they use.

Every public function of the package passes its arguments through these helpers, so that a
student's typo (``step(2*mV, ...)``, ``duration=100``) gives one sentence naming the argument, what
was expected with a unit example, and what was given, never a wall of Brian2 traceback.

Values are written in the unit a student writes (ms, mV, nA, MΩ, Hz, ...), chosen by the value's
dimension, never in Brian2's automatic prefixes ("inf Ys", "-100. us"):

- `format_value` -- a number or Quantity as the student would write it: ``"-0.1 ms"``, ``"inf ms"``,
  ``"5 (a bare number, without a unit)"``;
- `describe_dimension` -- what a quantity measures, in words: ``"a voltage (mV)"``;
- `describe` -- anything a caller may pass, for the "got ..." part of a message;
- `as_quantity`, `as_positive`, `as_nonnegative`, `as_int`, `as_dimensionless` -- the checks.

Examples
--------
>>> from brian2 import ms, mV, nA, second
>>> format_value(-0.1 * ms), format_value(float("inf") * second), format_value(5)
('-0.1 ms', 'inf ms', '5 (a bare number, without a unit)')
>>> describe_dimension(2 * mV)
'a voltage (mV)'
>>> as_positive("duration", -100 * ms, second)
Traceback (most recent call last):
...
ValueError: duration must be positive (a time such as 10*ms), got -100 ms.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from brian2 import (Hz, Mohm, Quantity, Unit, amp, coulomb, farad, get_dimensions, have_same_dimensions, hertz, mV,
                    ms, nA, nF, nS, ohm, pcoulomb, pwatt, second, siemens, volt, watt)

__all__ = ["measures", "as_quantity", "as_positive", "as_nonnegative", "as_int", "as_dimensionless", "describe",
           "describe_dimension", "format_value", "format_number", "unit_of", "in_course_unit", "CourseQuantity"]


@dataclass(frozen=True)
class _Kind:
    """One physical dimension as a student meets it."""

    unit: Unit        # the SI unit (fixes the dimension)
    display: Unit     # the unit values are written in
    symbol: str       # how that unit is written after a number
    singular: str     # "a current"
    plural: str       # "currents"
    example: str      # "2*nA": what a student can copy


#: The dimensions of the course, each with the unit its values are written in.
_KINDS = (
    _Kind(amp, nA, "nA", "a current", "currents", "2*nA"),
    _Kind(volt, mV, "mV", "a voltage", "voltages", "-70*mV"),
    _Kind(second, ms, "ms", "a time", "times", "10*ms"),
    _Kind(hertz, Hz, "Hz", "a frequency", "frequencies", "50*Hz"),
    _Kind(ohm, Mohm, "MΩ", "a resistance", "resistances", "10*Mohm"),
    _Kind(siemens, nS, "nS", "a conductance", "conductances", "10*nS"),
    _Kind(farad, nF, "nF", "a capacitance", "capacitances", "1*nF"),
    _Kind(coulomb, pcoulomb, "pC", "a charge", "charges", "5*pC"),
    _Kind(volt / second, mV / ms, "mV/ms", "a rate of voltage change", "rates of voltage change", "1*mV/ms"),
    _Kind(watt, pwatt, "pW", "a power", "powers", "1*pW"),
)

_BARE = "(a bare number, without a unit)"
_SHOWN_ITEMS = 4  # arrays up to this size are written out in full


def _kind_of(dim):
    for kind in _KINDS:
        if dim == kind.unit.dim:
            return kind
    return None


def _dim_of(value):
    """The Brian2 dimensions of `value` (a Quantity, Unit, TimedArray, Dimension or number)."""
    dim = getattr(value, "dim", None)
    if dim is not None:
        return dim
    try:
        return get_dimensions(value)
    except Exception:  # a list, a string, ...: nothing physical
        return None


def _si_name(dim):
    """A short name for dimensions outside the course's table, e.g. "m^2 kg s^-2" or "J"."""
    text = str(dim)
    try:
        from brian2 import get_unit

        unit = get_unit(dim)
        name = str(unit)
        if name and "^" not in name and " " not in name:
            return name
    except Exception:
        pass
    return text


def unit_of(value):
    """The unit (a Brian2 Unit) and its written symbol that `format_value` uses for `value`.

    None for a bare number. Lets a caller write a limit in the same unit as the value it limits.

    Examples
    --------
    >>> from brian2 import second, nA
    >>> unit_of(3 * second)
    (msecond, 'ms')
    >>> unit_of(5) is None
    True
    """
    dim = _dim_of(value)
    if dim is None or dim.is_dimensionless:
        return None
    kind = _kind_of(dim)
    if kind is None:
        return Quantity(1, dim=dim), _si_name(dim)
    return kind.display, kind.symbol


class CourseQuantity(Quantity):
    """A Brian2 Quantity that shows itself in the course's unit for its dimension (ms, mV, nA, MΩ, Hz, ...).

    Brian2 picks a prefix per array and falls back to yotta- when a value is infinite, so the
    closed forms' "never" (``inf``) would print as ``Ysecond``. Arithmetic on it gives plain
    Quantities; only `repr` and `str` differ.
    """

    def _display(self):
        found = unit_of(self)
        return found[0] if found is not None else None

    def __repr__(self):
        unit = self._display()
        return Quantity(self).in_unit(unit, python_code=True) if unit is not None else Quantity.__repr__(self)

    def __str__(self):
        unit = self._display()
        return Quantity(self).in_unit(unit) if unit is not None else Quantity.__str__(self)

    def _repr_pretty_(self, printer, cycle):  # IPython's display of a cell's value
        printer.text(repr(self))

    def __getitem__(self, key):  # an element or a slice shows itself in the same unit
        item = super().__getitem__(key)
        return item.view(CourseQuantity) if isinstance(item, Quantity) else item

    def __reduce__(self):  # a pickled copy (a grading sandbox's, a saved session's) shows itself alike
        return _course_quantity, (np.asarray(self), self.dim)

    def __copy__(self):
        return _course_quantity(np.array(self), self.dim)

    def __deepcopy__(self, memo):
        return _course_quantity(np.array(self), self.dim)


def _course_quantity(values, dim):
    return Quantity(values, dim=dim).view(CourseQuantity)


def in_course_unit(value):
    """`value` (a Quantity) as a `CourseQuantity`, shown in ms, mV, nA, MΩ, Hz, ... (the same numbers).

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import Quantity, second
    >>> Quantity([np.inf, 8.79e-3], dim=second.dim)  # Brian2's own choice of unit
    array([     inf, 8.79e-27]) * Ysecond
    >>> times = in_course_unit(Quantity([np.inf, 8.79e-3], dim=second.dim))
    >>> times
    array([ inf, 8.79]) * msecond
    >>> times[0]
    inf * msecond
    >>> import copy, pickle
    >>> pickle.loads(pickle.dumps(times)), copy.deepcopy(times)
    (array([ inf, 8.79]) * msecond, array([ inf, 8.79]) * msecond)
    """
    if not isinstance(value, Quantity):
        return value
    return value.view(CourseQuantity)


def format_number(x, digits=6):
    """A plain number as a person writes it: ``0.7``, ``1500``, ``1e9``, ``-inf``, ``nan``.

    Rounded to `digits` significant digits (so the last-digit noise of a unit conversion,
    0.7000000000000001, never shows), without trailing zeros; exponents only below 1e-4 and
    from 1e6 on.

    Examples
    --------
    >>> format_number(0.7000000000000001), format_number(1500.0), format_number(1e9), format_number(-2.5e-7)
    ('0.7', '1500', '1e9', '-2.5e-7')
    >>> format_number(8.788895747), format_number(8.788895747, digits=10)
    ('8.7889', '8.788895747')
    """
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    rounded = float(f"{x:.{digits}g}")
    exponent = int(np.floor(np.log10(abs(rounded))))
    if -4 <= exponent < 6:
        return np.format_float_positional(rounded, trim="-")
    return np.format_float_scientific(rounded, trim="-", exp_digits=1).replace("e+", "e")


def _numbers(values):
    """``1``, ``[1, 2, 3]``, or None when there are too many values to write out."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 0:
        return format_number(values)
    if values.size <= _SHOWN_ITEMS and values.ndim == 1:
        return "[" + ", ".join(format_number(v) for v in values) + "]"
    return None


def _range(values, symbol):
    """' from 0 to 5 nA', ', all 1 nA' or ', all nan', with a note when some values are not finite."""
    values = np.asarray(values, dtype=float).ravel()
    finite = values[np.isfinite(values)]
    unit = f" {symbol}" if symbol else ""
    bad = sorted({format_number(v) for v in values[~np.isfinite(values)]})
    if not finite.size:
        return f", all {' or '.join(bad)}"
    low, high = format_number(finite.min()), format_number(finite.max())
    text = f", all {low}{unit}" if low == high else f" from {low} to {high}{unit}"
    return text + (f", including {' and '.join(bad)}" if bad else "")


def _an_array_of(values, what):
    """'an array of 6 currents' or, for more dimensions, 'a 2x3 array of currents'."""
    shape = np.shape(values)
    if len(shape) == 1:
        return f"an array of {shape[0]} {what}"
    return f"a {'x'.join(map(str, shape))} array of {what}"


def format_value(value):
    """`value` written in the unit a student would use, chosen by its dimension.

    Currents in nA, voltages in mV, times in ms, frequencies in Hz, resistances in MΩ (and nS,
    nF, pC, mV/ms, pW); a number without a unit is said to be one. Large arrays are summarised.

    Parameters
    ----------
    value : Quantity, number or array

    Returns
    -------
    str

    Examples
    --------
    >>> from brian2 import ms, nA, Hz, second, Mohm, pA
    >>> format_value(-0.1 * ms), format_value(250 * pA), format_value(10 * Mohm)
    ('-0.1 ms', '0.25 nA', '10 MΩ')
    >>> format_value(float("inf") * second), format_value(float("nan"))
    ('inf ms', 'nan (a bare number, without a unit)')
    >>> format_value([1, 2, 3] * nA)
    '[1, 2, 3] nA'
    >>> import numpy as np
    >>> format_value(np.linspace(0, 5, 1000) * nA)
    'an array of 1000 currents from 0 to 5 nA'
    """
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    dim = _dim_of(value)
    if dim is None or not isinstance(value, (Quantity, numbers.Number, np.ndarray, np.number)):
        return describe(value)
    if isinstance(value, np.ndarray) and not isinstance(value, Quantity) and value.dtype.kind not in "biuf":
        return describe(value)
    if dim.is_dimensionless:
        shown = _numbers(value)
        if getattr(value, "ndim", 0) == 0:
            return f"{shown} {_BARE}"
        if getattr(value, "size", 1) == 0:
            return "an empty array"
        if shown is not None:
            return f"{shown} (bare numbers, without a unit)"
        return _an_array_of(value, "bare numbers (without a unit)") + _range(value, "")
    display, symbol = unit_of(value)
    kind = _kind_of(dim)
    numbers_in_unit = np.asarray(Quantity(value) / display, dtype=float)
    if numbers_in_unit.size == 0:
        return f"an empty array of {kind.plural if kind else 'values'}"
    shown = _numbers(numbers_in_unit)
    if shown is not None:
        return f"{shown} {symbol}"
    plural = kind.plural if kind else f"values in {symbol}"
    return _an_array_of(numbers_in_unit, plural) + _range(numbers_in_unit, symbol)


def describe_dimension(value):
    """What `value` measures, in words, with the unit a student writes: ``"a voltage (mV)"``.

    `value` may be a Quantity, a Unit, a Brian2 TimedArray or dimensions; a plain number is
    "a bare number (without a unit)".

    Examples
    --------
    >>> from brian2 import mV, nA, ms, TimedArray
    >>> describe_dimension(2 * mV), describe_dimension(nA / ms * ms)
    ('a voltage (mV)', 'a current (nA)')
    >>> describe_dimension(TimedArray([0, 1] * mV, dt=1 * ms))
    'a voltage (mV)'
    >>> describe_dimension(3)
    'a bare number (without a unit)'
    """
    dim = _dim_of(value)
    if dim is None or dim.is_dimensionless:
        return "a bare number (without a unit)"
    kind = _kind_of(dim)
    if kind is None:
        return f"a quantity in {_si_name(dim)}"
    return f"{kind.singular} ({kind.symbol})"


def measures(value):
    """What `value` measures, in words without a unit: ``"a current"``, ``"a plain number"``, ...

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> measures(2 * nA), measures(nA * ms), measures(3.0)
    ('a current', 'a charge', 'a plain number')
    """
    dim = _dim_of(value)
    if dim is None or dim.is_dimensionless:
        return "a plain number"
    kind = _kind_of(dim)
    return kind.singular if kind is not None else f"a quantity in {_si_name(dim)}"


def _plural_dimension(dim):
    if dim is None or dim.is_dimensionless:
        return "bare numbers (without a unit)"
    kind = _kind_of(dim)
    if kind is None:
        return f"values in {_si_name(dim)}"
    return f"{kind.plural} ({kind.symbol})"


def _one_line(text, limit=60) -> str | None:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else None


def describe(value, *, unitless=False):
    """A short, readable description of `value` for the "got ..." part of an error message.

    Parameters
    ----------
    value : object
        Whatever the caller passed.
    unitless : bool
        The argument takes a plain number, so a number is not "without a unit" (e.g. a seed).

    Examples
    --------
    >>> from brian2 import mV
    >>> describe(2 * mV), describe(5), describe(5, unitless=True), describe("100")
    ('2 mV', '5 (a bare number, without a unit)', '5', "the text '100'")
    >>> describe([1, 2, 3]), describe({"tau": 8})
    ('[1, 2, 3] (a list of bare numbers, without a unit)', 'a dict with keys tau')
    """
    if value is None or isinstance(value, (bool, np.bool_)):
        return repr(value if value is None else bool(value))
    if isinstance(value, (numbers.Number, np.number)) and not isinstance(value, Quantity):
        if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
            return f"the complex number {value}"
        return format_number(value) if unitless else format_value(value)
    if isinstance(value, Quantity):
        return format_value(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            return _numbers(value) if unitless and _numbers(value) else format_value(value)
        return f"an array of {value.size} {value.dtype.name} items"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return "an empty text ''" if not value.strip() else f"the text {text!r}"
    if isinstance(value, (list, tuple)):
        return _describe_sequence(value, unitless)
    if isinstance(value, dict):
        keys = ", ".join(map(str, list(value)[:4])) + (", ..." if len(value) > 4 else "")
        return f"a dict with keys {keys}" if value else "an empty dict"
    if type(value).__name__ == "TimedArray" and hasattr(value, "values"):
        return f"a TimedArray of {_plural_dimension(_dim_of(value))}"
    if isinstance(value, type):
        return f"the class {value.__name__}"
    if callable(value) and hasattr(value, "__name__"):
        return f"the function {value.__name__}"
    try:
        line = _one_line(repr(value))
    except Exception:  # a broken __repr__ must not hide the real message
        line = None
    return line if line else f"a {type(value).__name__}"


def _describe_sequence(value, unitless):
    kind = type(value).__name__
    if not value:
        return f"an empty {kind}"
    plain = all(isinstance(v, (numbers.Real, np.number)) and not isinstance(v, (bool, Quantity)) for v in value)
    if plain and len(value) <= _SHOWN_ITEMS:
        listed = "[" + ", ".join(format_number(v) for v in value) + "]"
        return listed if unitless else f"{listed} (a {kind} of bare numbers, without a unit)"
    if plain:
        return f"a {kind} of {len(value)} numbers" if unitless else f"a {kind} of {len(value)} bare numbers (without a unit)"
    return f"a {kind} of {len(value)} items"


def _example_for(unit):
    kind = _kind_of(get_dimensions(unit))
    if kind is not None:
        return f"{kind.singular} such as {kind.example}"
    return f"a quantity in {_si_name(get_dimensions(unit))}"


def _given(value, unit):
    """What was given, for a value that does not have the dimensions of `unit`."""
    if isinstance(value, Quantity) and not get_dimensions(value).is_dimensionless:
        kind = _kind_of(get_dimensions(value))
        what = kind.singular if kind else describe_dimension(value)
        return f"{format_value(value)} ({what})" if np.size(value) <= _SHOWN_ITEMS else format_value(value)
    return describe(value)


def as_quantity(name, value, unit, example=None, *, allow_array=False, allow_empty=False):
    """Return `value` if it is a finite quantity with the dimensions of `unit`.

    Parameters
    ----------
    name : str
        The argument's name, as the caller wrote it.
    value : object
        What the caller passed.
    unit : brian2.Unit
        A unit with the expected dimensions, e.g. ``nA``.
    example : str, optional
        What is expected, e.g. ``"a current such as 2*nA"``; derived from `unit` if omitted.
    allow_array : bool
        Accept arrays (for vectorised functions); otherwise a scalar is required.
    allow_empty : bool
        Accept an empty array (where an empty answer makes sense, e.g. a current at no times).

    Returns
    -------
    brian2.Quantity

    Raises
    ------
    TypeError
        Wrong dimensions, a bare number, or not a quantity at all.
    ValueError
        NaN or infinite values, or an array where a single value is needed.

    Examples
    --------
    >>> from brian2 import nA, mV
    >>> as_quantity("amplitude", 2 * nA, nA)
    2. * namp
    >>> as_quantity("amplitude", 2 * mV, nA)
    Traceback (most recent call last):
    ...
    TypeError: amplitude must be a current such as 2*nA, got 2 mV (a voltage).
    >>> as_quantity("amplitude", 2, nA)
    Traceback (most recent call last):
    ...
    TypeError: amplitude must be a current such as 2*nA, got 2 (a bare number, without a unit).
    """
    example = example or _example_for(unit)
    if isinstance(value, (list, tuple)) and allow_array and value and all(isinstance(v, Quantity) for v in value):
        try:
            value = Quantity(value)
        except Exception:  # mixed dimensions: reported below as not a quantity
            pass
    if isinstance(value, np.ndarray) and not isinstance(value, Quantity) and value.dtype == object:
        try:
            value = Quantity(list(value))
        except Exception:
            pass
    if not isinstance(value, Quantity) or not have_same_dimensions(value, unit):
        raise TypeError(f"{name} must be {example}, got {_given(value, unit)}.")
    arr = np.asarray(value)
    if arr.ndim > 0 and not allow_array:
        raise ValueError(f"{name} must be a single value ({example}), got {describe(value)}.")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty ({example}), got an empty array.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite ({example}), got {describe(value)}.")
    return value


def as_positive(name, value, unit, example=None, *, allow_array=False):
    """Like `as_quantity`, and every value must be > 0.

    Examples
    --------
    >>> from brian2 import ms, second
    >>> as_positive("tau", 0 * ms, second, "a time such as 8*ms")
    Traceback (most recent call last):
    ...
    ValueError: tau must be positive (a time such as 8*ms), got 0 ms.
    """
    value = as_quantity(name, value, unit, example, allow_array=allow_array)
    if np.any(np.asarray(value) <= 0):
        raise ValueError(f"{name} must be positive ({example or _example_for(unit)}), got {describe(value)}.")
    return value


def as_nonnegative(name, value, unit, example=None, *, allow_array=False):
    """Like `as_quantity`, and every value must be >= 0.

    Examples
    --------
    >>> from brian2 import ms, second
    >>> as_nonnegative("t_ref", -1 * ms, second, "a time such as 2*ms")
    Traceback (most recent call last):
    ...
    ValueError: t_ref must not be negative (a time such as 2*ms), got -1 ms.
    """
    value = as_quantity(name, value, unit, example, allow_array=allow_array)
    if np.any(np.asarray(value) < 0):
        raise ValueError(f"{name} must not be negative ({example or _example_for(unit)}), got {describe(value)}.")
    return value


def as_int(name, value, *, minimum=None, maximum=None, example="a whole number such as 42"):
    """Return `value` as an int if it is a whole number within [minimum, maximum].

    Examples
    --------
    >>> as_int("seed", 1.5)
    Traceback (most recent call last):
    ...
    TypeError: seed must be a whole number such as 42, got 1.5.
    >>> as_int("n", 0, minimum=1, example="a number of neurons such as 10")
    Traceback (most recent call last):
    ...
    ValueError: n must be at least 1 (a number of neurons such as 10), got 0.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be {example}, got {describe(value, unitless=True)}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum} ({example}), got {format_number(value)}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {format_number(maximum)} ({example}), got {format_number(value)}.")
    return value


def as_dimensionless(name, value, example="a plain number such as 0.5"):
    """Return `value` as a finite float (a Brian2 dimensionless quantity is accepted).

    Examples
    --------
    >>> from brian2 import ms
    >>> as_dimensionless("phase", 3 * ms, "an angle in radians such as 0 or np.pi/2")
    Traceback (most recent call last):
    ...
    TypeError: phase must be an angle in radians such as 0 or np.pi/2, got 3 ms (a time).
    """
    if isinstance(value, Quantity) and not get_dimensions(value).is_dimensionless:
        raise TypeError(f"{name} must be {example}, got {_given(value, None)}.")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer, Quantity)):
        raise TypeError(f"{name} must be {example}, got {describe(value, unitless=True)}.")
    if getattr(value, "ndim", 0) != 0:
        raise ValueError(f"{name} must be a single value ({example}), got {describe(value, unitless=True)}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite ({example}), got {format_number(value)}.")
    return value
