"""Values to JSON and back: one codec for everything grading writes down or sends to another process.

A check records the student's answer in the cell's output for the autograder; the autograder sends a
function question's hidden cases to the sandboxed process that runs the student's function, and
reads its results back. All of them go through `encode` and `decode`, so a value arrives as it left:
a Quantity (scalar or array) with its dimensions, a plain number or NumPy array, text, a `LIFParams`,
or a tuple, list or dict of these. What cannot be written down (a function, an object of another
kind) becomes a `Described` stand-in that says what it was, which every answer reader rejects with
its usual sentence.

Examples
--------
>>> from brian2 import mV, ms, nA
>>> from neurodyn_lab.parameters import LIFParams
>>> decode(encode(3 * nA))
3. * namp
>>> decode(encode((LIFParams(), [1, 2] * ms)))[1]
array([1., 2.]) * msecond
>>> decode(encode(LIFParams().replace(tau=20 * ms))).tau
20. * msecond
>>> decode(encode(print))
the function print
"""

import math
import numbers

import numpy as np
from brian2 import Quantity, amp, get_dimensions, kelvin, kilogram, meter, mole, second

from ..parameters import LIFParams

__all__ = ["encode", "decode", "Described", "unit_of", "MAX_ITEMS"]

#: The most numbers one value may carry (a 1 s trace at 0.01 ms is 10^5): larger arrays are described.
MAX_ITEMS = 2_000_000

_BASE_UNITS = {"m": meter, "kg": kilogram, "s": second, "A": amp, "K": kelvin, "mol": mole}
_DEPTH = 8


class Described:
    """A value that could only be described (a function, an object of another kind): its repr is
    the description, e.g. ``the function rheobase``."""

    def __init__(self, description, name=None):
        self.description = str(description)[:200]
        self.__name__ = name or "value"

    def __repr__(self):
        return self.description

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"{self.description} was only recorded, not kept")


def unit_of(dimensions):
    """The SI unit that Brian2's dimension text names (``"s A"``, ``"m^2 kg s^-3 A^-1"``), or None.

    Examples
    --------
    >>> unit_of("s A")
    1. * coulomb
    >>> unit_of("parsec") is None
    True
    """
    if not isinstance(dimensions, str) or not dimensions.strip():
        return None
    unit = Quantity(1.0)
    for token in dimensions.split():
        name, _, power = token.partition("^")
        try:
            unit = unit * _BASE_UNITS[name] ** int(power or 1)
        except (KeyError, ValueError):
            return None
    return unit


def _numbers(values):
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        value = float(array)
        return value if math.isfinite(value) else repr(value)  # JSON has no NaN or inf
    return [_numbers(v) for v in array] if array.ndim > 1 else [v if math.isfinite(v) else repr(v)
                                                               for v in array.tolist()]


def _floats(values):
    if isinstance(values, list):
        return np.array([_floats(v) for v in values], dtype=float)
    return float(values)  # "nan", "inf", "-inf" come back as floats too


def encode(value, max_items=MAX_ITEMS, _depth=0):
    """A JSON-ready dict for `value` (see the module's docstring); never raises. An array of more than
    `max_items` numbers is only described."""
    if value is Ellipsis:
        return {"kind": "unanswered"}
    if value is None:
        return {"kind": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"kind": "bool", "value": bool(value)}
    if isinstance(value, str):
        return {"kind": "text", "value": value[:10_000]}
    if isinstance(value, LIFParams):
        return {"kind": "params", "fields": {name: float(getattr(value, name)) for name in LIFParams.field_names()}}
    if isinstance(value, Quantity):
        if value.size > max_items:
            return {"kind": "other", "description": f"an array of {value.size} values"}
        dimensions = get_dimensions(value)
        numbers_ = _numbers(np.asarray(value))
        if dimensions.is_dimensionless:
            return {"kind": "number" if np.ndim(value) == 0 else "array", "value": numbers_}
        return {"kind": "quantity", "value": numbers_, "dimensions": str(dimensions)}
    if isinstance(value, (numbers.Real, np.integer, np.floating)):
        if isinstance(value, (int, np.integer)) and abs(int(value)) < 2 ** 53:
            return {"kind": "int", "value": int(value)}
        return {"kind": "number", "value": _numbers(value)}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        if value.size > max_items:
            return {"kind": "other", "description": f"an array of {value.size} values"}
        return {"kind": "array", "value": _numbers(value)}
    if isinstance(value, (tuple, list)) and _depth < _DEPTH and len(value) <= 10_000:
        return {"kind": type(value).__name__, "items": [encode(v, max_items, _depth + 1) for v in value]}
    if isinstance(value, dict) and _depth < _DEPTH and len(value) <= 1000 and all(isinstance(k, str) for k in value):
        return {"kind": "dict", "items": {k: encode(v, max_items, _depth + 1) for k, v in value.items()}}
    if callable(value) and not isinstance(value, type):
        return {"kind": "function", "name": str(getattr(value, "__name__", ""))[:100]}
    from .answers import describe_answer

    return {"kind": "other", "description": describe_answer(value)[:200]}


def decode(record, _depth=0):
    """The value `encode` wrote down (a `Described` stand-in for what it could only describe)."""
    kind = record.get("kind") if isinstance(record, dict) else None
    try:
        if kind == "unanswered":
            return ...
        if kind == "none":
            return None
        if kind == "bool":
            return bool(record["value"])
        if kind == "text":
            return str(record["value"])
        if kind == "int":
            return int(record["value"])
        if kind == "number":
            return float(_floats(record["value"]))
        if kind == "array":
            return np.asarray(_floats(record["value"]), dtype=float)
        if kind == "quantity":
            values, dimensions = _floats(record["value"]), record.get("dimensions")
            if dimensions in ("", "1"):
                return values
            unit = unit_of(dimensions)
            if unit is None:
                return Described(f"a quantity in {dimensions}")
            return Quantity(values, dim=get_dimensions(unit))
        if kind == "params":
            fields = record["fields"]
            units = {name: unit_of(str(get_dimensions(value))) for name, value in LIFParams().as_dict().items()}
            return LIFParams(**{name: float(fields[name]) * units[name] for name in LIFParams.field_names()})
        if kind in ("tuple", "list") and _depth < _DEPTH:
            items = [decode(item, _depth + 1) for item in record["items"]]
            return tuple(items) if kind == "tuple" else items
        if kind == "dict" and _depth < _DEPTH:
            return {str(k): decode(v, _depth + 1) for k, v in record["items"].items()}
        if kind == "function":
            name = str(record.get("name") or "function")
            return Described(f"the function {name}", name=name)
    except (KeyError, TypeError, ValueError):
        return Described("a value that could not be read back")
    if isinstance(record, dict) and "description" in record:
        return Described(record["description"])
    return Described("an answer that could not be recorded")
