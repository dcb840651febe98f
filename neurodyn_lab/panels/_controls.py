"""Controls with units: sliders whose value is a number in a stated unit, and the LIF parameter block.

A slider holds a plain float (ipywidgets knows no units); its `ControlSpec` says which unit that
float is in, and the label says it too ("amplitude (nA)"), so what a student reads is what the
panel simulates. ipywidgets sliders are keyboard operable (arrow keys; the readout is an editable
text field), and every control gets a `description`, which the front end uses as its label.

ipywidgets would quietly turn ``slider.value = 3*nA`` into 3e-9 and clamp ``tau.value = 0`` to the
slider's minimum. The sliders here refuse both with one sentence naming the control, its unit and
its range: a value set from Python is either what the panel simulates or an error.
"""

import numbers
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from brian2 import Quantity
from traitlets import CFloat, CInt, observe, validate

from .._validation import as_dimensionless, as_nonnegative, as_positive, as_quantity, describe, format_number
from ..parameters import FIELDS, PRESETS, LIFParams

__all__ = ["ControlSpec", "make_slider", "make_int_slider", "set_value", "quantity_of", "PARAMETER_SPECS",
           "ParameterBlock"]

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
    #: True: the slider's range is also the limit of what the panel accepts (sizes of work, such
    #: as durations and counts); False: a keyword argument outside the range widens the slider.
    bounded: bool = False
    #: What an unbounded spec still refuses as a keyword argument: "positive" (> 0, e.g. a step's
    #: end), "nonnegative" (>= 0, e.g. its start) or "" (any finite value).
    sign: str = ""

    @property
    def description(self):
        return f"{self.label} ({self.unit_name})"

    def format(self, number):
        """``100 ms`` from a float in this spec's unit (written as `format_number` writes it)."""
        return f"{format_number(number)} {self.unit_name}"


def _plain_number(value):
    return (isinstance(value, (numbers.Real, np.integer, np.floating)) and not isinstance(value, (bool, Quantity)))


class _Refusing:
    """Mixin for the sliders: a value outside the range, NaN, a Quantity or a non-number is an error.

    The front end only sends values inside the range; values within rounding of an end are
    put on it (a log slider's 10**3 can arrive as 1000.0000000002).
    """

    spec = None  # the ControlSpec, set by the factory

    def _refuse(self, value):
        spec = self.spec
        name = spec.name if spec is not None else (self.description or "slider")
        unit = spec.unit_name if spec is not None else ""
        example = f"{spec.value:g}" if spec is not None else "1"
        if isinstance(value, Quantity):
            hint = ""
            if spec is not None and spec.unit is not None and value.dim == spec.unit.dim and np.ndim(value) == 0:
                number = float(value / spec.unit)
                hint = f": write .value = {number:g} for {number:g} {unit}"
            raise TypeError(f"the {name} slider holds a plain number in {unit}{hint or f' (e.g. .value = {example})'}, "
                            f"got {describe(value)}")
        raise TypeError(f"the {name} slider holds a plain number in {unit} (e.g. .value = {example}), "
                        f"got {describe(value)}")

    def _checked(self, value, low, high):
        if not np.isfinite(value):
            raise ValueError(f"{self._name()} must be a finite number, got {value!r}")
        tolerance = 1e-9 * max(high - low, 1e-12)
        if low - tolerance <= value < low:
            return low
        if high < value <= high + tolerance:
            return high
        if value < low or value > high:
            spec = self.spec
            unit = f" {spec.unit_name}" if spec is not None else ""
            example = f" (e.g. .value = {spec.value:g})" if spec is not None else ""
            raise ValueError(f"{self._name()} must be between {low:g} and {high:g}{unit}, the slider's range"
                             f"{example}, got {value:g}")
        return value

    def _name(self):
        return self.spec.name if self.spec is not None else (self.description or "the slider's value")


class _PlainFloat(CFloat):
    """A float trait that refuses Quantities, bools and strings instead of casting them."""

    def validate(self, obj, value):
        if not _plain_number(value):
            obj._refuse(value)  # noqa: SLF001 (the sliders of this module)
        return super().validate(obj, value)


class _PlainInt(CInt):
    """An int trait that refuses Quantities, bools, strings and fractions instead of casting them."""

    def validate(self, obj, value):
        if not _plain_number(value):
            obj._refuse(value)  # noqa: SLF001 (the sliders of this module)
        if float(value) != int(value):
            raise ValueError(f"{obj._name()} must be a whole number, got {value!r}")  # noqa: SLF001
        return super().validate(obj, value)


# The sliders' values are not echoed (``echo_update=False``): ipywidgets 8 sends every value a page
# sends back to every page, for a second window showing the same notebook. Without it a move is
# one kernel message fewer for the kernel, the single-user server and the page (bench_hub on a hub,
# 2026-12-03); a value the kernel changes (reset, a value put on the range's end) still goes out.


class UnitSlider(_Refusing, widgets.FloatSlider):
    """A FloatSlider whose value is a number in its spec's unit; refuses what it cannot show."""

    value = _PlainFloat(7.0, help="Float value").tag(sync=True, echo_update=False)

    @validate("value")
    def _validate_value(self, proposal):
        return self._checked(float(proposal["value"]), float(self.min), float(self.max))


class UnitLogSlider(_Refusing, widgets.FloatLogSlider):
    """A FloatLogSlider like `UnitSlider`; its range is base**min to base**max."""

    value = _PlainFloat(1.0, help="Float value").tag(sync=True, echo_update=False)

    @validate("value")
    def _validate_value(self, proposal):
        return self._checked(float(proposal["value"]), float(self.base ** self.min), float(self.base ** self.max))


class CountSlider(_Refusing, widgets.IntSlider):
    """An IntSlider that refuses values outside its range instead of clamping them."""

    value = _PlainInt(0, help="Int value").tag(sync=True, echo_update=False)

    @validate("value")
    def _validate_value(self, proposal):
        return int(self._checked(int(proposal["value"]), int(self.min), int(self.max)))


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
        slider = UnitLogSlider(base=10, min=np.log10(spec.minimum), max=np.log10(spec.maximum), step=spec.step,
                               **common)
    else:
        slider = UnitSlider(min=spec.minimum, max=spec.maximum, step=spec.step, **common)
    slider.spec = spec
    return slider


def make_int_slider(spec, continuous_update=True):
    """A keyboard-operable slider of whole numbers for `spec` (e.g. a number of currents)."""
    slider = CountSlider(
        value=int(spec.value), min=int(spec.minimum), max=int(spec.maximum), step=int(spec.step),
        description=spec.description, continuous_update=continuous_update, style=_STYLE,
        layout=widgets.Layout(**_LAYOUT),
    )
    slider.spec = spec
    return slider


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
    """A keyword argument (a Quantity) as a float in the spec's unit, or one clear error.

    A `bounded` spec refuses values outside its slider's range (each one is a size of work).
    """
    example = spec.example or f"a value such as {spec.value:g}*{spec.unit_name}"
    if spec.log or spec.sign == "positive":  # a logarithmic slider cannot show zero or less
        quantity = as_positive(spec.name, quantity, spec.unit, example)
    elif spec.sign == "nonnegative":
        quantity = as_nonnegative(spec.name, quantity, spec.unit, example)
    else:
        quantity = as_quantity(spec.name, quantity, spec.unit, example)
    number = float(quantity / spec.unit)
    check_bounds(spec, number, example)
    return number


def plain_of(spec, value):
    """A keyword argument for a control without a unit (e.g. a phase in degrees) as a float, or
    one clear error."""
    example = spec.example or f"a plain number such as {spec.value:g}"
    number = as_dimensionless(spec.name, value, example)
    check_bounds(spec, number, example)
    return number


def check_bounds(spec, number, example):
    """One clear error if `spec` is bounded and `number` (in its unit) is outside its range."""
    if spec.bounded and not spec.minimum <= number <= spec.maximum:
        raise ValueError(f"{spec.name} must be between {spec.format(spec.minimum)} and {spec.format(spec.maximum)} "
                         f"({example}), got {spec.format(number)}.")


#: The six LIF parameters' controls, from the one schema (`parameters.FIELDS`: unit, slider range,
#: default, example).
PARAMETER_SPECS = tuple(ControlSpec(f.name, f.name, f.display, f.display_name, *f.slider, f.default, ".1f",
                                    example=f.example) for f in FIELDS)

CUSTOM = "custom"


#: Earlier names of presets, still accepted in ``controls["preset"].value`` (notebooks saved before
#: the rename of 2026-12-01 keep working).
PRESET_ALIASES = {"book": "neurodynex3"}


class PresetDropdown(widgets.Dropdown):
    """The preset selector: takes a preset's name (or an earlier name); anything else in one sentence."""

    @validate("value")
    def _validate_value(self, proposal):
        value = PRESET_ALIASES.get(proposal.value, proposal.value) if isinstance(proposal.value, str) else proposal.value
        if value not in self._names():
            raise ValueError(self._refusal(proposal.value))
        return value

    @observe("value")
    def _refuse_none(self, change):
        # traitlets lets None past the validator (the trait allows None): put the preset back, then say so.
        if change["new"] is None and change["old"] is not None:
            self.value = change["old"]
            raise ValueError(self._refusal(None))

    def _names(self):
        return [value for _, value in self.options]  # built from (label, value) pairs

    def _refusal(self, given):
        names = self._names()
        return (f"preset must be one of {', '.join(repr(n) for n in names)} (e.g. .value = {names[0]!r}), "
                f"got {describe(given, unitless=True)}")


class ParameterBlock:
    """The LIF parameter sliders, the preset selector and their collapsible block.

    It knows nothing about simulations: `params()` turns the sliders into a LIFParams (which
    validates them), `apply(params)` puts a LIFParams into the sliders.

    Attributes
    ----------
    sliders : dict
        Parameter name -> slider.
    preset : ipywidgets.Dropdown
        "neurodynex3", "classic", or "custom" when the sliders match no preset.
    widget : ipywidgets.Accordion
        The collapsible block holding the sliders.
    """

    def __init__(self, params, continuous_update=True):
        self.specs = {spec.name: spec for spec in PARAMETER_SPECS}
        self.sliders = {spec.name: make_slider(spec, continuous_update) for spec in PARAMETER_SPECS}
        self.preset = PresetDropdown(
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
