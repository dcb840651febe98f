"""`simulate_many`: a list of inputs in one run, each result that of `simulate` alone (issue 17).

Notebook 05 and its grading run their noisy trials through it (20 trials of 1600 ms in 0.08 s
instead of 1.2 s, 2026-12-03), so its results must be those of the one-by-one runs to the bit: a
student who loops over `simulate` and one who calls `simulate_many` hand in the same numbers.
"""

import re
from pathlib import Path

import numpy as np
import pytest
from brian2 import Hz, mV, ms, nA, pA, second, volt

from neurodyn_lab import LIFParams, analysis, inputs, simulate, simulate_many
from neurodyn_lab.engine import Engine, structure_of

ROOT = Path(__file__).resolve().parents[1]


def same_runs(together, alone, rounding=0.0):
    """The runs agree: to the bit, or within `rounding` (volts and seconds)."""
    assert len(together) == len(alone)
    for a, b in zip(together, alone):
        assert np.allclose(np.asarray(a.v / volt), np.asarray(b.v / volt), rtol=0, atol=rounding)
        assert a.spike_count == b.spike_count
        assert np.allclose(np.asarray(a.spike_times / second), np.asarray(b.spike_times / second), rtol=0,
                           atol=rounding)
        assert np.array_equal(np.asarray(a.I / nA), np.asarray(b.I / nA))
        assert np.array_equal(np.asarray(a.t / second), np.asarray(b.t / second))
        assert a.current is b.current or repr(a.current) == repr(b.current)
        assert (a.params, a.duration, a.dt) == (b.params, b.duration, b.dt)


def test_noisy_trials_are_those_of_one_run_each():
    p = LIFParams()
    rheobase = analysis.rheobase(p)
    currents = [inputs.noise(0.9 * rheobase, 0.2 * rheobase, 5 * ms, seed=k) for k in range(6)]
    together = simulate_many(currents, 300 * ms, params=p)
    same_runs(together, [simulate(c, 300 * ms, params=p) for c in currents])
    assert sum(r.spike_count for r in together) > 0  # else the comparison says little


def test_inputs_of_every_kind_mixed_in_one_list_are_those_of_one_run_each_to_rounding():
    # One model holds every kind's terms (idle where a neuron has none): the sums round differently.
    # Brian2's numpy target: the same layout of the inputs, and nine models made without compiling.
    engine = Engine(target="numpy")
    p = LIFParams()
    currents = [inputs.step(3 * nA, 10 * ms, 60 * ms), inputs.sinusoid(1 * nA, 50 * Hz, offset=2.5 * nA),
                inputs.pulse(amplitude=40 * nA, duration=0.5 * ms, start=5 * ms),
                inputs.ramp(0 * nA, 5 * nA, 0 * ms, 80 * ms), inputs.noise(2.5 * nA, 0.5 * nA, 5 * ms, seed=3),
                inputs.step(3 * nA, 10 * ms, 60 * ms) + inputs.noise(0 * nA, 0.5 * nA, 2 * ms, seed=4), 2.2 * nA]
    together = simulate_many(currents, 100 * ms, params=p, dt=0.05 * ms, engine=engine)
    alone = [simulate(c, 100 * ms, params=p, dt=0.05 * ms, engine=engine) for c in currents]
    same_runs(together, alone, rounding=1e-15)


def test_a_sweep_of_constant_currents_fires_at_the_books_rate():
    # The book's ISI after a reset: T = t_ref + tau ln((R I - (v_reset - v_rest)) / (R I - (v_th - v_rest)));
    # the steady rate of each run is counted from its second spike on (the first interval starts at rest).
    p = LIFParams()
    currents = np.array([1.5, 2.5, 4.0, 8.0]) * nA
    runs = simulate_many(currents, 500 * ms, params=p)
    for current, run in zip(currents, runs):
        R, tau, t_ref = float(p.R), float(p.tau), float(p.t_ref)
        drive = R * float(current)
        gap, reset = float(p.v_threshold - p.v_rest), float(p.v_reset - p.v_rest)
        if drive <= gap:
            assert run.spike_count == 0
            continue
        book = 1 / (t_ref + tau * np.log((drive - reset) / (drive - gap)))
        intervals = np.diff(np.asarray(run.spike_times / second))
        assert abs(1 / intervals[1:].mean() - book) / book < 0.01, (current, 1 / intervals[1:].mean(), book)


def test_each_result_owns_its_arrays():
    runs = simulate_many([inputs.step(3 * nA), inputs.step(4 * nA)], 20 * ms)
    runs[0].t[:] = 0 * ms
    runs[0].v[:] = 0 * mV
    assert float(runs[1].t[-1] / ms) > 19 and float(runs[1].v.min() / mV) < -60


def test_it_runs_on_the_engine_it_is_given():
    engine = Engine()
    noise = [inputs.noise(1 * nA, 0.1 * nA, 5 * ms, seed=k) for k in range(3)]
    simulate_many(noise, 5 * ms, engine=engine)
    assert engine.compiled_structures() == [structure_of(noise, 5e-3, 1e-4)]


@pytest.mark.parametrize("currents, words", [
    (inputs.step(3 * nA), "currents must be a list of inputs"),
    ("step", "currents must be a list of inputs"),
    ([], "currents must hold at least one current"),
    ([inputs.step(3 * nA), 5 * mV], "currents"),
])
def test_bad_currents_get_one_sentence_naming_the_argument(currents, words):
    with pytest.raises((TypeError, ValueError)) as error:
        simulate_many(currents, 100 * ms)
    message = str(error.value)
    assert words in message and "\n" not in message and "Traceback" not in message


def test_a_duration_that_is_no_whole_number_of_steps_is_refused_in_the_callers_words():
    with pytest.raises(ValueError, match=r"^duration must be a whole number of time steps of dt=0.6 ms"):
        simulate_many([inputs.step(3 * nA)] * 2, 1 * ms, dt=0.6 * ms)


def test_notebook_05s_runs_are_compiled_by_the_warm_up():
    # The lists notebook 05 hands to simulate_many (its trials and its f-I curves' mean currents) have
    # the lengths the grading's warm-up jobs compile, so no student waits for a compile there.
    from neurodyn_lab.grading import warm_up_jobs
    from neurodyn_lab.grading.questions.nb05 import FI_POINTS_05, TRIAL_DURATION_05, TRIALS_05

    source = (ROOT / "exercises" / "source" / "05_noise_variability.ipynb").read_text(encoding="utf-8")
    assert re.search(rf"np\.linspace\(0\.5, 2, {FI_POINTS_05}\) \* I_rh", source)
    assert re.search(rf"for k in range\({TRIALS_05}\)\]", source)
    assert f"trial_duration = {TRIAL_DURATION_05 / ms:g} * ms" in source
    warmed = {structure_of(currents, float((duration[0] if duration else 2 * ms) / second), 1e-4, record_v)
              for _, currents, record_v, *duration in warm_up_jobs()}
    for n in (TRIALS_05, FI_POINTS_05):
        noisy = [inputs.noise(1 * nA, 10 * pA, 5 * ms, seed=k) for k in range(n)]
        assert structure_of(noisy, float(TRIAL_DURATION_05 / second), 1e-4, True) in warmed
