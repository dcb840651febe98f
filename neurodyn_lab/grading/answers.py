"""Reading a student's answer: units, numbers, counts, text and functions.

Each reader returns the answer in a form the question can compare (SI float, int, str, callable),
or raises `Rejected` with the status ("unanswered" or "invalid") and one sentence saying what was
given and what is asked. Nothing here knows an expected value, so no message can reveal one.
"""

import numbers

import numpy as np
from brian2 import Quantity, get_dimensions

from .._validation import describe, measures

__all__ = ["Rejected", "read_quantity", "read_number", "read_count", "read_text", "read_function",
           "kind_of", "describe_answer"]

class Rejected(Exception):
    """An answer that cannot be graded as given.

    Attributes
    ----------
    status : str
        ``"unanswered"`` (the ``...`` placeholder, a function returning None) or ``"invalid"``.
    message : str
        One sentence for the student.
    """

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def kind_of(value):
    """What `value` measures, in words: "a current", "a plain number", ..."""
    return measures(value)


def describe_answer(answer):
    """A short description of what the student gave, for a message."""
    if answer is None:
        return "None"
    if callable(answer) and not isinstance(answer, (Quantity, np.ndarray)):
        name = getattr(answer, "__name__", type(answer).__name__)
        return f"the function {name}"
    if isinstance(answer, str):
        text = answer if len(answer) <= 40 else answer[:37] + "..."
        return f"the text {text!r}"
    if isinstance(answer, dict):
        return f"a dict of {len(answer)} items"
    return describe(answer)


def _placeholder(answer):
    if answer is Ellipsis:
        raise Rejected("unanswered", "not answered yet: replace the ... by your answer and run the cell again.")


def _single(answer, example):
    """Return a scalar from `answer` (a 1-element array is accepted); reject lists and arrays."""
    if isinstance(answer, (list, tuple, set, dict)):
        raise Rejected("invalid", f"give one value, {example}, not {describe_answer(answer)}.")
    if isinstance(answer, np.ndarray):  # also Quantity arrays
        if answer.size != 1:
            raise Rejected("invalid", f"give one value, {example}, not an array of {answer.size} values.")
        return answer.reshape(())[()] if not isinstance(answer, Quantity) else answer.reshape(())
    return answer


def _common(answer, example):
    """The checks every value question shares: placeholder, None, text, functions, containers."""
    _placeholder(answer)
    if answer is None:
        raise Rejected("invalid", f"the answer is None: assign a value, {example}.")
    if isinstance(answer, bool) or isinstance(answer, np.bool_):
        raise Rejected("invalid", f"give {example}, not {answer!r}.")
    if isinstance(answer, (str, bytes)):
        raise Rejected("invalid", f"give {example}, not {describe_answer(answer)} (write the value as code, "
                                  "without quotes).")
    if callable(answer) and not isinstance(answer, (Quantity, np.ndarray)):
        raise Rejected("invalid", f"give {example}, not {describe_answer(answer)}: call it and pass its result.")
    return _single(answer, example)


def _finite(value, answer, example):
    if not np.isfinite(value):
        raise Rejected("invalid", f"your answer is not a finite number ({describe_answer(answer)}); give {example}.")
    return value


def read_quantity(answer, unit, example):
    """Return `answer` as a float in the SI unit of `unit`.

    Parameters
    ----------
    answer : object
        What the student gave, e.g. ``2000*pA``.
    unit : brian2.Unit
        Any unit of the asked dimension, e.g. ``nA``.
    example : str
        What is asked, with an example that is not the answer, e.g. ``"a current, e.g. 0.5*nA"``.

    Raises
    ------
    Rejected
        Placeholder, bare number, wrong dimension, NaN, list, text, ...

    Examples
    --------
    >>> from brian2 import nA, pA
    >>> read_quantity(2000 * pA, nA, "a current, e.g. 0.5*nA")
    2e-09
    """
    value = _common(answer, example)
    if isinstance(value, Quantity) and not get_dimensions(value).is_dimensionless:
        if get_dimensions(value) != get_dimensions(unit):
            raise Rejected("invalid", f"you gave {kind_of(value)} ({describe_answer(value)}), but the question "
                                      f"asks for {example}.")
        return _finite(float(np.asarray(value)), answer, example)
    if isinstance(value, (numbers.Real, np.number, Quantity)):
        if isinstance(value, complex) or np.iscomplexobj(value):
            raise Rejected("invalid", f"give {example}, not the complex number {value!r}.")
        number = float(np.asarray(value))
        if not np.isfinite(number):
            raise Rejected("invalid", f"your answer is not a finite number ({number!r}); give {example}.")
        raise Rejected("invalid", f"{number:g} has no unit: give {example} (multiply the number by its unit).")
    if isinstance(value, numbers.Number):
        raise Rejected("invalid", f"give {example}, not the complex number {value!r}.")
    raise Rejected("invalid", f"give {example}, not {describe_answer(value)}.")


def read_number(answer, example):
    """Return `answer` as a float (a plain number; a dimensionless Quantity is accepted)."""
    value = _common(answer, example)
    if isinstance(value, Quantity) and not get_dimensions(value).is_dimensionless:
        raise Rejected("invalid", f"you gave {kind_of(value)} ({describe_answer(value)}), but the question "
                                  f"asks for {example}.")
    if isinstance(value, complex) or np.iscomplexobj(value):
        raise Rejected("invalid", f"give {example}, not the complex number {value!r}.")
    if not isinstance(value, (numbers.Real, np.number, Quantity)):
        raise Rejected("invalid", f"give {example}, not {describe_answer(value)}.")
    return _finite(float(np.asarray(value)), answer, example)


def read_count(answer, example):
    """Return `answer` as an int (a whole number; 9.0 is accepted, 9.5 is not)."""
    value = _common(answer, example)
    if isinstance(value, Quantity) and not get_dimensions(value).is_dimensionless:
        raise Rejected("invalid", f"a count has no unit, but you gave {kind_of(value)} "
                                  f"({describe_answer(value)}); give {example}.")
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating, Quantity)) and not np.iscomplexobj(value):
        number = _finite(float(np.asarray(value)), answer, example)
        if number.is_integer():
            return int(number)
        raise Rejected("invalid", f"a count is a whole number, but you gave {number:g}; give {example}.")
    raise Rejected("invalid", f"give {example}, not {describe_answer(value)}.")


def read_text(answer, example):
    """Return `answer` as text (a choice), stripped."""
    _placeholder(answer)
    if not isinstance(answer, str):
        raise Rejected("invalid", f"give your answer as text in quotes, {example}, not {describe_answer(answer)}.")
    if not answer.strip():
        raise Rejected("unanswered", f"not answered yet: the text is empty; give {example}.")
    return answer.strip()


def read_function(answer, example):
    """Return `answer` if it is a function; say what to pass otherwise."""
    _placeholder(answer)
    if answer is None:
        raise Rejected("invalid", f"the answer is None: pass {example}.")
    if isinstance(answer, (Quantity, numbers.Number, np.ndarray)):
        raise Rejected("invalid", f"pass {example} itself, not a value ({describe_answer(answer)}).")
    if not callable(answer):
        raise Rejected("invalid", f"pass {example}, not {describe_answer(answer)}.")
    return answer
