"""Questions of notebook 00 getting started: the classic neuron (LIF_Step), a prediction before the
step is shown, and the step's voltage trace drawn with the closed-form charging curve."""

import numpy as np
from brian2 import amp

from ... import analysis
from ...parameters import LIFParams
from ..figures import Axis, Curve
from ..framework import CountQuestion, FigureQuestion, Plot, PredictionQuestion, QuantityQuestion, Tolerance

__all__ = ["QUESTIONS", "STEP_START_00"]

#: Where LIF_Step's step starts and ends (its defaults, ms) and how long the record lasts.
STEP_START_00, STEP_END_00, RECORD_END_00 = 20.0, 70.0, 100.0


def _classic_step(amplitude):
    # The classic LIF_Step(I_amp=amplitude): its times (s), voltages (V) and spike count. Simulated
    # on each call, no cache: 12 ms a call (2026-12-03, load average 7 on 2 cores), a few calls a check.
    from ... import lif

    rec = lif.LIF_Step(I_amp=amplitude, do_plot=False)
    return np.asarray(rec.t, dtype=float), np.asarray(rec.v[0], dtype=float), int(rec.spike_count)


def _classic_step_spike_count(amplitude):
    return _classic_step(amplitude)[2]


def _trace(variant):
    """The student's step trace as a function of time (SI), NaN outside the record."""
    t, v, _ = _classic_step(variant.classic_amplitude)
    return lambda x: np.interp(x, t, v, left=np.nan, right=np.nan)


def _charging(variant):
    """The closed-form charging curve from the step's start: v_rest + R I (1 - exp(-(t - t0)/tau))."""
    p = LIFParams.classic()
    drive = float(p.R * variant.classic_amplitude * 1e-9 * amp)
    t0, tau, v_rest = STEP_START_00 * 1e-3, float(p.tau), float(p.v_rest)
    return lambda x: np.where(np.asarray(x) >= t0, v_rest + drive * (1 - np.exp(-(np.asarray(x) - t0) / tau)),
                              np.nan)


def _until_first_spike(variant):
    """From the step's start to the first spike, t0 + tau ln(R I / (R I - (v_th - v_rest))), or to
    the step's end without one (seconds)."""
    p = LIFParams.classic()
    drive = float(p.R * variant.classic_amplitude * 1e-9 * amp)
    gap = float(p.v_threshold - p.v_rest)
    t0 = STEP_START_00 * 1e-3
    end = t0 + float(p.tau) * np.log(drive / (drive - gap)) if drive > gap else STEP_END_00 * 1e-3
    return t0, min(end, STEP_END_00 * 1e-3)


#: The notebook's questions, in order.
QUESTIONS = [
    QuantityQuestion(
        id="00.classic_rheobase", title="rheobase of the classic neuron",
        expected=lambda v: analysis.rheobase(LIFParams.classic()), unit=amp, example="a current, e.g. 0.5*nA",
        # LIF_Step's default, 1.005 nA, fires: +-1 % would pass it without finding the threshold.
        tolerance=Tolerance(rel=0.002),
        hint="the rheobase is the constant current whose steady state v_rest + R·I just reaches the "
             "threshold; use the classic parameters (LIFParams.classic()), or try LIF_Step with amplitudes "
             "around your guess.",
    ),
    PredictionQuestion(
        id="00.predict_step_spikes", title="your prediction of your step's spike count",
        about="00.classic_step_spikes", count=True, example="your guess, a whole number, e.g. 7",
        plausible=(0, 10_000),
    ),
    CountQuestion(
        id="00.classic_step_spikes", title="spike count of your LIF_Step",
        expected=lambda v: _classic_step_spike_count(v.classic_amplitude), example="a whole number, e.g. 4",
        hint="run rec = LIF_Step(I_amp=me.classic_amplitude) with the other arguments at their defaults and "
             "look at rec.spike_count.",
    ),
    FigureQuestion(
        id="00.step_trace_plot", title="your step's trace with the charging curve",
        plots=(Plot(Axis("time", "linear"), Axis("voltage", "linear"), curves=(
            Curve("your step's voltage trace", follows=_trace, rel=0.02, abs=2e-5, cover=0.5,
                  domain=lambda v: (0.0, RECORD_END_00 * 1e-3), kinds=("line",),
                  missing="plot rec.t against rec.v[0] of rec = LIF_Step(I_amp=me.classic_amplitude, do_plot=False), "
                          "in the units your axis labels name (e.g. rec.t / ms and rec.v[0] / mV)."),
            Curve("the closed-form charging curve", follows=_charging, rel=0.02, abs=2e-5, cover=0.8,
                  domain=_until_first_spike, kinds=("line",),
                  missing="compute v(t) = v_rest + R·I·(1 − exp(−(t − 20 ms)/τ)) with NumPy for t from the step's "
                          "start to the first spike and plot it as a second line."),
        )),),
        hint="draw the trace and the closed-form curve on one axes with labelled axes.",
    ),
]
