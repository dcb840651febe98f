"""The classic API (LIF_Neuron, LIF_Step, LIF_Sinus, plot_data) on the classic neuron."""

import inspect

import matplotlib.pyplot as plt
import numpy as np
import pytest
from brian2 import TimedArray, mV, ms, nA

from neurodyn_lab import lif


def test_signatures_and_defaults_are_the_original_ones():
    sig = {name: str(inspect.signature(getattr(lif, name))) for name in
           ("LIF_Neuron", "LIF_Step", "LIF_Sinus", "plot_data")}
    assert sig["LIF_Neuron"] == "(curr, simtime)"
    assert sig["LIF_Step"] == "(I_tstart=20, I_tend=70, I_amp=1.005, tend=100, do_plot=True)"
    assert sig["LIF_Sinus"] == "(I_freq=0.1, I_offset=0.5, I_amp=0.5, tend=100, dt=0.1, do_plot=True)"
    assert sig["plot_data"] == "(rec, v_threshold=1.0, title=None)"


def test_default_step_fires_just_above_rheobase():
    rec = lif.LIF_Step(do_plot=False)
    assert rec.spike_count > 0
    # classic neuron: T1 = tau ln(R I / (R I - theta)) = 1 ms * ln(1.005 / 0.005) after 20 ms
    expected = 20 * ms + 1 * ms * np.log(1.005 / 0.005)
    assert expected - 0.1 * ms <= rec.spike_times[0] <= expected
    assert np.all(rec.spike_times < 70 * ms + 0.1 * ms)


def test_step_below_rheobase_is_silent():
    rec = lif.LIF_Step(I_amp=0.999, do_plot=False)
    assert rec.spike_count == 0
    # v approaches R I = 0.999 mV
    assert float(rec.v[0].max() / mV) == pytest.approx(0.999, abs=0.001)


def test_record_is_shaped_like_a_statemonitor():
    rec = lif.LIF_Step(do_plot=False)
    assert rec.t.shape == (1000,)
    assert rec.v.shape == (1, 1000) and rec.I.shape == (1, 1000)
    assert rec.I[0][500] == 1.005 * nA and rec.I[0][100] == 0 * nA
    assert rec.t[1] - rec.t[0] == 0.1 * ms


def test_repeated_calls_while_records_are_referenced():
    records = [lif.LIF_Step(I_amp=1.0 + 0.1 * k, do_plot=False) for k in range(5)]
    counts = [r.spike_count for r in records]
    assert counts == sorted(counts) and counts[-1] > counts[0]
    assert all(r.v.shape == (1, 1000) for r in records)


def test_sinus_defaults_subthreshold_and_strong_sinus_fires():
    rec = lif.LIF_Sinus(do_plot=False)
    assert rec.spike_count == 0  # offset 0.5 + amplitude 0.5 nA never exceeds 1 nA
    assert len(rec.t) == 1000
    strong = lif.LIF_Sinus(I_offset=1.0, I_amp=1.0, do_plot=False)
    assert strong.spike_count > 0
    coarse = lif.LIF_Sinus(dt=0.5, do_plot=False)
    assert len(coarse.t) == 200


def test_lif_neuron_takes_a_timedarray():
    curr = TimedArray(np.r_[np.zeros(10), 2 * np.ones(40), np.zeros(50)] * nA, dt=1 * ms)
    rec = lif.LIF_Neuron(curr, 100 * ms)
    assert rec.spike_count > 0
    assert np.all((rec.spike_times >= 10 * ms) & (rec.spike_times < 50 * ms + 0.1 * ms))


def test_plot_data_labels_and_explicit_axes():
    plt.close("all")
    rec = lif.LIF_Step(do_plot=False)
    lif.plot_data(rec, title="Step current")
    fig = plt.gcf()
    ax_v, ax_i = fig.axes
    assert ax_i.get_ylabel() == "I [nA]"
    assert ax_v.get_ylabel() == "v [mV]"
    assert ax_v.get_title() == "Step current"
    np.testing.assert_allclose(ax_v.lines[0].get_ydata(), np.asarray(rec.v[0] / mV))
    assert ax_v.lines[1].get_ydata()[0] == 1.0  # threshold line at 1 mV
    plt.close("all")


def test_do_plot_makes_one_figure_per_call():
    plt.close("all")
    lif.LIF_Step()
    lif.LIF_Sinus()
    assert len(plt.get_fignums()) == 2
    plt.close("all")
