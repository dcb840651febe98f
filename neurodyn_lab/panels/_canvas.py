"""The browser-drawn view: a panel's figure sent as data and painted on a <canvas> by the browser.

The only module that imports anywidget. A panel keeps its matplotlib figure as the *model* of
what is shown (the drawers of `neurodyn_lab.plotting` set its lines' data and the axes' limits,
exactly as for a static plot), but nothing is rendered in the kernel: `figure_frame` reads the
figure (axes positions, limits, scales, ticks, labels, legend; every visible line's colour,
width, dash and marker) into a small JSON *frame*, and the lines' data into float32 arrays that
travel as binary buffers of the widget message (ipywidgets sends ``bytes`` found in a widget's
state as binary buffers, not as JSON). `CanvasWidget` holds the two and its ES module
(``static/canvas_view.js``, shipped in the wheel, nothing fetched at run time) paints them.

Why anywidget: one small Python class and one ES module, no front-end extension of our own to
build, version and install per front end; anywidget's front end is one package that JupyterLab 4,
Notebook 7, VS Code and Colab load (its stated contract: the same module renders in each), and
it is kept by an active project. Why our own canvas drawer rather than a chart library (uPlot,
bqplot): the panels draw lines, dots, triangle markers and dashed reference lines on linear or
logarithmic axes; Canvas 2D does that in about 250 lines with nothing to bundle, no npm lock to
keep and no second description of the figure (the frame is read from the same matplotlib figure
that `save_figure`, ``result.plot()`` and the docs draw, so the two cannot drift apart).

Payload (measured 2026-12-03): a StepPanel update with the default 100 ms at dt = 0.1 ms sends
three arrays of 1000 float32 (t, shared by v(t) and I(t), v and I: 12.0 kB) and 2.7 kB of JSON,
14.7 kB in all, against 34.7 kB for the image view's PNG; `CanvasWidget.last_payload_bytes`
counts it for every update.

Dragging: a line whose gid is `DRAGGABLE` (a student's prediction points while a panel asks for
them) goes into the frame with ``"drag": true``; the browser lets the student drag its points up
and down and, when a point is let go, sets the widget's ``dragged`` trait to ``{"axes": a, "index":
i, "y": value in data units, "seq": n}``, which the kernel observes (`FigureView.on_drag`).

Self-check: `available()` builds one widget and checks that anywidget took our module and that
the arrays reach the widget's state as bytes; if anywidget is missing or behaves differently,
panels fall back to the "image" view (a PNG per update, as before) with one warning.
"""

import re
import warnings
from pathlib import Path

import numpy as np
from matplotlib.colors import to_hex

__all__ = ["widget_class", "FrameBuilder", "figure_frame", "available", "ESM_PATH", "SMALL", "DRAGGABLE"]

ESM_PATH = Path(__file__).with_name("static") / "canvas_view.js"

#: The gid of a line whose points the student may drag in the browser.
DRAGGABLE = "neurodyn-lab-draggable"

#: Lines with at most this many points go as JSON lists (reference lines, a few spike times);
#: longer ones (traces, curves) as float32 binary buffers.
SMALL = 8

_CSS = ".neurodyn-lab-canvas { display: block; background: #fff; }"

_widget_class = None
_checked = None


def _warn_once(text):
    warnings.warn(f"neurodyn_lab panels: {text}", RuntimeWarning, stacklevel=3)


def _make_class():
    import anywidget
    import traitlets

    class CanvasWidget(anywidget.AnyWidget):
        """A panel's figure, drawn in the browser from a frame (JSON) and float32 arrays (binary).

        Attributes
        ----------
        frame : dict
            What to draw: size, axes, lines, legend and the text alternative (``label``).
        arrays : dict
            Name -> float32 bytes of the lines' data, referenced by name from `frame`.
        last_payload_bytes : int
            Bytes of the last update: the binary arrays plus the frame's JSON (not synced).
        """

        _esm = ESM_PATH.read_text(encoding="utf-8")  # the text, not the path: no file watcher per widget
        _css = _CSS
        frame = traitlets.Dict().tag(sync=True)
        arrays = traitlets.Dict().tag(sync=True)
        #: The last point the student let go of (set by the browser; see the module docstring).
        dragged = traitlets.Dict().tag(sync=True)

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.last_payload_bytes = 0
            self.update_count = 0

        def show(self, frame, arrays):
            """Send a new frame and its arrays in one message (arrays equal to the last are not resent)."""
            import json

            resend = arrays != self.arrays
            self.last_payload_bytes = len(json.dumps(frame)) + (sum(len(b) for b in arrays.values()) if resend else 0)
            self.update_count += 1
            with self.hold_sync():
                self.frame = frame
                if resend:
                    self.arrays = arrays

    return CanvasWidget


def widget_class():
    """The ``CanvasWidget`` class, an ``anywidget.AnyWidget`` (anywidget is imported on first use)."""
    global _widget_class
    if _widget_class is None:
        _widget_class = _make_class()
    return _widget_class


def available():
    """True if the canvas view works here: anywidget imports and its widget holds our module and bytes.

    Checked once per process; on failure one warning names the cause and panels use the image view.
    """
    global _checked
    if _checked is not None:
        return _checked
    try:
        cls = widget_class()
        probe = cls()
        try:
            probe.show({"seq": 0, "axes": []}, {"b0": np.arange(3, dtype=np.float32).tobytes()})
            state = probe.get_state()
            problems = []
            if "export default" not in str(state.get("_esm", "")):
                problems.append("the widget did not take its ES module")
            data = state.get("arrays", {}).get("b0")
            if not isinstance(data, (bytes, memoryview)) or bytes(data) != np.arange(3, dtype=np.float32).tobytes():
                problems.append("the arrays are not bytes in the widget's state")
            if problems:
                raise TypeError("; ".join(problems))
        finally:
            probe.close()
        _checked = True
    except Exception as exc:  # ImportError (no anywidget) or an anywidget that changed
        _warn_once(f"the browser-drawn view does not work here ({type(exc).__name__}: {exc}); "
                   f"panels show a PNG image instead")
        _checked = False
    return _checked


# ------------------------------------------------------------------------------- the frame

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _tick_text(text):
    """matplotlib's tick label as plain text: ``$\\mathdefault{10^{2}}$`` -> ``10²``."""
    match = re.fullmatch(r"\$\\mathdefault\{(.*)\}\$", text)
    if match:
        text = match.group(1)
    text = re.sub(r"\^\{?(-?\d+)\}?", lambda m: m.group(1).translate(_SUPERSCRIPT), text)
    return text.replace("-", "−")


def _ticks(axis, low, high):
    locs = [float(x) for x in axis.get_majorticklocs()]
    labels = axis.get_major_formatter().format_ticks(locs) if locs else []
    span = abs(high - low) * 1e-9
    lo, hi = min(low, high) - span, max(low, high) + span
    return [[x, _tick_text(text)] for x, text in zip(locs, labels) if lo <= x <= hi]


def _grid(axis, ticks, low, high, log):
    grid = [x for x, _ in ticks]
    if log:  # matplotlib's grid(which="both") on a log axis: the minor decades too
        lo, hi = min(low, high), max(low, high)
        grid += [float(x) for x in axis.get_minorticklocs() if lo <= x <= hi]
    return grid


def _label_visible(axis, which):
    return bool(axis.get_tick_params(which="major").get(which, True))


class FrameBuilder:
    """Reads a figure into a frame; caches the ticks per axes limits (they change rarely)."""

    def __init__(self, figure, dpi):
        self.figure = figure
        self.dpi = float(dpi)
        self.seq = 0
        self._tick_cache = {}

    def _axis_ticks(self, ax):
        xlim, ylim = ax.get_xlim(), ax.get_ylim()
        key = (id(ax), xlim, ylim, ax.get_xscale(), ax.get_yscale())
        cached = self._tick_cache.get(key)
        if cached is None:
            xticks = _ticks(ax.xaxis, *xlim)
            yticks = _ticks(ax.yaxis, *ylim)
            cached = {"xticks": xticks, "yticks": yticks}
            cached["xgrid"] = _grid(ax.xaxis, xticks, *xlim, ax.get_xscale() == "log") if _gridded(ax.xaxis) else []
            cached["ygrid"] = _grid(ax.yaxis, yticks, *ylim, ax.get_yscale() == "log") if _gridded(ax.yaxis) else []
            if len(self._tick_cache) > 64:
                self._tick_cache.clear()
            self._tick_cache[key] = cached
        return cached

    def build(self, label=""):
        """Return ``(frame, arrays)`` for the figure's current state; `label` is the text alternative."""
        self.seq += 1
        figure = self.figure
        width, height = (int(round(x * self.dpi)) for x in figure.get_size_inches())
        arrays, by_content = {}, {}

        def data(values):
            a = np.asarray(values, dtype=np.float32).ravel()
            if a.size <= SMALL:
                return [None if not np.isfinite(x) else float(x) for x in a]
            raw = a.tobytes()
            key = by_content.get(raw)
            if key is None:
                key = by_content[raw] = f"a{len(by_content)}"
                arrays[key] = raw
            return key

        axes = []
        for ax in figure.axes:
            if not ax.get_visible():
                continue
            position = ax.get_position()
            xaxis_transform, yaxis_transform = ax.get_xaxis_transform(), ax.get_yaxis_transform()
            series = []
            for line in ax.get_lines():
                if not line.get_visible():
                    continue
                x, y = line.get_xdata(), line.get_ydata()
                if len(x) == 0 or len(y) == 0:
                    continue
                transform = line.get_transform()
                coords = "xaxis" if transform is xaxis_transform else "yaxis" if transform is yaxis_transform else "data"
                entry = _style(line) | {"coords": coords, "x": data(_floats(x)), "y": data(_floats(y))}
                if line.get_gid() == DRAGGABLE:
                    entry["drag"] = True
                series.append(entry)
            xlim, ylim = ax.get_xlim(), ax.get_ylim()
            legend = ax.get_legend()
            entries = []
            if legend is not None and legend.get_visible():
                for handle, text in zip(legend.legend_handles, legend.get_texts()):
                    if handle is not None and hasattr(handle, "get_linestyle"):
                        entries.append(_style(handle) | {"label": text.get_text()})
            axes.append({
                "box": [float(position.x0), float(position.y0), float(position.x1), float(position.y1)],
                "xlim": [float(xlim[0]), float(xlim[1])], "ylim": [float(ylim[0]), float(ylim[1])],
                "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
                "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(), "title": ax.get_title(),
                "xticklabels": _label_visible(ax.xaxis, "labelbottom"),
                "yticklabels": _label_visible(ax.yaxis, "labelleft"),
                **self._axis_ticks(ax),
                "series": series, "legend": entries,
            })
        frame = {"seq": self.seq, "width": width, "height": height, "dpi": self.dpi, "label": label, "axes": axes}
        return frame, arrays


def _gridded(axis):
    """True if the axis draws grid lines (``ax.grid(True)``), read from its first major tick."""
    ticks = axis.get_major_ticks(numticks=1)
    return bool(ticks and ticks[0].gridline.get_visible())


def _floats(values):
    values = np.ma.filled(np.ma.asarray(values, dtype=float), np.nan)
    return values


def _style(line):
    color = line.get_color()
    return {
        "color": to_hex(color, keep_alpha=False),
        "lw": float(line.get_linewidth()),
        "ls": _linestyle(line.get_linestyle()),
        "marker": str(line.get_marker()) if line.get_marker() not in (None, "", " ", "None", "none") else "",
        "ms": float(line.get_markersize()),
    }


def _linestyle(style):
    return {"solid": "-", "dashed": "--", "dotted": ":", "dashdot": "-.", "None": "", "none": "", " ": "",
            "": ""}.get(style, style)


def figure_frame(figure, dpi=90, label=""):
    """One frame of `figure` (see the module docstring): ``(frame, arrays)``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> figure = Figure(figsize=(4, 3))
    >>> ax = figure.add_subplot()
    >>> _ = ax.plot(np.linspace(0, 1, 100), np.linspace(0, 1, 100) ** 2, color="tab:blue")
    >>> frame, arrays = figure_frame(figure, label="a parabola")
    >>> frame["width"], frame["height"], frame["axes"][0]["series"][0]["color"]
    (360, 270, '#1f77b4')
    >>> sorted(len(b) for b in arrays.values())  # x and y: 100 float32 each
    [400, 400]
    """
    return FrameBuilder(figure, dpi).build(label)
