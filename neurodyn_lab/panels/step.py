"""StepPanel: a step current into the LIF neuron; the simulation and, for the named presets, the
book's predictions side by side."""

import numpy as np
from brian2 import Hz, mV, ms, nA

from .. import analysis, inputs
from ..plotting import TraceAxes
from ..simulation import simulate
from ._base import Panel, format_quantity, trace_label
from ._controls import ControlSpec
from ._prediction import Kind

__all__ = ["StepPanel"]


class StepPanel(Panel):
    """Drive the LIF neuron with a step current and watch v(t) answer.

    Parameters
    ----------
    params : LIFParams, optional
        The neuron's parameters (default neurodynex3's set); single fields can also be given, e.g. ``tau=20*ms``.
    amplitude : Quantity (amp)
        Step height, default 2.5 nA.
    start, end : Quantity (second)
        When the step switches on and off, default 10 ms and 60 ms.
    duration : Quantity (second)
        Simulated time, default 100 ms; 10 ms to 1000 ms (the slider's range).
    prediction : Quantity, optional
        Drawn beside the simulation, labelled "your prediction": a time after the step's onset
        (e.g. of the first spike: a vertical line), a current (e.g. the rheobase: a line on I(t)),
        a voltage (a line on v(t)), or a rate or a number of spikes (written in the readout).
    view : str, optional
        "auto" (default), "ipympl" or "image"; see `neurodyn_lab.panels.set_default_view`.
    save_dir : path, optional
        Where the save buttons write (default: the working directory).

    Examples
    --------
    >>> from brian2 import nA, ms
    >>> panel = StepPanel(amplitude=3 * nA, view="image")
    >>> panel.controls["amplitude"].value = 1.5  # nA: below the rheobase
    >>> panel.result.spike_count
    0
    >>> "rheobase" in panel.readouts  # neurodynex3's set: a named preset, so the closed forms are shown
    True
    >>> panel.controls["tau"].value = 12  # ms: no preset any more, no closed forms
    >>> "rheobase" in panel.readouts
    False
    >>> panel.close()
    """

    SPECS = (
        ControlSpec("amplitude", "step amplitude", nA, "nA", -5.0, 10.0, 0.01, 2.5, ".2f",
                    example="a current such as 2.5*nA"),
        ControlSpec("start", "step start", ms, "ms", 0.0, 500.0, 0.5, 10.0, ".1f", example="a time such as 10*ms",
                    sign="nonnegative"),
        ControlSpec("end", "step end", ms, "ms", 0.0, 1000.0, 0.5, 60.0, ".1f", example="a time such as 60*ms",
                    sign="positive"),
        ControlSpec("duration", "simulated time", ms, "ms", 10.0, 1000.0, 1.0, 100.0, ".0f",
                    example="a time such as 100*ms", bounded=True),
    )
    PREDICTIONS = (
        Kind("time", "a time after the step's onset such as 12*ms", ms, "ms", where="vline"),
        Kind("current", "a current such as 1.5*nA", nA, "nA", where="hline"),
        Kind("voltage", "a voltage such as -55*mV", mV, "mV", where="hline"),
        Kind("rate", "a firing rate such as 40*Hz", Hz, "Hz", where="text"),
        Kind("count", "a number of spikes such as 4", None, "spikes", where="text"),
    )
    title = "Step current"
    intro = ("Drag the amplitude up until spikes appear. Change tau and the time to the first spike "
             "changes. For the named presets the table compares the simulation with the book's formulas.")
    file_stem = "step_panel"

    def _build_figure(self, figure):
        self._traces = TraceAxes(figure, current_line_label="rheobase (book)")
        return self._traces.animated

    def _prediction_axes(self, kind):
        return {"time": [self._traces.ax_v, self._traces.ax_i], "current": [self._traces.ax_i],
                "voltage": [self._traces.ax_v]}.get(kind.name, [])

    def _prediction_shift(self, kind):
        return float(self.value("start") / ms)  # a time is counted from the step's onset

    def _compute(self):
        params = self.params()
        current = inputs.step(self.value("amplitude"), start=self.value("start"), end=self.value("end"))
        return simulate(current, self.value("duration"), params=params)

    def _draw(self, result):
        p = result.params
        reference = analysis.rheobase(p) if self.closed_forms_shown else None
        return self._traces.show(result.t, result.v, result.I, result.spike_times, result.duration,
                                 v_threshold=p.v_threshold, v_rest=p.v_rest, v_reset=p.v_reset,
                                 current_reference=reference)

    def _plot_label(self, result, summary):
        return trace_label(result)

    def _readouts(self, result):
        p = result.params
        amplitude, start, end = self.value("amplitude"), self.value("start"), self.value("end")
        window_end = min(end, result.duration)
        spikes = np.asarray(result.spike_times / ms)
        inside = spikes[(spikes >= float(start / ms)) & (spikes < float(window_end / ms))]
        window = float((window_end - start) / ms)
        first_sim = f"{inside[0] - float(start / ms):.1f} ms" if inside.size else "none"
        if inside.size >= 2:
            rate_sim = f"{1000.0 / np.mean(np.diff(inside)):.1f} Hz"
        else:
            rate_sim = "needs 2 spikes"
        count_rate = f"{1000.0 * inside.size / window:.1f} Hz" if window > 0 else "no step"
        plural = "s" if result.spike_count != 1 else ""
        if not self.closed_forms_shown:  # the student's own neuron: only what the simulation measures
            rows = [
                ("spikes (whole run)", f"{result.spike_count}", ""),
                ("first spike after onset", first_sim, ""),
                ("rate from intervals, 1/ISI", rate_sim, ""),
                ("rate during the step, count/length", count_rate, ""),
            ]
            summary = (f"v(t) above I(t) for a {float(amplitude / nA):.2f} nA step from {float(start / ms):g} to "
                       f"{float(end / ms):g} ms: {result.spike_count} spike{plural}")
            if inside.size:
                summary += f", the first {first_sim} after onset"
            if inside.size >= 2:
                summary += f", {rate_sim} from the intervals"
            return summary + ".", rows

        rheobase = analysis.rheobase(p)
        first_book = analysis.time_to_first_spike(amplitude, p)
        rate_book = analysis.firing_rate(amplitude, p)

        if np.isclose(float(amplitude / nA), float(rheobase / nA), rtol=0, atol=1e-9):
            side = "at"
        else:
            side = "above" if amplitude > rheobase else "below"
        rows = [
            ("spikes (whole run)", f"{result.spike_count}", ""),
            ("rheobase", "", format_quantity(rheobase, nA, "nA")),
            ("first spike after onset", first_sim, format_quantity(first_book, ms, "ms", ".1f")),
            ("rate from intervals, 1/ISI", rate_sim, format_quantity(rate_book, Hz, "Hz", ".1f")),
            ("rate during the step, count/length", count_rate, ""),
        ]
        summary = (
            f"v(t) above I(t) for a {float(amplitude / nA):.2f} nA step from {float(start / ms):g} to "
            f"{float(end / ms):g} ms ({side} the book's rheobase of {float(rheobase / nA):.2f} nA): "
            f"{result.spike_count} spike{'s' if result.spike_count != 1 else ''}"
        )
        if inside.size:
            summary += f", the first {first_sim} after onset (book {format_quantity(first_book, ms, 'ms', '.1f')})"
        if inside.size >= 2:
            summary += f", {rate_sim} from the intervals (book {format_quantity(rate_book, Hz, 'Hz', '.1f')})"
        return summary + ".", rows
