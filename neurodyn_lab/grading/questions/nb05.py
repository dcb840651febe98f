"""Questions of notebook 05 noise and variability: the CV function, the Poisson process (a checked
histogram, a prediction and the CV with dead time), a prediction before the noisy f-I curves,
the rate below the rheobase and the CV of mean-driven firing under a noisy input, and which regime
fires more irregularly.

The noisy experiments are stated exactly in the notebook (mean and sigma as multiples of the
student's rheobase, tau_noise, `TRIALS_05` trials of `TRIAL_DURATION_05` with the seeds
0, 1, ...): their expected values are those of the stated trials, simulated here when an answer is
graded, so they are reproducible and each student's own (their neuron). The tolerances are what the
trial count allows: another set of seeds lands within them (tests/test_nb05_noise.py measures the
spread of the estimates with an independent simulation).
"""

import math
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, ms

from ... import analysis, inputs
from ...simulation import simulate_many
from ..answers import Rejected, describe_answer, read_number
from ..figures import Axis, Curve
from ..framework import (Case, ChoiceQuestion, FigureQuestion, FunctionQuestion, Mistake, Plot, PredictionQuestion,
                         QuantityQuestion, Tolerance, near, si)
from .common import secret_numbers, text

__all__ = ["QUESTIONS", "NumberQuestion", "NumberFunctionQuestion", "POISSON_RATE_05", "POISSON_INTERVALS_05",
           "SIGMA_05", "TAU_NOISE_05", "BELOW_05", "ABOVE_05", "TRIALS_05", "TRIAL_DURATION_05", "FI_POINTS_05",
           "HISTOGRAM_RATE_05", "HISTOGRAM_INTERVALS_05", "HISTOGRAM_BIN_05", "HISTOGRAM_END_05"]

#: 05.poisson_cv: the rate of the exponential part of the intervals, and how many intervals to draw.
POISSON_RATE_05 = 200 * Hz
POISSON_INTERVALS_05 = 20000
#: The noisy input of 05.rate_below_rheobase and 05.cv_mean_driven: sigma and the two means, as
#: multiples of the student's rheobase, and the noise's correlation time.
SIGMA_05 = 0.2
TAU_NOISE_05 = 5 * ms
BELOW_05 = 0.9
ABOVE_05 = 1.5
#: 05.poisson_histogram: the Poisson process whose interval histogram is drawn (its rate, how many
#: intervals), the bins' width and the end of the range counted.
HISTOGRAM_RATE_05 = 50 * Hz
HISTOGRAM_INTERVALS_05 = 20000
HISTOGRAM_BIN_05 = 1 * ms
HISTOGRAM_END_05 = 100 * ms
#: Trials of each noisy experiment (seeds 0 to TRIALS_05 - 1) and their length (notebook 02's noisy
#: runs last as long: they share one compiled model).
TRIALS_05 = 20
TRIAL_DURATION_05 = 1600 * ms
#: The mean currents of each noisy f-I curve drawn after 05.predict_rate_below (one `simulate_many`
#: of this many runs per curve; `neurodyn_lab.grading.warm_up_jobs` compiles its model).
FI_POINTS_05 = 13


@dataclass(frozen=True, kw_only=True)
class NumberQuestion(QuantityQuestion):
    """An answer without a unit, e.g. a coefficient of variation: a plain number (or a dimensionless
    Quantity).

    Examples
    --------
    >>> from neurodyn_lab.grading.students import variant_for
    >>> q = NumberQuestion(id="05.x", title="one half", hint="half of one", expected=lambda v: 0.5,
    ...                    example="a number, e.g. 0.3", tolerance=Tolerance(rel=0.01))
    >>> q.grade(0.502, variant_for(None)).status
    'correct'
    """

    unit: object = 1

    def read(self, answer, options):
        return read_number(answer, self.example)


@dataclass(frozen=True, kw_only=True)
class NumberFunctionQuestion(FunctionQuestion):
    """A `FunctionQuestion` whose function returns a plain number (a NaN counts as a wrong value)."""

    unit: object = 1

    def read_result(self, result, call):
        if result is None:
            return super().read_result(result, call)
        if isinstance(result, (float, np.floating)) and math.isnan(result):
            return math.nan
        try:
            return read_number(result, self.returns)
        except Rejected:
            raise Rejected("invalid", f"{call} gave {describe_answer(result)}: your function must return "
                                      f"{self.returns}.") from None


def _cv(spike_times):
    # The CV of the intervals between successive spike times: np.std (ddof=0) over the mean.
    return _cv_of(np.diff(np.asarray(spike_times, dtype=float)))


def _cv_of(intervals):
    # Written unlike the notebook's solution, so the docs site's source pages show no line of it.
    mean = intervals.mean()
    return float(np.sqrt(np.mean(np.square(intervals - mean))) / mean)


# ------------------------------------------------------------------------------------------------
# 05.isi_cv: cases
# ------------------------------------------------------------------------------------------------
def _train_text(times):
    t = np.asarray(times / ms)
    return f"<{len(t)} spike times from {t[0]:.4g} ms to {t[-1]:.4g} ms>"


def _cv_case(times, note=""):
    return Case((times,), _train_text(times), _cv(times), note)


def _gamma_train(rng, count, mean_interval_ms, shape, start_ms):
    intervals = rng.gamma(shape, mean_interval_ms / shape, count)
    return np.round(start_ms + np.concatenate([[0.0], np.cumsum(intervals)]), 4) * ms


def _cv_cases(variant):
    rng = np.random.default_rng(5)
    p = variant.neuron
    dead = float(p.t_ref / ms)
    poisson = dead + rng.exponential(10.0, 60)  # your neuron's t_ref as dead time, 100 Hz
    return [
        _cv_case(np.arange(10, 110, 10) * ms, "a regular train"),
        _cv_case([5, 15, 35, 65] * ms),
        _cv_case(np.round(np.concatenate([[12.0], 12.0 + np.cumsum(poisson)]), 4) * ms),
        _cv_case(_gamma_train(rng, 200, 25.0, 4.0, 3.0)),
        _cv_case(_gamma_train(rng, 30, 8.0, 0.6, 0.0)),
    ]


def _hidden_cv_cases(key, student):
    u = secret_numbers(key, f"05.isi_cv\0{student}", 20)
    cases = []
    for i in range(5):
        a = u[4 * i: 4 * i + 4]
        rng = np.random.default_rng(int(a[0] * 2 ** 32))
        count = 20 + int(300 * a[1])
        shape = 0.4 + 20 * a[2] ** 2  # CV 1/sqrt(shape): from about 1.6 to about 0.2
        cases.append(_cv_case(_gamma_train(rng, count, 5 + 95 * a[3], shape, 100 * a[0])))
    return cases


def _sample_std(function, failures, cases):
    # The student's std divides by n - 1 (ddof=1) where the question asks for np.std's n.
    if function is None:
        return False
    for case in failures:
        intervals = np.diff(np.asarray(case.args[0], dtype=float))
        sample = float(np.std(intervals, ddof=1) / np.mean(intervals))
        try:
            if not near(float(np.asarray(function(*case.args))), sample, 1e-6):
                return False
        except Exception:
            return False
    return bool(failures)


# ------------------------------------------------------------------------------------------------
# The noisy experiments
# ------------------------------------------------------------------------------------------------
def _noisy_trials(p, mean_factor, sigma_factor=SIGMA_05, tau_noise=TAU_NOISE_05, trials=TRIALS_05,
                  duration=TRIAL_DURATION_05):
    # The spike times of the stated noisy experiment of p: mean and sigma as multiples of p's
    # rheobase, one trial per seed 0, 1, ..., trials - 1.
    rheobase = analysis.rheobase(p)
    runs = simulate_many([inputs.noise(mean_factor * rheobase, sigma_factor * rheobase, tau_noise, seed=k)
                          for k in range(trials)], duration, params=p)
    return [run.spike_times for run in runs]


def _rate_below(variant):
    trains = _noisy_trials(variant.neuron, BELOW_05)
    return sum(len(t) for t in trains) / (TRIALS_05 * TRIAL_DURATION_05)


def _pooled_cv(trains):
    return _cv_of(np.concatenate([np.diff(np.asarray(t, dtype=float)) for t in trains]))


def _cv_above(variant):
    return _pooled_cv(_noisy_trials(variant.neuron, ABOVE_05))


def _poisson_cv(variant):
    # Intervals t_ref + an exponential interval of mean 1/rate: std 1/rate, mean t_ref + 1/rate.
    return 1 / (1 + si(POISSON_RATE_05 * variant.neuron.t_ref))


def _histogram(variant):
    # The expected count in the bin centred on x (SI): n (exp(-r (x - w/2)) - exp(-r (x + w/2))).
    r, n, w = si(HISTOGRAM_RATE_05), HISTOGRAM_INTERVALS_05, si(HISTOGRAM_BIN_05)
    return lambda x: n * (np.exp(-r * (np.asarray(x, dtype=float) - w / 2)) - np.exp(-r * (np.asarray(x, dtype=float)
                                                                                          + w / 2)))


def _exponential_density(variant):
    # The closed form the histogram follows: n r w exp(-r T), the density times n and the bin width.
    r, n, w = si(HISTOGRAM_RATE_05), HISTOGRAM_INTERVALS_05, si(HISTOGRAM_BIN_05)
    return lambda x: n * r * w * np.exp(-r * np.asarray(x, dtype=float))


def _histogram_range(variant):
    return 0.0, si(HISTOGRAM_END_05)


_STATED_NOISE = (f"{SIGMA_05:g} × your rheobase", text(TAU_NOISE_05, ms, "ms"), f"{TRIALS_05} trials",
                 text(TRIAL_DURATION_05, ms, "ms"))

#: The notebook's questions, in order.
QUESTIONS = [
    NumberFunctionQuestion(
        id="05.isi_cv", title="your isi_cv(spike_times)", points=2, name="isi_cv",
        cases=_cv_cases, hidden_cases=_hidden_cv_cases, example="your function isi_cv",
        returns="a plain number, e.g. 0.5", rel=1e-3,
        mistakes=(Mistake(_sample_std, "use the standard deviation as np.std computes it (dividing by the number "
                                       "of intervals, ddof=0), not the sample standard deviation."),),
        hint="take the intervals between successive spikes (np.diff), then their standard deviation (np.std) "
             "divided by their mean; strip the unit or let it cancel.",
    ),
    FigureQuestion(
        id="05.poisson_histogram", title="the interval histogram of the Poisson process with its closed form",
        plots=(Plot(Axis("time", "linear"), Axis("count", "linear"), curves=(
            Curve("the closed-form expected count", follows=_exponential_density, rel=0.02, cover=0.8,
                  domain=_histogram_range, kinds=("line",),
                  missing="compute 20000 · r · (1 ms) · exp(−r T) with r = 50 Hz for T from 0 to 100 ms with NumPy and "
                          "plot it as a line (T in the unit your x label names)."),
            Curve("your histogram", follows=_histogram, rel=0.25, abs=20.0, share=0.9, cover=0.5,
                  domain=_histogram_range,
                  missing="count the 20000 intervals in bins 1 ms wide from 0 to 100 ms (np.histogram) and plot the "
                          "counts at the bins' centres, e.g. ax.plot(centres, counts, 'o')."),
        )),),
        hint="plot the counts of the intervals in 1 ms bins against the bins' centres, the closed form as a line "
             "over them, and label the x axis with its unit.",
    ),
    PredictionQuestion(
        id="05.predict_poisson_cv", title="your prediction of the CV with your dead time",
        about="05.poisson_cv", example="your guess, a number, e.g. 0.3", plausible=(0, 10),
    ),
    NumberQuestion(
        id="05.poisson_cv", title="CV of a Poisson process with your t_ref as dead time",
        # 5 %: one correct estimate from 20 000 intervals scatters by 0.71-0.80 % (t_ref 1-4 ms, measured
        # 2026-12-03), so 5 % is over 6 of its standard deviations: at 3 % one correct student in
        # ~7 000 was marked wrong. The classic mistake (CV 1, no dead time) stays 20 % or more away.
        expected=_poisson_cv, example="a number, e.g. 0.5", tolerance=Tolerance(rel=0.05),
        stated=lambda v: (text(POISSON_RATE_05, Hz, "Hz"), f"{POISSON_INTERVALS_05:,}".replace(",", " ")),
        mistakes=(Mistake(lambda value, e, v: abs(value - 1) <= 0.05,
                          "that is the CV of a Poisson process without dead time; each interval here is your "
                          "t_ref plus an exponential interval."),),
        hint="draw the intervals as p.t_ref plus exponential intervals with mean 1/(200 Hz) "
             "(rng.exponential), make spike times with np.cumsum, and measure the CV with your isi_cv.",
    ),
    PredictionQuestion(
        id="05.predict_rate_below", title="your prediction of your neuron's noisy rate below the rheobase",
        about="05.rate_below_rheobase", unit=Hz, example="your guess, a frequency, e.g. 100*Hz",
        plausible=(0 * Hz, 10000 * Hz),
    ),
    QuantityQuestion(
        id="05.rate_below_rheobase", title="your neuron's rate with a noisy input below the rheobase",
        expected=_rate_below, unit=Hz, example="a frequency, e.g. 40*Hz", tolerance=Tolerance(rel=0.2),
        stated=lambda v: (f"{BELOW_05:g} × your rheobase",) + _STATED_NOISE,
        mistakes=(Mistake(lambda value, e, v: value == 0,
                          "without noise your neuron would never fire below its rheobase; with noise it does: "
                          "simulate the stated noisy input and count the spikes."),),
        hint="simulate each of the stated trials with inputs.noise(mean, sigma, tau_noise, seed=k), count all "
             "their spikes and divide by the total simulated time.",
    ),
    NumberQuestion(
        id="05.cv_mean_driven", title="CV of your neuron with a noisy input above the rheobase",
        expected=_cv_above, example="a number, e.g. 0.5", tolerance=Tolerance(rel=0.1),
        stated=lambda v: (f"{ABOVE_05:g} × your rheobase",) + _STATED_NOISE,
        mistakes=(Mistake(lambda value, e, v: value == 0,
                          "a CV of 0 is the noiseless neuron's: use the stated noisy input."),),
        hint="take the intervals within each trial (never across the end of one trial and the start of the "
             "next), pool them, and divide their standard deviation by their mean.",
    ),
    ChoiceQuestion(
        id="05.irregular_regime", title="which regime fires more irregularly",
        expected=lambda v: "noise-driven", choices=("noise-driven", "mean-driven"),
        hint="compare the CVs of your two experiments: which one is closer to that of a Poisson process?",
    ),
]
