"""FICurvePanel: firing rate against constant current, simulated (one vectorised run) and, for the
named presets, in closed form."""

import numpy as np
from brian2 import Hz, ms, nA, second

from .. import analysis
from ..plotting import FICurveAxes
from ..results import FICurve
from ._base import Panel, format_quantity, preset_name
from ._controls import ControlSpec
from ._prediction import Kind

__all__ = ["FICurvePanel", "FICurve"]


class FICurvePanel(Panel):
    """The f-I curve: simulated firing rate per constant current (on the book's closed form for the
    named presets).

    Parameters
    ----------
    params : LIFParams, optional
        The neuron (default neurodynex3's set); single fields can also be given, e.g. ``t_ref=5*ms``.
    current_min, current_max : Quantity (amp)
        The current range, default 0 to 8 nA.
    count : int
        Number of currents (one neuron each, all in one run), default 81; 2 to 201.
    duration : Quantity (second)
        Simulated time per current, default 500 ms; 50 ms to 2000 ms.
    prediction : Quantity or list of (current, rate) points, optional
        Drawn beside the simulation, labelled "your prediction": a rate (e.g. the largest rate, a
        horizontal line), a current (e.g. the first current that fires, a vertical line) or
        predicted rates for currents, ``[(2*nA, 20*Hz), (4*nA, 60*Hz)]`` (diamonds).
    predict_at : Quantity array (amp), optional
        Predict, then see: the currents at which the student drags predicted rates (diamonds, in the
        browser-drawn view) before anything is simulated; ``show_simulation()`` or the panel's button
        then shows the simulation beside them, and ``predicted_points()`` returns them.
    view, save_dir :
        As for `StepPanel`.

    Examples
    --------
    >>> from brian2 import nA, ms, Hz
    >>> panel = FICurvePanel(current_max=10 * nA, count=11, duration=200 * ms, view="image")
    >>> [round(float(r / Hz)) for r in panel.result.rates[:3]]  # 0, 1 and 2 nA: at or below the rheobase
    [0, 0, 0]
    >>> panel.close()
    >>> panel = FICurvePanel(count=5, duration=100 * ms, view="image", prediction=[(4 * nA, 30 * Hz), (8 * nA, 80 * Hz)])
    >>> panel.prediction_shown
    '(4 nA, 30 Hz), (8 nA, 80 Hz)'
    >>> panel.close()
    """

    SPECS = (
        ControlSpec("current_min", "lowest current", nA, "nA", -2.0, 20.0, 0.1, 0.0, ".1f",
                    example="a current such as 0*nA"),
        ControlSpec("current_max", "highest current", nA, "nA", 0.1, 50.0, 0.1, 8.0, ".1f",
                    example="a current such as 8*nA"),
        ControlSpec("count", "number of currents", None, "points", 2, 201, 1, 81, "d",
                    example="a whole number such as 81", bounded=True),
        ControlSpec("duration", "simulated time", ms, "ms", 50.0, 2000.0, 10.0, 500.0, ".0f",
                    example="a time such as 500*ms", bounded=True),
    )
    PREDICTIONS = (
        Kind("rate", "a firing rate such as 100*Hz", Hz, "Hz", where="hline"),
        Kind("current", "a current such as 1.5*nA", nA, "nA", where="vline"),
        Kind("points", "a list of (current, rate) points such as [(2*nA, 20*Hz), (4*nA, 60*Hz)]", Hz, "Hz",
             x_unit=nA, x_name="nA", where="points", ask_example="[1, 2, 4, 6, 8]*nA"),
    )
    ASK = "points"
    ASK_RANGE = (0.0, 200.0)  # Hz: where the diamonds can be dragged at first (it grows as they near the top)
    title = "f–I curve"
    intro = ("Each dot is one simulated neuron held at a constant current; for the named presets the line "
             "is the book's formula. Where does the neuron start to fire, and what happens at large currents?")
    file_stem = "fi_panel"
    figsize = (7.2, 4.2)
    # One update simulates every current: update when a slider is released, not while it moves.
    continuous_update = False

    @classmethod
    def default_currents(cls):
        """The currents a panel with default controls simulates (for warm-up)."""
        specs = {spec.name: spec for spec in cls.SPECS}
        return np.linspace(specs["current_min"].value, specs["current_max"].value, specs["count"].value) * nA

    def _build_figure(self, figure):
        self._curve = FICurveAxes(figure)
        return self._curve.animated

    def _prediction_axes(self, kind):
        return [self._curve.ax]

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
        # The closed form only for the named presets (the student's own neuron: theirs to work out).
        predicted = analysis.firing_rate(currents, params) if preset_name(params) else None
        return FICurve(currents, rates, params, duration, predicted)

    def _draw(self, result):
        p = result.params
        if not self.closed_forms_shown:
            return self._curve.show(result.currents, result.rates)
        currents = np.asarray(result.currents / nA)
        dense = np.linspace(currents[0], currents[-1], 400) * nA
        cap = 1 / p.t_ref if float(p.t_ref) > 0 else None
        return self._curve.show(result.currents, result.rates, book=(dense, analysis.firing_rate(dense, p)),
                                rheobase=analysis.rheobase(p), cap=cap)

    def _readouts(self, result):
        p = result.params
        currents = np.asarray(result.currents / nA)
        rates = np.asarray(result.rates / Hz)
        firing = currents[rates > 0]
        first_firing = f"{firing[0]:.2f} nA" if firing.size else "none in range"
        resolution = float(1 / result.duration / Hz)
        simulated = f"{len(currents)} × {float(result.duration / ms):g} ms"
        if not self.closed_forms_shown:
            rows = [
                ("first current that fires", first_firing, ""),
                (f"rate at {currents[-1]:.1f} nA", f"{rates[-1]:.1f} Hz", ""),
                ("currents simulated", simulated, ""),
            ]
            summary = (
                f"Firing rate against constant current from {currents[0]:.1f} to {currents[-1]:.1f} nA, "
                f"{len(currents)} simulated neurons: the first one fires at {first_firing}, "
                f"{rates[-1]:.1f} Hz at the top (one spike in the run is {resolution:.1f} Hz)."
            )
            return summary, rows
        predicted = np.asarray(result.predicted / Hz)
        rheobase = analysis.rheobase(p)
        worst = float(np.max(np.abs(rates - predicted)))
        rows = [
            ("first current that fires", first_firing, ""),
            ("rheobase (every current above it fires)", "", format_quantity(rheobase, nA, "nA")),
            (f"rate at {currents[-1]:.1f} nA", f"{rates[-1]:.1f} Hz", f"{predicted[-1]:.1f} Hz"),
            ("largest difference", f"{worst:.1f} Hz", ""),
            ("limit for large currents", "", f"{1 / float(p.t_ref / second):.0f} Hz" if float(p.t_ref) > 0 else "none"),
            ("currents simulated", simulated, ""),
        ]
        summary = (
            f"Firing rate against constant current from {currents[0]:.1f} to {currents[-1]:.1f} nA, "
            f"{len(currents)} simulated neurons on the book's curve: the first one fires at {first_firing} "
            f"(book rheobase {float(rheobase / nA):.2f} nA), {rates[-1]:.1f} Hz at the top "
            f"(book {predicted[-1]:.1f} Hz), "
            f"largest difference {worst:.1f} Hz (one spike in the run is {resolution:.1f} Hz)."
        )
        return summary, rows
