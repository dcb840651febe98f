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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from brian2 import Hz, Mohm, Quantity, get_dimensions, mV, ms, nA, volt

from .answers import Rejected, describe_answer, read_count, read_function, read_number, read_quantity, \
    read_text
from .figures import Axis, FigureRecord, describe, is_figure
from .sandbox import TimeLimit, time_limit

__all__ = ["Question", "QuantityQuestion", "MeasuredQuestion", "GainQuestion", "PhaseQuestion", "CountQuestion",
           "ChoiceQuestion", "FunctionQuestion", "PredictionQuestion", "FigureQuestion", "Plot", "Case", "Tolerance",
           "Mistake", "Verdict", "si", "near", "assess", "off_by", "FUNCTION_TIME_LIMIT", "DIRECTION_AFTER"]

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

    def direction(self, answer, variant, options):
        """How a wrong `answer` is off, in words and buckets (``"too large, by 10–30 %"``), or None
        (no direction for this kind, or a common mistake's hint says more); `assess` adds it after
        `DIRECTION_AFTER` wrong attempts. Never the value."""
        return None

    def value_of(self, answer, variant, options):
        """`answer` as the number this question compares (SI float, degrees or a count), or None."""
        return None

    def record_answer(self, answer):
        """What a check records of `answer` for the autograder when it is not the usual record
        (`shown.record_of`), else None: a `FigureQuestion` records what the figure shows."""
        return None

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

    def value_of(self, answer, variant, options):
        return self.read(answer, options)

    def direction(self, answer, variant, options):
        value, expected = self.read(answer, options), si(self.expected(variant))
        if any(m.applies(value, expected, variant) for m in self.mistakes + (_PREFIX, _SIGN)):
            return None
        return off_by(value, expected)


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

    def value_of(self, answer, variant, options):
        return read_quantity(answer, self.unit, self.example)

    def direction(self, answer, variant, options):
        """Only "more than twice" or "less than half" the size of the hidden value: one experiment
        tells a student as much, and nothing finer is said, so the hint cannot replace the
        experiment (buckets of 10-30 % would find a value within tolerance in a few tries)."""
        value = read_quantity(answer, self.unit, self.example)
        if value == 0:
            return None

        def within_factor_two(x):
            # |x - h| <= |h|: x lies between 0 and 2h (the hidden value h stays in `within`).
            return bool(self.within(variant, x, Tolerance(rel=1.0)))

        if not (within_factor_two(value * 1e-3) or within_factor_two(value * 1e-6)):
            return None  # the other sign (the sign hint says so), or off by more than 1000 (the prefix hint)
        if not within_factor_two(value):
            return "more than twice the size your experiments should find (measure it again)"
        if within_factor_two(4 * value):
            return "less than half the size your experiments should find (measure it again)"
        return None


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

    def value_of(self, answer, variant, options):
        value = read_number(answer, self.example)
        if not self.tolerance.allows(value, float(self.expected(variant))) and \
                self.tolerance.allows(math.degrees(value), float(self.expected(variant))):
            return math.degrees(value)  # accepted as radians
        return value

    def direction(self, answer, variant, options):
        value, expected = read_number(answer, self.example), float(self.expected(variant))
        if self.tolerance.allows(-math.degrees(value), expected) or any(
                m.applies(value, expected, variant) for m in self.mistakes):
            return None
        return off_by_degrees(value, expected)


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

    def value_of(self, answer, variant, options):
        return read_count(answer, self.example)

    def direction(self, answer, variant, options):
        return off_by_count(read_count(answer, self.example), int(self.expected(variant)))


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


# ------------------------------------------------------------------------------------------------
# Feedback that teaches: which way and how far, in buckets (never the value)
# ------------------------------------------------------------------------------------------------
#: From this many wrong answers on (the current one included), a wrong answer's hint adds which way
#: and roughly how far it is off (`Question.direction`).
DIRECTION_AFTER = 2

#: Sizes of a miss, as (largest ratio or its inverse, words): buckets, so no answer and its words
#: can be turned back into the expected value.
_TOO_LARGE = ((1.1, "by less than 10 %"), (1.3, "by 10–30 %"), (1.6, "by 30–60 %"), (2.0, "by 60–100 %"),
              (5.0, "by a factor of about 2 to 5"), (20.0, "by a factor of about 5 to 20"),
              (math.inf, "by more than a factor of 20"))
_TOO_SMALL = ((1 / 0.9, "by less than 10 %"), (1 / 0.7, "by 10–30 %"), (2.0, "by 30–50 %"),
              (5.0, "by a factor of about 2 to 5"), (20.0, "by a factor of about 5 to 20"),
              (math.inf, "by more than a factor of 20"))


def _bucket(ratio):
    table = _TOO_LARGE if ratio >= 1 else _TOO_SMALL
    factor = ratio if ratio >= 1 else 1 / ratio
    return next(words for limit, words in table if factor < limit)


def off_by(value, expected):
    """Which way and roughly how far `value` is from `expected` (SI floats of one sign), in words
    with a bucket for the size; None when a direction means nothing (zero, or the signs differ:
    the sign hint says more).

    Examples
    --------
    >>> off_by(3.2e-9, 1e-9)
    'too large, by a factor of about 2 to 5'
    >>> off_by(0.8, 1.0)
    'too small, by 10–30 %'
    >>> off_by(-0.080, -0.070)
    'too low (more negative), by 10–30 %'
    """
    if not (math.isfinite(value) and math.isfinite(expected)) or value == 0 or expected == 0 or \
            (value > 0) != (expected > 0):
        return None
    ratio = value / expected
    if expected > 0:
        way = "too large" if ratio > 1 else "too small"
    else:
        way = "too low (more negative)" if ratio > 1 else "too high (closer to zero)"
    return f"{way}, {_bucket(ratio)}"


def off_by_degrees(value, expected):
    """`off_by` for angles (degrees): the difference, in buckets.

    Examples
    --------
    >>> off_by_degrees(-80, -45)
    'too small (more negative), by 30–90°'
    """
    difference = value - expected
    if not math.isfinite(difference) or difference == 0:
        return None
    way = "too large" if difference > 0 else "too small"
    if value < 0 and expected < 0:
        way += " (closer to zero)" if difference > 0 else " (more negative)"
    size = abs(difference)
    words = ("by less than 10°" if size < 10 else "by 10–30°" if size < 30 else "by 30–90°" if size < 90
             else "by more than 90°")
    return f"{way}, {words}"


_COUNT_BUCKETS = ((1, 3), (4, 10), (11, math.inf))


def off_by_count(value, expected):
    """`off_by` for counts (whole numbers, at least 0): which way and by 1 to 3, 4 to 10 or more than
    10. A count that is too high cannot be more than `value` too high, so near 0 the last buckets
    merge until each leaves at least three possible counts (or nothing is said: an answer of 2 that
    is too high leaves only 0 and 1).

    Examples
    --------
    >>> off_by_count(9, 7), off_by_count(2, 12), off_by_count(5, 0), off_by_count(1, 0)
    ('too high, by 1 to 3', 'too low, by 4 to 10', 'too high, by 1 to 5', None)
    """
    difference = value - expected
    if difference == 0:
        return None
    buckets = [list(b) for b in _COUNT_BUCKETS]
    if difference > 0:  # at most `value` too high
        buckets = [[low, min(high, value)] for low, high in buckets if low <= value]
        while len(buckets) > 1 and buckets[-1][1] - buckets[-1][0] + 1 < 3:
            buckets[-2:] = [[buckets[-2][0], buckets[-1][1]]]
        if buckets[-1][1] - buckets[-1][0] + 1 < 3:
            return None
    low, high = next(b for b in buckets if b[0] <= abs(difference) <= b[1])
    if (low, high) in _COUNT_BUCKETS or (difference > 0 and (low, math.inf) in _COUNT_BUCKETS):
        words = "by more than 10" if low == 11 else f"by {low} to {high}"
    else:
        words = f"by {low} to {high}"
    return f"{'too high' if difference > 0 else 'too low'}, {words}"


# ------------------------------------------------------------------------------------------------
# Predict, then see
# ------------------------------------------------------------------------------------------------
def _shown_quantity(value, unit):
    """An SI float in `unit`'s display name, e.g. ``100 Hz`` (for the plausible range)."""
    if unit is None:
        return f"{value:g}"
    for display, name in _DISPLAY_UNITS:
        if get_dimensions(display) == get_dimensions(unit):
            return f"{value / float(display):g} {name}"
    return f"{value:g} (SI)"


@dataclass(frozen=True, kw_only=True)
class PredictionQuestion(Question):
    """A prediction committed before a panel or a simulation shows the answer (predict, then see).

    It is never judged right or wrong: a prediction of the right kind inside `plausible` earns its
    point; ``...``, a value of another kind or an implausible one does not. The question named in
    `about`, once answered correctly, says in its feedback how the prediction compared (which way,
    roughly how far, never the value); `reveal` in the notebook shows the simulation only once the
    prediction is committed.

    Attributes
    ----------
    about : str
        The id of the question whose answer is predicted, e.g. ``"02.max_rate"``.
    unit : brian2 Unit or None
        The unit of the predicted value (of y for points); None for a count or a plain number.
    count : bool
        A whole number (a spike count).
    example : str
        What to write, e.g. ``"a frequency, e.g. 100*Hz"`` (never the answer).
    plausible : tuple
        (low, high) of the predicted value (of y for points), Quantities or numbers, both included.
    points_of : tuple of str
        For a prediction of several (x, y) points: the names of x and y, e.g. ``("current",
        "rate")``; empty for one value.
    x_unit, x_plausible
        For points: the unit and the (low, high) of x.
    min_points : int
        For points: at least this many.
    truth : callable, optional
        ``truth(variant)`` -> a function y(x) (SI floats; NumPy arrays in and out) the points are
        compared with; for one value, a function of no argument's value is not needed: the
        student's correct answer to `about` is the reference.

    Examples
    --------
    >>> from brian2 import Hz, nA
    >>> q = PredictionQuestion(id="99.guess", title="your guess", about="99.rate", unit=Hz,
    ...                        example="a frequency, e.g. 100*Hz", plausible=(1 * Hz, 1e5 * Hz))
    >>> q.grade(40 * Hz, None).status
    'correct'
    >>> q.grade(2 * nA, None)
    Traceback (most recent call last):
    ...
    neurodyn_lab.grading.answers.Rejected: you gave a current (2 nA), but the question asks for a frequency, e.g. 100*Hz.
    """

    about: str
    unit: object = None
    count: bool = False
    example: str
    plausible: tuple
    points_of: tuple = ()
    x_unit: object = None
    x_plausible: tuple = None
    min_points: int = 3
    truth: object = field(default=None, repr=False)
    hint: str = "commit your own guess before the simulation shows the answer: write it with its unit."

    def read(self, answer):
        """The prediction as an SI float (one value) or a list of (x, y) SI floats (points); raise
        `Rejected` with one sentence otherwise."""
        if answer is Ellipsis:
            raise Rejected("unanswered", "not predicted yet: replace the ... by your prediction and run the cell "
                                         "again (a guess is fine: it earns its point for being committed).")
        if not self.points_of:
            return self._one(answer, self.unit, self.example, self.plausible, "your prediction")
        x_name, y_name = self.points_of
        if not isinstance(answer, (list, tuple)) or not all(
                isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in answer):
            raise Rejected("invalid", f"give your prediction as a list of ({x_name}, {y_name}) pairs, {self.example}, "
                                      f"not {describe_answer(answer)}.")
        if len(answer) < self.min_points:
            raise Rejected("invalid", f"give at least {self.min_points} ({x_name}, {y_name}) pairs, {self.example}; "
                                      f"you gave {len(answer)}.")
        points = []
        for n, (x, y) in enumerate(answer, 1):
            points.append((self._one(x, self.x_unit, f"a {x_name} with its unit", self.x_plausible,
                                     f"the {x_name} of pair {n}"),
                           self._one(y, self.unit, f"a {y_name} with its unit", self.plausible,
                                     f"the {y_name} of pair {n}")))
        return points

    def _one(self, answer, unit, example, plausible, what):
        try:
            if self.count and unit is None:
                value = float(read_count(answer, example))
            elif unit is None:
                value = read_number(answer, example)
            else:
                value = read_quantity(answer, unit, example)
        except Rejected as problem:
            if what == "your prediction":
                raise
            raise Rejected(problem.status, f"{what}: {problem.message}") from None
        if plausible is not None:
            low, high = (si(p) for p in plausible)
            if not low <= value <= high:
                raise Rejected("invalid", f"{what} ({_shown_quantity(value, unit)}) is outside what this question "
                                          f"accepts as a prediction ({_shown_quantity(low, unit)} to "
                                          f"{_shown_quantity(high, unit)}): commit your honest guess.")
        return value

    def verdict(self, answer, variant, options):
        self.read(answer)
        return Verdict("correct", "prediction committed: it earns its point whatever its value. Now run the next "
                                  "cells to see how it compares.")

    def compared(self, prediction, question, answer, variant, options):
        """How `prediction` compared, in one sentence for the feedback of the question it is
        `about` (answered correctly with `answer`); None when there is nothing to compare with."""
        try:
            predicted = self.read(prediction)
        except Rejected:
            return None
        if self.points_of:
            if self.truth is None:
                return None
            xs = np.array([x for x, _ in predicted])
            ys = np.array([y for _, y in predicted])
            with np.errstate(all="ignore"):
                truth = np.asarray(self.truth(variant)(xs), dtype=float)
            ways = [_way(y, t) for y, t in zip(ys, truth)]
            close = sum(w == "close" for w in ways)
            large, small = ways.count("large"), ways.count("small")
            text = f"{close} of {len(ways)} within 10 %, {large} too large, {small} too small"
            misses = [(abs(math.log(y / t)), y / t) for y, t in zip(ys, truth) if y > 0 and t > 0]
            if misses and max(misses)[0] > math.log(1.1):
                ratio = max(misses)[1]
                text += f"; the furthest was {'too large' if ratio > 1 else 'too small'}, {_bucket(ratio)}"
            return f"Your prediction ({self.id}): {text}."
        reference = self.truth(variant) if self.truth is not None else question.value_of(answer, variant, options)
        if reference is None:
            return None
        reference = si(reference)
        if self.count or isinstance(question, CountQuestion):
            words = off_by_count(round(predicted), round(reference))
        elif isinstance(question, PhaseQuestion):
            words = off_by_degrees(predicted, reference)
        else:
            words = off_by(predicted, reference)
            if words is not None and abs(predicted / reference - 1) < 0.1:
                words = "within 10 % of it: well predicted"
        if words is None:
            words = ("right on it" if predicted == reference else "of the other sign or zero, where the answer is not")
        return f"Your prediction ({self.id}) was {words}."


def _way(y, truth):
    if not (math.isfinite(y) and math.isfinite(truth)):
        return "none"
    if abs(y - truth) <= 0.1 * abs(truth) or y == truth:
        return "close"
    return "large" if y > truth else "small"


# ------------------------------------------------------------------------------------------------
# Figures the questions ask for
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plot:
    """One axes of a figure a `FigureQuestion` asks for: its `x` and `y` (`figures.Axis`), the
    `curves` it must contain (`figures.Curve`, e.g. the student's data and a closed-form overlay),
    and whether it needs a legend.

    Examples
    --------
    >>> from neurodyn_lab.grading.figures import Axis
    >>> Plot(Axis("time"), Axis("voltage")).x.shows
    'time'
    """

    x: Axis
    y: Axis
    curves: tuple = ()
    legend: bool = False


#: What a figure question asks to pass, in its sentences.
FIGURE_EXAMPLE = "your matplotlib Figure, e.g. fig (from plt.subplots())"


@dataclass(frozen=True, kw_only=True)
class FigureQuestion(Question):
    """A plot the student draws, checked: labels that name a unit, scales, the student's own data
    and the closed-form overlay (see `figures`).

    The check reads the Figure (or Axes) once into a description (`figures.describe`), which its
    record carries; the verdict is decided on that description, in the student's kernel for the
    feedback and again by the autograder in its own process. A wrong figure gets "not correct yet"
    and one sentence for the first thing missing.

    Attributes
    ----------
    plots : tuple of Plot
        The axes asked for, in order (``fig.axes`` in that order, or any axes for one `Plot`).
    example : str
        What to pass.
    """

    plots: tuple
    example: str = FIGURE_EXAMPLE
    hint: str = "draw the plot the question describes and pass its Figure."

    def record_answer(self, answer):
        return describe(answer) if is_figure(answer) else None

    def read(self, answer):
        """The `figures.FigureRecord` of `answer` (a Figure or Axes, or the record the autograder
        read back); raise `Rejected` with one sentence for anything else."""
        if isinstance(answer, FigureRecord):
            return answer
        if answer is Ellipsis:
            raise Rejected("unanswered", "not answered yet: draw your plot, make its Figure your answer and run the "
                                         "cell again.")
        if is_figure(answer):
            return FigureRecord.from_record(describe(answer))
        if answer is None:
            raise Rejected("invalid", f"the answer is None: pass {self.example}.")
        if isinstance(answer, Sequence) and len(answer) and all(
                type(item).__name__ in ("Line2D", "PathCollection") for item in answer):
            raise Rejected("invalid", f"pass the Figure or Axes, not the lines that plot() returned: {self.example} "
                                      "(or fig = plt.gcf()).")
        raise Rejected("invalid", f"pass {self.example}, not {describe_answer(answer)}.")

    def verdict(self, answer, variant, options):
        figure = self.read(answer)
        if not figure.axes:
            raise Rejected("invalid", "your figure has no axes: draw your plot on axes of it (plt.subplots() makes "
                                      "both) and pass it again.")
        if len(figure.axes) < len(self.plots):
            return self.wrong(None, f"your figure has {len(figure.axes)} axes, but the question asks for "
                                    f"{len(self.plots)} (e.g. fig, axes = plt.subplots({len(self.plots)}, 1)).")
        used = set()
        for n, plot in enumerate(self.plots):
            candidates = [i for i in range(len(figure.axes)) if i not in used]
            if len(self.plots) > 1:
                candidates = [n]  # several plots: fig.axes in the question's order
            results = [(self._problems(figure.axes[i], plot, variant), i) for i in candidates]
            (progress, problem), index = max(results, key=lambda r: (r[0][0], -r[1]))
            if problem is not None:
                where = f"the {_ORDINALS[n]} axes: " if len(self.plots) > 1 else ""
                return self.wrong(None, where + problem)
            used.add(index)
        return Verdict("correct", "correct: labels with units, scales and every curve the question asks for.")

    def _problems(self, axes, plot, variant):
        """(how many checks passed, the first problem or None) for one axes."""
        factors = []
        for name, axis, label in (("x", plot.x, axes.xlabel), ("y", plot.y, axes.ylabel)):
            if axis.shows != "count":
                if not label.strip():
                    return len(factors), (f"the {name} axis has no label: write what it shows and its unit, e.g. "
                                          f"ax.set_{name}label({axis.example}).")
                unit = axis.unit_in(label)
                if unit is None:
                    return len(factors), (f"the {name} axis label {label[:40]!r} names no unit of a {axis.shows}: add "
                                          f"it, e.g. {axis.example}.")
                factors.append(unit[1])
            else:
                factors.append(1.0)
        passed = 2
        for name, axis, scale in (("x", plot.x, axes.xscale), ("y", plot.y, axes.yscale)):
            if axis.scale is not None and scale != axis.scale:
                words = "logarithmic" if axis.scale == "log" else "linear"
                return passed, f"the {name} axis should be {words}: ax.set_{name}scale({axis.scale!r})."
            passed += 1
        free = list(axes.lines)
        for curve in plot.curves:
            scored = [(curve.score(line, factors[0], factors[1], variant, log_x=plot.x.scale == "log"), line)
                      for line in free]
            fitting = [(s, line) for s, line in scored if s[0] >= curve.share and s[1] >= curve.cover]
            if not fitting:
                if any(s[1] >= curve.cover for s, _ in scored):
                    return passed, (f"a line is where {curve.name} should be, but it does not follow it (within "
                                    f"{curve.rel * 100:g} %): {curve.missing}")
                return passed, f"{curve.name} is not on the plot (in the units your labels name): {curve.missing}"
            best = max(fitting, key=lambda item: item[0])[1]
            free = [line for line in free if line is not best]
            passed += 1
        if plot.legend and len(axes.legend) < max(2, len(plot.curves)):
            return passed, "add a legend that names each curve: ax.plot(..., label='...') and ax.legend()."
        return passed + 1, None


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


# ------------------------------------------------------------------------------------------------
# The verdict with its teaching feedback: the same in the student's kernel and the autograder
# ------------------------------------------------------------------------------------------------
def assess(question, answer, variant, options=None, *, wrong_before=0, predictions=()):
    """`question.grade(answer, ...)` with the feedback that teaches: a wrong answer after
    `DIRECTION_AFTER` wrong ones (this one included) adds which way and roughly how far it is off
    (`Question.direction`, buckets, never the value); a correct answer adds how each committed
    prediction about this question compared. The student's kernel (`session`) and the autograder
    call this one function, so both show the same sentence.

    Parameters
    ----------
    question : Question
    answer : object
    variant : Variant
        The student's numbers.
    options : dict, optional
    wrong_before : int
        The student's wrong answers to this question before this one.
    predictions : sequence of (PredictionQuestion, object)
        Committed predictions about this question and what was predicted.

    Returns
    -------
    Verdict

    Raises
    ------
    Rejected
        As `Question.grade`.

    Examples
    --------
    >>> from neurodyn_lab.grading.bank import QUESTIONS
    >>> from neurodyn_lab.grading.students import variant_for
    >>> from brian2 import nA
    >>> assess(QUESTIONS["01.rheobase"], 7 * nA, variant_for(None), wrong_before=1).text.split(". ")[-1]
    'Your answer is too large, by a factor of about 2 to 5.'
    >>> "Your answer" in assess(QUESTIONS["01.rheobase"], 7 * nA, variant_for(None), wrong_before=0).text
    False
    """
    options = dict(options or {})
    verdict = question.grade(answer, variant, options)
    if verdict.status == "wrong" and wrong_before + 1 >= DIRECTION_AFTER:
        try:
            words = question.direction(answer, variant, options)
        except Rejected:
            words = None
        if words:
            verdict = Verdict("wrong", f"{verdict.text} Your answer is {words}.")
    if verdict.passed:
        sentences = []
        for prediction_question, prediction in predictions:
            try:
                sentence = prediction_question.compared(prediction, question, answer, variant, options)
            except Exception:  # a comparison must never cost the verdict
                sentence = None
            if sentence:
                sentences.append(sentence)
        if sentences:
            verdict = Verdict(verdict.status, " ".join([verdict.text] + sentences))
    return verdict
