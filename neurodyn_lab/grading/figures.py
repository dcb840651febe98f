"""Figures the questions ask for: what a matplotlib figure shows, written down, and checked.

A `FigureQuestion` (in `framework`) checks a plot the student drew: axis labels that name a unit,
linear or logarithmic scales, the student's own data, and a closed-form curve drawn over it. The
check never looks at the live figure twice: `describe` writes down what the figure shows (labels,
scales, the points of every line and scatter, in the units the figure is drawn in) as a JSON-ready
dict, and the question judges that description (`FigureRecord`). The check cell's record carries
the description (kind ``"figure"``), and the autograder judges the same description again in its
own process against the bank (`FigureRecord.from_record`), so the student's screen and the grade
come from one reading; a hand-made dict or object is not a figure and is rejected in both places.

Each axis of a plot is an `Axis` (what it shows, the units its label may name, the scale) and each
curve a `Curve` (what it should follow, e.g. the student's simulated trace or the closed form, and
how closely).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig = plt.figure()
>>> ax = fig.add_subplot()
>>> _ = ax.plot([0, 1, 2], [0, 5, 7], label="data")
>>> _ = ax.set_xlabel("time (ms)")
>>> record = FigureRecord.from_record(describe(fig))
>>> record.axes[0].xlabel, len(record.axes[0].lines[0].x)
('time (ms)', 3)
>>> Axis("time").unit_in("time (ms)")
('ms', 0.001)
>>> plt.close(fig)
"""

import math
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from brian2 import Hz, Mohm, amp, kHz, mV, ms, nA, ohm, pA, second, uA, volt

__all__ = ["describe", "FigureRecord", "AxesRecord", "LineRecord", "Axis", "Curve", "UNITS", "MAX_POINTS",
           "is_figure"]

#: The most points of one line or scatter a record keeps (more are thinned evenly: a trace of 1 s at
#: 0.1 ms has 10^4; the checks need a few hundred).
MAX_POINTS = 2000
#: The most axes and lines a record keeps.
MAX_AXES, MAX_LINES = 6, 30

#: Units an axis label may name, by what the axis shows: label spelling -> SI factor.
UNITS = {
    "time": {"ms": float(ms), "s": float(second), "µs": 1e-6, "us": 1e-6, "sec": 1.0},
    "voltage": {"mV": float(mV), "V": float(volt), "µV": 1e-6, "uV": 1e-6},
    "current": {"nA": float(nA), "pA": float(pA), "µA": float(uA), "uA": float(uA), "A": float(amp)},
    "rate": {"Hz": float(Hz), "kHz": float(kHz), "1/s": 1.0, "spikes/s": 1.0, "s^-1": 1.0, "s-1": 1.0},
    "frequency": {"Hz": float(Hz), "kHz": float(kHz), "1/s": 1.0},
    "resistance": {"MΩ": float(Mohm), "Mohm": float(Mohm), "MOhm": float(Mohm), "mV/nA": float(Mohm),
                   "GΩ": 1e9, "Gohm": 1e9, "Ω": float(ohm), "ohm": float(ohm), "kΩ": 1e3},
    "phase": {"°": 1.0, "deg": 1.0, "degree": 1.0, "degrees": 1.0},
    "count": {"": 1.0},
}
#: An example label for each kind of axis (the sentences use it).
EXAMPLE_LABEL = {"time": "'time (ms)'", "voltage": "'v (mV)'", "current": "'I (nA)'", "rate": "'rate (Hz)'",
                 "frequency": "'frequency (Hz)'", "resistance": "'gain (MΩ)'", "phase": "'phase (°)'",
                 "count": "'count'"}


def is_figure(answer):
    """Whether `answer` is a matplotlib Figure or Axes (without importing matplotlib if it is not
    loaded: then it cannot be one)."""
    import sys

    if "matplotlib.figure" not in sys.modules:
        return False
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    return isinstance(answer, (Figure, SubFigure, Axes))


def _numbers(values):
    # Finite floats; anything else (NaN, inf, masked) as None, which JSON can carry; data that are
    # not numbers (dates, categories) as no points.
    try:
        array = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan).ravel()
    except (TypeError, ValueError):
        return []
    if array.size > MAX_POINTS:
        array = array[np.linspace(0, array.size - 1, MAX_POINTS).round().astype(int)]
    return [float(v) if math.isfinite(v) else None for v in array.tolist()]


def _text(value, limit=200):
    return str(value or "")[:limit]


def _axes_of(answer):
    from matplotlib.axes import Axes

    if isinstance(answer, Axes):
        return [answer]
    return [ax for ax in answer.get_axes() if ax.get_visible()]


def describe(answer):
    """What the figure (or axes) `answer` shows, as a JSON-ready dict: per axes its labels, title,
    scales, legend entries, and the x and y points of every line (``plot``) and scatter
    (``scatter``, ``errorbar``'s markers) in the figure's own units.

    Parameters
    ----------
    answer : matplotlib.figure.Figure or matplotlib.axes.Axes

    Returns
    -------
    dict
        ``{"kind": "figure", "axes": [...]}`` (see `FigureRecord`).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> ax = fig.add_subplot()
    >>> _ = ax.scatter([1, 2], [3, 4])
    >>> ax.set_yscale("log")
    >>> d = describe(ax)
    >>> d["axes"][0]["yscale"], d["axes"][0]["lines"][0]["kind"], d["axes"][0]["lines"][0]["y"]
    ('log', 'points', [3.0, 4.0])
    >>> plt.close(fig)
    """
    axes = []
    for ax in _axes_of(answer)[:MAX_AXES]:
        lines = []
        for line in ax.get_lines():
            if not line.get_visible():
                continue
            x, y = _numbers(line.get_xdata(orig=False)), _numbers(line.get_ydata(orig=False))
            if len(x) != len(y):
                x = y = []
            lines.append({"kind": "line", "label": _text(line.get_label()), "x": x, "y": y})
        for collection in ax.collections:
            offsets = getattr(collection, "get_offsets", None)
            if offsets is None or not collection.get_visible():
                continue
            try:
                points = np.ma.filled(np.ma.asarray(offsets(), dtype=float), np.nan)
            except (TypeError, ValueError):
                continue
            if points.ndim != 2 or points.shape[1] != 2 or not len(points):
                continue
            lines.append({"kind": "points", "label": _text(collection.get_label()), "x": _numbers(points[:, 0]),
                          "y": _numbers(points[:, 1])})
        legend = ax.get_legend()
        axes.append({"xlabel": _text(_xlabel(ax)), "ylabel": _text(ax.get_ylabel()),
                     "title": _text(ax.get_title()), "xscale": _text(ax.get_xscale(), 20),
                     "yscale": _text(ax.get_yscale(), 20),
                     "legend": [_text(t.get_text()) for t in legend.get_texts()][:MAX_LINES] if legend else [],
                     "lines": lines[:MAX_LINES]})
    return {"kind": "figure", "axes": axes}


def _xlabel(ax):
    """The axes' x label, or that of an axes sharing its x axis (stacked plots label the lowest one)."""
    label = ax.get_xlabel()
    if label.strip():
        return label
    for sibling in ax.get_shared_x_axes().get_siblings(ax):
        if sibling is not ax and sibling.get_xlabel().strip():
            return sibling.get_xlabel()
    return label


@dataclass(frozen=True)
class LineRecord:
    """One line or scatter: its `kind` (``"line"`` or ``"points"``), label and points (NaN where
    the figure had none)."""

    kind: str
    label: str
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class AxesRecord:
    """One axes as `describe` wrote it down."""

    xlabel: str
    ylabel: str
    title: str
    xscale: str
    yscale: str
    legend: tuple
    lines: tuple


@dataclass(frozen=True)
class FigureRecord:
    """A figure as `describe` wrote it down: what a `FigureQuestion` judges.

    Build it with `from_record` (from `describe`'s dict or a check's record); anything that is not
    such a dict is rejected with one sentence (`ValueError`).
    """

    axes: tuple

    @classmethod
    def from_record(cls, record):
        """The `FigureRecord` of `describe`'s dict `record`; raises ValueError for anything else."""
        if not isinstance(record, dict) or record.get("kind") != "figure" or not isinstance(record.get("axes"), list):
            raise ValueError("this is not the record of a figure")
        axes = []
        for entry in record["axes"][:MAX_AXES]:
            lines = []
            for line in entry.get("lines", [])[:MAX_LINES]:
                x = np.array([np.nan if v is None else float(v) for v in line.get("x", [])][:MAX_POINTS])
                y = np.array([np.nan if v is None else float(v) for v in line.get("y", [])][:MAX_POINTS])
                if x.size != y.size:
                    raise ValueError("a line of the figure's record has x and y of different lengths")
                lines.append(LineRecord(_text(line.get("kind"), 10), _text(line.get("label")), x, y))
            axes.append(AxesRecord(*(_text(entry.get(k)) for k in ("xlabel", "ylabel", "title", "xscale", "yscale")),
                                   tuple(_text(t) for t in entry.get("legend", [])), tuple(lines)))
        return cls(tuple(axes))


_LATEX = re.compile(r"\\(mathrm|text|rm|mathit)\s*|[${}]|\\[,;! ]")
_LATEX_SYMBOLS = {r"\Omega": "Ω", r"\mu": "µ", r"\circ": "°", "^\\circ": "°", "μ": "µ", "−": "-"}


def _plain(label):
    text = label
    for latex, symbol in _LATEX_SYMBOLS.items():
        text = text.replace(latex, symbol)
    return _LATEX.sub("", text)


@dataclass(frozen=True)
class Axis:
    """What one axis of a plot must show.

    Attributes
    ----------
    shows : str
        A key of `UNITS`: ``"time"``, ``"voltage"``, ``"current"``, ``"rate"``, ``"frequency"``,
        ``"resistance"``, ``"phase"`` or ``"count"``; the label must name one of its units.
    scale : str or None
        ``"linear"``, ``"log"`` or None (either).
    """

    shows: str
    scale: object = None

    def __post_init__(self):
        if self.shows not in UNITS:
            raise ValueError(f"shows must be one of {', '.join(UNITS)}, got {self.shows!r}")
        if self.scale not in (None, "linear", "log"):
            raise ValueError(f"scale must be 'linear', 'log' or None, got {self.scale!r}")

    @property
    def example(self):
        return EXAMPLE_LABEL[self.shows]

    def unit_in(self, label):
        """The unit `label` names (its spelling and SI factor), or None: units in brackets first
        (``"v (mV)"``, ``"v [mV]"``), then after a slash or "in" (``"t / ms"``), then anywhere.

        Examples
        --------
        >>> Axis("voltage").unit_in("V (mV)")
        ('mV', 0.001)
        >>> Axis("rate").unit_in("rate [spikes/s]")
        ('spikes/s', 1.0)
        >>> Axis("time").unit_in("time") is None
        True
        """
        units = UNITS[self.shows]
        if "" in units:
            return ("", 1.0)
        text = _plain(label)
        bracketed = re.findall(r"[(\[]([^)\]]*)[)\]]", text)
        after = re.findall(r"(?:/|\bin\b)\s*(\S+)\s*$", text)
        for part in bracketed[::-1] + after + [text]:
            found = self._unit_token(part)
            if found is not None:
                return found
        return None

    def _unit_token(self, text):
        best = None
        for name, factor in UNITS[self.shows].items():
            pattern = r"(?<![\wΩµ°/])" + re.escape(name) + r"(?![\wΩµ°/^])"
            for match in re.finditer(pattern, text):
                # The longest spelling at the latest place ("spikes/s" over "s").
                key = (match.start(), len(name))
                if best is None or key > best[0]:
                    best = (key, (name, factor))
        return best[1] if best else None


@dataclass(frozen=True)
class Curve:
    """A curve the plot must contain: `follows(variant)` returns a function y(x) (both SI floats,
    NumPy arrays in and out; NaN where the curve is not defined), and the line that matches it
    best must agree within `rel` (a fraction) or `abs` (SI) at `share` of its points inside
    `domain(variant)` (SI (low, high), or None: wherever y(x) is defined) and cover at least
    `cover` of that domain. `missing` is the sentence when no line does (what to plot, how).

    Attributes
    ----------
    name : str
        What the curve is, in the sentences: ``"your simulated trace"``.
    follows : callable
    missing : str
    rel, abs : float
    share : float
    cover : float
    domain : callable or None
    min_points : int
    kinds : tuple of str
        Which kinds of marks may draw it: ``("line",)``, ``("points",)`` or both.
    """

    name: str
    follows: Callable = field(repr=False)
    missing: str
    rel: float = 0.02
    abs: float = 0.0
    share: float = 0.95
    cover: float = 0.5
    domain: object = field(default=None, repr=False)
    min_points: int = 5
    kinds: tuple = ("line", "points")

    def score(self, line, x_factor, y_factor, variant, log_x=False):
        """How well `line` (in the figure's units, converted by the factors) follows the curve: the
        share of its points in the domain that agree, and the share of the domain it covers (in
        log x when `log_x`)."""
        if line.kind not in self.kinds:
            return 0.0, 0.0
        x, y = line.x * x_factor, line.y * y_factor
        keep = np.isfinite(x) & np.isfinite(y)
        x, y = x[keep], y[keep]
        low, high = self.domain(variant) if self.domain is not None else (-np.inf, np.inf)
        inside = (x >= low) & (x <= high)
        x, y = x[inside], y[inside]
        with np.errstate(all="ignore"):
            expected = np.asarray(self.follows(variant)(x), dtype=float) if x.size else np.array([])
        defined = np.isfinite(expected)
        x, y, expected = x[defined], y[defined], expected[defined]
        if x.size < self.min_points:
            return 0.0, 0.0
        close = np.abs(y - expected) <= np.maximum(self.rel * np.abs(expected), self.abs) * (1 + 1e-9)
        if self.domain is not None and np.isfinite(low) and np.isfinite(high) and high > low:
            if log_x and low > 0:
                covered = math.log(x.max() / x.min()) / math.log(high / low) if x.min() > 0 else 0.0
            else:
                covered = (x.max() - x.min()) / (high - low)
        else:
            covered = 1.0
        return float(close.mean()), float(covered)
