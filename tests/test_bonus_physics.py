"""The physics of the bonus sections of notebooks 02 (noisy input) and 03 (a sinusoid above
threshold), against the book's closed forms (shared/reference/book-formulas.md).

Expected values come from the formulas written out in `test_physics` (`book_rate`,
`book_rheobase`) and from the drive's own formula ``I(t) = offset + amplitude sin(2 pi f t)``
written out here, never from neurodyn_lab.analysis or from numbers our simulations printed.
"""

import numpy as np
import pytest
from brian2 import Hz, Mohm, mV, ms, nA, second

from neurodyn_lab import LIFParams, inputs, simulate
from test_physics import book_rate, book_rheobase

DT = 0.1 * ms

#: Parameter sets: neurodynex3's defaults (LIFParams()), the 2016 module's classic set (no
#: refractory period), a slow membrane with a reset below rest, and one with a reset above rest and
#: a long t_ref.
SETS = {
    "neurodynex3": LIFParams(),
    "classic": LIFParams.classic(),
    "slow_membrane": LIFParams(v_rest=-65 * mV, v_reset=-70 * mV, v_threshold=-45 * mV, R=5 * Mohm, tau=20 * ms,
                               t_ref=4 * ms),
    "reset_high": LIFParams(v_rest=-68 * mV, v_reset=-58 * mV, v_threshold=-47 * mV, R=12 * Mohm, tau=12 * ms,
                            t_ref=4 * ms),
}


def drive_current(offset, amplitude, f, t):
    """The drive ``offset + amplitude sin(2 pi f t)`` at times `t`, written out (not the package's)."""
    return offset + amplitude * np.sin(2 * np.pi * f * t)


# --- 03, bonus: a sinusoid that crosses the threshold ----------------------------------------------

#: (offset, amplitude) in units of the rheobase, and the drive frequency. Every drive is above the
#: rheobase for part of each cycle and below it for the rest (offset - amplitude < 1 < offset +
#: amplitude), so "R I(t_k) > v_th - v_rest" is a statement about where in the cycle spikes fall.
SUPRA_DRIVES = [(1.0, 0.5, 50 * Hz), (0.8, 0.6, 20 * Hz), (1.5, 1.5, 100 * Hz), (1.05, 0.1, 10 * Hz),
                (0.9, 0.3, 5 * Hz), (1.2, 1.0, 200 * Hz)]


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("offset, amplitude, f", SUPRA_DRIVES)
def test_every_spike_of_a_suprathreshold_sinusoid_comes_while_R_I_is_above_threshold(name, offset, amplitude, f):
    p = SETS[name]
    rheobase = book_rheobase(p)
    assert offset - amplitude < 1 < offset + amplitude
    r = simulate(inputs.sinusoid(amplitude * rheobase, f, offset=offset * rheobase), 300 * ms, params=p, dt=DT)
    assert r.spike_count >= 1, "the drive crosses the rheobase: the neuron must fire"
    # At a threshold crossing dv/dt > 0, so tau dv/dt = R I(t_k) - (v_th - v_rest) > 0 exactly. The
    # simulation holds the input at its mean over each time step, which differs from I(t_k) by at
    # most the current's largest slope times dt: amplitude * 2 pi f * dt.
    tolerance = p.R * amplitude * rheobase * 2 * np.pi * f * DT
    margin = p.R * drive_current(offset * rheobase, amplitude * rheobase, f, r.spike_times) - (p.v_threshold - p.v_rest)
    assert np.min(margin / mV) > -float(tolerance / mV), (name, np.min(margin / mV), float(tolerance / mV))
    # equivalently, every spike phase lies in the closed-form arc where sin(phase) > (1 - offset) / amplitude
    phase = 2 * np.pi * np.asarray(r.spike_times * f)
    slack = float(tolerance / (p.R * amplitude * rheobase))
    assert np.all(np.sin(phase) > (1 - offset) / amplitude - slack)


#: Slow drives (f tau <= 0.01): (parameter set, drive frequency, offset, amplitude in rheobases).
SLOW_DRIVES = [("neurodynex3", 1 * Hz, 1.25, 0.75), ("neurodynex3", 1 * Hz, 1.5, 0.5), ("classic", 5 * Hz, 1.25, 0.75),
               ("slow_membrane", 0.5 * Hz, 1.25, 0.75), ("reset_high", 0.8 * Hz, 1.5, 1.0)]


def quasi_static_count(p, f, offset, amplitude, n=20000):
    """The integral of the closed-form rate over one cycle: the midpoint rule on n points."""
    t = (np.arange(n) + 0.5) / n / f
    return float(np.mean(book_rate(drive_current(offset, amplitude, f, t), p)) / f / Hz)


@pytest.mark.parametrize("name, f, offset, amplitude", SLOW_DRIVES)
def test_a_slow_drive_fires_the_integral_of_the_rate_formula_per_cycle(name, f, offset, amplitude):
    p = SETS[name]
    assert float(f * p.tau) <= 0.01  # quasi-static: the current hardly changes within tau
    rheobase = book_rheobase(p)
    n_cycles = 3
    r = simulate(inputs.sinusoid(amplitude * rheobase, f, offset=offset * rheobase), (n_cycles + 1) / f,
                 params=p, dt=DT)
    cycle = np.floor(np.asarray(r.spike_times * f)).astype(int)
    counts = np.bincount(cycle, minlength=n_cycles + 1)[1:n_cycles + 1]  # the first cycle starts at rest
    expected = quasi_static_count(p, f, offset * rheobase, amplitude * rheobase)
    # Tolerance: one spike (a cycle's count is a whole number, the integral is not) plus 1 % (the
    # quasi-static error, of the order of f tau, and the intervals that span the rheobase crossings).
    tolerance = 1 + 0.01 * expected
    assert expected > 10
    assert np.all(np.abs(counts - expected) <= tolerance), (name, counts, expected)
    if p.t_ref > 0:  # the tolerance is tight enough to tell the formula from one without t_ref
        without_t_ref = quasi_static_count(p.replace(t_ref=0 * ms), f, offset * rheobase, amplitude * rheobase)
        assert np.all(np.abs(counts - without_t_ref) > tolerance)


# --- 02, bonus: noisy input --------------------------------------------------------------------------

NOISE_DURATION = 1600 * ms  # one compiled model (tabulated input, 16384 rows) for every run here


def intervals(result):
    return np.asarray(np.diff(result.spike_times) / second)


def cv(isi):
    return float(np.std(isi) / np.mean(isi))


@pytest.mark.parametrize("name", ["neurodynex3", "slow_membrane", "reset_high"])
def test_without_noise_the_interval_is_the_closed_form_and_cv_vanishes_as_sigma_goes_to_zero(name):
    p = SETS[name]
    mean = 1.5 * book_rheobase(p)
    T = 1 / float(book_rate(mean, p))  # seconds
    errors, cvs = [], []
    for sigma in [0.1, 0.01, 0.001, 0.0]:
        r = simulate(inputs.noise(mean, sigma * book_rheobase(p), 5 * ms, seed=3), NOISE_DURATION, params=p, dt=DT)
        isi = intervals(r)
        assert len(isi) >= 20
        errors.append(abs(np.mean(isi) / T - 1))
        cvs.append(cv(isi))
    # sigma = 0: a constant current, integrated exactly step by step: every interval is T(I)
    assert errors[-1] < 1e-9 and cvs[-1] < 1e-9, (errors, cvs)
    # small noise: the CV grows in proportion to sigma (a factor 10 per step; at least 3 asked here)
    assert cvs[0] > 3 * cvs[1] > 9 * cvs[2] > 0, cvs
    assert cvs[2] < 0.005 and errors[2] < 0.002, (errors, cvs)
    assert errors[0] > errors[2]


@pytest.mark.parametrize("name", ["neurodynex3", "classic", "slow_membrane"])
def test_noise_makes_the_neuron_fire_below_the_rheobase(name):
    p = SETS[name]
    below = 0.9 * book_rheobase(p)
    assert float(book_rate(below, p)) == 0  # the closed form: silent
    quiet = simulate(inputs.noise(below, 0 * nA, 5 * ms, seed=1), NOISE_DURATION, params=p, dt=DT)
    assert quiet.spike_count == 0
    for seed in (1, 2, 3):
        noisy = simulate(inputs.noise(below, 0.25 * book_rheobase(p), 5 * ms, seed=seed), NOISE_DURATION,
                         params=p, dt=DT)
        assert noisy.spike_count >= 5, (name, seed, noisy.spike_count)


def test_the_cv_falls_as_the_mean_current_rises():
    p = SETS["neurodynex3"]
    cvs = []
    for mean in [1.0, 1.5, 3.0]:
        r = simulate(inputs.noise(mean * book_rheobase(p), 0.25 * book_rheobase(p), 5 * ms, seed=4), NOISE_DURATION,
                     params=p, dt=DT)
        cvs.append(cv(intervals(r)))
    assert cvs[0] > cvs[1] > cvs[2] > 0, cvs


def test_noise_is_reproducible_with_its_seed():
    p = SETS["neurodynex3"]
    make = lambda seed: inputs.noise(1.8 * nA, 0.5 * nA, 5 * ms, seed=seed)  # noqa: E731
    t = np.arange(0, 16000) * DT
    assert np.array_equal(np.asarray(make(7)(t)), np.asarray(make(7)(t)))
    assert not np.array_equal(np.asarray(make(7)(t)), np.asarray(make(8)(t)))
    first, again, other = (simulate(make(s), NOISE_DURATION, params=p, dt=DT) for s in (7, 7, 8))
    assert first.spike_count >= 5
    assert np.array_equal(np.asarray(first.spike_times), np.asarray(again.spike_times))
    assert not np.array_equal(np.asarray(first.spike_times)[:5], np.asarray(other.spike_times)[:5])
