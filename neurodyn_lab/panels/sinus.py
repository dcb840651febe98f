"""SinusPanel: a sinusoidal current; gain and phase of the voltage below threshold."""

import numpy as np
from brian2 import Hz, Mohm, mV, ms, nA

from .. import analysis, inputs
from ..plotting import TraceAxes
from ..simulation import simulate
from ._base import Panel, format_quantity, trace_label
from ._controls import ControlSpec
from ._prediction import Kind

__all__ = ["SinusPanel"]


class SinusPanel(Panel):
    """Drive the LIF neuron with ``offset + amplitude sin(2 pi f t + phase)`` and watch v(t).

    While the neuron stays below threshold, the readout shows the measured gain ``|V|/I0`` and
    phase and, for the named presets, the book's ``R / sqrt(1 + (2 pi f tau)^2)`` and ``-atan(2 pi f tau)``.

    Parameters
    ----------
    params : LIFParams, optional
        The neuron (default neurodynex3's set); single fields can also be given, e.g. ``tau=20*ms``.
    amplitude : Quantity (amp)
        Default 1 nA (subthreshold for neurodynex3's default neuron).
    frequency : Quantity (hertz)
        Default 20 Hz (logarithmic slider, 1 Hz to 1 kHz).
    offset : Quantity (amp)
        A constant added to the sinusoid, default 0 nA.
    phase : float
        Phase of the current at t = 0 in degrees (a plain number), default 0.
    duration : Quantity (second)
        Simulated time, default 200 ms; 20 ms to 2000 ms (the slider's range).
    prediction : Quantity, optional
        Drawn beside the simulation, labelled "your prediction": a voltage (e.g. the peak of v: a
        line on v(t)), a current (a line on I(t)), or a gain (a resistance such as 5*Mohm) or
        rate (written in the readout).
    view, save_dir :
        As for `StepPanel`.

    Examples
    --------
    >>> from brian2 import nA, Hz
    >>> panel = SinusPanel(amplitude=0.5 * nA, frequency=300 * Hz, view="image")
    >>> panel.readouts["gain |V|/I0"]  # measured, and the book's closed form
    ('0.66 MΩ', '0.66 MΩ')
    >>> panel.close()
    """

    SPECS = (
        ControlSpec("amplitude", "amplitude", nA, "nA", 0.0, 5.0, 0.01, 1.0, ".2f", example="a current such as 1*nA"),
        ControlSpec("frequency", "frequency", Hz, "Hz", 1.0, 1000.0, 0.01, 20.0, ".1f", log=True,
                    example="a frequency such as 20*Hz"),
        ControlSpec("offset", "offset", nA, "nA", -5.0, 5.0, 0.01, 0.0, ".2f", example="a current such as 0.5*nA"),
        ControlSpec("phase", "phase at t=0", None, "degrees", -180.0, 180.0, 1.0, 0.0, ".0f",
                    example="an angle in degrees (a plain number) such as 90"),
        ControlSpec("duration", "simulated time", ms, "ms", 20.0, 2000.0, 1.0, 200.0, ".0f",
                    example="a time such as 200*ms", bounded=True),
    )
    PREDICTIONS = (
        Kind("voltage", "a voltage such as -60*mV", mV, "mV", where="hline"),
        Kind("current", "a current such as 1.5*nA", nA, "nA", where="hline"),
        Kind("gain", "a gain such as 5*Mohm (or mV/nA)", Mohm, "MΩ", where="text"),
        Kind("rate", "a firing rate such as 40*Hz", Hz, "Hz", where="text"),
    )
    title = "Sinusoidal current"
    intro = ("Change the frequency and watch the voltage's swing and its delay behind the current. "
             "Raise the amplitude or offset and the neuron fires.")
    file_stem = "sinus_panel"

    def _build_figure(self, figure):
        self._traces = TraceAxes(figure)
        return self._traces.animated

    def _prediction_axes(self, kind):
        return {"current": [self._traces.ax_i], "voltage": [self._traces.ax_v]}.get(kind.name, [])

    def _compute(self):
        params = self.params()
        current = inputs.sinusoid(
            self.value("amplitude"), self.value("frequency"), offset=self.value("offset"),
            phase=float(np.radians(self.value("phase"))),
        )
        return simulate(current, self.value("duration"), params=params)

    def _draw(self, result):
        p = result.params
        return self._traces.show(result.t, result.v, result.I, result.spike_times, result.duration,
                                 v_threshold=p.v_threshold, v_rest=p.v_rest, v_reset=p.v_reset)

    def _plot_label(self, result, summary):
        return trace_label(result)

    def _readouts(self, result):
        p = result.params
        amplitude, frequency = self.value("amplitude"), self.value("frequency")
        peak = float((np.max(result.v) - p.v_rest) / mV)
        book = self.closed_forms_shown  # closed forms for the named presets only
        gain_sim = phase_sim = None
        note = ""
        if result.spike_count:
            note = "not measured: the neuron fired, so it is not a linear filter here"
        elif float(amplitude / nA) == 0:
            note = "not measured: the amplitude is zero"
        else:
            try:
                gain_sim, phase_sim = analysis.measure_gain_phase(result, frequency, amplitude)
            except ValueError as exc:  # too short to reach the steady state: say so, not an error
                note = f"not measured: {exc}"
        gain_text = format_quantity(gain_sim, Mohm, "MΩ") if gain_sim is not None else "—"
        phase_text = f"{phase_sim:.1f}°" if phase_sim is not None else "—"
        if book:
            gain_book = analysis.gain(frequency, p)
            phase_book = analysis.phase(frequency, p)
            cutoff = analysis.cutoff_frequency(p)
            rows = [
                ("spikes", f"{result.spike_count}", ""),
                ("peak depolarisation, max v − v_rest", f"{peak:.2f} mV", ""),
                ("gain |V|/I0", gain_text, format_quantity(gain_book, Mohm, "MΩ")),
                ("phase of v behind I", phase_text, f"{phase_book:.1f}°"),
                ("cut-off frequency", "", format_quantity(cutoff, Hz, "Hz", ".1f")),
            ]
        else:
            rows = [
                ("spikes", f"{result.spike_count}", ""),
                ("peak depolarisation, max v − v_rest", f"{peak:.2f} mV", ""),
                ("gain |V|/I0", gain_text, ""),
                ("phase of v behind I", phase_text, ""),
            ]
        if note:
            rows.append(("note", note, ""))
        summary = (
            f"v(t) above I(t) for a {float(amplitude / nA):.2f} nA sinusoid at {float(frequency / Hz):.1f} Hz "
            f"(offset {float(self.value('offset') / nA):.2f} nA): peak depolarisation {peak:.2f} mV, "
            f"{result.spike_count} spike{'s' if result.spike_count != 1 else ''}"
        )
        if gain_sim is not None:
            if book:
                summary += (
                    f"; gain {float(gain_sim / Mohm):.2f} MΩ (book {float(gain_book / Mohm):.2f} MΩ), "
                    f"phase {phase_sim:.1f}° (book {phase_book:.1f}°)"
                )
            else:
                summary += f"; gain {float(gain_sim / Mohm):.2f} MΩ, phase {phase_sim:.1f}°"
        return summary + ".", rows
