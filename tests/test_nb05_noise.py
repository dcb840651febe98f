"""Notebook 05 (noise and variability): every expected value against an independent computation or a
known limit, for several students, and tolerances that are what the stated trial count allows.

- the CV function's cases (shown and hidden) against the CV computed with the standard library;
- the Poisson process with dead time against its closed form 1/(1 + r t_ref), and the spread of
  the estimate from the stated 20 000 intervals;
- the noisy experiments (rate below the rheobase, CV above it) against `book_nb05.simulate_lif`, a
  NumPy simulation written from the book's equation and driven by the stated noise current;
- the tolerances of the noisy questions against the spread of the same estimate over many other
  sets of seeds (the independent simulation driven by an Ornstein-Uhlenbeck process generated here),
  and the regimes' known limits: without noise the rate is the book's closed form and the CV 0; the
  noise-driven CV is near 1, above the mean-driven one.
"""

import math
import statistics
import zlib

import numpy as np
import pytest
from brian2 import Hz, ms, nA, second

import book_nb05
from book_common import interval
from neurodyn_lab import inputs
from neurodyn_lab.grading import QUESTIONS
from neurodyn_lab.grading.answers import Rejected
from neurodyn_lab.grading.questions import nb05
from neurodyn_lab.grading.students import variant_for

STUDENTS = [None, "s2026001", "s2026004", "w2"]


def _cv_by_hand(times):
    t = [float(x) for x in np.asarray(times)]
    intervals = [b - a for a, b in zip(t, t[1:])]
    return statistics.pstdev(intervals) / statistics.fmean(intervals)


# ------------------------------------------------------------------------------------------------
# 05.isi_cv
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", STUDENTS)
def test_the_cv_functions_cases_are_the_cv_by_hand(student):
    question = QUESTIONS["05.isi_cv"]
    shown = question.cases(variant_for(student))
    hidden = question.hidden_cases(b"an instructor's secret key 0123", student or "default")
    assert len(shown) == 5 and len(hidden) == 5
    for case in shown + hidden:
        assert len(case.args[0]) >= 3 and np.all(np.diff(np.asarray(case.args[0])) > 0)
        assert math.isclose(case.expected, _cv_by_hand(case.args[0]), rel_tol=1e-9, abs_tol=1e-12)
    assert shown[0].expected == pytest.approx(0, abs=1e-9)  # a regular train
    assert shown[1].expected == pytest.approx(math.sqrt(200 / 3) / 20)  # intervals 10, 20, 30 ms
    # Hidden trains range from regular to bursty, and differ between students and keys.
    cvs = [c.expected for c in hidden]
    other = question.hidden_cases(b"an instructor's secret key 0123", "s9")
    assert cvs != [c.expected for c in other]
    assert cvs != [c.expected for c in question.hidden_cases(b"another key", student or "default")]


def test_the_cv_function_is_graded_and_a_sample_std_gets_its_hint():
    question, v = QUESTIONS["05.isi_cv"], variant_for("s2026001")

    def isi_cv(spike_times):
        intervals = np.diff(spike_times)
        return np.std(intervals) / np.mean(intervals)  # a dimensionless Quantity: accepted

    def sample(spike_times):
        intervals = np.diff(np.asarray(spike_times))
        return np.std(intervals, ddof=1) / np.mean(intervals)

    assert question.grade(isi_cv, v).passed
    verdict = question.grade(sample, v)
    assert verdict.status == "wrong" and "ddof=0" in verdict.text
    with pytest.raises(Rejected, match="must return a plain number"):
        question.grade(lambda spike_times: 3 * ms, v)
    assert question.grade(lambda spike_times: float("nan"), v).status == "wrong"


# ------------------------------------------------------------------------------------------------
# 05.poisson_cv
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", STUDENTS)
def test_the_poisson_cv_is_the_closed_form_and_its_tolerance_holds_for_20000_intervals(student):
    v = variant_for(student)
    question = QUESTIONS["05.poisson_cv"]
    dead, rate = float(v.neuron.t_ref / second), float(nb05.POISSON_RATE_05 / Hz)
    expected = question.expected(v)
    assert expected == pytest.approx(1 / (1 + rate * dead))  # std 1/r over mean t_ref + 1/r
    rng = np.random.default_rng(zlib.crc32(repr(student).encode()))  # hash() differs per run
    estimates = np.array([_cv_by_hand_fast(dead + rng.exponential(1 / rate, nb05.POISSON_INTERVALS_05))
                          for _ in range(300)])
    # Unbiased (within its standard error), and the tolerance is over 5.5 standard deviations of one
    # estimate (it is about 6.3 at t_ref 4 ms): a correct student is marked wrong less than once in 10^7.
    assert abs(estimates.mean() / expected - 1) < 4 * estimates.std() / expected / math.sqrt(len(estimates))
    assert question.tolerance.rel >= 5.5 * estimates.std() / expected
    assert all(question.grade(x, v).passed for x in estimates)
    assert not question.grade(1.0, v).passed and "without dead time" in question.grade(1.0, v).text


def _cv_by_hand_fast(intervals):
    return float(np.std(intervals) / np.mean(intervals))


def test_without_dead_time_the_poisson_cv_is_1():
    rng = np.random.default_rng(3)
    assert _cv_by_hand_fast(rng.exponential(0.01, 200000)) == pytest.approx(1, abs=0.01)


# ------------------------------------------------------------------------------------------------
# The noisy experiments: the stated trials, simulated independently
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student", STUDENTS)
def test_the_noisy_answers_are_those_of_an_independent_simulation_of_the_stated_trials(student):
    v = variant_for(student)
    book = book_nb05.values(student, v)
    rate = QUESTIONS["05.rate_below_rheobase"].expected(v)
    cv = QUESTIONS["05.cv_mean_driven"].expected(v)
    assert float(rate / book["noisy rate below the rheobase"]) == pytest.approx(1, abs=1e-9)
    assert cv == pytest.approx(book["CV of mean-driven firing"], rel=1e-6)
    assert float(rate / Hz) > 1  # below the rheobase, where the noiseless neuron never fires
    if student != "s2026001":
        return  # each grade below simulates the stated trials again (about 1.4 s): one student does
    for qid, value in (("05.rate_below_rheobase", rate), ("05.cv_mean_driven", cv)):
        question = QUESTIONS[qid]
        assert question.grade(value, v).passed and not question.grade(1.5 * value, v).passed
    assert "never fire below its rheobase" in QUESTIONS["05.rate_below_rheobase"].grade(0 * Hz, v).text


def test_the_stated_noise_is_the_ornstein_uhlenbeck_process_it_says():
    # mean, standard deviation and correlation time of the current the questions state
    sigma, tau_noise = 0.3 * nA, nb05.TAU_NOISE_05
    samples = inputs.noise(1 * nA, sigma, tau_noise, seed=4).first_samples(400000) / 1e-9
    assert samples.mean() == pytest.approx(1, abs=0.02)
    assert samples.std() == pytest.approx(0.3, rel=0.03)
    x = samples - samples.mean()
    lag = int(round(float(tau_noise / (0.1 * ms))))
    assert np.mean(x[:-lag] * x[lag:]) / np.var(x) == pytest.approx(math.exp(-1), abs=0.03)


def _ou(trials, steps, mean, sigma, tau_noise, rng, dt=book_nb05.DT):
    """Ornstein-Uhlenbeck samples (amp), exact on the grid, started in the stationary distribution."""
    decay = math.exp(-dt / tau_noise)
    kick = sigma * math.sqrt(1 - decay ** 2)
    out = np.empty((trials, steps))
    x = sigma * rng.standard_normal(trials)
    for k in range(steps):
        x = x * decay + kick * rng.standard_normal(trials)
        out[:, k] = x
    return out + mean


def _estimates(p, mean_factor, blocks, rng, sigma_factor=nb05.SIGMA_05):
    """Rate (Hz) and pooled CV of `blocks` independent sets of the stated trials (independent noise)."""
    rheobase = float((p.v_threshold - p.v_rest) / p.R)
    trials, duration = nb05.TRIALS_05, float(nb05.TRIAL_DURATION_05 / second)
    steps = int(round(duration / book_nb05.DT))
    trains = book_nb05.simulate_lif(p, _ou(blocks * trials, steps, mean_factor * rheobase, sigma_factor * rheobase,
                                           float(nb05.TAU_NOISE_05 / second), rng))
    rates, cvs = [], []
    for b in range(blocks):
        block = trains[b * trials:(b + 1) * trials]
        rates.append(sum(len(t) for t in block) / (trials * duration))
        cvs.append(book_nb05.pooled_cv(block))
    return np.array(rates), np.array(cvs)


@pytest.mark.parametrize("student", [None, "s2026001", "w2"])
def test_the_noisy_tolerances_are_what_20_trials_allow(student):
    """Another set of 20 seeds gives an estimate within the tolerance of the stated set's: the
    tolerance is at least 3 standard deviations of the difference of two estimates (sqrt(2) times
    one estimate's), measured over 30 independent sets; and the stated set's value is a typical one."""
    v = variant_for(student)
    rng = np.random.default_rng(2026)
    for qid, factor, pick in (("05.rate_below_rheobase", nb05.BELOW_05, 0), ("05.cv_mean_driven", nb05.ABOVE_05, 1)):
        question = QUESTIONS[qid]
        estimates = _estimates(v.neuron, factor, 30, rng)[pick]
        expected = float(np.asarray(question.expected(v)))
        if qid == "05.rate_below_rheobase":
            expected = float(question.expected(v) / Hz)
        spread = estimates.std(ddof=1)
        assert question.tolerance.rel * expected >= 3 * math.sqrt(2) * spread, (qid, spread / expected)
        assert abs(expected - estimates.mean()) <= 3 * spread, (qid, expected, estimates.mean(), spread)
        # and it still tells a correct measurement from a wrong one: 1.5 times off is far outside
        assert question.tolerance.rel < 0.5 - 3 * spread / expected


@pytest.mark.parametrize("student", [None, "s2026004"])
def test_the_regimes_known_limits(student):
    """Without noise every interval is the book's T (CV 0, rate 1/T); with it, the noise-driven CV is
    near the Poisson value 1 and larger than the mean-driven one (05.irregular_regime's answer)."""
    p = variant_for(student).neuron
    rheobase = (p.v_threshold - p.v_rest) / p.R
    rng = np.random.default_rng(7)
    rates, cvs = _estimates(p, nb05.ABOVE_05, 1, rng, sigma_factor=0)
    assert cvs[0] == pytest.approx(0, abs=1e-6)
    steps = int(round(float(nb05.TRIAL_DURATION_05 / second) / book_nb05.DT))
    train = book_nb05.simulate_lif(p, np.full((1, steps), float(nb05.ABOVE_05 * rheobase / nA) * 1e-9))[0]
    assert float(np.mean(np.diff(train))) == pytest.approx(float(interval(nb05.ABOVE_05 * rheobase, p) / second),
                                                           rel=1e-6)
    _, below = _estimates(p, nb05.BELOW_05, 4, rng)
    _, above = _estimates(p, nb05.ABOVE_05, 4, rng)
    assert 0.6 < below.mean() < 1.1 and above.mean() < 0.35 and below.min() > 2 * above.max()
    assert QUESTIONS["05.irregular_regime"].expected(variant_for(student)) == "noise-driven"
    assert QUESTIONS["05.irregular_regime"].grade("Noise driven", variant_for(student)).passed
    assert not QUESTIONS["05.irregular_regime"].grade("mean-driven", variant_for(student)).passed


def test_each_students_noisy_numbers_are_their_own():
    # The round's CODE and COPIER students: the numbers of one fail for the other.
    a, b = variant_for("s2026001"), variant_for("s2026004")
    for qid in ("05.poisson_cv", "05.rate_below_rheobase", "05.cv_mean_driven"):
        question = QUESTIONS[qid]
        assert not question.grade(question.expected(a), b).passed, qid


# ------------------------------------------------------------------------------------------------
# 05.poisson_histogram and the predictions
# ------------------------------------------------------------------------------------------------
def _figure(code, seed):
    import matplotlib

    matplotlib.use("Agg")
    namespace = {"np": np, "ms": ms, "Hz": Hz}
    exec(code.replace("default_rng(11)", f"default_rng({seed})"), namespace)
    return namespace["fig"]


def test_the_histogram_check_passes_any_honest_histogram_and_says_what_is_missing():
    """The book's histogram of 20 000 Poisson intervals passes for 60 seeds (its counts scatter as a
    Poisson count does: the tolerance is what 20 000 intervals allow); a density instead of counts, or
    the closed form without the histogram, gets one sentence saying what to plot."""
    import matplotlib.pyplot as plt

    question, v = QUESTIONS["05.poisson_histogram"], variant_for("s2026001")
    code = book_nb05.FIGURE_CODE["05.poisson_histogram"]
    # The closed form the curves follow: the exponential density integrated over each 1 ms bin.
    counts = question.plots[0].curves[1].follows(v)(np.arange(0.5, 100) * 1e-3)
    assert counts.sum() == pytest.approx(20000 * (1 - math.exp(-50 * 0.1)), rel=1e-9)
    assert question.plots[0].curves[0].follows(v)(0.0) == pytest.approx(20000 * 50 * 1e-3)
    try:
        for seed in range(60):
            assert question.grade(_figure(code, seed), v).passed, seed
            plt.close("all")
        density = code.replace("bins=np.linspace(0, 100, 101))", "bins=np.linspace(0, 100, 101), density=True)")
        verdict = question.grade(_figure(density, 1), v)
        assert verdict.status == "wrong" and "your histogram" in verdict.text and "np.histogram" in verdict.text
        alone = code.replace('ax.plot((edges[:-1] + edges[1:]) / 2, counts, ".")', "")
        assert "is not on the plot" in question.grade(_figure(alone, 1), v).text
        unlabelled = code.replace('ax.set_xlabel("T [ms]")', "")
        assert "x axis has no label" in question.grade(_figure(unlabelled, 1), v).text
    finally:
        plt.close("all")


def test_any_honest_prediction_earns_its_point_and_nothing_else_does():
    v = variant_for("s2026004")
    rate, cv = QUESTIONS["05.predict_rate_below"], QUESTIONS["05.predict_poisson_cv"]
    assert rate.about == "05.rate_below_rheobase" and cv.about == "05.poisson_cv"
    for guess in (0 * Hz, 5 * Hz, 300 * Hz):  # 0 Hz is the noiseless neuron's answer: an honest guess
        assert rate.grade(guess, v).passed
    for guess in (0.2, 1, 1.5):
        assert cv.grade(guess, v).passed
    with pytest.raises(Rejected):
        rate.grade(2 * nA, v)
    with pytest.raises(Rejected):
        rate.grade(..., v)
    with pytest.raises(Rejected):
        cv.grade(3 * ms, v)


def test_the_noisy_trials_use_the_model_the_warm_up_compiles():
    """Every noisy run of 05 lasts the notebook's trial_duration, the bank's TRIAL_DURATION_05: a
    tabulated input's code depends on its table's length, so the warm-up must compile that one (else
    the first noisy run compiles on Binder or the hub)."""
    import re
    from pathlib import Path

    from neurodyn_lab import grading

    source = (Path(__file__).resolve().parents[1] / "exercises" / "source" / "05_noise_variability.ipynb").read_text()
    found = re.search(r"trial_duration = ([0-9.]+) \* ms", source)
    assert found and float(found.group(1)) * ms == nb05.TRIAL_DURATION_05
    assert any(len(job) == 4 and job[3] == nb05.TRIAL_DURATION_05 for job in grading.warm_up_jobs())
