"""FrequencyResponsePanel: gain and phase of the subthreshold membrane against frequency (Bode plot)."""

import numpy as np
from brian2 import Hz, Mohm, nA

from .. import analysis
from ..plotting import BodeAxes
from ..results import FrequencyResponse
from ._base import Panel, format_quantity, preset_name
from ._controls import ControlSpec
from ._prediction import Kind

__all__ = ["FrequencyResponsePanel", "FrequencyResponse"]

F_LOW, F_HIGH = 1.0, 1000.0  # Hz: the plotted band


class FrequencyResponsePanel(Panel):
    """The membrane as a filter: measured gain and phase (on the book's closed forms for the named
    presets).

    The simulation keeps the neuron below threshold (linear regime); the dots are measured. For the
    named presets the lines are ``R / sqrt(1 + (2 pi f tau)^2)`` and ``-atan(2 pi f tau)`` and the
    dashed line marks the cut-off frequency.

    Parameters
    ----------
    params : LIFParams, optional
        The neuron (default neurodynex3's set); single fields can also be given, e.g. ``tau=20*ms``.
    amplitude : Quantity (amp)
        Amplitude of the sinusoidal current, default 0.5 nA.
    count : int
        Number of frequencies, log-spaced from 1 Hz to 1 kHz, default 13; 3 to 40.
    prediction : Quantity or list of points, optional
        Drawn beside the simulation, labelled "your prediction": a gain (a resistance such as
        5*Mohm, or mV/nA), a frequency (e.g. the cut-off, a vertical line), a phase in degrees (a
        plain number such as -45), or points: gains ``[(10*Hz, 9*Mohm), (100*Hz, 2*Mohm)]`` or
        phases ``[(10*Hz, -30), (100*Hz, -80)]`` for frequencies (diamonds).
    predict_at : Quantity array (hertz), optional
        Predict, then see: the frequencies at which the student drags predicted gains (as for
        `FICurvePanel`'s ``predict_at``).
    view, save_dir :
        As for `StepPanel`.

    Examples
    --------
    >>> from brian2 import ms, Hz, Mohm
    >>> panel = FrequencyResponsePanel(tau=20 * ms, count=4, view="image", prediction=[(10 * Hz, 8 * Mohm)])
    >>> panel.prediction_shown
    '(10 Hz, 8 MΩ)'
    >>> panel.closed_forms_shown  # tau = 20 ms is no named preset
    False
    >>> panel.result.predicted_gain is None
    True
    >>> panel.close()
    """

    SPECS = (
        ControlSpec("amplitude", "amplitude", nA, "nA", 0.05, 5.0, 0.05, 0.5, ".2f",
                    example="a current such as 0.5*nA", sign="positive"),
        ControlSpec("count", "number of frequencies", None, "1 Hz–1 kHz", 3, 40, 1, 13, "d",
                    example="a whole number such as 13", bounded=True),
    )
    PREDICTIONS = (
        Kind("gain", "a gain such as 5*Mohm (or mV/nA)", Mohm, "MΩ", where="hline"),
        Kind("frequency", "a frequency such as 50*Hz", Hz, "Hz", where="vline"),
        Kind("phase", "a phase in degrees (a plain number such as -45)", None, "°", where="hline"),
        Kind("gain points", "a list of (frequency, gain) points such as [(10*Hz, 9*Mohm), (100*Hz, 2*Mohm)]",
             Mohm, "MΩ", x_unit=Hz, x_name="Hz", where="points", ask_example="[1, 10, 100, 1000]*Hz"),
        Kind("phase points", "a list of (frequency, phase in degrees) points such as [(10*Hz, -30), (100*Hz, -80)]",
             None, "°", x_unit=Hz, x_name="Hz", where="points"),
    )
    ASK = "gain points"
    ASK_RANGE = (0.0, 20.0)  # MΩ: where the diamonds can be dragged at first (it grows as they near the top)
    title = "Frequency response"
    intro = ("Gain and phase of the membrane voltage for sinusoidal currents from 1 Hz to 1 kHz. "
             "Change tau and watch where the gain starts to fall; R only scales the gain.")
    file_stem = "frequency_response_panel"
    figsize = (7.2, 4.8)
    continuous_update = False

    @classmethod
    def default_frequencies(cls):
        """The frequencies a panel with default controls simulates (for warm-up)."""
        count = {spec.name: spec for spec in cls.SPECS}["count"].value
        return np.logspace(np.log10(F_LOW), np.log10(F_HIGH), count) * Hz

    def _build_figure(self, figure):
        self._bode = BodeAxes(figure, (F_LOW, F_HIGH))
        return self._bode.animated

    def _prediction_axes(self, kind):
        if kind.name == "frequency":
            return [self._bode.ax_gain, self._bode.ax_phase]
        return [self._bode.ax_phase if kind.name.startswith("phase") else self._bode.ax_gain]

    def _compute(self):
        params = self.params()
        frequencies = np.logspace(np.log10(F_LOW), np.log10(F_HIGH), int(self.value("count"))) * Hz
        amplitude = self.value("amplitude")
        gain, phase = analysis.frequency_response(frequencies, amplitude, params=params)
        predicted_gain = predicted_phase = None
        if preset_name(params):  # the closed forms for the named presets only
            predicted_gain = analysis.gain(frequencies, params)
            predicted_phase = np.asarray(analysis.phase(frequencies, params), dtype=float)
        return FrequencyResponse(frequencies, gain, np.asarray(phase, dtype=float), params, amplitude,
                                 predicted_gain, predicted_phase)

    def _draw(self, result):
        p = result.params
        if not self.closed_forms_shown:
            return self._bode.show(result.frequencies, result.gain, result.phase)
        dense = np.logspace(np.log10(F_LOW), np.log10(F_HIGH), 300) * Hz
        book = (dense, analysis.gain(dense, p), np.asarray(analysis.phase(dense, p)))
        return self._bode.show(result.frequencies, result.gain, result.phase, book=book,
                               cutoff=analysis.cutoff_frequency(p))

    def _readouts(self, result):
        p = result.params
        freqs = np.asarray(result.frequencies / Hz)
        gain = np.asarray(result.gain / Mohm)
        if not self.closed_forms_shown:
            rows = [
                ("gain at low frequency", f"{gain[0]:.2f} MΩ at {freqs[0]:g} Hz", ""),
                (f"gain at {freqs[-1]:g} Hz", f"{gain[-1]:.3f} MΩ", ""),
                (f"phase at {freqs[-1]:g} Hz", f"{result.phase[-1]:.1f}°", ""),
            ]
            summary = (
                f"Gain and phase of v for sinusoidal currents of {float(result.amplitude / nA):.2f} nA from "
                f"{freqs[0]:g} Hz to {freqs[-1]:g} Hz ({len(freqs)} simulated frequencies): the gain falls from "
                f"{gain[0]:.2f} MΩ to {gain[-1]:.3f} MΩ and the phase from {result.phase[0]:.1f}° to "
                f"{result.phase[-1]:.1f}°."
            )
            return summary, rows
        cutoff = analysis.cutoff_frequency(p)
        book = np.asarray(result.predicted_gain / Mohm)
        gain_error = float(np.max(np.abs(gain - book) / book))
        phase_error = float(np.max(np.abs(result.phase - result.predicted_phase)))
        at_cutoff_gain = analysis.gain(cutoff, p)
        rows = [
            ("cut-off frequency", "", format_quantity(cutoff, Hz, "Hz", ".1f")),
            ("gain at low frequency (→ R)", f"{gain[0]:.2f} MΩ at {freqs[0]:g} Hz",
             format_quantity(p.R, Mohm, "MΩ")),
            ("gain at the cut-off (R/√2)", "", format_quantity(at_cutoff_gain, Mohm, "MΩ")),
            (f"gain at {freqs[-1]:g} Hz", f"{gain[-1]:.3f} MΩ", f"{book[-1]:.3f} MΩ"),
            (f"phase at {freqs[-1]:g} Hz", f"{result.phase[-1]:.1f}°", f"{result.predicted_phase[-1]:.1f}°"),
            ("largest difference", f"gain {100 * gain_error:.1f} %, phase {phase_error:.1f}°", ""),
        ]
        summary = (
            f"Gain and phase of v for sinusoidal currents of {float(result.amplitude / nA):.2f} nA from "
            f"{freqs[0]:g} Hz to {freqs[-1]:g} Hz ({len(freqs)} simulated frequencies on the book's curves): "
            f"the gain falls from {gain[0]:.2f} MΩ to {gain[-1]:.3f} MΩ and the phase from "
            f"{result.phase[0]:.1f}° to {result.phase[-1]:.1f}°; cut-off {float(cutoff / Hz):.1f} Hz."
        )
        return summary, rows
