"""Simulations against the book's closed forms (Neuronal Dynamics, ch. 1).

Every expected value here is computed from the formulas in shared/reference/book-formulas.md,
written out again in the tests (not taken from neurodyn_lab.analysis), so a wrong closed form in
the package fails too.
"""

import numpy as np
import pytest
from brian2 import Hz, Mohm, mV, ms, nA, second

from neurodyn_lab import LIFParams, analysis, inputs, simulate

DT = 0.1 * ms


def book_rheobase(p):
    return (p.v_threshold - p.v_rest) / p.R


def book_first_spike(I, p):
    return p.tau * np.log(p.R * I / (p.R * I - (p.v_threshold - p.v_rest)))


def book_rate(I, p):
    """Rate in Hz (plain floats)."""
    drive = np.asarray(p.R * I / mV)
    gap, reset = float((p.v_threshold - p.v_rest) / mV), float((p.v_reset - p.v_rest) / mV)
    fires = drive > gap
    isi = np.full(drive.shape, np.inf)
    isi[fires] = float(p.t_ref / second) + float(p.tau / second) * np.log((drive[fires] - reset) / (drive[fires] - gap))
    return 1 / isi


def book_gain(f, p):
    return p.R / np.sqrt(1 + (2 * np.pi * f * p.tau) ** 2)


def book_phase_deg(f, p):
    return -np.degrees(np.arctan(np.asarray(2 * np.pi * f * p.tau)))


PARAM_SETS = {
    "book": LIFParams(),
    "classic": LIFParams.classic(),
    "slow": LIFParams(v_rest=-65 * mV, v_reset=-70 * mV, v_threshold=-45 * mV, R=5 * Mohm, tau=20 * ms, t_ref=4 * ms),
}


@pytest.mark.parametrize("name", PARAM_SETS)
def test_rheobase_separates_silence_from_firing(name):
    p = PARAM_SETS[name]
    i_min = book_rheobase(p)
    assert float(analysis.rheobase(p) / nA) == pytest.approx(float(i_min / nA), rel=1e-12)
    # long enough that a current 1 % above the rheobase fires: T1 = tau ln(101) ~ 4.6 tau
    duration = 6 * p.tau + 10 * ms
    below = simulate(inputs.step(0.99 * i_min, 0 * ms, None), duration, params=p)
    above = simulate(inputs.step(1.01 * i_min, 0 * ms, None), duration, params=p)
    assert below.spike_count == 0
    assert above.spike_count >= 1
    # below the rheobase v approaches v_rest + R I but never crosses the threshold
    assert float(below.v.max() / mV) < float(p.v_threshold / mV)


@pytest.mark.parametrize("name", PARAM_SETS)
@pytest.mark.parametrize("factor", [1.2, 1.5, 3.0, 10.0])
def test_time_to_first_spike_within_one_dt(name, factor):
    p = PARAM_SETS[name]
    onset = 10 * ms
    amplitude = factor * book_rheobase(p)
    result = simulate(inputs.step(amplitude, onset, None), onset + book_first_spike(amplitude, p) + 5 * ms, params=p)
    expected = onset + book_first_spike(amplitude, p)
    # Brian2 records the spike at the start of the step in which v crosses the threshold
    assert result.spike_count >= 1
    assert expected - DT <= result.spike_times[0] <= expected + 1e-9 * ms
    assert float(analysis.time_to_first_spike(amplitude, p) / ms) == pytest.approx(
        float(book_first_spike(amplitude, p) / ms), rel=1e-12)


def test_subthreshold_step_follows_exponential_charging(book):
    amplitude, onset = 1 * nA, 10 * ms
    result = simulate(inputs.step(amplitude, onset, None), 60 * ms, params=book)
    t = result.t
    expected = book.v_rest + book.R * amplitude * (1 - np.exp(-np.clip((t - onset) / book.tau, 0, None)))
    assert np.max(np.abs(result.v - expected)) < 0.01 * mV


def test_fi_curve_matches_closed_form_0_to_100nA(book_tref3):
    p = book_tref3
    currents = np.linspace(0, 100, 201) * nA
    simulated = np.asarray(analysis.fi_curve(currents, params=p, duration=500 * ms) / Hz)
    expected = book_rate(currents, p)
    fires = expected > 0
    assert fires.sum() > 150 and (~fires).sum() >= 4
    assert np.all(simulated[~fires] == 0)
    # within 1 % of the rate, or within one dt of the inter-spike interval (Brian2 counts t_ref
    # from the start of the step in which the threshold was crossed)
    rate_ok = np.abs(simulated[fires] / expected[fires] - 1) <= 0.01
    isi_ok = np.abs(1 / simulated[fires] - 1 / expected[fires]) <= float(DT / second)
    assert np.all(rate_ok | isi_ok)
    # large currents approach the refractory limit 1/t_ref
    assert 0.9 / float(p.t_ref / second) < simulated[-1] < 1.01 / float(p.t_ref / second)
    np.testing.assert_allclose(np.asarray(analysis.firing_rate(currents, p) / Hz), expected, rtol=1e-12)


def test_fi_curve_is_one_vectorised_run(book, monkeypatch):
    from neurodyn_lab import engine

    calls = []
    real_run = engine.run
    monkeypatch.setattr(engine, "run", lambda *a, **k: calls.append(len(a[1])) or real_run(*a, **k))
    analysis.fi_curve(np.linspace(0, 5, 11) * nA, params=book, duration=50 * ms)
    assert calls == [11]


FREQUENCIES = np.array([10, 20, 50, 100, 200, 500, 1000]) * Hz


@pytest.mark.parametrize("name", ["book", "slow"])
def test_frequency_response_gain_and_phase(name):
    p = PARAM_SETS[name]
    g, ph = analysis.frequency_response(FREQUENCIES, 0.5 * nA, params=p)
    np.testing.assert_allclose(np.asarray(g / Mohm), np.asarray(book_gain(FREQUENCIES, p) / Mohm), rtol=0.01)
    np.testing.assert_allclose(ph, book_phase_deg(FREQUENCIES, p), atol=1.0)
    # the closed forms of the package agree with the book's too
    np.testing.assert_allclose(np.asarray(analysis.gain(FREQUENCIES, p) / Mohm),
                               np.asarray(book_gain(FREQUENCIES, p) / Mohm), rtol=1e-12)
    np.testing.assert_allclose(analysis.phase(FREQUENCIES, p), book_phase_deg(FREQUENCIES, p), atol=1e-9)


def test_cutoff_frequency_is_where_gain_drops_by_sqrt2(book):
    fc = analysis.cutoff_frequency(book)
    assert float(fc / Hz) == pytest.approx(float(1 / (2 * np.pi * book.tau) / Hz), rel=1e-12)
    assert float(analysis.gain(fc, book) / Mohm) == pytest.approx(float(book.R / Mohm) / np.sqrt(2), rel=1e-12)
    assert analysis.phase(fc, book) == pytest.approx(-45.0)


def test_single_result_gain_phase_measurement(book):
    result = simulate(inputs.sinusoid(0.5 * nA, 50 * Hz, offset=0.3 * nA, phase=0.7, start=5 * ms), 200 * ms,
                      params=book)
    assert result.spike_count == 0
    g, ph = analysis.measure_gain_phase(result)
    assert float(g / book_gain(50 * Hz, book)) == pytest.approx(1, rel=0.01)
    assert ph == pytest.approx(book_phase_deg(50 * Hz, book), abs=1.0)


def test_phase_without_half_step_lag_at_1kHz(book):
    # A current sampled and held from each step's start lags by dt/2: 18 degrees at 1 kHz. The
    # engine averages the current over each step, so the phase is the book's within 1 degree.
    result = simulate(inputs.sinusoid(1 * nA, 1000 * Hz), 100 * ms, params=book)
    _, ph = analysis.measure_gain_phase(result)
    assert abs(ph - book_phase_deg(1000 * Hz, book)) < 1.0


def test_refractory_period_holds_v_at_reset(book):
    p = book.replace(t_ref=5 * ms)
    result = simulate(inputs.step(10 * nA, 0 * ms, None), 50 * ms, params=p)
    first = result.spike_times[0]
    during = (result.t > first + 0.15 * ms) & (result.t < first + p.t_ref - 0.15 * ms)
    assert np.allclose(result.v[during] / mV, float(p.v_reset / mV))
    isi = np.diff(result.spike_times)
    assert np.all(isi >= p.t_ref - DT)


def test_inputs_sum_linearly_below_threshold(book):
    a = inputs.step(0.7 * nA, 10 * ms, 50 * ms)
    b = inputs.sinusoid(0.4 * nA, 30 * Hz, start=5 * ms)
    c = inputs.ramp(0 * nA, 0.5 * nA, 20 * ms, 80 * ms)
    va = simulate(a, 100 * ms, params=book).v - book.v_rest
    vb = simulate(b, 100 * ms, params=book).v - book.v_rest
    vc = simulate(c, 100 * ms, params=book).v - book.v_rest
    vsum = simulate(a + b + c, 100 * ms, params=book).v - book.v_rest
    assert np.max(np.abs(vsum - (va + vb + vc))) < 1e-6 * mV


def test_sampled_input_matches_analytic_input(book):
    # the same step given analytically and as an array of samples
    analytic = simulate(inputs.step(1.5 * nA, 10 * ms, 60 * ms), 100 * ms, params=book)
    samples = np.zeros(1000)
    samples[100:600] = 1.5
    sampled = simulate(inputs.from_array(samples * nA, 0.1 * ms), 100 * ms, params=book)
    assert np.max(np.abs(analytic.v - sampled.v)) < 1e-6 * mV


def test_noise_is_reproducible_and_has_its_statistics():
    a = inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=7)
    b = inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=7)
    c = inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=8)
    t = np.arange(0, 20000) * 0.1 * ms
    assert np.array_equal(a(t), b(t[::-1])[::-1])
    assert not np.array_equal(a(t), c(t))
    values = np.asarray(a(t) / nA)
    assert values.mean() == pytest.approx(1.0, abs=0.1)
    assert values.std() == pytest.approx(0.5, rel=0.15)
    # correlation after one tau_noise is about exp(-1)
    lag = 50
    x = values - values.mean()
    assert np.mean(x[:-lag] * x[lag:]) / x.var() == pytest.approx(np.exp(-1), abs=0.1)
    result = simulate(a, 100 * ms)
    assert np.array_equal(result.I, a(result.t))
