"""Controls with units: sliders whose value is a number in a stated unit, and the LIF parameter block.

A slider holds a plain float (ipywidgets knows no units); its `ControlSpec` says which unit that
float is in, and the label says it too ("amplitude (nA)"), so what a student reads is what the
panel simulates. ipywidgets sliders are keyboard operable (arrow keys; the readout is an editable
text field), and every control gets a `description`, which the front end uses as its label.
"""

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from brian2 import Mohm, mV, ms

from .._validation import as_positive, as_quantity
from ..parameters import PRESETS, LIFParams

__all__ = ["ControlSpec", "make_slider", "set_value", "quantity_of", "PARAMETER_SPECS", "ParameterBlock"]

_STYLE = {"description_width": "150px"}
_LAYOUT = {"width": "420px"}


@dataclass(frozen=True)
class ControlSpec:
    """What a slider controls: its name, label, unit, range and step.

    `value` is in `unit` (the float the slider shows). ``log=True`` makes a logarithmic slider
    (then `minimum` and `maximum` are the value range, not exponents).
    """

    name: str
    label: str
    unit: object
    unit_name: str
    minimum: float
    maximum: float
    step: float
    value: float
    fmt: str = ".2f"
    log: bool = False
    example: str = ""

    @property
    def description(self):
        return f"{self.label} ({self.unit_name})"


def make_slider(spec, continuous_update=True):
    """A keyboard-operable slider for `spec`, labelled with its unit."""
    common = dict(
        value=spec.value,
        description=spec.description,
        readout=True,
        readout_format=spec.fmt,
        continuous_update=continuous_update,
        style=_STYLE,
        layout=widgets.Layout(**_LAYOUT),
    )
    if spec.log:
        return widgets.FloatLogSlider(
            base=10, min=np.log10(spec.minimum), max=np.log10(spec.maximum), step=spec.step, **common
        )
    return widgets.FloatSlider(min=spec.minimum, max=spec.maximum, step=spec.step, **common)


def set_value(slider, value):
    """Set `slider` to the float `value`, widening its range if needed (ipywidgets would clamp)."""
    if isinstance(slider, widgets.FloatLogSlider):
        exponent = float(np.log10(value)) if value > 0 else slider.min
        if exponent < slider.min:
            slider.min = np.floor(exponent)
        if exponent > slider.max:
            slider.max = np.ceil(exponent)
    else:
        if value < slider.min:
            slider.min = value
        if value > slider.max:
            slider.max = value
    slider.value = value


def quantity_of(spec, slider):
    """The slider's value as a Quantity in the spec's unit."""
    return float(slider.value) * spec.unit


def float_of(spec, quantity):
    """A keyword argument (a Quantity) as a float in the spec's unit, or one clear error."""
    example = spec.example or f"a value such as {spec.value:g}*{spec.unit_name}"
    if spec.log:  # a logarithmic slider cannot show zero or less
        quantity = as_positive(spec.name, quantity, spec.unit, example)
    else:
        quantity = as_quantity(spec.name, quantity, spec.unit, example)
    return float(quantity / spec.unit)


#: The six LIF parameters. Ranges hold both presets (book: -70/-65/-50 mV, 10 MOhm, 8 ms, 2 ms;
#: classic: 0/0/1 mV, 1 MOhm, 1 ms, 0 ms) with steps fine enough for the classic 1 mV threshold.
PARAMETER_SPECS = (
    ControlSpec("v_rest", "v_rest", mV, "mV", -100.0, 30.0, 0.1, -70.0, ".1f", example="a voltage such as -70*mV"),
    ControlSpec("v_reset", "v_reset", mV, "mV", -100.0, 30.0, 0.1, -65.0, ".1f", example="a voltage such as -65*mV"),
    ControlSpec("v_threshold", "v_threshold", mV, "mV", -100.0, 30.0, 0.1, -50.0, ".1f",
                example="a voltage such as -50*mV"),
    ControlSpec("R", "R", Mohm, "MΩ", 0.1, 100.0, 0.1, 10.0, ".1f", example="a resistance such as 10*Mohm"),
    ControlSpec("tau", "tau", ms, "ms", 0.1, 100.0, 0.1, 8.0, ".1f", example="a time such as 8*ms"),
    ControlSpec("t_ref", "t_ref", ms, "ms", 0.0, 20.0, 0.1, 2.0, ".1f", example="a time such as 2*ms"),
)

CUSTOM = "custom"


class ParameterBlock:
    """The LIF parameter sliders, the preset selector and their collapsible block.

    It knows nothing about simulations: `params()` turns the sliders into a LIFParams (which
    validates them), `apply(params)` puts a LIFParams into the sliders.

    Attributes
    ----------
    sliders : dict
        Parameter name -> slider.
    preset : ipywidgets.Dropdown
        "book", "classic", or "custom" when the sliders match no preset.
    widget : ipywidgets.Accordion
        The collapsible block holding the sliders.
    """

    def __init__(self, params, continuous_update=True):
        self.specs = {spec.name: spec for spec in PARAMETER_SPECS}
        self.sliders = {spec.name: make_slider(spec, continuous_update) for spec in PARAMETER_SPECS}
        self.preset = widgets.Dropdown(
            options=[(name, name) for name in PRESETS] + [("custom (edited)", CUSTOM)],
            value=CUSTOM,
            description="preset",
            description_allow_html=False,
            style=_STYLE,
            layout=widgets.Layout(width="320px"),
        )
        self.widget = widgets.Accordion(children=[widgets.VBox(list(self.sliders.values()))])
        self.widget.set_title(0, "LIF parameters (v_rest, v_reset, v_threshold, R, tau, t_ref)")
        self.widget.selected_index = None  # collapsed; a click or Enter opens it
        self.apply(params)
        self.sync_preset()

    def params(self):
        """The sliders as a LIFParams; ValueError/TypeError with one sentence if they do not fit."""
        return LIFParams(**{name: quantity_of(self.specs[name], s) for name, s in self.sliders.items()})

    def apply(self, params):
        """Set every slider to `params` (a LIFParams); the caller then calls `sync_preset`."""
        for name, value in params.as_dict().items():
            set_value(self.sliders[name], float(value / self.specs[name].unit))

    def matching_preset(self):
        """The name of the preset the sliders show, or "custom"."""
        values = {name: float(s.value) for name, s in self.sliders.items()}
        for name, preset in PRESETS.items():
            if all(
                np.isclose(values[field], float(value / self.specs[field].unit), rtol=0, atol=1e-9)
                for field, value in preset.as_dict().items()
            ):
                return name
        return CUSTOM

    def sync_preset(self):
        """Show the preset that matches the sliders (the caller guards against re-applying it)."""
        self.preset.value = self.matching_preset()
