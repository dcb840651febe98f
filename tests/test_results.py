"""Results (neurodyn_lab.results): fields, v_at, plot with axis limits, CSV without overwriting."""

import os

import numpy as np
import pytest
from brian2 import Hz, Mohm, mV, ms, nA, second
from matplotlib.figure import Figure

from neurodyn_lab import LIFParams, analysis, inputs, plotting, simulate
from neurodyn_lab.results import FICurve, FrequencyResponse, LIFResult, Recording


@pytest.fixture(scope="module")
def result():
    return simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)


def test_fields_have_units_and_agree(result):
    assert result.t.dim == second.dim and result.v.dim == mV.dim and result.I.dim == nA.dim
    assert len(result.t) == len(result.v) == len(result.I) == 1000
    assert result.spike_count == len(result.spike_times) > 0
    assert result.firing_rate == result.spike_count / (100 * ms)
    assert result.params == LIFParams()
    np.testing.assert_array_equal(result.I, result.current(result.t))
    assert f"{result.spike_count} spikes" in repr(result)


def test_plot_uses_explicit_figure_and_no_pyplot_state(result):
    import matplotlib.pyplot as plt

    plt.close("all")
    fig = result.plot()
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []
    ax_v, ax_i = fig.axes
    lines = {line.get_label(): line for line in ax_v.lines}
    np.testing.assert_allclose(lines["v(t)"].get_ydata(), np.asarray(result.v / mV))
    assert lines["threshold"].get_ydata()[0] == pytest.approx(-50)
    np.testing.assert_allclose(lines["spikes"].get_xdata(), np.asarray(result.spike_times / ms))
    assert ax_i.get_ylabel() == "I (nA)"
    # The one colour scheme (the panels draw with the same TraceAxes).
    assert lines["v(t)"].get_color() == plotting.COLORS["voltage"]
    assert ax_i.lines[0].get_color() == plotting.COLORS["current"]


def test_to_csv_writes_and_never_overwrites(result, tmp_path):
    path = tmp_path / "run.csv"
    result.to_csv(path)
    data = np.loadtxt(path, delimiter=",", comments="#", skiprows=3)
    assert path.read_text().splitlines()[2] == "t_ms,v_mV,I_nA,spike"
    np.testing.assert_allclose(data[:, 0], np.asarray(result.t / ms), atol=1e-4)
    np.testing.assert_allclose(data[:, 1], np.asarray(result.v / mV), atol=1e-5)
    assert data[:, 3].sum() == result.spike_count
    text = path.read_text()
    assert "spike_times_ms: " in text
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        result.to_csv(path)
    assert path.read_bytes() == before


def test_old_import_paths_still_work():
    from neurodyn_lab import simulation
    from neurodyn_lab.panels import FICurvePanel, fi_curve, frequency_response

    assert simulation.LIFResult is LIFResult and simulation.Recording is Recording
    assert fi_curve.FICurve is FICurve and frequency_response.FrequencyResponse is FrequencyResponse
    assert FICurvePanel is not None


def test_v_at_interpolates_and_matches_the_book(result):
    # Before the step: at rest. During a long subthreshold step: the book's charging curve.
    assert float(result.v_at(5 * ms) / mV) == pytest.approx(-70)
    r = simulate(inputs.step(1 * nA, 0 * ms, None), 100 * ms)
    for t in (8, 16, 40):
        book = -70 + 10 * (1 - np.exp(-t / 8))
        assert float(r.v_at(t * ms) / mV) == pytest.approx(book, abs=0.05)
    half = float(r.v_at(0.05 * ms) / mV)  # halfway between the first two samples
    assert half == pytest.approx(float((r.v[0] + r.v[1]) / 2 / mV))
    many = r.v_at(np.array([8, 16]) * ms)
    assert many.dim == mV.dim and many.shape == (2,)


@pytest.mark.parametrize("t, message", [
    (150 * ms, "t must be within the recorded run, 0 ms to 99.9 ms (e.g. t=20*ms), got 150 ms"),
    (-1 * ms, "t must be within the recorded run, 0 ms to 99.9 ms (e.g. t=20*ms), got -1 ms"),
    (20, "t must be a time such as 20*ms, got 20 (a bare number, without a unit)."),
    (20 * mV, "t must be a time such as 20*ms, got 20 mV (a voltage)."),
])
def test_v_at_outside_the_run_is_one_sentence(result, t, message):
    with pytest.raises((TypeError, ValueError)) as info:
        result.v_at(t)
    assert str(info.value) == message


def test_plot_takes_axis_limits_with_units(result):
    fig = result.plot(xlim=(10 * ms, 30 * ms), ylim=(-72 * mV, -40 * mV))
    assert fig.axes[0].get_xlim() == (10.0, 30.0) and fig.axes[0].get_ylim() == (-72.0, -40.0)
    with pytest.raises(TypeError, match="xlim must be two times such as \\(10\\*ms, 40\\*ms\\), got 10"):
        result.plot(xlim=(10, 30))
    with pytest.raises(ValueError, match="xlim must go from low to high"):
        result.plot(xlim=(30 * ms, 10 * ms))
    with pytest.raises(TypeError, match="ylim must be two voltages"):
        result.plot(ylim=(-70 * mV,))


def test_a_recording_without_parameters_plots_without_threshold(result):
    # What a mystery neuron's result is: no parameters, so no threshold line to give it away.
    recording = Recording(result.t, result.v, result.I, result.spike_times, result.current, result.duration,
                          result.dt)
    fig = recording.plot()
    lines = {line.get_label(): line for line in fig.axes[0].lines}
    assert not lines["threshold"].get_visible() and not np.isfinite(lines["threshold"].get_ydata()).any()
    assert "threshold" not in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_fi_curve_and_frequency_response_save_and_plot(tmp_path):
    currents = np.linspace(0, 6, 7) * nA
    p = LIFParams()
    curve = FICurve(currents, analysis.fi_curve(currents, p, duration=200 * ms), p, 200 * ms)
    path = curve.to_csv(tmp_path / "fi.csv")
    rows = np.loadtxt(path, delimiter=",", skiprows=2)
    np.testing.assert_allclose(rows[:, 0], np.asarray(currents / nA))
    with pytest.raises(FileExistsError):
        curve.to_csv(path)
    assert isinstance(curve.plot(), Figure)

    f = np.array([10, 100]) * Hz
    gain, phase = analysis.frequency_response(f, 0.5 * nA, p)
    response = FrequencyResponse(f, gain, phase, p, 0.5 * nA, analysis.gain(f, p), analysis.phase(f, p))
    path = response.to_csv(tmp_path / "fr.csv")
    assert path.read_text().splitlines()[1] == "f_Hz,gain_Mohm,phase_deg,predicted_gain_Mohm,predicted_phase_deg"
    os.symlink("/nowhere.csv", tmp_path / "link.csv")
    with pytest.raises(FileExistsError):  # a dangling link is not written through
        response.to_csv(tmp_path / "link.csv")
    assert not os.path.exists("/nowhere.csv")
    fig = response.plot()
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), np.asarray(gain / Mohm))
