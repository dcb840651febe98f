"""FICurvePanel: firing rate against constant current, simulated (one vectorised run) and in closed form."""

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, ms, nA, second

from .. import analysis
from ..parameters import LIFParams
from ._base import Panel, format_quantity, stable_limits, write_table
from ._controls import ControlSpec

__all__ = ["FICurvePanel", "FICurve"]


@dataclass(frozen=True)
class FICurve:
    """What an FICurvePanel computed: simulated and predicted rates at each current."""

    currents: Quantity
    rates: Quantity
    predicted: Quantity
    params: LIFParams
    duration: Quantity

    def to_csv(self, path):
        """Write I [nA], simulated and predicted rate [Hz] to a new file `path`."""
        rows = zip(np.asarray(self.currents / nA), np.asarray(self.rates / Hz), np.asarray(self.predicted / Hz))
        return write_table(
            path,
            [f"neurodyn_lab f-I curve; {self.params!r}; duration {float(self.duration / ms):g} ms"],
            ["I_nA", "rate_Hz", "predicted_rate_Hz"],
            ([float(a), float(b), float(c)] for a, b, c in rows),
        )


class FICurvePanel(Panel):
    """The f-I curve: simulated firing rate per constant current, on the book's closed form.

    Parameters
    ----------
    params : LIFParams, optional
        The neuron (default the book's); single fields can also be given, e.g. ``t_ref=5*ms``.
    current_min, current_max : Quantity (amp)
        The current range, default 0 to 8 nA.
    count : int
        Number of currents (one neuron each, all in one run), default 81.
    duration : Quantity (second)
        Simulated time per current, default 500 ms.
    view, save_dir :
        As for `StepPanel`.

    Examples
    --------
    >>> from brian2 import nA
    >>> panel = FICurvePanel(current_max=10 * nA, count=201)  # doctest: +SKIP
    >>> panel.result.rates.max()  # doctest: +SKIP
    """

    SPECS = (
        ControlSpec("current_min", "lowest current", nA, "nA", -2.0, 20.0, 0.1, 0.0, ".1f",
                    example="a current such as 0*nA"),
        ControlSpec("current_max", "highest current", nA, "nA", 0.1, 50.0, 0.1, 8.0, ".1f",
                    example="a current such as 8*nA"),
        ControlSpec("count", "number of currents", None, "points", 2, 201, 1, 81, "d",
                    example="a whole number such as 81"),
        ControlSpec("duration", "simulated time", ms, "ms", 50.0, 2000.0, 10.0, 500.0, ".0f",
                    example="a time such as 500*ms"),
    )
    title = "f–I curve"
    intro = ("Each dot is one simulated neuron held at a constant current; the line is the book's formula. "
             "Below the rheobase nothing fires; for large currents the refractory period caps the rate.")
    file_stem = "fi_panel"
    figsize = (7.2, 4.2)
    # One update simulates every current: update when a slider is released, not while it moves.
    continuous_update = False

    def _build_figure(self, figure):
        figure.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.13)
        ax = self._ax = figure.add_subplot()
        (self._book_line,) = ax.plot([], [], color="tab:orange", lw=2, label="book: 1/T(I)")
        (self._points,) = ax.plot([], [], ls="none", marker="o", ms=3.5, color="tab:blue", label="simulated")
        self._rheobase = ax.axvline(0, color="tab:purple", ls="--", lw=1, label="rheobase (book)")
        self._cap = ax.axhline(0, color="0.5", ls=":", lw=1, label="1/t_ref")
        ax.set_xlabel("constant current I (nA)")
        ax.set_ylabel("firing rate (Hz)")
        ax.grid(True, lw=0.4, alpha=0.5)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, frameon=False, fontsize="small",
                  borderaxespad=0.2)
        self._y_limits = None
        return [self._book_line, self._points, self._rheobase, self._cap]

    def _compute(self):
        params = self.params()
        low, high = self.value("current_min"), self.value("current_max")
        if not high > low:
            raise ValueError(
                f"the highest current must be above the lowest (e.g. 0 to 8 nA), got {float(low / nA):g} nA "
                f"to {float(high / nA):g} nA"
            )
        currents = np.linspace(float(low / nA), float(high / nA), int(self.value("count"))) * nA
        duration = self.value("duration")
        rates = analysis.fi_curve(currents, params=params, duration=duration)
        return FICurve(currents, rates, analysis.firing_rate(currents, params), params, duration)

    def _draw(self, result):
        p = result.params
        currents = np.asarray(result.currents / nA)
        dense = np.linspace(currents[0], currents[-1], 400)
        book = np.asarray(analysis.firing_rate(dense * nA, p) / Hz)
        rates = np.asarray(result.rates / Hz)
        self._book_line.set_data(dense, book)
        self._points.set_data(currents, rates)
        rheobase = float(analysis.rheobase(p) / nA)
        self._rheobase.set_xdata([rheobase, rheobase])
        self._rheobase.set_visible(bool(currents[0] <= rheobase <= currents[-1]))
        top = max(float(np.nanmax(rates)), float(np.nanmax(book)), 1.0)
        # The rate tends to 1/t_ref for large currents: show that ceiling unless it is far off.
        cap = float(1 / p.t_ref / Hz) if float(p.t_ref) > 0 else np.inf
        self._cap.set_ydata([cap, cap] if np.isfinite(cap) else [0, 0])
        self._cap.set_visible(bool(cap < 3 * top))
        if cap < 3 * top:
            top = max(top, cap)
        self._ax.set_xlim(currents[0], currents[-1])
        self._y_limits = stable_limits(self._y_limits, 0.0, top)
        self._ax.set_ylim(0.0, self._y_limits[1])  # rates are never negative

    def _readouts(self, result):
        p = result.params
        currents = np.asarray(result.currents / nA)
        rates = np.asarray(result.rates / Hz)
        predicted = np.asarray(result.predicted / Hz)
        rheobase = analysis.rheobase(p)
        firing = currents[rates > 0]
        first_firing = f"{firing[0]:.2f} nA" if firing.size else "none in range"
        worst = float(np.max(np.abs(rates - predicted)))
        resolution = float(1 / result.duration / Hz)
        rows = [
            ("rheobase (first current that fires)", first_firing, format_quantity(rheobase, nA, "nA")),
            (f"rate at {currents[-1]:.1f} nA", f"{rates[-1]:.1f} Hz", f"{predicted[-1]:.1f} Hz"),
            ("largest difference", f"{worst:.1f} Hz", ""),
            ("limit 1/t_ref", "", f"{1 / float(p.t_ref / second):.0f} Hz" if float(p.t_ref) > 0 else "none"),
            ("currents simulated", f"{len(currents)} × {float(result.duration / ms):g} ms", ""),
        ]
        summary = (
            f"Firing rate against constant current from {currents[0]:.1f} to {currents[-1]:.1f} nA, "
            f"{len(currents)} simulated neurons on the book's curve: the first one fires at {first_firing} "
            f"(book rheobase {float(rheobase / nA):.2f} nA), {rates[-1]:.1f} Hz at the top "
            f"(book {predicted[-1]:.1f} Hz), "
            f"largest difference {worst:.1f} Hz (one spike in the run is {resolution:.1f} Hz)."
        )
        return summary, rows

    def _write_data(self, result, path):
        result.to_csv(path)
