"""LIFResult: fields, plot, CSV without overwriting."""

import numpy as np
import pytest
from brian2 import mV, ms, nA, second
from matplotlib.figure import Figure

from neurodyn_lab import LIFParams, inputs, simulate


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
    np.testing.assert_allclose(ax_v.lines[0].get_ydata(), np.asarray(result.v / mV))
    assert ax_v.lines[1].get_ydata()[0] == pytest.approx(-50)  # threshold line
    np.testing.assert_allclose(ax_v.lines[2].get_xdata(), np.asarray(result.spike_times / ms))
    assert ax_i.get_ylabel() == "I [nA]"


def test_to_csv_writes_and_never_overwrites(result, tmp_path):
    path = tmp_path / "run.csv"
    result.to_csv(path)
    data = np.loadtxt(path, delimiter=",", comments="#")
    np.testing.assert_allclose(data[:, 0], np.asarray(result.t / ms), atol=1e-4)
    np.testing.assert_allclose(data[:, 1], np.asarray(result.v / mV), atol=1e-5)
    assert data[:, 3].sum() == result.spike_count
    text = path.read_text()
    assert "spike_times_ms: " in text
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        result.to_csv(path)
    assert path.read_bytes() == before
