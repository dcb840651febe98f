"""Argument checks that answer bad input with one clear sentence.

Every public function of the package passes its arguments through these helpers, so that a
student's typo (``step(2*mV, ...)``, ``duration=100``) gives a sentence naming the argument, what
was expected with a unit example, and what was given, never a wall of Brian2 traceback.
"""

import numbers

import numpy as np
from brian2 import Quantity, amp, get_dimensions, have_same_dimensions, hertz, ohm, second, volt

__all__ = ["as_quantity", "as_positive", "as_nonnegative", "as_int", "describe", "EXAMPLES"]

#: For each unit: what it measures, and an example a student can copy.
EXAMPLES = {
    "amp": "a current such as 2*nA",
    "volt": "a voltage such as -70*mV",
    "second": "a time such as 10*ms",
    "ohm": "a resistance such as 10*Mohm",
    "hertz": "a frequency such as 50*Hz",
}

_UNIT_NAMES = {amp: "amp", volt: "volt", second: "second", ohm: "ohm", hertz: "hertz"}


def _example_for(unit):
    for known, name in _UNIT_NAMES.items():
        if have_same_dimensions(known, unit):
            return EXAMPLES[name]
    return f"a quantity in {unit!r}"


def describe(value):
    """Return a short, readable description of `value` for an error message."""
    if isinstance(value, Quantity):
        # str() reads as a student writes it: "2. mV", not "2. * mvolt"
        return str(value) if np.size(value) <= 4 else f"an array of {np.size(value)} values in {get_dimensions(value)}"
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, numbers.Number):
        return f"{value!r} (a bare number, without a unit)"
    if isinstance(value, np.ndarray):
        return f"an array of {value.size} bare numbers (without a unit)"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with keys {', '.join(map(str, list(value)[:4]))}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def as_quantity(name, value, unit, example=None, *, allow_array=False):
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
    TypeError: amplitude must be a current such as 2*nA, got 2. mV
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
        if isinstance(value, Quantity) and get_dimensions(value).is_dimensionless:
            given = f"{float(np.asarray(value).ravel()[0]) if np.size(value) else value!r} (a bare number, without a unit)"
        else:
            given = describe(value)
        raise TypeError(f"{name} must be {example}, got {given}")
    arr = np.asarray(value)
    if arr.ndim > 0 and not allow_array:
        raise ValueError(f"{name} must be a single value ({example}), got {describe(value)}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty ({example}), got an empty array")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite ({example}), got {describe(value)}")
    return value


def as_positive(name, value, unit, example=None, *, allow_array=False):
    """Like `as_quantity`, and every value must be > 0."""
    value = as_quantity(name, value, unit, example, allow_array=allow_array)
    if np.any(np.asarray(value) <= 0):
        raise ValueError(f"{name} must be positive ({example or _example_for(unit)}), got {describe(value)}")
    return value


def as_nonnegative(name, value, unit, example=None, *, allow_array=False):
    """Like `as_quantity`, and every value must be >= 0."""
    value = as_quantity(name, value, unit, example, allow_array=allow_array)
    if np.any(np.asarray(value) < 0):
        raise ValueError(f"{name} must not be negative ({example or _example_for(unit)}), got {describe(value)}")
    return value


def as_int(name, value, *, minimum=None, maximum=None, example="a whole number such as 42"):
    """Return `value` as an int if it is a whole number within [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be {example}, got {describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def as_dimensionless(name, value, example="a plain number such as 0.5"):
    """Return `value` as a finite float (a Brian2 dimensionless quantity is accepted)."""
    if isinstance(value, Quantity) and not get_dimensions(value).is_dimensionless:
        raise TypeError(f"{name} must be {example}, got {describe(value)}")
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer, Quantity)):
        raise TypeError(f"{name} must be {example}, got {describe(value)}")
    if np.ndim(value) != 0:
        raise ValueError(f"{name} must be a single value ({example}), got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite ({example}), got {value!r}")
    return value
