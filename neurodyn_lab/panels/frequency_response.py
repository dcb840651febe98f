"""FrequencyResponsePanel: gain and phase of the subthreshold membrane against frequency (Bode plot)."""

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Mohm, Quantity, nA

from .. import analysis
from ..parameters import LIFParams
from ._base import Panel, format_quantity, stable_limits, write_table
from ._controls import ControlSpec

__all__ = ["FrequencyResponsePanel", "FrequencyResponse"]

F_LOW, F_HIGH = 1.0, 1000.0  # Hz: the plotted band


@dataclass(frozen=True)
class FrequencyResponse:
    """What a FrequencyResponsePanel computed: measured and predicted gain and phase per frequency."""

    frequencies: Quantity
    gain: Quantity
    phase: np.ndarray
    predicted_gain: Quantity
    predicted_phase: np.ndarray
    params: LIFParams
    amplitude: Quantity

    def to_csv(self, path):
        """Write f [Hz], gain [MOhm] and phase [degrees], measured and predicted, to a new file."""
        columns = (
            np.asarray(self.frequencies / Hz), np.asarray(self.gain / Mohm), np.asarray(self.phase),
            np.asarray(self.predicted_gain / Mohm), np.asarray(self.predicted_phase),
        )
        return write_table(
            path,
            [f"neurodyn_lab frequency response; {self.params!r}; amplitude {float(self.amplitude / nA):g} nA"],
            ["f_Hz", "gain_Mohm", "phase_deg", "predicted_gain_Mohm", "predicted_phase_deg"],
            ([float(x) for x in row] for row in zip(*columns)),
        )


class FrequencyResponsePanel(Panel):
    """The membrane as a low-pass filter: measured gain and phase on the book's closed forms.

    The simulation keeps the neuron below threshold (linear regime); the dots are measured, the
    lines are ``R / sqrt(1 + (2 pi f tau)^2)`` and ``-atan(2 pi f tau)``; the dashed line marks the
    cut-off frequency ``1 / (2 pi tau)``.

    Parameters
    ----------
    params : LIFParams, optional
        The neuron (default the book's); single fields can also be given, e.g. ``tau=20*ms``.
    amplitude : Quantity (amp)
        Amplitude of the sinusoidal current, default 0.5 nA.
    count : int
        Number of frequencies, log-spaced from 1 Hz to 1 kHz, default 13.
    view, save_dir :
        As for `StepPanel`.

    Examples
    --------
    >>> from brian2 import ms
    >>> panel = FrequencyResponsePanel(tau=20 * ms)  # doctest: +SKIP
    """

    SPECS = (
        ControlSpec("amplitude", "amplitude", nA, "nA", 0.05, 5.0, 0.05, 0.5, ".2f",
                    example="a current such as 0.5*nA"),
        ControlSpec("count", "number of frequencies", None, "1 Hz–1 kHz", 3, 40, 1, 13, "d",
                    example="a whole number such as 13"),
    )
    title = "Frequency response"
    intro = ("Gain and phase of the membrane voltage for sinusoidal currents from 1 Hz to 1 kHz. "
             "Change tau and watch the cut-off frequency move; R only scales the gain.")
    file_stem = "frequency_response_panel"
    figsize = (7.2, 4.8)
    continuous_update = False

    def _build_figure(self, figure):
        figure.subplots_adjust(left=0.12, right=0.97, top=0.9, bottom=0.11, hspace=0.12)
        self._ax_gain = figure.add_subplot(2, 1, 1)
        self._ax_phase = figure.add_subplot(2, 1, 2, sharex=self._ax_gain)
        (self._gain_line,) = self._ax_gain.plot([], [], color="tab:orange", lw=2, label="book")
        (self._gain_points,) = self._ax_gain.plot([], [], ls="none", marker="o", ms=5, color="tab:blue",
                                                  label="simulated")
        (self._phase_line,) = self._ax_phase.plot([], [], color="tab:orange", lw=2)
        (self._phase_points,) = self._ax_phase.plot([], [], ls="none", marker="o", ms=5, color="tab:blue")
        self._cut_gain = self._ax_gain.axvline(1, color="tab:purple", ls="--", lw=1, label="cut-off 1/(2π tau)")
        self._cut_phase = self._ax_phase.axvline(1, color="tab:purple", ls="--", lw=1)
        self._ax_gain.set_xscale("log")
        self._ax_gain.set_xlim(F_LOW, F_HIGH)
        self._ax_gain.set_ylabel("gain |V|/I0 (MΩ)")
        self._ax_gain.tick_params(labelbottom=False)
        self._ax_gain.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False, fontsize="small",
                             borderaxespad=0.2)
        self._ax_phase.set_ylim(-95, 5)
        self._ax_phase.set_yticks([-90, -45, 0])
        self._ax_phase.set_ylabel("phase (degrees)")
        self._ax_phase.set_xlabel("frequency (Hz)")
        for ax in (self._ax_gain, self._ax_phase):
            ax.grid(True, which="both", lw=0.4, alpha=0.5)
        self._gain_limits = None
        return [self._gain_line, self._gain_points, self._phase_line, self._phase_points,
                self._cut_gain, self._cut_phase]

    def _compute(self):
        params = self.params()
        frequencies = np.logspace(np.log10(F_LOW), np.log10(F_HIGH), int(self.value("count"))) * Hz
        amplitude = self.value("amplitude")
        gain, phase = analysis.frequency_response(frequencies, amplitude, params=params)
        return FrequencyResponse(
            frequencies, gain, np.asarray(phase, dtype=float),
            analysis.gain(frequencies, params), np.asarray(analysis.phase(frequencies, params), dtype=float),
            params, amplitude,
        )

    def _draw(self, result):
        p = result.params
        dense = np.logspace(np.log10(F_LOW), np.log10(F_HIGH), 300)
        book_gain = np.asarray(analysis.gain(dense * Hz, p) / Mohm)
        self._gain_line.set_data(dense, book_gain)
        self._phase_line.set_data(dense, np.asarray(analysis.phase(dense * Hz, p)))
        freqs = np.asarray(result.frequencies / Hz)
        gain = np.asarray(result.gain / Mohm)
        self._gain_points.set_data(freqs, gain)
        self._phase_points.set_data(freqs, result.phase)
        cutoff = float(analysis.cutoff_frequency(p) / Hz)
        for line in (self._cut_gain, self._cut_phase):
            line.set_xdata([cutoff, cutoff])
            line.set_visible(bool(F_LOW <= cutoff <= F_HIGH))
        self._gain_limits = stable_limits(self._gain_limits, 0.0, max(float(book_gain.max()), float(gain.max())),
                                          pad=0.04)
        self._ax_gain.set_ylim(0.0, self._gain_limits[1])

    def _readouts(self, result):
        p = result.params
        cutoff = analysis.cutoff_frequency(p)
        freqs = np.asarray(result.frequencies / Hz)
        gain = np.asarray(result.gain / Mohm)
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

    def _write_data(self, result, path):
        result.to_csv(path)
