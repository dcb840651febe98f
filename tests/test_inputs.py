"""Input currents: semantics at window edges, sums, reprs."""

import numpy as np
import pytest
from brian2 import Hz, ms, nA, second

from neurodyn_lab import inputs, simulate


def test_step_is_on_for_start_le_t_lt_end():
    I = inputs.step(2 * nA, 10 * ms, 60 * ms)
    values = I(np.array([0, 9.9, 10, 30, 59.9, 60, 90]) * ms) / nA
    np.testing.assert_allclose(values, [0, 0, 2, 2, 2, 0, 0])


def test_sinusoid_formula_and_window():
    I = inputs.sinusoid(1 * nA, 50 * Hz, offset=0.5 * nA, phase=0.3, start=10 * ms, end=50 * ms)
    t = np.array([5, 10, 12.5, 30, 49.9, 50, 70]) * ms
    expected = np.where((t >= 10 * ms) & (t < 50 * ms),
                        0.5 + np.sin(2 * np.pi * 50 * np.asarray((t - 10 * ms) / second) + 0.3), 0)
    np.testing.assert_allclose(I(t) / nA, expected, atol=1e-12)


def test_ramp_goes_linearly_between_its_ends():
    I = inputs.ramp(1 * nA, 3 * nA, 10 * ms, 30 * ms)
    np.testing.assert_allclose(I(np.array([5, 10, 20, 29.99, 30]) * ms) / nA, [0, 1, 2, 2.999, 0], atol=1e-9)


def test_sums_and_builtin_sum():
    a, b = inputs.step(1 * nA, 0 * ms, 10 * ms), inputs.sinusoid(1 * nA, 100 * Hz)
    total = sum([a, b])
    t = np.linspace(0, 20, 11) * ms
    np.testing.assert_allclose(total(t) / nA, (a(t) + b(t)) / nA)
    assert len((a + b + inputs.zero()).components) == 2
    assert repr(a + b) == "step(amplitude=1*nA, start=0*ms, end=10*ms) + sinusoid(amplitude=1*nA, frequency=100*Hz)"


def test_reprs_are_readable():
    assert repr(inputs.ramp(0 * nA, 4 * nA, 0 * ms, 100 * ms)) == \
        "ramp(amplitude_start=0*nA, amplitude_end=4*nA, start=0*ms, end=100*ms)"
    assert repr(inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=3)) == \
        "noise(mean=1*nA, sigma=0.5*nA, tau_noise=5*ms, seed=3)"
    assert repr(inputs.zero()) == "zero()"
    assert "3 values" in repr(inputs.from_array([0, 1, 2] * nA, 1 * ms))


def test_from_array_holds_samples_and_is_zero_after():
    I = inputs.from_array(np.array([0, 1, 2]) * nA, 1 * ms)
    np.testing.assert_allclose(I(np.array([0.5, 1, 1.5, 2.5, 3.5]) * ms) / nA, [0, 1, 1, 2, 0])


def test_step_means_are_exact_averages():
    I = inputs.sinusoid(1 * nA, 1000 * Hz)
    dt = 1e-4
    starts = np.arange(10) * dt
    fine = np.linspace(0, dt, 10001)
    brute = [np.trapezoid(np.asarray(I((s + fine) * second) / nA), fine) / dt for s in starts] \
        if hasattr(np, "trapezoid") else [np.trapz(np.asarray(I((s + fine) * second) / nA), fine) / dt for s in starts]
    np.testing.assert_allclose(I.step_means(starts, dt) / 1e-9, brute, atol=1e-6)


def test_each_kind_writes_its_contract_with_the_engine_once():
    # analytic kinds: their terms use exactly their variables, their values fill them, and idle()
    # adds no current; tabulated kinds give step means instead
    for cls in (inputs.Step, inputs.Sinusoid, inputs.Ramp):
        example, idle = cls.example(), cls.idle()
        text = " ".join(example.terms("p0"))
        assert all(f"p0_{name}" in text for name in cls.variables)
        assert set(example.values()) == set(cls.variables) == set(idle.values())
        assert not cls.tabulated
        np.testing.assert_allclose(idle.step_means(np.arange(10) * 1e-4, 1e-4), 0)
    for current in (inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=1), inputs.from_array([1, 2] * nA, 1 * ms)):
        assert current.tabulated and current.variables is None
    assert not hasattr(inputs.Current, "kind")


def test_pulse_is_a_step_of_charge_over_duration():
    from brian2 import pcoulomb

    I = inputs.pulse(charge=16 * pcoulomb, duration=0.1 * ms, start=10 * ms)
    np.testing.assert_allclose(I(np.array([9.99, 10, 10.05, 10.1]) * ms) / nA, [0, 160, 160, 0], rtol=1e-9)
    assert repr(I) == "pulse(charge=16*pC, duration=0.1*ms, start=10*ms)"
    assert repr(-I) == "pulse(charge=-16*pC, duration=0.1*ms, start=10*ms)"
    same = inputs.pulse(amplitude=160 * nA, duration=0.1 * ms, start=10 * ms)
    assert same.charge == pytest.approx(16e-12)


def test_sums_of_scaled_currents_read_naturally():
    a, b = inputs.step(1 * nA, 0 * ms, 10 * ms), inputs.sinusoid(1 * nA, 100 * Hz)
    assert repr(a - b) == "step(amplitude=1*nA, start=0*ms, end=10*ms) + sinusoid(amplitude=-1*nA, frequency=100*Hz)"
    assert repr(2 * a) == "step(amplitude=2*nA, start=0*ms, end=10*ms)"
    t = np.linspace(0, 20, 41) * ms
    np.testing.assert_allclose((a - b)(t) / nA, (a(t) - b(t)) / nA)


@pytest.mark.parametrize("current", [
    inputs.step(1 * nA, 10 * ms, 20 * ms), inputs.sinusoid(1 * nA, 50 * Hz, offset=0.5 * nA),
    inputs.noise(1 * nA, 0.2 * nA, 5 * ms, seed=3), inputs.from_array(np.array([1.0, 2.0]) * nA, 1 * ms),
    inputs.step(1 * nA, 0 * ms, None) + inputs.ramp(0 * nA, 1 * nA, 0 * ms, 10 * ms),
])
def test_a_current_at_no_times_is_an_empty_current(current):
    """E.g. the current at the spike times of a neuron that stayed silent."""
    silent = simulate(current * 0.001, 20 * ms)
    assert silent.spike_count == 0
    at_spikes = current(silent.spike_times)
    assert at_spikes.shape == (0,) and at_spikes.dim == nA.dim
