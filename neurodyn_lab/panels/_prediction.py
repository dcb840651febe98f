"""A student's prediction, drawn beside the simulation: what a panel accepts and how it shows it.

A panel takes ``prediction=``: one value (a rate, a current, a gain, a time ...) or a list of
(x, y) points (rates for currents on the f-I panel, gains or phases for frequencies on the
frequency-response panel). Each panel lists the kinds it takes (`Kind`); `parse` turns what the
student gave into a `Prediction` or answers in one sentence which kinds the panel takes. The panel
then draws it in its own style (black, dash-dot lines and diamonds, labelled "your prediction")
as matplotlib artists of its one figure, so that every view shows it: the PNG, ipympl and the
browser-drawn canvas (which reads the same figure).

Nothing here computes physics: a prediction is drawn where the student put it.

Examples
--------
>>> from brian2 import Hz, nA
>>> kinds = (Kind("rate", "a firing rate such as 100*Hz", Hz, "Hz", where="hline"),
...          Kind("points", "a list of (current, rate) points such as [(2*nA, 20*Hz), (4*nA, 60*Hz)]",
...               Hz, "Hz", x_unit=nA, x_name="nA", where="points"))
>>> parse([(2 * nA, 20 * Hz), (4 * nA, 65 * Hz)], kinds).text()
'(2 nA, 20 Hz), (4 nA, 65 Hz)'
>>> parse(120 * Hz, kinds).text()
'120 Hz'
>>> parse(3 * nA, kinds)
Traceback (most recent call last):
...
TypeError: prediction must be a firing rate such as 100*Hz or a list of (current, rate) points such as [(2*nA, 20*Hz), (4*nA, 60*Hz)], got 3 nA (a current).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, have_same_dimensions

from .._validation import as_quantity, describe, format_number, measures

__all__ = ["Kind", "Prediction", "parse", "ask_points", "STYLE", "LABEL"]

#: The legend's words for every prediction.
LABEL = "your prediction"
#: How predictions look: black, dash-dot lines, diamonds (no simulated or book artist uses them).
STYLE = dict(color="black", lw=1.6, ls="-.")
POINT_STYLE = dict(color="black", ls=":", lw=1.0, marker="D", ms=6)

#: At most this many points (a prediction is typed or dragged by hand).
MAX_POINTS = 200
#: At most this many points to drag (``predict_at=``).
MAX_ASKED = 20


@dataclass(frozen=True)
class Kind:
    """One kind of prediction a panel accepts.

    Parameters
    ----------
    name : str
        Short name ("rate", "points" ...).
    words : str
        What it is, with an example, for messages: ``"a firing rate such as 100*Hz"``.
    unit, unit_name : brian2 Unit or None, str
        The value's (or the points' y) unit and how it is written; None: a plain number (degrees).
    x_unit, x_name : brian2 Unit or None, str
        For points: the x unit and its name; None for a single value.
    where : str
        How the panel draws it: "hline", "vline", "points" or "text" (the readout only).
    ask_example : str
        For points the student drags: an example of ``predict_at=`` (``"[1, 2, 4, 8]*nA"``).
    """

    name: str
    words: str
    unit: object
    unit_name: str
    x_unit: object = None
    x_name: str = ""
    where: str = "hline"
    ask_example: str = ""

    @property
    def points(self):
        return self.x_unit is not None

    def takes(self, value, unit):
        if unit is None:
            return _plain(value)
        return isinstance(value, Quantity) and have_same_dimensions(value, unit)

    def number(self, value, unit):
        return float(value) if unit is None else float(value / unit)


@dataclass(frozen=True)
class Prediction:
    """A parsed prediction: its `kind` and its numbers in the kind's units.

    Attributes
    ----------
    kind : Kind
    x, y : numpy.ndarray
        For points, the x and y of each point; for one value, ``x`` is empty and ``y`` holds it.
    given : object
        What the student gave (a Quantity or a list of points), returned by ``panel.prediction``.
    """

    kind: Kind
    x: np.ndarray
    y: np.ndarray
    given: object

    def text(self):
        """The prediction as the student would write it: ``"120 Hz"``, ``"(2 nA, 20 Hz), ..."``."""
        unit = f" {self.kind.unit_name}" if self.kind.unit_name else ""
        if not self.kind.points:
            return f"{format_number(self.y[0])}{unit}"
        shown = [f"({format_number(x)} {self.kind.x_name}, {format_number(y)}{unit})" for x, y in zip(self.x, self.y)]
        if len(shown) > 6:
            shown = shown[:3] + [f"... {len(shown) - 4} more ..."] + shown[-1:]
        return ", ".join(shown)


def _plain(value):
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, Quantity):
        return bool(value.dimensions.is_dimensionless)
    return isinstance(value, (numbers.Real, np.number))


def _scalar(value):
    return (isinstance(value, Quantity) or _plain(value)) and np.ndim(value) == 0


def _as_pairs(value):
    """The (x, y) pairs of `value`, or None if it is not shaped like points.

    Takes a list of pairs ``[(x0, y0), (x1, y1)]``, one pair ``(x, y)`` of single values, or a pair
    of equally long arrays ``(xs, ys)``.
    """
    if isinstance(value, np.ndarray) and not isinstance(value, Quantity) and value.dtype == object:
        value = list(value)
    if not isinstance(value, (list, tuple)) or not value:
        return None
    if len(value) == 2 and all(_scalar(v) for v in value):
        return [tuple(value)]
    if len(value) == 2 and all(isinstance(v, (np.ndarray, list, tuple)) and np.ndim(v) == 1 for v in value) \
            and all(not isinstance(v, (list, tuple)) or all(_scalar(x) for x in v) for v in value) \
            and len(value[0]) == len(value[1]) and len(value[0]) != 2:
        return list(zip(value[0], value[1]))
    pairs = []
    for item in value:
        if isinstance(item, np.ndarray) and not isinstance(item, Quantity) and item.dtype == object:
            item = list(item)
        if isinstance(item, Quantity) and item.shape == (2,):
            item = (item[0], item[1])
        if not isinstance(item, (list, tuple)) or len(item) != 2 or not all(_scalar(v) for v in item):
            return None
        pairs.append(tuple(item))
    return pairs


def _expected(kinds):
    words = [k.words for k in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def parse(value, kinds, name="prediction"):
    """`value` as a `Prediction` of one of `kinds`, None for None, or one clear sentence.

    Raises
    ------
    TypeError
        Not a value or points of a kind in `kinds` (the sentence lists them, with examples).
    ValueError
        A value that is not finite, or too many points.
    """
    if value is None:
        return None
    expected = _expected(kinds)
    if value is Ellipsis:
        raise TypeError(f"{name} must be {expected}, got ... (replace the ... by your prediction first).")
    if _scalar(value):
        for kind in kinds:
            if not kind.points and kind.takes(value, kind.unit):
                number = kind.number(value, kind.unit)
                if not np.isfinite(number):
                    raise ValueError(f"{name} must be finite ({kind.words}), got {describe(value)}.")
                return Prediction(kind, np.empty(0), np.array([number]), value)
        raise TypeError(f"{name} must be {expected}, got {_given(value)}.")
    pairs = _as_pairs(value)
    if pairs is not None:
        for kind in kinds:
            if kind.points and all(kind.takes(x, kind.x_unit) and kind.takes(y, kind.unit) for x, y in pairs):
                if len(pairs) > MAX_POINTS:
                    raise ValueError(f"{name} must have at most {MAX_POINTS} points, got {len(pairs)}.")
                xs = np.array([kind.number(x, kind.x_unit) for x, _ in pairs])
                ys = np.array([kind.number(y, kind.unit) for _, y in pairs])
                if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
                    raise ValueError(f"{name} must have finite points ({kind.words}), got {_points_given(pairs)}.")
                return Prediction(kind, xs, ys, value)
        raise TypeError(f"{name} must be {expected}, got {_points_given(pairs)}.")
    raise TypeError(f"{name} must be {expected}, got {describe(value)}.")


def _given(value):
    text = describe(value)
    if isinstance(value, Quantity) and not value.dimensions.is_dimensionless:
        what = measures(value)
        if what and what not in text:
            return f"{text} ({what})"
    return text


def _points_given(pairs):
    shown = ", ".join(f"({describe(x)}, {describe(y)})" for x, y in pairs[:2])
    more = f" and {len(pairs) - 2} more" if len(pairs) > 2 else ""
    return f"the points {shown}{more}"


def ask_points(panel, predict_at, prediction, kinds, ask):
    """The `Prediction` a panel asks the student to drag: points of the kind named `ask` at the x
    values `predict_at`, starting at y = 0; or one clear sentence.

    Examples
    --------
    >>> from brian2 import Hz, nA
    >>> kind = Kind("points", "(current, rate) points", Hz, "Hz", x_unit=nA, x_name="nA", where="points",
    ...             ask_example="[1, 2, 4, 8]*nA")
    >>> ask_points("FICurvePanel", [1, 2, 4] * nA, None, (kind,), "points").text()
    '(1 nA, 0 Hz), (2 nA, 0 Hz), (4 nA, 0 Hz)'
    >>> ask_points("FICurvePanel", [1, 2] * Hz, None, (kind,), "points")
    Traceback (most recent call last):
    ...
    TypeError: predict_at must be the currents to predict at, such as [1, 2, 4, 8]*nA, got [1, 2] Hz (a frequency).
    """
    if ask is None:
        raise TypeError(f"{panel} takes no predict_at (only the f–I and frequency-response panels ask for points "
                        f"to drag); give your prediction with prediction= instead")
    if prediction is not None:
        raise TypeError("give prediction= or predict_at=, not both: predict_at= asks for points to drag, prediction= "
                        "shows a prediction you already made")
    kind = next(k for k in kinds if k.name == ask)
    what = {"nA": "currents", "Hz": "frequencies"}.get(kind.x_name, "values")
    example = f"the {what} to predict at, such as {kind.ask_example}"
    values = as_quantity("predict_at", predict_at, kind.x_unit, example, allow_array=True)
    x = np.atleast_1d(np.asarray(values / kind.x_unit, dtype=float))
    if x.ndim != 1 or not 1 <= x.size <= MAX_ASKED:
        raise ValueError(f"predict_at must be 1 to {MAX_ASKED} {what}, such as {kind.ask_example}, got {describe(values)}.")
    if np.unique(x).size != x.size:
        raise ValueError(f"predict_at must not repeat a value ({example}), got {describe(values)}.")
    return Prediction(kind, np.sort(x), np.zeros(x.size), None)
