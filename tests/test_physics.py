"""Simulations against the book's closed forms (Neuronal Dynamics, ch. 1).

Every expected value here is computed from the formulas in shared/reference/book-formulas.md,
written out again in the tests (not taken from neurodyn_lab.analysis), so a wrong closed form in
the package fails too.
"""

import numpy as np
import pytest
from brian2 import Hz, Mohm, kHz, mV, ms, nA, pcoulomb, second

from neurodyn_lab import LIFParams, analysis, inputs, simulate
from neurodyn_lab.engine import RunSpec

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
    duration = np.ceil(float((onset + book_first_spike(amplitude, p) + 5 * ms) / DT)) * DT  # whole steps
    result = simulate(inputs.step(amplitude, onset, None), duration, params=p)
    expected = onset + book_first_spike(amplitude, p)
    # the crossing is timed exactly within the step
    assert result.spike_count >= 1
    assert abs(result.spike_times[0] - expected) < 1e-6 * ms
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
    # within 1 % of the rate (spike times and the refractory period are exact within a step)
    np.testing.assert_allclose(simulated[fires], expected[fires], rtol=0.01)
    # large currents approach the refractory limit 1/t_ref
    assert 0.9 / float(p.t_ref / second) < simulated[-1] < 1.01 / float(p.t_ref / second)
    np.testing.assert_allclose(np.asarray(analysis.firing_rate(currents, p) / Hz), expected, rtol=1e-12)


def test_fi_curve_is_one_vectorised_run(book):
    from neurodyn_lab.engine import Engine

    class Counting(Engine):
        """An engine that notes the number of neurons of each run it makes."""

        def __init__(self):
            super().__init__()
            self.sizes = []

        def run(self, spec):
            self.sizes.append(spec.n_neurons)
            return super().run(spec)

    counting = Counting()
    analysis.fi_curve(np.linspace(0, 5, 11) * nA, params=book, duration=50 * ms, engine=counting)
    assert counting.sizes == [11]


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


# --------------------------------------------------------------------------------------------
# issue 8, items 1-4: the edges of the physics
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PARAM_SETS)
def test_constant_current_at_or_just_below_the_rheobase_never_fires(name):
    p = PARAM_SETS[name]
    i_rh = book_rheobase(p)
    for factor in (1.0, 1 - 1e-12, 0.999999):
        result = simulate(inputs.step(factor * i_rh), 10 * second, params=p)
        assert result.spike_count == 0, (factor, result.spike_times[:3])
        assert float(analysis.fi_curve([factor * i_rh / nA] * nA, params=p, duration=10 * second)[0] / Hz) == 0
    # as the book says: just above, it fires, at the closed-form rate
    above = 1.0001 * i_rh
    result = simulate(inputs.step(above), 10 * second, params=p)
    isi = np.diff(np.asarray(result.spike_times / second))
    assert len(isi) >= 10
    np.testing.assert_allclose(1 / isi, book_rate(above, p), rtol=1e-5)


def test_the_classic_step_at_its_rheobase_stays_silent(classic):
    from neurodyn_lab.lif import LIF_Step

    assert LIF_Step(I_amp=1.0, do_plot=False).spike_count == 0
    assert simulate(inputs.step(1.999999999999 * nA), 10 * second).spike_count == 0
    assert float(analysis.fi_curve([1] * nA, params=classic)[0] / Hz) == 0


@pytest.mark.parametrize("dt_ms", [0.01, 0.1, 0.3, 0.7, 1.0])
@pytest.mark.parametrize("t_ref_ms", [0.0, 0.5, 2.0, 3.0])
def test_fi_rates_match_the_closed_form_for_every_dt_and_t_ref(dt_ms, t_ref_ms):
    p = LIFParams().replace(t_ref=t_ref_ms * ms)
    dt = dt_ms * ms
    largest = analysis._largest_resolved_current(p, float(dt / second)) / 1e-9
    top = min(1e4, 0.95 * largest)
    currents = np.geomspace(2.2, top, 12) * nA
    duration = round(2 / (dt_ms * 1e-3)) * dt  # about 2 s, a whole number of steps
    simulated = np.asarray(analysis.fi_curve(currents, params=p, duration=duration, dt=dt) / Hz)
    np.testing.assert_allclose(simulated, book_rate(currents, p), rtol=0.01)


def test_the_refractory_period_is_not_rounded_to_dt(book):
    result = simulate(inputs.step(1e4 * nA), 700 * ms, dt=0.7 * ms, params=book)
    assert float(result.firing_rate / Hz) == pytest.approx(book_rate(1e4 * nA, book), rel=0.01)
    assert np.min(np.diff(np.asarray(result.spike_times / ms))) >= 2.0


def test_t_ref_zero_reaches_the_books_rate_or_says_why_not(classic):
    rate = float(analysis.fi_curve([8] * nA, params=classic, duration=200 * ms)[0] / Hz)
    assert rate == pytest.approx(book_rate(8 * nA, classic), rel=0.01)  # 7.49 kHz, not 5 kHz
    with pytest.raises(ValueError, match=r"^currents must stay below 10\.5\d* nA at dt=0\.1 ms .*more than once per "
                                         r"time step"):
        analysis.fi_curve([5, 20] * nA, params=classic)
    with pytest.warns(RuntimeWarning, match="more than once within dt=0.1 ms"):
        simulate(inputs.step(20 * nA), 10 * ms, params=classic)


def test_a_duration_that_is_not_a_whole_number_of_steps_is_refused_in_one_sentence():
    """Issue 17: 1 ms at dt = 0.6 ms ran 1.2 ms and reported a spike at 1.1 ms."""
    for call in (lambda: simulate(inputs.step(15.568 * nA), 1 * ms, dt=0.6 * ms),
                 lambda: analysis.fi_curve([15.568] * nA, duration=1 * ms, dt=0.6 * ms)):
        with pytest.raises(ValueError, match=r"^duration must be a whole number of time steps of dt=0\.6 ms \(a "
                                             r"multiple of 0\.6 ms such as 0\.6 ms or 1\.2 ms\), got duration=1 ms$"):
            call()
    # the whole number of steps runs, and its spike (book: T1 = 8 ln(155.68/135.68) ms = 1.1 ms) is in it
    result = simulate(inputs.step(15.568 * nA), 1.2 * ms, dt=0.6 * ms)
    assert len(result.t) == 2 and result.duration == 1.2 * ms
    assert float(result.spike_times[0] / ms) == pytest.approx(8 * np.log(155.68 / 135.68), rel=1e-6)


@pytest.mark.parametrize("dt_ms", [0.1, 0.3, 0.6, 0.7])
def test_no_spike_is_reported_after_the_duration(dt_ms):
    """Runs that end just after a crossing: every spike is at or before the end, and each is the book's."""
    p = LIFParams()
    for amplitude in np.linspace(2.5, 40, 13) * nA:
        t1 = float(analysis.time_to_first_spike(amplitude, p) / ms)
        n = int(np.ceil(t1 / dt_ms))  # the first step that ends after the crossing
        result = simulate(inputs.step(amplitude), n * dt_ms * ms, params=p, dt=dt_ms * ms)
        assert float(np.max(result.spike_times / ms)) <= n * dt_ms
        assert result.spike_count == 1 and float(result.spike_times[0] / ms) == pytest.approx(t1, rel=1e-9)


def test_frequencies_dt_cannot_resolve_are_refused(book):
    with pytest.raises(ValueError, match=r"^frequency must be at most 1000 Hz at dt=0\.1 ms"):
        simulate(inputs.sinusoid(0.5 * nA, 10 * kHz), 200 * ms)
    with pytest.raises(ValueError, match=r"^frequencies must be at most 1000 Hz at dt=0\.1 ms"):
        analysis.frequency_response([1e4] * Hz)
    result = simulate(inputs.sinusoid(0.5 * nA, 1 * kHz), 100 * ms, params=book)
    with pytest.raises(ValueError, match=r"^frequency must be at most 1000 Hz for a result at dt=0\.1 ms"):
        analysis.measure_gain_phase(result, frequency=10 * kHz)
    # the largest allowed is measured right
    g, _ = analysis.measure_gain_phase(result)
    assert float(g / book_gain(1 * kHz, book)) == pytest.approx(1, rel=0.02)
    # and at a smaller dt, higher frequencies are fine
    fine = simulate(inputs.sinusoid(0.5 * nA, 5 * kHz), 50 * ms, params=book, dt=0.01 * ms)
    g, ph = analysis.measure_gain_phase(fine)
    assert float(g / book_gain(5 * kHz, book)) == pytest.approx(1, rel=0.02)
    assert ph == pytest.approx(book_phase_deg(5 * kHz, book), abs=1.0)


def test_frequency_response_size_messages_name_what_was_given():
    with pytest.raises(ValueError) as info:
        analysis.frequency_response([0.001, 100] * Hz)
    message = str(info.value)
    assert message.startswith("frequencies: 2 frequencies with the lowest at 0.001 Hz") and "duration" not in message
    with pytest.raises(ValueError) as info:
        analysis.frequency_response(np.linspace(1, 1000, 2000) * Hz)
    message = str(info.value)
    assert "2000 frequencies with the lowest at 1 Hz" in message and "at least 1 Hz" not in message
    assert "use at most" in message


# --------------------------------------------------------------------------------------------
# issue 8, item 6: every size is bounded before work starts
# --------------------------------------------------------------------------------------------
def _mystery():
    from neurodyn_lab import mystery_neuron

    return mystery_neuron("s1")


def _classic(**kwargs):
    from neurodyn_lab.lif import LIF_Step

    return LIF_Step(do_plot=False, **kwargs)


def _neurodynex3(simulation_time):
    from neurodyn_lab.compat.neurodynex3.leaky_integrate_and_fire import LIF
    from neurodyn_lab.compat.neurodynex3.tools import input_factory

    return LIF.simulate_LIF_neuron(input_factory.get_step_current(5, 100, ms, 2 * nA), simulation_time=simulation_time)


# Every size limit (issue 8 item 6, issue 17 item 6): (what the student made first, untimed; the call;
# the start of the refusal). Each is refused in under a second, before the run's arrays exist.
SIZE_LIMITS = {
    "fi_curve: 10^8 currents": (lambda: np.linspace(0, 5, 10**8) * nA,
                                lambda big: analysis.fi_curve(big, duration=0.1 * ms),
                                "currents must be at most 10,000 values, one per neuron, got 100,000,000"),
    "fi_curve: neurons x steps": (lambda: np.linspace(0, 5, 5000) * nA,
                                  lambda c: analysis.fi_curve(c, duration=10 * second),
                                  r"the run is too large \(5000 neurons x 100000 time steps\): one run"),
    "fi_curve: 10^4 currents for 1000 s": (lambda: np.linspace(0, 5, 10**4) * nA,
                                           lambda c: analysis.fi_curve(c, duration=1000 * second),
                                           r"the run is too large \(10000 neurons x 10000000 time steps\)"),
    "simulate: time steps": (lambda: inputs.step(3 * nA), lambda c: simulate(c, 1500 * second),
                             r"duration/dt must be at most 1e\+07 time steps"),
    "simulate: a billion seconds": (lambda: inputs.step(3 * nA), lambda c: simulate(c, 1e9 * second),
                                    r"duration/dt must be at most 1e\+07 time steps"),
    "simulate: noise samples": (lambda: inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=1, dt=1e-3 * ms),
                                lambda c: simulate(c, 20 * second), r"noise\(.*would need 2e\+07 samples"),
    "from_array: samples": (lambda: np.zeros(10**7 + 1) * nA, lambda v: inputs.from_array(v, 0.1 * ms),
                            r"values must have at most 1e\+07 samples, got 10,000,001"),
    "RunSpec: noise table": (lambda: [inputs.noise(1 * nA, 0.1 * nA, 5 * ms, seed=k) for k in range(2000)],
                             lambda c: RunSpec(c, 2 * second, record_v=False),
                             r"duration=2000 ms is too long for 2000 noise or array inputs"),
    "frequency_response: recording": (lambda: np.linspace(1, 100, 2000) * Hz,
                                      lambda f: analysis.frequency_response(f),
                                      "frequencies: 2000 frequencies with the lowest at 1 Hz need"),
    "frequency_response: neurons": (lambda: np.linspace(1, 100, 20_000) * Hz,
                                    lambda f: analysis.frequency_response(f),
                                    "frequencies must be at most 10,000 values"),
    "mystery neuron: 5 s": (_mystery, lambda m: m.simulate(inputs.step(1 * nA), 10 * second),
                            "duration must be at most 5 s for a mystery neuron"),
    "classic LIF_Step: tend": (lambda: None, lambda _: _classic(tend=1e9), r"tend must be at most 1e6"),
    "neurodynex3 layer: simulation_time": (lambda: None, lambda _: _neurodynex3(1e9 * second),
                                           r"simulation_time must be at most 1e6 ms \(1e7 time steps of 0\.1 ms"),
}


@pytest.mark.parametrize("name", SIZE_LIMITS)
def test_every_size_limit_is_refused_in_under_a_second_before_allocating(name):
    import re
    import time
    import tracemalloc

    make, call, message = SIZE_LIMITS[name]
    made = make()
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ValueError) as info:
            call(made)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert re.match(message, str(info.value)), str(info.value)
    assert seconds < 1.0, f"{name}: refused after {seconds:.2f} s"
    assert peak < 50e6, f"{name}: {peak / 1e6:.0f} MB allocated before the refusal"


# --------------------------------------------------------------------------------------------
# issue 8, item 14: currents subtract and scale
# --------------------------------------------------------------------------------------------
def test_currents_subtract_and_scale(book):
    s = inputs.step(0.5 * nA, 10 * ms, 60 * ms) + inputs.sinusoid(0.25 * nA, 50 * Hz)
    t = np.linspace(0, 100, 101) * ms
    np.testing.assert_allclose(np.asarray((s - s)(t) / nA), 0, atol=1e-15)
    np.testing.assert_allclose(np.asarray((s * 2)(t) / nA), 2 * np.asarray(s(t) / nA))
    np.testing.assert_allclose(np.asarray((-s)(t) / nA), -np.asarray(s(t) / nA))
    np.testing.assert_allclose(np.asarray((s / 4)(t) / nA), np.asarray(s(t) / nA) / 4)
    noise = inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=3)
    np.testing.assert_allclose(np.asarray((3 * noise)(t) / nA), 3 * np.asarray(noise(t) / nA))
    # below threshold v - v_rest is linear in the current
    v1 = simulate(s, 100 * ms, params=book).v - book.v_rest
    v2 = simulate(2 * s, 100 * ms, params=book).v - book.v_rest
    v0 = simulate(s - s, 100 * ms, params=book).v - book.v_rest
    assert np.max(np.abs(v2 - 2 * v1)) < 1e-9 * mV and np.max(np.abs(v0)) < 1e-9 * mV
    with pytest.raises(TypeError, match=r"^a current can only be multiplied or divided by a plain number such as 2 "
                                        r"or -1, got 2 mV$"):
        s * (2 * mV)
    with pytest.raises(TypeError, match=r"^a current can only be subtracted from another current"):
        s - 2 * nA


# --------------------------------------------------------------------------------------------
# issue 9: short pulses against the book's formulas
# --------------------------------------------------------------------------------------------
C_BOOK = 8 * ms / (10 * Mohm)  # tau / R = 0.8 nF


def test_pulse_jump_is_R_I_times_one_minus_exp(book):
    amplitude, width, onset = 1 * nA, 2 * ms, 10 * ms
    result = simulate(inputs.pulse(amplitude=amplitude, duration=width, start=onset), 30 * ms, params=book)
    at_end = result.v[int(round(float((onset + width) / DT)))] - book.v_rest
    expected = book.R * amplitude * (1 - np.exp(-width / book.tau))
    assert float(at_end / mV) == pytest.approx(float(expected / mV), rel=1e-9)


def test_short_pulse_jump_is_q_over_C(book):
    q, width = 5 * pcoulomb, 0.1 * ms
    result = simulate(inputs.pulse(charge=q, duration=width, start=10 * ms), 20 * ms, params=book, dt=0.01 * ms)
    jump = float((result.v.max() - book.v_rest) / mV)
    assert jump == pytest.approx(float(q / C_BOOK / mV), rel=0.01)  # the Dirac limit, 6.25 mV
    exact = float(book.R * (q / width) * (1 - np.exp(-width / book.tau)) / mV)
    assert jump == pytest.approx(exact, rel=1e-6)


def test_smallest_charge_that_fires(book):
    q_dirac = C_BOOK * (book.v_threshold - book.v_rest)
    assert float(q_dirac / pcoulomb) == pytest.approx(16.0)
    width = 0.1 * ms
    x = float(width / book.tau)
    q_min = q_dirac * x / (1 - np.exp(-x))  # the finite-width correction
    fires = simulate(inputs.pulse(charge=1.001 * q_min, duration=width, start=10 * ms), 30 * ms, params=book)
    silent = simulate(inputs.pulse(charge=0.999 * q_min, duration=width, start=10 * ms), 30 * ms, params=book)
    assert fires.spike_count == 1 and silent.spike_count == 0


def test_pulse_is_validated_and_delivers_its_charge_across_steps():
    with pytest.raises(TypeError, match=r"^pulse needs either charge .* got both"):
        inputs.pulse(charge=1 * pcoulomb, amplitude=1 * nA)
    with pytest.raises(TypeError, match=r"^pulse needs either charge .* got neither"):
        inputs.pulse()
    with pytest.raises(ValueError, match=r"^duration must be positive"):
        inputs.pulse(charge=1 * pcoulomb, duration=0 * ms)
    with pytest.raises(TypeError, match=r"^charge must be a charge"):
        inputs.pulse(charge=1 * nA)
    I = inputs.pulse(charge=16 * pcoulomb, duration=0.25 * ms, start=10.03 * ms)
    means = I.step_means(np.arange(0, 200) * 1e-4, 1e-4)
    assert means.sum() * 1e-4 == pytest.approx(16e-12, rel=1e-12)  # per-step means add up to the charge
