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
v and I as two arrays of 1000 float32 (8.0 kB) and 2.7 kB of JSON, 10.7 kB in all, against 34.7
kB for the image view's PNG; t, which v(t) and I(t) share, goes in the `grid` trait only when the
time grid changes (the first frame, a new duration: 4.0 kB more). Traces longer than two points
per pixel column of their axes are thinned to two (`thin`): a 1000 ms StepPanel sends 1112 points
per trace instead of 10 000 (16.8 kB instead of 123 kB). `CanvasWidget.last_payload_bytes`
counts it for every update.

Dragging: a line whose gid is `DRAGGABLE` (a student's prediction points while a panel asks for
them) goes into the frame with ``"drag": true``; the browser lets the student drag its points up
and down and, when a point is let go, sets the widget's ``dragged`` trait to ``{"axes": a, "index":
i, "y": value in data units, "seq": n}``, which the kernel observes (`FigureView.on_drag`).

Self-check: `self_check()` builds one widget and checks that anywidget took our module and that
the arrays reach the widget's state as bytes; it keeps nothing: the panels' `Display` (in `_view`)
keeps its answer, and if anywidget is missing or behaves differently, its panels fall back to the
"image" view (a PNG per update, as before) with one warning from that display.
"""

import re
from pathlib import Path

import numpy as np
from matplotlib.colors import to_hex

__all__ = ["widget_class", "FrameBuilder", "figure_frame", "self_check", "thin", "ESM_PATH", "SMALL", "THIN_ABOVE",
           "DRAGGABLE"]

ESM_PATH = Path(__file__).with_name("static") / "canvas_view.js"

#: The gid of a line whose points the student may drag in the browser.
DRAGGABLE = "neurodyn-lab-draggable"

#: Lines with at most this many points go as JSON lists (reference lines, a few spike times);
#: longer ones (traces, curves) as float32 binary buffers.
SMALL = 8

#: A trace with more than this many points per pixel column of its axes is thinned to two per
#: column, the smallest and the largest value of the column's samples in their order: the line
#: drawn is the same to the pixel (every spike's peak and reset stay), and a 5 s recording at
#: dt = 0.1 ms sends about 1200 points instead of 50 000.
THIN_ABOVE = 2

_CSS = ".neurodyn-lab-canvas { display: block; background: #fff; }"

# The CanvasWidget class, made on first use (anywidget is imported then): a constant built once, like an import.
_widget_class = None


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
        #: The lines' x data (names starting with "x"): the time grid, sent again only when it changes.
        grid = traitlets.Dict().tag(sync=True)
        #: The last point the student let go of (set by the browser; see the module docstring).
        dragged = traitlets.Dict().tag(sync=True)

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.last_payload_bytes = 0
            self.update_count = 0

        def show(self, frame, arrays):
            """Send a new frame and its arrays in one message; the x arrays (names starting with "x")
            go to `grid` and the others to `arrays`, and either is sent only when it changed: while
            a slider moves, the time grid stays in the browser and only v and I travel."""
            import json

            grid = {name: data for name, data in arrays.items() if name.startswith("x")}
            values = {name: data for name, data in arrays.items() if not name.startswith("x")}
            changed = [(name, new) for name, new, old in (("grid", grid, self.grid), ("arrays", values, self.arrays))
                       if new != old]
            self.last_payload_bytes = len(json.dumps(frame)) + sum(len(b) for _, new in changed for b in new.values())
            self.update_count += 1
            with self.hold_sync():
                for name, new in changed:
                    setattr(self, name, new)
                self.frame = frame  # last: the browser paints on the frame's change, its arrays already there

        def close(self):
            """Close the widget and its Layout (a widget of its own, alive until closed)."""
            layout = self.layout
            super().close()
            if layout is not None:
                layout.close()

    return CanvasWidget


def widget_class():
    """The ``CanvasWidget`` class, an ``anywidget.AnyWidget`` (anywidget is imported on first use)."""
    global _widget_class
    if _widget_class is None:
        _widget_class = _make_class()
    return _widget_class


def self_check(make_class=None):
    """Why the canvas view does not work here ("" when it does): anywidget imports and its widget
    holds our module and bytes. Keeps nothing and warns nothing (the caller owns both).

    `make_class` returns the widget class to probe (default `widget_class`; tests pass a broken one).
    """
    try:
        cls = (make_class or widget_class)()
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
    except Exception as exc:  # ImportError (no anywidget) or an anywidget that changed
        return f"{type(exc).__name__}: {exc}"
    return ""


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

        def data(values, kind="a"):
            a = np.asarray(values, dtype=np.float32).ravel()
            if a.size <= SMALL:
                return [None if not np.isfinite(x) else float(x) for x in a]
            raw = a.tobytes()
            key = by_content.get(raw)
            if key is None:
                key = by_content[raw] = f"{kind}{len(by_content)}"
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
                style = _style(line)
                x, y = _floats(x), _floats(y)
                trace = coords == "data" and not style["marker"] and line.get_gid() != DRAGGABLE
                if trace:  # a trace's x is the time grid: kept in the browser while it does not change
                    x, y = thin(x, y, ax.get_xlim(), columns=(position.x1 - position.x0) * width)
                entry = style | {"coords": coords, "x": data(x, "x" if trace else "a"), "y": data(y)}
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
                # The title's size and its baseline's distance above the axes, in points (set_title's pad).
                "titlesize": float(ax.title.get_fontsize()),
                "titlepad": float(ax.titleOffsetTrans.get_matrix()[1, 2]) * 72 / float(figure.dpi),
                "xticklabels": _label_visible(ax.xaxis, "labelbottom"),
                "yticklabels": _label_visible(ax.yaxis, "labelleft"),
                **self._axis_ticks(ax),
                "series": series, "legend": entries,
            })
        frame = {"seq": self.seq, "width": width, "height": height, "dpi": self.dpi, "label": label, "axes": axes}
        return frame, arrays


def thin(x, y, xlim=None, columns=600):
    """`x`, `y` of a trace thinned to two points per pixel column (see `THIN_ABOVE`), or as given.

    Only the samples inside `xlim` (and one beyond each end) are kept. Each column's samples give
    their smallest and largest y, in the order they occur, at the column's first and last x: the
    thinned x depends on the time grid alone, so v(t) and I(t) share it and it stays the same
    while a slider moves. Lines whose x does not increase are returned as given.

    Examples
    --------
    >>> t = np.arange(0, 5000, 0.1)  # 5 s at dt = 0.1 ms
    >>> v = np.where(np.arange(t.size) % 997 == 0, 20.0, -65.0)  # one-sample spikes
    >>> xs, ys = thin(t, v, (0, 5000), columns=600)
    >>> len(xs) <= 2 * 601, int((ys == 20.0).sum()) == int((v == 20.0).sum())
    (True, True)
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = min(x.size, y.size)
    columns = max(int(columns), 1)
    if n <= THIN_ABOVE * columns or not (np.isfinite(x[:n]).all() and (np.diff(x[:n]) >= 0).all()):
        return x, y
    x, y = x[:n], y[:n]
    if xlim is not None:
        low, high = min(xlim), max(xlim)
        first = max(int(np.searchsorted(x, low, "left")) - 1, 0)
        last = int(np.searchsorted(x, high, "right")) + 1
        x, y = x[first:last], y[first:last]
        n = x.size
        if n <= THIN_ABOVE * columns:
            return x, y
    k = -(-n // columns)  # samples per column
    whole = n // k * k
    xs, ys = x[:whole].reshape(-1, k), y[:whole].reshape(-1, k)
    rows = np.arange(xs.shape[0])
    low_at, high_at = np.argmin(ys, axis=1), np.argmax(ys, axis=1)
    earlier, later = np.minimum(low_at, high_at), np.maximum(low_at, high_at)
    thin_x = [np.column_stack([xs[:, 0], xs[:, -1]]).ravel()]
    thin_y = [np.column_stack([ys[rows, earlier], ys[rows, later]]).ravel()]
    if whole < n:  # the last, shorter column
        tail = y[whole:]
        a, b = sorted((int(np.argmin(tail)), int(np.argmax(tail))))
        thin_x.append([x[whole], x[-1]])
        thin_y.append([tail[a], tail[b]])
    return np.concatenate(thin_x), np.concatenate(thin_y)


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
