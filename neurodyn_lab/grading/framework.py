"""The grading framework: kinds of questions, tolerances, hints, and the verdict on one answer.

A question knows how to read an answer (unit, number, count, text or function), how to compare it
with the expected value for one student's `Variant` (their neuron and stimulus numbers), the
tolerance, and hints. The questions themselves are in `bank`; no expected value is written down
anywhere, and no message ever contains one.

Examples
--------
>>> from brian2 import ms
>>> str(Tolerance(rel=0.05, abs=0.2 * ms))
'±5 % or ±0.2 ms, whichever is larger'
"""

import math
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from brian2 import Hz, Mohm, Quantity, get_dimensions, mV, ms, nA, volt

from .answers import Rejected, describe_answer, read_count, read_function, read_number, read_quantity, \
    read_text
from .sandbox import TimeLimit, time_limit

__all__ = ["Question", "QuantityQuestion", "MeasuredQuestion", "GainQuestion", "PhaseQuestion", "CountQuestion",
           "ChoiceQuestion", "FunctionQuestion", "Case", "Tolerance", "Mistake", "Verdict", "si", "near",
           "FUNCTION_TIME_LIMIT"]

#: Seconds a student's function may run in one check before it is stopped (all its cases together).
FUNCTION_TIME_LIMIT = 10.0


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading one answer.

    Attributes
    ----------
    status : str
        ``"correct"``, ``"wrong"``, ``"invalid"`` (cannot be graded as given) or ``"unanswered"``.
    text : str
        The sentence to show after the question id (never the expected value).
    """

    status: str
    text: str

    @property
    def passed(self):
        return self.status == "correct"


#: How a tolerance in these dimensions is printed.
_DISPLAY_UNITS = ((ms, "ms"), (mV, "mV"), (nA, "nA"), (Hz, "Hz"), (Mohm, "MΩ"))


@dataclass(frozen=True)
class Tolerance:
    """How far an answer may be from the expected value: `rel` (a fraction) and/or `abs` (a Quantity,
    or a number of `unit_name`, e.g. degrees); with both, the larger one applies.

    Examples
    --------
    >>> from brian2 import ms
    >>> str(Tolerance(rel=0.01))
    '±1 %'
    >>> str(Tolerance(abs=4.0, unit_name="°"))
    '±4°'
    """

    rel: float = 0.0
    abs: object = 0.0
    unit_name: str = ""  # for a plain-number `abs`, e.g. "°"

    def allows(self, value, expected):
        """Whether `value` is within tolerance of `expected` (both SI floats, or degrees)."""
        return abs(value - expected) <= max(self.rel * abs(expected), si(self.abs)) * (1 + 1e-9)

    def __str__(self):
        parts = []
        if self.rel:
            parts.append(f"±{self.rel * 100:g} %")
        if si(self.abs):
            if isinstance(self.abs, Quantity):
                unit, name = next((u, n) for u, n in _DISPLAY_UNITS
                                  if get_dimensions(u) == get_dimensions(self.abs))
                parts.append(f"±{float(self.abs / unit):g} {name}")
            else:
                parts.append(f"±{self.abs:g}{self.unit_name}")
        if not parts:
            return "exactly"
        return parts[0] if len(parts) == 1 else f"{parts[0]} or {parts[1]}, whichever is larger"


@dataclass(frozen=True)
class Mistake:
    """A common mistake and the hint it deserves.

    For a `QuantityQuestion`, `applies(value, expected, variant)` gets SI floats (degrees for a
    phase) and the student's `Variant`; for a `MeasuredQuestion`, `applies(value, within)` gets the
    answer and a test ``within(x)`` "is x within tolerance of the hidden value"; for a
    `FunctionQuestion`, `applies(function, failures, cases)`.
    """

    applies: Callable
    hint: str


def si(value):
    """A scalar Quantity (or number) as a float in SI units."""
    return float(np.asarray(value))


def near(value, target, rel=0.01):
    """Whether `value` is within `rel` (a fraction) of a non-zero `target`."""
    return target != 0 and abs(value - target) <= rel * abs(target)


#: Mistakes any quantity answer can make.
PREFIX_HINT = "your value is off by a power of 1000: check the unit prefix (m, µ, n, p, k, M)."
SIGN_HINT = "check the sign of your value."
_PREFIX = Mistake(lambda v, e, variant: any(near(v, e * f) for f in (1e3, 1e-3, 1e6, 1e-6)), PREFIX_HINT)
_SIGN = Mistake(lambda v, e, variant: near(v, -e), SIGN_HINT)


@dataclass(frozen=True, kw_only=True)
class Question:
    """A graded question.

    Attributes
    ----------
    id : str
        ``"<notebook>.<name>"``, e.g. ``"01.rheobase"``.
    title : str
        A few words for the summary table.
    hint : str
        Shown with a wrong answer (never the expected value).
    points : int
    options : tuple of str
        Keyword options ``check()`` accepts for this question, e.g. ``("I0",)``.
    max_attempts : int or None
        At most this many checks give feedback (None: no cap); later ones are only recorded.
    stated : callable, optional
        ``stated(variant)`` -> the numbers the notebook's prompt states (tolerance aside), e.g.
        ``("3 nA", "10 ms")``: a test compares them with the notebook's text.
    """

    id: str
    title: str
    hint: str
    points: int = 1
    options: tuple = ()
    max_attempts: object = None
    stated: Callable = field(default=lambda variant: (), repr=False)

    @property
    def notebook(self):
        """The notebook prefix, e.g. ``"01"``."""
        return self.id.split(".", 1)[0]

    @property
    def tolerance_text(self):
        """The tolerance as the notebook states it, or None for questions compared exactly."""
        tolerance = getattr(self, "tolerance", None)
        return str(tolerance) if tolerance is not None else None

    def grade(self, answer, variant, options=None):
        """Return a `Verdict` for `answer` given the student's `variant`, or raise `Rejected`
        (placeholder, wrong type, bad option)."""
        options = dict(options or {})
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            accepted = f"; it accepts {', '.join(self.options)}" if self.options else ""
            raise Rejected("invalid", f"check() for {self.id} takes no option {unknown[0]!r}{accepted}.")
        return self.verdict(answer, variant, options)

    def verdict(self, answer, variant, options):
        raise NotImplementedError

    def wrong(self, tolerance, hint):
        where = f" (tolerance {tolerance})" if tolerance is not None else ""
        return Verdict("wrong", f"not correct yet{where}. Hint: {hint}")


@dataclass(frozen=True, kw_only=True)
class QuantityQuestion(Question):
    """An answer with a unit, e.g. a current; any unit of the right dimension is accepted.

    `expected(variant)` returns the expected Quantity for the student's `Variant`; `example` says
    what is asked with an example that is not the answer (``"a current, e.g. 0.5*nA"``).
    """

    expected: Callable = field(repr=False)
    unit: object
    example: str
    tolerance: Tolerance
    mistakes: tuple = ()

    def verdict(self, answer, variant, options):
        value = self.read(answer, options)
        expected = si(self.expected(variant))
        if self.tolerance.allows(value, expected):
            return Verdict("correct", f"correct (within {self.tolerance}).")
        for mistake in self.mistakes + (_PREFIX, _SIGN):
            if mistake.applies(value, expected, variant):
                return self.wrong(self.tolerance, mistake.hint)
        return self.wrong(self.tolerance, self.hint)

    def read(self, answer, options):
        return read_quantity(answer, self.unit, self.example)


@dataclass(frozen=True, kw_only=True)
class MeasuredQuestion(Question):
    """A hidden value measured by experiment (the mystery neuron): `within(variant, value,
    tolerance)` says yes or no, so the expected value never reaches this module."""

    within: Callable = field(repr=False)
    unit: object
    example: str
    tolerance: Tolerance
    mistakes: tuple = ()

    def verdict(self, answer, variant, options):
        value = read_quantity(answer, self.unit, self.example)

        def close(x):
            return bool(self.within(variant, x, self.tolerance))

        if close(value):
            return Verdict("correct", f"correct (within {self.tolerance}).")
        prefix = Mistake(lambda v, test: any(test(v * f) for f in (1e3, 1e-3, 1e6, 1e-6)), PREFIX_HINT)
        sign = Mistake(lambda v, test: v != 0 and test(-v), SIGN_HINT)
        for mistake in self.mistakes + (prefix, sign):
            if mistake.applies(value, close):
                return self.wrong(self.tolerance, mistake.hint)
        return self.wrong(self.tolerance, self.hint)


@dataclass(frozen=True, kw_only=True)
class GainQuestion(QuantityQuestion):
    """A gain: a resistance (mV/nA), or the voltage amplitude for the input amplitude `I0` (option,
    default `default_I0`)."""

    default_I0: object = None

    def read(self, answer, options):
        I0 = options.get("I0", self.default_I0)
        try:
            I0 = read_quantity(I0, nA, "a current amplitude, e.g. I0=0.2*nA")
        except Rejected as problem:
            raise Rejected("invalid", f"the option I0: {problem.message}") from None
        if I0 <= 0:
            raise Rejected("invalid", f"the option I0 must be a positive current amplitude, e.g. I0=0.2*nA, "
                                      f"got {describe_answer(options.get('I0'))}.")
        if isinstance(answer, Quantity) and get_dimensions(answer) == get_dimensions(volt):
            return read_quantity(answer, volt, "a voltage amplitude, e.g. 1.5*mV") / I0
        return read_quantity(answer, self.unit, self.example)


@dataclass(frozen=True, kw_only=True)
class PhaseQuestion(Question):
    """A phase in degrees (a plain number); an answer in radians is recognised and accepted."""

    expected: Callable = field(repr=False)  # variant -> degrees (float)
    example: str
    tolerance: Tolerance
    mistakes: tuple = ()

    def verdict(self, answer, variant, options):
        value = read_number(answer, self.example)
        expected = float(self.expected(variant))
        if self.tolerance.allows(value, expected):
            return Verdict("correct", f"correct (within {self.tolerance}).")
        if self.tolerance.allows(math.degrees(value), expected):
            return Verdict("correct", f"correct: {value:g} read as radians is {math.degrees(value):.1f}° "
                                      f"(within {self.tolerance}); next time give degrees.")
        if self.tolerance.allows(-math.degrees(value), expected):
            return self.wrong(self.tolerance, "this looks like radians with the wrong sign: does the voltage lead "
                                              "or lag?")
        for mistake in self.mistakes:
            if mistake.applies(value, expected, variant):
                return self.wrong(self.tolerance, mistake.hint)
        return self.wrong(self.tolerance, self.hint)


@dataclass(frozen=True, kw_only=True)
class CountQuestion(Question):
    """A whole number, compared exactly."""

    expected: Callable = field(repr=False)
    example: str

    def verdict(self, answer, variant, options):
        value = read_count(answer, self.example)
        if value == int(self.expected(variant)):
            return Verdict("correct", "correct.")
        return self.wrong(None, self.hint)


def _normal_text(text):
    return "".join(ch for ch in text.lower().replace("filter", "") if ch.isalnum())


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question):
    """One of a few named choices, as text; case, spaces and hyphens do not matter ("Low pass")."""

    expected: Callable = field(repr=False)  # variant -> the canonical choice
    choices: tuple  # canonical spellings, e.g. ("low-pass", "high-pass", ...)

    @property
    def example(self):
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def verdict(self, answer, variant, options):
        text = read_text(answer, self.example)
        by_key = {_normal_text(c): c for c in self.choices}
        choice = by_key.get(_normal_text(text))
        if choice is None:
            raise Rejected("invalid", f"{text!r} is not one of the choices; give {self.example}.")
        if choice == self.expected(variant):
            return Verdict("correct", "correct.")
        return self.wrong(None, self.hint)


@dataclass(frozen=True)
class Case:
    """One call of a student's function: positional `args`, the same as readable text
    (`arguments`), the expected Quantity, and a `note` for the message ("below the rheobase")."""

    args: tuple
    arguments: str
    expected: object
    note: str = ""

    def label(self, name):
        """The call as text, e.g. ``rheobase(LIFParams())``."""
        return f"{name}({self.arguments})" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True, kw_only=True)
class FunctionQuestion(Question):
    """The student writes a function; it is called on several cases and compared to the model.

    `cases(variant)` returns the `Case`s shown in the notebook's feedback; `hidden_cases(key)` the
    ones the autograder uses, drawn from a secret `key` the student's copy does not have.
    `example` names the function to pass; `returns` says what the function must return
    (``"a current, e.g. 0.5*nA"``); `name` is the function's name in the answer cell.
    """

    name: str
    cases: Callable = field(repr=False)
    hidden_cases: Callable = field(repr=False)
    example: str
    returns: str
    unit: object
    rel: float = 1e-3
    mistakes: tuple = ()  # Mistake.applies(function, failures, cases)

    def verdict(self, answer, variant, options):
        function = read_function(answer, self.example)
        cases = self.cases(variant)
        try:
            with time_limit(FUNCTION_TIME_LIMIT):
                results = [self.call(function, case) for case in cases]
        except TimeLimit:
            raise Rejected("invalid", f"your function was stopped after {FUNCTION_TIME_LIMIT:g} s: does it loop "
                                      "for ever or simulate for very long?") from None
        return self.compare(results, cases, lambda failures: next(
            (m.hint for m in self.mistakes if m.applies(function, failures, cases)), self.hint))

    def compare(self, results, cases, hint_for):
        """The `Verdict` for the student's `results` (SI floats) on `cases`; `hint_for(failures)`."""
        failures = [case for case, value in zip(cases, results) if not self.agrees(value, si(case.expected))]
        if not failures:
            return Verdict("correct", f"correct for all {len(cases)} test cases (within ±{self.rel * 100:g} %).")
        where = f"{len(failures)} of {len(cases)} test cases are not right, e.g. {failures[0].label(self.name)}."
        return Verdict("wrong", f"{where} Hint: {hint_for(failures)}")

    def agrees(self, value, expected):
        return abs(value - expected) <= self.rel * abs(expected) + 1e-12  # False for NaN

    def call(self, function, case):
        """The student's result for `case` as an SI float (NaN counts as a wrong value); raise
        `Rejected` for an exception, None, or a value of the wrong kind."""
        call = f"{getattr(function, '__name__', self.name)}({case.arguments})"
        try:
            # The student's arithmetic may warn (log of a negative number): a NaN is graded as wrong,
            # and a warning on stderr would cost the whole cell its points under nbgrader.
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = function(*case.args)
        except TimeLimit:
            raise
        except Exception as error:  # the student's code: report it, do not raise
            text = str(error)
            text = text if len(text) <= 150 else text[:147] + "..."
            raise Rejected("invalid", f"your function raised {type(error).__name__} ({text}) when called as "
                                      f"{call}.") from None
        return self.read_result(result, call)

    def read_result(self, result, call):
        if result is None:
            raise Rejected("unanswered", f"not answered yet: {call} returned None; write the body of the "
                                         "function and return the result.")
        if isinstance(result, (int, float, np.integer, np.floating)) and not isinstance(result, bool) \
                and float(result) == 0.0:
            return 0.0  # 0 is 0 in every unit
        if isinstance(result, Quantity) and np.size(result) == 1 and get_dimensions(result) == get_dimensions(
                self.unit) and not np.isfinite(float(np.asarray(result).ravel()[0])):
            return math.nan
        try:
            return read_quantity(result, self.unit, self.returns)
        except Rejected:
            raise Rejected("invalid", f"{call} gave {describe_answer(result)}: your function must return "
                                      f"{self.returns}.") from None
