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
    assert ax_i.get_ylabel() == "I (nA)"
    assert ax_v.get_ylabel() == "v (mV)"
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


# ------------------------------------------------------------------- bad input, in classic terms
# Issue 8, item 12: the classic functions name their own argument and unit (plain ms, nA, kHz).

TA = TimedArray(np.array([0.0, 2.0, 0.0]) * nA, dt=1 * ms)


@pytest.mark.parametrize("call, error, message", [
    (lambda: lif.LIF_Neuron(TA, "100"), TypeError,
     "simtime must be a time such as 100*ms, got the text '100'."),
    (lambda: lif.LIF_Neuron(TA, 100), TypeError,
     "simtime must be a time such as 100*ms, got 100 (a bare number, without a unit)."),
    (lambda: lif.LIF_Neuron(TA, 1e9 * ms), ValueError,
     "simtime must be at most 1e6 ms (1e7 time steps of 0.1 ms, e.g. simtime=100*ms), got 1e9 ms."),
    (lambda: lif.LIF_Neuron(TA, 0.01 * ms), ValueError,
     "simtime must be at least 0.1 ms (one time step, e.g. simtime=100*ms), got 0.01 ms."),
    (lambda: lif.LIF_Neuron(TimedArray([0, 2, 0] * mV, dt=1 * ms), 100 * ms), TypeError,
     "curr must be a TimedArray of currents such as TimedArray([0, 2, 0]*nA, dt=1*ms), "
     "got a TimedArray of voltages (mV)."),
    (lambda: lif.LIF_Neuron(TimedArray([0, np.nan] * nA, dt=1 * ms), 100 * ms), ValueError,
     "curr must hold finite currents (a TimedArray of currents such as TimedArray([0, 2, 0]*nA, dt=1*ms)), "
     "got [0, nan] nA."),
    (lambda: lif.LIF_Neuron(TimedArray(np.zeros((2, 3)) * nA, dt=1 * ms), 100 * ms), ValueError,
     "curr must be a one-dimensional, non-empty TimedArray (one current per time step, such as "
     "TimedArray([0, 2, 0]*nA, dt=1*ms)), got one of shape (2, 3)."),
    (lambda: lif.LIF_Neuron(TimedArray([0, 2] * nA, dt=1e-6 * ms), 1000 * ms), ValueError,
     "curr's time step dt=1e-6 ms is too fine for simtime=1000 ms: the run would need 1e9 samples, "
     "at most 1e7 (e.g. TimedArray(..., dt=0.1*ms))."),
    (lambda: lif.LIF_Sinus(dt=2, do_plot=False), ValueError,
     "dt must be at most 1 (ms: the classic neuron's membrane time constant; e.g. dt=0.1), got 2."),
    (lambda: lif.LIF_Sinus(dt=0.1 * ms, do_plot=False), TypeError,
     "dt must be a plain number in ms such as dt=0.1 (the classic API takes numbers without units), got 0.1 ms."),
    (lambda: lif.LIF_Step(tend=1e9, do_plot=False), ValueError,
     "tend must be at most 1e6 (ms: 1e7 time steps of 0.1 ms; e.g. tend=100), got 1e9."),
    (lambda: lif.LIF_Sinus(tend=1e7, dt=0.5, do_plot=False), ValueError,
     "tend must be at most 5e6 (ms: 1e7 time steps of 0.5 ms; e.g. tend=100), got 1e7."),
    (lambda: lif.LIF_Step(tend=0.05, do_plot=False), ValueError,
     "tend must be at least 0.1 (ms: one time step; e.g. tend=100), got 0.05."),
    (lambda: lif.LIF_Sinus(I_freq="20", do_plot=False), TypeError,
     "I_freq must be a plain number in kHz such as I_freq=0.1 (100 Hz), got the text '20'."),
    (lambda: lif.LIF_Sinus(I_freq=20, do_plot=False), ValueError,
     "I_freq must be at most 1 (kHz: 10 time steps per period at dt=0.1 ms; e.g. I_freq=0.1 for 100 Hz), got 20."),
    (lambda: lif.LIF_Sinus(I_freq=np.inf, do_plot=False), ValueError,
     "I_freq must be a finite number in kHz such as I_freq=0.1 (100 Hz), got inf."),
    (lambda: lif.LIF_Step(I_amp=1.5 * nA, do_plot=False), TypeError,
     "I_amp must be a plain number in nA such as I_amp=1.005 (the classic API takes numbers without units), "
     "got 1.5 nA."),
    (lambda: lif.LIF_Step(I_tstart=-5, do_plot=False), ValueError,
     "I_tstart must not be negative (a plain number in ms such as I_tstart=20), got -5."),
    (lambda: lif.LIF_Step(I_tstart=70, I_tend=20, do_plot=False), ValueError,
     "I_tend must be after I_tstart (in ms, e.g. I_tstart=20, I_tend=70), got I_tstart=70 and I_tend=20."),
    (lambda: lif.LIF_Step(tend=True, do_plot=False), TypeError,
     "tend must be a plain number in ms such as tend=100, got True."),
    (lambda: lif.plot_data(42), TypeError,
     "rec must be a record from LIF_Neuron, LIF_Step or LIF_Sinus (with t, v and I), got 42 (a bare number, "
     "without a unit)."),
    (lambda: lif.plot_data(lif.LIF_Step(do_plot=False), v_threshold=1 * mV), TypeError,
     "v_threshold must be a plain number in mV such as v_threshold=1 (the classic API takes numbers without "
     "units), got 1 mV."),
])
def test_bad_input_is_one_sentence_in_the_classic_units(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message
    assert type(info.value) is error  # ours, not Brian2's DimensionMismatchError


def test_classic_messages_never_speak_of_the_new_api():
    # The classic functions hand their arguments on to simulate(duration, dt in units); their
    # messages must not send a student of the classic API to arguments they never wrote.
    calls = [lambda: lif.LIF_Neuron(TA, "100"), lambda: lif.LIF_Step(tend=1e9, do_plot=False),
             lambda: lif.LIF_Sinus(dt=2, do_plot=False), lambda: lif.LIF_Sinus(tend=-1, do_plot=False)]
    for call in calls:
        with pytest.raises((TypeError, ValueError)) as info:
            call()
        message = str(info.value)
        for word in ("duration", "duration/dt", "0.1*ms", "kg", "second"):
            assert word not in message, message


def test_limits_accept_what_they_state():
    # Just inside each stated limit the call runs: a short tend of one step, the fastest sinusoid.
    assert len(lif.LIF_Step(tend=0.1, do_plot=False).t) == 1
    rec = lif.LIF_Sinus(I_freq=1, tend=2, do_plot=False)  # 1 kHz: the engine's 10 steps per period
    assert len(rec.t) == 20
    with pytest.raises(ValueError, match=r"^I_freq must be at most 1 "):
        lif.LIF_Sinus(I_freq=1.01, tend=2, do_plot=False)


def test_timedarray_is_held_after_its_end_like_brian2():
    # TimedArray semantics: the last value holds for ever (here 2 nA from 1 ms on).
    rec = lif.LIF_Neuron(TimedArray([0, 2] * nA, dt=1 * ms), 20 * ms)
    assert np.all(rec.I[0][rec.t >= 1 * ms] == 2 * nA)
    # classic neuron (R = 1 MOhm, tau = 1 ms, threshold 1 mV, no t_ref) at 2 nA: ISI = tau ln 2
    isi = np.diff(np.asarray(rec.spike_times / ms))
    assert rec.spike_count > 10
    assert np.all(np.abs(isi - np.log(2)) <= 0.1 + 1e-9)


def test_plot_data_takes_a_simulate_result_too():
    from neurodyn_lab import simulate, inputs

    plt.close("all")
    result = simulate(inputs.step(2 * nA, 1 * ms, 5 * ms), 10 * ms, params=lif.CLASSIC)
    lif.plot_data(result)
    np.testing.assert_allclose(plt.gcf().axes[0].lines[0].get_ydata(), np.asarray(result.v / mV))
    plt.close("all")


def test_warm_up_jobs_cover_the_models_the_classic_functions_build():
    from neurodyn_lab import engine

    jobs = lif.warm_up_jobs()
    assert all(isinstance(label, str) and isinstance(currents, list) and record_v is True
               for label, currents, record_v in jobs)
    # The structure (what fixes Brian2's generated code) of each classic call is one of the jobs'.
    warmed = {engine.structure_of(currents, 0.1, 1e-4, record_v) for _, currents, record_v in jobs}
    records = [lif.LIF_Step(do_plot=False), lif.LIF_Sinus(do_plot=False), lif.LIF_Neuron(TA, 100 * ms),
               lif.LIF_Step(I_amp=3, tend=50, do_plot=False), lif.LIF_Sinus(I_freq=1, dt=0.05, do_plot=False)]
    for rec in records:
        assert engine.structure_of([rec.result.current], 0.1, 1e-4, True) in warmed, rec.result.current
