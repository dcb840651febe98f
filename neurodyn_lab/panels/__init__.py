"""Interactive panels for JupyterLab: drag a control, the LIF neuron is re-simulated and redrawn in place.

- `StepPanel`: a step current; v(t), I(t), spikes, first-spike time and rate.
- `SinusPanel`: a sinusoidal current; peak depolarisation, measured gain and phase.
- `FICurvePanel`: the simulated f-I curve.
- `FrequencyResponsePanel`: measured gain and phase against frequency.
- `explore()`: the four panels as tabs.
- `warm_up_jobs()`: the simulations the panels' defaults run, for ``neurodyn-lab warmup``.
- `Display`: how a kernel's panels show their figures (`default_display()` is the one they share;
  a panel's ``display=`` takes another); `BrowserFigure`: a matplotlib figure the browser draws.

For the named presets (``LIFParams()``, "neurodynex3", and ``LIFParams.classic()``, "classic") each panel also shows
the book's closed forms (rheobase, first-spike time, rate, its limit, gain, phase, cut-off); for any
other neuron, such as a student's own, only what the simulation measures.

Each panel shows itself when it ends a cell (``.widget`` is its ipywidgets box, for layouts of your
own) and has ``.controls`` (name -> widget), ``.result`` (the last result), ``.figure`` (its one
matplotlib figure), ``.summary`` (the readout's one-line summary) and ``.readouts``; ``close()``
frees it, and so does dropping it (or running its cell again). In a kernel the browser draws the
figure (the "canvas" view); elsewhere it is a PNG (see `set_default_view`). Panels call
`simulate` and `analysis`; they never build Brian2 objects.

Examples
--------
>>> from brian2 import nA
>>> from neurodyn_lab.panels import StepPanel
>>> panel = StepPanel(amplitude=2.5 * nA, view="image")
>>> panel.result.spike_count > 0
True
>>> panel.close()
"""

from brian2 import Hz, ms, nA

from ._view import Display, default_display, default_view, set_default_view
from .browser_figure import BrowserFigure
from .explore import Explorer, explore
from .fi_curve import FICurvePanel
from .frequency_response import FrequencyResponsePanel
from .sinus import SinusPanel
from .step import StepPanel

__all__ = [
    "StepPanel", "SinusPanel", "FICurvePanel", "FrequencyResponsePanel", "explore", "Explorer",
    "set_default_view", "default_view", "warm_up_jobs", "Display", "default_display", "BrowserFigure",
]


def warm_up_jobs():
    """The simulations the panels run with their default controls, as warm-up jobs.

    Each job is ``(label, currents, record_v)``: one `inputs.Current` per neuron, as
    `neurodyn_lab.engine.warm_up` takes them. The f-I and frequency-response jobs have the
    panels' default numbers of neurons, built the way `analysis.fi_curve` and
    `analysis.frequency_response` build their inputs.

    Examples
    --------
    >>> [(label, len(currents), record_v) for label, currents, record_v in warm_up_jobs()]
    [('step panel', 1, True), ('sinusoid panel', 1, True), ('f-I curve panel', 81, False), ('frequency-response panel', 13, True)]
    """
    from .. import inputs

    step_defaults = {spec.name: spec.value for spec in StepPanel.SPECS}
    sinus_defaults = {spec.name: spec.value for spec in SinusPanel.SPECS}
    amplitude = {spec.name: spec.value for spec in FrequencyResponsePanel.SPECS}["amplitude"] * nA
    return [
        ("step panel", [inputs.step(step_defaults["amplitude"] * nA, start=step_defaults["start"] * ms,
                                    end=step_defaults["end"] * ms)], True),
        ("sinusoid panel", [inputs.sinusoid(sinus_defaults["amplitude"] * nA, sinus_defaults["frequency"] * Hz,
                                            offset=sinus_defaults["offset"] * nA, phase=0.0)], True),
        ("f-I curve panel", [inputs.step(current, 0 * ms, None) for current in FICurvePanel.default_currents()],
         False),
        ("frequency-response panel",
         [inputs.sinusoid(amplitude, f) for f in FrequencyResponsePanel.default_frequencies()], True),
    ]
