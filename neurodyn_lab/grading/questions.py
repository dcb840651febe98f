"""The question bank: every graded question of the exercise notebooks.

A question knows how to read an answer (unit, number, count, text or function), how to compute the
expected value from the model when an answer is checked (`LIFParams`, the closed forms of
`neurodyn_lab.analysis`, a simulation, or a mystery neuron's seed), the tolerance, and hints.
No expected value is written down here, and no message ever contains one.

Examples
--------
>>> from brian2 import nA
>>> QUESTIONS["01.rheobase"].grade(2 * nA, {}).status
'correct'
"""

import math
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
from brian2 import Hz, Mohm, Quantity, amp, get_dimensions, mV, ms, nA, ohm, second, volt

from .. import analysis
from ..parameters import LIFParams
from . import mystery
from .answers import Rejected, describe_answer, read_count, read_function, read_number, read_quantity, \
    read_text

__all__ = ["Question", "QuantityQuestion", "GainQuestion", "PhaseQuestion", "CountQuestion", "ChoiceQuestion",
           "FunctionQuestion", "Tolerance", "Mistake", "Verdict", "QUESTIONS", "questions_of"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading one answer: status ``"correct"`` or ``"wrong"``, and the sentence to show."""

    status: str
    text: str


#: How a tolerance in these dimensions is printed.
_DISPLAY_UNITS = ((ms, "ms"), (mV, "mV"), (nA, "nA"), (Hz, "Hz"), (Mohm, "MOhm"))


@dataclass(frozen=True)
class Tolerance:
    """How far an answer may be from the expected value: `rel` (a fraction) and/or `abs` (a Quantity,
    or a number of `unit_name`, e.g. degrees); with both, the larger one applies.

    Examples
    --------
    >>> from brian2 import ms
    >>> str(Tolerance(rel=0.05, abs=0.2 * ms))
    '±5 % or ±0.2 ms, whichever is larger'
    >>> str(Tolerance(abs=4.0, unit_name="°"))
    '±4°'
    """

    rel: float = 0.0
    abs: object = 0.0
    unit_name: str = ""  # for a plain-number `abs`, e.g. "°"

    def allows(self, value, expected):
        """Whether `value` is within tolerance of `expected` (both SI floats, or degrees)."""
        return abs(value - expected) <= max(self.rel * abs(expected), _si(self.abs)) * (1 + 1e-9)

    def __str__(self):
        parts = []
        if self.rel:
            parts.append(f"±{self.rel * 100:g} %")
        if _si(self.abs):
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

    `applies(value, expected, options)` gets SI floats (degrees for a phase) and the check options.
    """

    applies: Callable
    hint: str


def _si(value):
    """A scalar Quantity (or number) as a float in SI units."""
    return float(np.asarray(value))


def _near(value, target, rel=0.01):
    return target != 0 and abs(value - target) <= rel * abs(target)


#: Mistakes any quantity answer can make.
_PREFIX = Mistake(lambda v, e, o: any(_near(v, e * f) for f in (1e3, 1e-3, 1e6, 1e-6)),
                  "your value is off by a power of 1000: check the unit prefix (m, µ, n, p, k, M).")
_SIGN = Mistake(lambda v, e, o: _near(v, -e), "check the sign of your value.")


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
        Keyword options ``check()`` accepts for this question, e.g. ``("seed",)``.
    required : tuple of str
        Options that must be given.
    """

    id: str
    title: str
    hint: str
    points: int = 1
    options: tuple = ()
    required: tuple = ()

    @property
    def notebook(self):
        """The notebook prefix, e.g. ``"01"``."""
        return self.id.split(".", 1)[0]

    def grade(self, answer, options):
        """Return a `Verdict` for `answer`, or raise `Rejected` (placeholder, wrong type, bad option)."""
        self._check_options(options)
        return self._grade(answer, options)

    def _check_options(self, options):
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            accepted = f"; it accepts {', '.join(self.options)}" if self.options else ""
            raise Rejected("invalid", f"check() for {self.id} takes no option {unknown[0]!r}{accepted}.")
        for name in self.required:
            if name not in options:
                raise Rejected("invalid", f"{self.id} needs your {name}: check({self.id!r}, answer, {name}={name}).")
        if "seed" in options:
            try:
                mystery._seed_key(options["seed"])
            except (TypeError, ValueError) as problem:
                raise Rejected("invalid", f"{problem}.") from None

    def _grade(self, answer, options):
        raise NotImplementedError

    def _wrong(self, value, expected, options, tolerance, mistakes):
        for mistake in mistakes:
            if mistake.applies(value, expected, options):
                return Verdict("wrong", f"not correct yet (tolerance {tolerance}). Hint: {mistake.hint}")
        return Verdict("wrong", f"not correct yet (tolerance {tolerance}). Hint: {self.hint}")


@dataclass(frozen=True, kw_only=True)
class QuantityQuestion(Question):
    """An answer with a unit, e.g. a current; any unit of the right dimension is accepted.

    `expected(options)` returns the expected Quantity; `example` says what is asked with an example
    that is not the answer (``"a current, e.g. 0.5*nA"``).
    """

    expected: Callable
    unit: object
    example: str
    tolerance: Tolerance
    mistakes: tuple = ()

    def _grade(self, answer, options):
        value = self._read(answer, options)
        expected = _si(self.expected(options))
        if self.tolerance.allows(value, expected):
            return Verdict("correct", f"correct (within {self.tolerance}).")
        return self._wrong(value, expected, options, self.tolerance, self.mistakes + (_PREFIX, _SIGN))

    def _read(self, answer, options):
        return read_quantity(answer, self.unit, self.example)


@dataclass(frozen=True, kw_only=True)
class GainQuestion(QuantityQuestion):
    """A gain: a resistance (mV/nA), or the voltage amplitude for the input amplitude `I0` (option,
    default `default_I0`)."""

    default_I0: object = None

    def _read(self, answer, options):
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

    expected: Callable  # options -> degrees (float)
    example: str
    tolerance: Tolerance
    mistakes: tuple = ()

    def _grade(self, answer, options):
        value = read_number(answer, self.example)
        expected = float(self.expected(options))
        if self.tolerance.allows(value, expected):
            return Verdict("correct", f"correct (within {self.tolerance}).")
        if self.tolerance.allows(math.degrees(value), expected):
            return Verdict("correct", f"correct: {value:g} read as radians is {math.degrees(value):.1f}° "
                                      f"(within {self.tolerance}); next time give degrees.")
        radians_sign = Mistake(lambda v, e, o: self.tolerance.allows(-math.degrees(v), e),
                               "this looks like radians with the wrong sign: does the voltage lead or lag?")
        return self._wrong(value, expected, options, self.tolerance, self.mistakes + (radians_sign,))


@dataclass(frozen=True, kw_only=True)
class CountQuestion(Question):
    """A whole number, compared exactly."""

    expected: Callable
    example: str

    def _grade(self, answer, options):
        value = read_count(answer, self.example)
        if value == int(self.expected(options)):
            return Verdict("correct", "correct.")
        return Verdict("wrong", f"not correct yet. Hint: {self.hint}")


def _normal_text(text):
    return "".join(ch for ch in text.lower().replace("filter", "") if ch.isalnum())


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question):
    """One of a few named choices, as text; case, spaces and hyphens do not matter ("Low pass")."""

    expected: Callable  # options -> the canonical choice
    choices: tuple  # canonical spellings, e.g. ("low-pass", "high-pass", ...)

    @property
    def example(self):
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def _grade(self, answer, options):
        text = read_text(answer, self.example)
        by_key = {_normal_text(c): c for c in self.choices}
        choice = by_key.get(_normal_text(text))
        if choice is None:
            raise Rejected("invalid", f"{text!r} is not one of the choices; give {self.example}.")
        if choice == self.expected(options):
            return Verdict("correct", "correct.")
        return Verdict("wrong", f"not correct yet. Hint: {self.hint}")


@dataclass(frozen=True)
class Case:
    """One call of a student's function: positional `args`, a readable `label`, the expected Quantity."""

    args: tuple
    label: str
    expected: object


@dataclass(frozen=True, kw_only=True)
class FunctionQuestion(Question):
    """The student writes a function; it is called on several cases and compared to the model.

    `cases()` returns the `Case`s; `example` names the function to pass; `returns` says what the
    function must return (``"a current, e.g. 0.5*nA"``).
    """

    cases: Callable
    example: str
    returns: str
    unit: object
    rel: float = 1e-3
    mistakes: tuple = ()  # Mistake.applies(function, failing case, options)

    def _grade(self, answer, options):
        function = read_function(answer, self.example)
        cases = self.cases()
        failures = []
        for case in cases:
            value = self._call(function, case)
            expected = _si(case.expected)
            if not abs(value - expected) <= self.rel * abs(expected) + 1e-12:  # False for NaN
                failures.append(case)
        if not failures:
            return Verdict("correct", f"correct for all {len(cases)} test cases (within ±{self.rel * 100:g} %).")
        first = failures[0]
        where = f"{len(failures)} of {len(cases)} test cases are not right, e.g. {first.label}."
        for mistake in self.mistakes:
            if mistake.applies(function, first, options, failures, cases):
                return Verdict("wrong", f"{where} Hint: {mistake.hint}")
        return Verdict("wrong", f"{where} Hint: {self.hint}")

    def _call(self, function, case):
        """The student's result for `case` as an SI float (NaN counts as a wrong value); raise
        `Rejected` for an exception, None, or a value of the wrong kind."""
        name = getattr(function, "__name__", "your function")
        call = f"{name}({', '.join(_short(a) for a in case.args)})"
        try:
            # The student's arithmetic may warn (log of a negative number): a NaN is graded as wrong,
            # and a warning on stderr would cost the whole cell its points under nbgrader.
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                result = function(*case.args)
        except Exception as error:  # the student's code: report it, do not raise
            text = str(error)
            text = text if len(text) <= 150 else text[:147] + "..."
            raise Rejected("invalid", f"your function raised {type(error).__name__} ({text}) when called as "
                                      f"{call}.") from None
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


def _short(arg):
    if isinstance(arg, LIFParams):
        return _PARAM_LABELS.get(arg, repr(arg))
    if isinstance(arg, Quantity):
        return f"{float(arg / nA):g}*nA" if get_dimensions(arg) == get_dimensions(amp) else str(arg)
    return repr(arg)


# --------------------------------------------------------------------------------------------
# The parameter sets the questions use
# --------------------------------------------------------------------------------------------
def book():
    """The book's parameters (neurodynex3 defaults)."""
    return LIFParams()


def book_t_ref_3ms():
    """The book's parameters with t_ref = 3 ms (notebook 02)."""
    return LIFParams().replace(t_ref=3 * ms)


_OTHER_A = LIFParams(v_rest=-65 * mV, v_reset=-75 * mV, v_threshold=-45 * mV, R=5 * Mohm, tau=20 * ms, t_ref=1 * ms)
_OTHER_B = LIFParams().replace(v_threshold=-55 * mV, R=20 * Mohm, tau=15 * ms)

_PARAM_LABELS = {
    LIFParams(): "LIFParams()",
    LIFParams.classic(): "LIFParams.classic()",
    book_t_ref_3ms(): "LIFParams().replace(t_ref=3*ms)",
    _OTHER_A: repr(_OTHER_A),
    _OTHER_B: "LIFParams().replace(v_threshold=-55*mV, R=20*Mohm, tau=15*ms)",
}

# The experiments the questions are about; the notebooks state the same numbers in their prompts.
STEP_01 = dict(amplitude=3 * nA, start=10 * ms)  # 01.first_spike_time
CHARGE_01 = dict(amplitude=1 * nA)  # 01.v_after_tau
RATE_CURRENT_02 = 3 * nA  # 02.rate_at_3nA
GAIN_FREQUENCY_03 = 50 * Hz  # 03.gain_at_50Hz
GAIN_I0_03 = 0.5 * nA  # 03.gain_at_50Hz: the stated input amplitude for an answer in mV
PHASE_FREQUENCY_03 = 100 * Hz  # 03.phase_at_100Hz


@lru_cache(maxsize=None)
def _classic_step_spike_count():
    # The spike count of the classic LIF_Step() with its default arguments, from the model itself.
    from .. import lif

    return int(lif.LIF_Step(do_plot=False).spike_count)


def _rheobase_cases():
    sets = (LIFParams(), LIFParams.classic(), _OTHER_A, _OTHER_B)
    return [Case((p,), f"rheobase({_short(p)})", analysis.rheobase(p)) for p in sets]


def _rate_cases():
    plan = (
        (book_t_ref_3ms(), (0, 1, 1.9, 2.5, 3, 10, 100)),
        (LIFParams(), (-1, 2.2, 5)),
        (LIFParams.classic(), (0.5, 2)),
        (_OTHER_A, (3.5, 6)),
        (_OTHER_B, (0.2, 1)),
    )
    cases = []
    for p, currents in plan:
        for I in currents:
            current = I * nA
            label = f"firing_rate({_short(current)}, {_short(p)})"
            if current <= analysis.rheobase(p):
                label += " (below the rheobase)"
            cases.append(Case((current, p), label, analysis.firing_rate(current, p)))
    return cases


def _ignores_params(function, first, options, failures, cases):
    # Right for the book's set but wrong for another: fixed numbers instead of the argument.
    return all(c.args[-1] != LIFParams() and c.args[-1] != book_t_ref_3ms() for c in failures) and any(
        c.args[-1] in (LIFParams(), book_t_ref_3ms()) for c in cases)


def _below_rheobase(function, first, options, failures, cases):
    return all("below the rheobase" in c.label for c in failures)


def _no_t_ref(function, first, options, failures, cases):
    # The result matches the closed form without the refractory period on the failing cases.
    for case in failures:
        I, p = case.args
        if "below" in case.label or p.t_ref == 0 * ms:
            return False
        try:
            value = float(function(I, p) / Hz)
        except Exception:
            return False
        if not _near(value, float(analysis.firing_rate(I, p.replace(t_ref=0 * ms)) / Hz), 1e-3):
            return False
    return True


def _mystery_value(name):
    def expected(options):
        return getattr(mystery._parameters(options["seed"]), name)

    return expected


def _after_onset(start):
    return Mistake(lambda v, e, o: _near(v, e - float(start), 0.02),
                   "that looks like the time since the step began; the question asks for the time on the "
                   "simulation clock, which starts at 0.")


def _q(question):
    return question.id, question


QUESTIONS = dict(map(_q, [
    # ---------------------------------------------------------------- 00 getting started
    QuantityQuestion(
        id="00.classic_rheobase", title="rheobase of the classic neuron",
        expected=lambda o: analysis.rheobase(LIFParams.classic()), unit=amp, example="a current, e.g. 0.5*nA",
        tolerance=Tolerance(rel=0.01),
        hint="the rheobase is the smallest constant current whose steady state v_rest + R·I reaches the "
             "threshold; use the classic parameters (LIFParams.classic()), or try LIF_Step with amplitudes "
             "around your guess.",
    ),
    CountQuestion(
        id="00.classic_step_spikes", title="spike count of LIF_Step()",
        expected=lambda o: _classic_step_spike_count(), example="a whole number, e.g. 4",
        hint="run rec = LIF_Step() with its default arguments and look at rec.spike_count (or count the "
             "spikes in its plot).",
    ),
    # ---------------------------------------------------------------- 01 step current
    QuantityQuestion(
        id="01.rheobase", title="rheobase (book neuron)",
        expected=lambda o: analysis.rheobase(book()), unit=amp, example="a current, e.g. 0.5*nA",
        tolerance=Tolerance(rel=0.01),
        hint="set the steady state v_rest + R·I equal to v_threshold and solve for I, with the book's "
             "parameters.",
    ),
    QuantityQuestion(
        id="01.first_spike_time", title="time of the first spike (3 nA step at 10 ms)",
        expected=lambda o: STEP_01["start"] + analysis.time_to_first_spike(STEP_01["amplitude"], book()),
        unit=second, example="a time, e.g. 12.5*ms", tolerance=Tolerance(abs=0.2 * ms),
        mistakes=(_after_onset(STEP_01["start"] / second),),
        hint="simulate the step and read result.spike_times[0], or solve v(t) = v_threshold for the charging "
             "curve; remember that the step begins at 10 ms.",
    ),
    QuantityQuestion(
        id="01.v_after_tau", title="v one τ after a 1 nA step starts",
        expected=lambda o: book().v_rest + book().R * CHARGE_01["amplitude"] * (1 - math.exp(-1)),
        unit=volt, example="a voltage, e.g. -55*mV", tolerance=Tolerance(abs=0.2 * mV),
        mistakes=(Mistake(lambda v, e, o: _near(v, e - float(book().v_rest / volt), 0.02),
                          "that is the depolarisation v − v_rest; the question asks for the membrane "
                          "voltage v itself."),
                  Mistake(lambda v, e, o: _near(v, float(book().v_rest / volt)
                                                + float(book().R * CHARGE_01["amplitude"] / volt), 0.01),
                          "that is the steady state, reached only after many τ; after one τ the voltage "
                          "has covered a fraction 1 − 1/e of the way.")),
        hint="evaluate v(t) = v_rest + R·I·(1 − exp(−(t − t0)/τ)) at t − t0 = τ, or read the simulated v "
             "one τ after the step starts.",
    ),
    FunctionQuestion(
        id="01.rheobase_function", title="your rheobase(params)", points=2,
        cases=_rheobase_cases, example="your function rheobase", returns="a current, e.g. 0.5*nA", unit=amp,
        mistakes=(Mistake(_ignores_params, "does your function use the fields of its argument params "
                                           "(params.v_rest, ...) rather than fixed numbers?"),),
        hint="use the fields of the argument: params.v_rest, params.v_threshold and params.R.",
    ),
    # ---------------------------------------------------------------- 02 f-I curve
    QuantityQuestion(
        id="02.max_rate", title="maximal rate (t_ref = 3 ms)",
        expected=lambda o: 1 / book_t_ref_3ms().t_ref, unit=Hz, example="a frequency, e.g. 40*Hz",
        tolerance=Tolerance(rel=0.01),
        mistakes=(Mistake(lambda v, e, o: 0.85 * e <= v < e,
                          "a finite current only approaches the limit; what does the inter-spike interval "
                          "tend to as the current grows without bound?"),
                  Mistake(lambda v, e, o: _near(v, float(1 / LIFParams().t_ref / Hz)),
                          "this question uses t_ref = 3 ms, not the book's default.")),
        hint="for a very large current the voltage jumps to threshold right after the refractory period: "
             "what does the inter-spike interval tend to?",
    ),
    QuantityQuestion(
        id="02.rate_at_3nA", title="rate at 3 nA (t_ref = 3 ms)",
        expected=lambda o: analysis.firing_rate(RATE_CURRENT_02, book_t_ref_3ms()), unit=Hz,
        example="a frequency, e.g. 40*Hz", tolerance=Tolerance(rel=0.02),
        mistakes=(Mistake(lambda v, e, o: _near(v, float(analysis.firing_rate(
                      RATE_CURRENT_02, book_t_ref_3ms().replace(t_ref=0 * ms)) / Hz), 0.02),
                          "did you include the refractory period?"),
                  Mistake(lambda v, e, o: _near(v, float(analysis.firing_rate(RATE_CURRENT_02, LIFParams()) / Hz),
                                                0.005),
                          "this question uses t_ref = 3 ms, not the book's default."),
                  Mistake(lambda v, e, o: _near(v, float(1 / (analysis.time_to_first_spike(
                      RATE_CURRENT_02, book_t_ref_3ms()) + 3 * ms) / Hz), 0.02),
                          "after a spike the voltage restarts from v_reset, not from v_rest.")),
        hint="the inter-spike interval is t_ref plus the time to climb from v_reset to v_threshold; the rate "
             "is its inverse (simulate at least 500 ms if you measure it).",
    ),
    FunctionQuestion(
        id="02.rate_function", title="your firing_rate(I, params)", points=2,
        cases=_rate_cases, example="your function firing_rate", returns="a frequency, e.g. 40*Hz", unit=Hz,
        mistakes=(Mistake(_below_rheobase, "below the rheobase a LIF neuron never fires: return 0*Hz there."),
                  Mistake(_no_t_ref, "did you include the refractory period params.t_ref?"),
                  Mistake(_ignores_params, "does your function use the fields of its argument params rather "
                                           "than fixed numbers?")),
        hint="above the rheobase, the interval is t_ref + τ·ln(...) with v_reset where the voltage restarts; "
             "use the fields of params.",
    ),
    # ---------------------------------------------------------------- 03 sinusoidal input
    ChoiceQuestion(
        id="03.filter_type", title="which filter is the membrane?",
        expected=lambda o: "low-pass" if analysis.gain(1 * Hz, book()) > analysis.gain(1000 * Hz, book())
        else "high-pass",
        choices=("low-pass", "high-pass", "band-pass", "band-stop"),
        hint="compare the voltage amplitude for a slow (5 Hz) and a fast (500 Hz) sinusoid of the same "
             "amplitude: which frequencies pass?",
    ),
    QuantityQuestion(
        id="03.cutoff_frequency", title="cut-off frequency",
        expected=lambda o: analysis.cutoff_frequency(book()), unit=Hz, example="a frequency, e.g. 40*Hz",
        tolerance=Tolerance(rel=0.02),
        mistakes=(Mistake(lambda v, e, o: _near(v, e * 2 * math.pi, 0.02),
                          "1/τ is an angular frequency (radians per second); the cut-off in Hz is smaller."),),
        hint="the cut-off is where the gain has fallen to R/√2; the theory section gives it in terms of τ "
             "(in Hz, not radians per second).",
    ),
    GainQuestion(
        id="03.gain_at_50Hz", title="gain at 50 Hz", options=("I0",), default_I0=GAIN_I0_03,
        expected=lambda o: analysis.gain(GAIN_FREQUENCY_03, book()), unit=ohm,
        example="a gain in mV/nA, e.g. 4*mV/nA (or the voltage amplitude in mV for I0 = 0.5 nA)",
        tolerance=Tolerance(rel=0.03),
        mistakes=(Mistake(lambda v, e, o: _near(v, float(book().R / ohm), 0.03),
                          "that is the gain for a constant current (0 Hz); at 50 Hz the membrane filters."),
                  Mistake(lambda v, e, o: _near(v, 2 * e, 0.03),
                          "the amplitude is half the peak-to-peak swing.")),
        hint="gain = voltage amplitude / current amplitude in the steady state: use R/√(1 + (2πfτ)²), or a "
             "subthreshold simulation without its first few τ.",
    ),
    PhaseQuestion(
        id="03.phase_at_100Hz", title="phase at 100 Hz (degrees)",
        expected=lambda o: analysis.phase(PHASE_FREQUENCY_03, book()), example="a number of degrees, e.g. -30",
        tolerance=Tolerance(abs=4.0, unit_name="°"),
        mistakes=(Mistake(lambda v, e, o: abs(v + e) <= 4.0, "does the voltage lead or lag the current?"),),
        hint="the voltage lags the current by arctan(2πfτ); give the phase in degrees.",
    ),
    # ---------------------------------------------------------------- 04 mystery neuron
    QuantityQuestion(
        id="04.v_rest", title="mystery: v_rest", options=("seed",), required=("seed",),
        expected=_mystery_value("v_rest"), unit=volt, example="a voltage, e.g. -55*mV",
        tolerance=Tolerance(abs=0.5 * mV),
        hint="with no input current, where does the voltage stay? (Is this the seed your neuron came from?)",
    ),
    QuantityQuestion(
        id="04.R", title="mystery: R", options=("seed",), required=("seed",),
        expected=_mystery_value("R"), unit=ohm, example="a resistance, e.g. 40*Mohm",
        tolerance=Tolerance(rel=0.05),
        hint="a small step I that never reaches threshold moves the steady state by R·I; wait several τ. "
             "(Is this the seed your neuron came from?)",
    ),
    QuantityQuestion(
        id="04.tau", title="mystery: tau", options=("seed",), required=("seed",),
        expected=_mystery_value("tau"), unit=second, example="a time, e.g. 50*ms",
        tolerance=Tolerance(rel=0.05, abs=0.2 * ms),
        hint="apply a small (subthreshold) step and find when the voltage has covered 1 − 1/e ≈ 63 % of its "
             "way to the new steady state. (Is this the seed your neuron came from?)",
    ),
    QuantityQuestion(
        id="04.v_threshold", title="mystery: v_threshold", options=("seed",), required=("seed",),
        expected=_mystery_value("v_threshold"), unit=volt, example="a voltage, e.g. -55*mV",
        tolerance=Tolerance(abs=1 * mV),
        mistakes=(Mistake(lambda v, e, o: _near(v, e - float(mystery._parameters(o["seed"]).v_rest
                                                            / volt), 0.05),
                          "that looks like a distance from v_rest; give the absolute voltage."),),
        hint="find the smallest constant current that makes the neuron fire (the rheobase): the threshold is "
             "v_rest + R·I_rheobase. (Is this the seed your neuron came from?)",
    ),
    QuantityQuestion(
        id="04.v_reset", title="mystery: v_reset", options=("seed",), required=("seed",),
        expected=_mystery_value("v_reset"), unit=volt, example="a voltage, e.g. -90*mV",
        tolerance=Tolerance(abs=0.5 * mV),
        hint="make it fire and look at the voltage right after a spike, where it is held during the "
             "refractory period. (Is this the seed your neuron came from?)",
    ),
    QuantityQuestion(
        id="04.t_ref", title="mystery: t_ref", options=("seed",), required=("seed",),
        expected=_mystery_value("t_ref"), unit=second, example="a time, e.g. 0.5*ms",
        tolerance=Tolerance(abs=0.3 * ms),
        hint="after a spike the voltage is held at v_reset for t_ref: measure how long it stays flat, or the "
             "inter-spike interval for a very large current. (Is this the seed your neuron came from?)",
    ),
]))


def questions_of(notebook):
    """The questions of one notebook (``"01"``), in the order of the bank."""
    return [q for q in QUESTIONS.values() if q.notebook == notebook]
