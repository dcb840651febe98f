"""Interactive panels for JupyterLab: drag a control, the LIF neuron is re-simulated and redrawn in place.

- `StepPanel`: a step current; v(t), I(t), spikes, and the book's rheobase, first-spike time and rate.
- `SinusPanel`: a sinusoidal current; peak depolarisation, measured gain and phase against the book.
- `FICurvePanel`: the simulated f-I curve on the closed form, the rheobase marked.
- `FrequencyResponsePanel`: gain and phase against frequency, the cut-off marked.
- `explore()`: the four panels as tabs.

Each panel is an ipywidgets widget (end a cell with it to show it) with ``.controls`` (name ->
widget), ``.result`` (the last result), ``.figure`` (its one matplotlib figure), ``.summary``
(the plot's one-line text alternative) and ``.readouts``. Panels call `simulate` and `analysis`;
they never build Brian2 objects.

Examples
--------
>>> from brian2 import nA
>>> from neurodyn_lab.panels import StepPanel
>>> StepPanel(amplitude=2.5 * nA)  # doctest: +SKIP
"""

from ._view import default_view, set_default_view
from .explore import Explorer, explore
from .fi_curve import FICurvePanel
from .frequency_response import FrequencyResponsePanel
from .sinus import SinusPanel
from .step import StepPanel

__all__ = [
    "StepPanel", "SinusPanel", "FICurvePanel", "FrequencyResponsePanel", "explore", "Explorer",
    "set_default_view", "default_view",
]
