"""Questions of notebook 04 mystery neuron: its hidden parameters, estimated by experiment with
their uncertainties, and two short concept questions.

An estimate is answered as a pair ``(value, uncertainty)``, the uncertainty one standard error
(`EstimateQuestion`). It is correct when the hidden value lies within ``k`` (4) uncertainties of
the value, and the uncertainty is honest about what the recordings allow: not larger than a careful
experiment within the budget needs (`EstimateQuestion.tolerance`: a guess with a wide error bar does
not pass), and not absurdly small (`EstimateQuestion.smallest`: below anything a recording within
the budget gives).

Why 4 and not 3: an honest student's value lies beyond 3 standard errors with a chance of 0.27 %,
so one honest student in about 70 would lose a point of the six estimates by bad luck; beyond 4,
one in about 3000. A guess at the middle of a range with the largest uncertainty accepted passes
for 5-20 % of the neurons (tests/test_nb04_experiment.py), as a guess within any tolerance would.

What a careful plan reaches (the solution notebook's, 60 neurons, 2026-12-03; noise 1 mV per
sample, 3.7 s of the 10 s budget): v_rest 0.02-0.04 mV, v_threshold 0.05-0.07 mV, v_reset
0.02-0.04 mV, R 0.2-0.4 %, tau 0.5-1.6 %, t_ref 0.005-0.05 ms. The largest uncertainties accepted
are several times these. The smallest: 1 mV averaged over the 10^5 samples of 10 s is 0.003 mV; R,
tau and t_ref have no such bound (a hyperpolarising step of a few nA moves v by volts in this model),
so their smallest values only refuse the absurd (0.001 %, 0.0001 ms).
"""

from dataclasses import dataclass, field
from typing import Callable

from brian2 import Hz, Quantity, mV, ms, ohm, second, volt

from .. import mystery
from ..answers import Rejected, describe_answer, read_quantity
from ..framework import ChoiceQuestion, MeasuredQuestion, Mistake, PredictionQuestion, Question, Tolerance, Verdict, si
from ..framework import PREFIX_HINT, SIGN_HINT
from .common import MYSTERY_NOTE, hidden

__all__ = ["QUESTIONS", "EstimateQuestion", "K_04", "RATE_MULTIPLE_04"]

#: How many of the student's uncertainties the hidden value may lie from their value.
K_04 = 4
#: 04.rate asks for the firing rate at this multiple of the neuron's rheobase (17-170 Hz in the ranges).
RATE_MULTIPLE_04 = 1.5


def _hidden_rate(variant, value, tolerance):
    return mystery.rate_matches(variant.student, RATE_MULTIPLE_04, value, tolerance)


def _bound(tolerance, value):
    """The bound a `Tolerance` sets for a value (SI floats): the larger of rel·|value| and abs."""
    return max(tolerance.rel * abs(value), si(tolerance.abs))


def _size(tolerance):
    """A bound as the notebook writes it: ``0.2 mV`` or ``2 % of your value``."""
    if tolerance.rel and si(tolerance.abs):
        return f"{tolerance.rel * 100:g} % of your value or {str(Tolerance(abs=tolerance.abs)).lstrip('±')}"
    if tolerance.rel:
        return f"{tolerance.rel * 100:g} % of your value"
    return str(Tolerance(abs=tolerance.abs)).lstrip("±")


@dataclass(frozen=True, kw_only=True)
class EstimateQuestion(Question):
    """A hidden value estimated by experiment, answered as ``(value, uncertainty)``.

    Correct when `within` says the hidden value lies within `k` uncertainties of the value, and
    the uncertainty lies between `smallest` and `tolerance` (each a `Tolerance`: the larger of
    ``rel`` times the value and ``abs``). `within(variant, value, tolerance)` answers yes or no,
    so the hidden value never reaches this module.

    Attributes
    ----------
    unit : brian2 Unit
        Any unit of the asked dimension, e.g. ``volt``.
    example : str
        What to write, e.g. ``"a voltage and its uncertainty, e.g. (-20*mV, 0.1*mV)"``.
    tolerance : Tolerance
        The largest uncertainty accepted (what a careful experiment within the budget beats).
    smallest : Tolerance
        The smallest uncertainty accepted (below it no recording within the budget gets).
    k : float
        The hidden value may lie this many uncertainties from the value.

    Examples
    --------
    >>> from brian2 import mV, volt
    >>> q = EstimateQuestion(id="99.v", title="v", hint="measure it.", unit=volt,
    ...                      example="a voltage and its uncertainty, e.g. (-20*mV, 0.1*mV)",
    ...                      within=lambda variant, x, tol: tol.allows(x, -0.070),
    ...                      tolerance=Tolerance(abs=0.2 * mV), smallest=Tolerance(abs=0.002 * mV))
    >>> q.grade((-70.05 * mV, 0.03 * mV), None).status
    'correct'
    >>> q.grade((-70.05 * mV, 5 * mV), None).text
    'not correct yet: your uncertainty is larger than a careful experiment within the budget needs (at most 0.2 mV): average more samples, or fit a model to the whole recording.'
    """

    within: Callable = field(repr=False)
    unit: object
    example: str
    tolerance: Tolerance
    smallest: Tolerance
    k: float = K_04
    mistakes: tuple = ()

    @property
    def tolerance_text(self):
        return f"the hidden value within {self.k:g} of your uncertainties, an uncertainty of at most " \
               f"{_size(self.tolerance)}"

    def read(self, answer):
        """(value, uncertainty) as SI floats; raise `Rejected` with one sentence otherwise."""
        if answer is Ellipsis:
            raise Rejected("unanswered", "not answered yet: replace the ... by your answer and run the cell again.")
        if isinstance(answer, Quantity) or not isinstance(answer, (tuple, list)):
            raise Rejected("invalid", f"give your value and its uncertainty as a pair, {self.example}, not "
                                      f"{describe_answer(answer)}.")
        if len(answer) != 2:
            raise Rejected("invalid", f"give two things, your value and its uncertainty, {self.example}; you gave "
                                      f"{len(answer)}.")
        if answer[1] is Ellipsis:
            raise Rejected("unanswered", f"not answered yet: give the uncertainty of your value too, {self.example}.")
        value = read_quantity(answer[0], self.unit, self.example)
        try:
            uncertainty = read_quantity(answer[1], self.unit, self.example)
        except Rejected as problem:
            raise Rejected(problem.status, f"the uncertainty: {problem.message}") from None
        if uncertainty <= 0:
            raise Rejected("invalid", f"the uncertainty must be positive (one standard error), {self.example}, got "
                                      f"{describe_answer(answer[1])}.")
        return value, uncertainty

    def verdict(self, answer, variant, options):
        value, uncertainty = self.read(answer)
        if uncertainty > _bound(self.tolerance, value) * (1 + 1e-9):
            return Verdict("wrong", f"not correct yet: your uncertainty is larger than a careful experiment within "
                                    f"the budget needs (at most {_size(self.tolerance)}): average more samples, or "
                                    f"fit a model to the whole recording.")
        if uncertainty < _bound(self.smallest, value) * (1 - 1e-9):
            return Verdict("wrong", f"not correct yet: your uncertainty is smaller than any recording within the budget "
                                    f"gives (at least {_size(self.smallest)}): how did you compute it?")

        def close(x):
            return bool(self.within(variant, x, Tolerance(abs=self.k * uncertainty)))

        if close(value):
            return Verdict("correct", f"correct: the hidden value lies within {self.k:g} of your uncertainties.")
        rule = f"the hidden value is not within {self.k:g} of your uncertainties"
        prefix = Mistake(lambda v, test: any(test(v * f) for f in (1e3, 1e-3, 1e6, 1e-6)), PREFIX_HINT)
        sign = Mistake(lambda v, test: v != 0 and test(-v), SIGN_HINT)
        for mistake in self.mistakes + (prefix, sign):
            if mistake.applies(value, close):
                return Verdict("wrong", f"not correct yet ({rule}). Hint: {mistake.hint}")
        return Verdict("wrong", f"not correct yet ({rule}). Hint: {self.hint}")

    def value_of(self, answer, variant, options):
        """The value of ``(value, uncertainty)`` (SI float)."""
        return self.read(answer)[0]

    def direction(self, answer, variant, options):
        """Only "more than twice" or "less than half" the size of the hidden value (as for a
        `MeasuredQuestion`): one experiment tells as much, nothing finer is said."""
        value = self.read(answer)[0]

        def within_factor_two(x):
            return bool(self.within(variant, x, Tolerance(rel=1.0)))

        if value == 0 or not within_factor_two(value * 1e-9):
            return None
        if not within_factor_two(value):
            return "more than twice the size your experiments should find (measure it again)"
        if within_factor_two(4 * value):
            return "less than half the size your experiments should find (measure it again)"
        return None


def _voltage(name, hint):
    return EstimateQuestion(
        id=f"04.{name}", title=f"mystery: {name} ± uncertainty", within=hidden(name), unit=volt,
        example="a voltage and its uncertainty, e.g. (-20*mV, 0.1*mV)", tolerance=Tolerance(abs=0.2 * mV),
        smallest=Tolerance(abs=0.002 * mV), hint=hint + MYSTERY_NOTE)


#: The notebook's questions, in order.
QUESTIONS = [
    _voltage("v_rest", "where does the voltage settle without input? One sample carries 1 mV of noise: the mean "
                       "of N samples carries 1 mV/√N."),
    EstimateQuestion(
        id="04.R", title="mystery: R ± uncertainty", within=hidden("R"), unit=ohm,
        example="a resistance and its uncertainty, e.g. (40*Mohm, 0.4*Mohm)", tolerance=Tolerance(rel=0.02),
        smallest=Tolerance(rel=0.00001),
        hint="a step current I that stays below threshold moves the steady state by R·I: the larger the step, "
             "the larger this signal against the noise; fit the whole response, not one sample." + MYSTERY_NOTE,
    ),
    EstimateQuestion(
        id="04.tau", title="mystery: tau ± uncertainty", within=hidden("tau"), unit=second,
        example="a time and its uncertainty, e.g. (50*ms, 1*ms)", tolerance=Tolerance(rel=0.03),
        smallest=Tolerance(rel=0.00001),
        hint="fit the charging (and discharging) curve of a subthreshold step with its exponential; "
             "where the curve covers 63 % of its way is one noisy sample." + MYSTERY_NOTE,
    ),
    _voltage("v_threshold", "the neuron fires for a constant current above the rheobase and never below it; where "
                            "does the voltage settle just below it, or what does R·I_rheobase add to v_rest?"),
    _voltage("v_reset", "where is the voltage held right after a spike? Average those samples over many spikes."),
    EstimateQuestion(
        id="04.t_ref", title="mystery: t_ref ± uncertainty", within=hidden("t_ref"), unit=second,
        example="a time and its uncertainty, e.g. (0.5*ms, 0.05*ms)", tolerance=Tolerance(abs=0.1 * ms),
        smallest=Tolerance(abs=0.0001 * ms),
        hint="after a spike the voltage is held for t_ref, then rises: line the samples up by their time since "
             "the last spike (spike_times are exact) and find where the rise starts, e.g. by fitting the held "
             "value and the rise after it." + MYSTERY_NOTE,
    ),
    PredictionQuestion(
        id="04.predict_rate", title="your prediction of the rate at 1.5 × rheobase", about="04.rate", unit=Hz,
        example="a frequency, e.g. 250*Hz", plausible=(0.1 * Hz, 10_000 * Hz),
    ),
    MeasuredQuestion(
        id="04.rate", title="mystery: rate at 1.5 × rheobase", within=_hidden_rate, unit=Hz,
        example="a frequency, e.g. 250*Hz", tolerance=Tolerance(rel=0.02),
        hint="inject 1.5 times the rheobase you measured for long enough to see several spikes, and use the "
             "intervals between spikes (the time to the first one starts from rest, not from a reset)." + MYSTERY_NOTE,
    ),
    ChoiceQuestion(
        id="04.averaging", title="averaging noisy samples", expected=lambda variant: "half as large",
        choices=("half as large", "a quarter as large", "the same", "twice as large"), max_attempts=1,
        hint="N independent samples of noise σ average to a mean with uncertainty σ/√N.",
    ),
    ChoiceQuestion(
        id="04.spikes_only", title="what spike times alone tell", expected=lambda variant: "tau and t_ref",
        choices=("all six", "tau and t_ref", "v_rest and R", "none"), max_attempts=1,
        hint="write the inter-spike interval for a constant current I: which parameters enter only through "
             "differences of voltages divided by R?",
    ),
]
