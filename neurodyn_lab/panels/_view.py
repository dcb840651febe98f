"""The figure of a panel: created once, updated in place, drawn by the browser, by ipympl or as a PNG image.

A panel owns one `FigureView` for its whole life. Updating a panel changes the data of existing
artists (``set_data``) and asks the view to redraw; no figure is ever created per update, and no
figure goes through pyplot (so none piles up in ``plt.get_fignums()`` or is auto-displayed by the
inline backend at the end of a cell).

Three ways to show the figure:

- ``"canvas"``: the browser draws it. The figure is read into a frame (axes, limits, ticks, lines'
  styles: JSON) and the lines' data (float32 binary buffers) and painted on a <canvas> by a small
  ES module shipped in the package (`_canvas`, on anywidget). Nothing is rendered in the kernel
  per update (reading the figure takes about 0.4 ms against 40-60 ms for a matplotlib draw and
  11-13 ms for a PNG encode), and the browser paints at most once per display frame. The canvas
  carries the plot's text alternative as its aria-label. Measured 2026-12-03 with
  benchmarks/bench_canvas.py against the image view in the same JupyterLab run, on 2 cores with a
  load average of 3.3 rising to 8.0 from other jobs: a keyboard move to the painted plot p50 58 ms
  (image 63), p95 82 ms (107); a 2 s mouse drag 14.6 frames painted per second (8.4), the final
  value 101 ms after the last move (266); 18.8 kB over the websocket per move (35.4 kB).
- ``"image"``: an Agg canvas rendered to PNG into an ``ipywidgets.Image`` after each update; works
  in every front end and without a kernel (headless tests, nbconvert, voila).
- ``"ipympl"``: the figure's canvas *is* a widget (``ipympl.backend_nbagg.Canvas``); an update
  blits the changed pixels to it, or asks the front end for a full frame (``draw_idle``); pan,
  zoom and the toolbar's download work.

``"auto"`` (the default) chooses ``"canvas"`` inside a Jupyter kernel when anywidget works
(`Display.canvas_available`) and its front-end extension is in the Jupyter data paths; otherwise, as
before, ``"ipympl"`` inside a Jupyter kernel when ipympl is installed and
its front-end extension is found in the Jupyter data paths (or the notebook has switched to it with
``%matplotlib widget``), and ``"image"`` otherwise. Both were measured in JupyterLab 4 with
headless chromium: a keyboard drag of 40 steps over a StepPanel, 6 drags per view alternating, on
a 2-CPU machine with a load average of 5-6 from other jobs. The final value appeared a median
237 ms (64-430) after the last key press with ipympl and 246 ms (112-545) with the image, with as
many intermediate frames (25-35 and 26-39 of 40): no measurable difference in speed, so ipympl's
pan, zoom and toolbar decide. An earlier variant that let ipympl send diff frames left stale pixels
in the browser, so whole frames are sent (see `_ipympl.install_whole_frames`, the one module that
touches ipympl's internals; without them the view falls back to ipympl's own frames). Override the choice per panel
(``StepPanel(view="image")``), for a session with `set_default_view` (the default `Display`'s
`view`), or with the environment
variable ``NEURODYN_LAB_VIEW`` (``canvas``, ``image`` or ``ipympl``), e.g. for a front end without
widgets. Outside a kernel (a script, nbconvert's own process, the docs) "auto" is ``"image"``: the
same matplotlib figure as a PNG. `save_png` always draws the figure with matplotlib, whatever the view.

What panels share about showing figures -- the default view, whether the canvas view works here
(its self-check, run once) and which fallback warnings were given -- belongs to a `Display`: the
kernel's panels share `default_display()` (as they share the default engine), a test makes its own,
and the fence modules `_canvas` and `_ipympl` keep nothing.
"""

import importlib.util
import io
import warnings
from pathlib import Path

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from .._config import settings as process_settings
from .._validation import describe
from . import _canvas, _ipympl, _kernel

__all__ = ["FigureView", "Display", "default_display", "VIEW_MODES", "set_default_view", "default_view",
           "resolve_view"]

VIEW_MODES = ("auto", "canvas", "ipympl", "image")

# PNG compression level 1 encodes about a third faster than the default 6 (13 against 19 ms for a
# panel's 648x414 frame) for a 10 % larger file; a frame is sent on every update.
_PIL_KWARGS = {"compress_level": 1}


class Display:
    """How one kernel's panels show their figures: the default view mode, whether the canvas view
    works here (checked once, on first need), and the fallback warnings already given (each once).

    Panels use `default_display()`; a test makes its own, which starts from nothing, like a fresh
    kernel.

    Parameters
    ----------
    view : str
        The mode of panels that ask for none: "auto" (default), "canvas", "ipympl" or "image".
    settings : neurodyn_lab._config.Settings, optional
        Whose ``NEURODYN_LAB_VIEW`` "auto" takes first; default this process's, read once.
    canvas_class : callable, optional
        Returns the canvas widget class to self-check (default: the package's, ``_canvas.widget_class``).

    Examples
    --------
    >>> display = Display(view="image")
    >>> display.resolve(None), display.resolve("auto")  # not in a kernel: the static image
    ('image', 'image')
    >>> display.view = "svg"
    Traceback (most recent call last):
    ...
    ValueError: view must be one of 'auto', 'canvas', 'ipympl', 'image', got the text 'svg'.
    """

    def __init__(self, view="auto", *, settings=None, canvas_class=None):
        self.view = view
        self.settings = settings
        self._canvas_class = canvas_class or _canvas.widget_class
        self._canvas_problem = None  # why the canvas view does not work ("" when it does), once checked
        self._warned = set()
        self._cells = None  # the kernel's CellPanels, made on first use

    @property
    def view(self):
        """The mode of panels that ask for none (see `VIEW_MODES`)."""
        return self._view

    @view.setter
    def view(self, mode):
        self._view = _check_mode(mode, "view")

    def warn_once(self, topic, text):
        """Warn `text` unless this display already warned about `topic`."""
        if topic not in self._warned:
            self._warned.add(topic)
            warnings.warn(f"neurodyn_lab panels: {text}", RuntimeWarning, stacklevel=3)

    def cells(self):
        """The ``CellPanels`` of this kernel (``panels._kernel``): which panels each cell made or
        shows, so that a cell run again frees them. Outside a kernel it tracks nothing.

        Examples
        --------
        >>> Display().cells().shell is None  # not in a kernel
        True
        """
        shell = _kernel.kernel_shell()
        if self._cells is None or self._cells.shell is not shell:
            self._cells = _kernel.CellPanels(shell)
        return self._cells

    def canvas_available(self):
        """True if the canvas view works here (self-checked on the first call; one warning if not)."""
        if self._canvas_problem is None:
            self._canvas_problem = _canvas.self_check(self._canvas_class)
            if self._canvas_problem:
                self.warn_once("canvas", f"the browser-drawn view does not work here ({self._canvas_problem}); "
                                         f"panels show a PNG image instead")
        return not self._canvas_problem

    def resolve(self, mode=None, settings=None):
        """"canvas", "ipympl" or "image" for the requested `mode` (None: `view`); "auto" takes
        ``NEURODYN_LAB_VIEW`` of `settings` (default: the display's) first."""
        mode = _check_mode(mode if mode is not None else self.view)
        if mode == "auto":
            settings = settings if settings is not None else self.settings
            mode = (settings if settings is not None else process_settings()).view
            if mode not in VIEW_MODES:
                mode = "auto"
        if mode == "canvas":
            return "canvas" if self.canvas_available() else "image"
        if mode == "auto":
            if _kernel.in_kernel() and _canvas_frontend_installed() and self.canvas_available():
                return "canvas"
            wanted = _kernel.in_kernel() and (_notebook_uses_ipympl() or _ipympl_frontend_installed())
            return "ipympl" if wanted and _ipympl_available() else "image"
        if mode == "ipympl" and not _ipympl_available():
            return "image"
        return mode

    def __repr__(self):
        canvas = {None: "not checked", "": "works"}.get(self._canvas_problem, "does not work")
        return f"Display(view={self.view!r}; canvas view {canvas})"


def default_display():
    """The `Display` this kernel's panels share (the panels' counterpart of the default engine).

    Examples
    --------
    >>> default_display() is default_display()
    True
    """
    return _DEFAULT


def set_default_view(mode):
    """Set how panels created from now on show their figure: "auto", "canvas", "ipympl" or "image".

    The default display's `Display.view`.

    Examples
    --------
    >>> set_default_view("image")
    >>> default_view()
    'image'
    >>> set_default_view("auto")
    """
    _DEFAULT.view = _check_mode(mode, "mode")


def default_view():
    """The current default view mode (see `set_default_view`)."""
    return _DEFAULT.view


def _check_mode(mode, name="view"):
    """`mode` if it is one of `VIEW_MODES`; one sentence naming the argument `name` otherwise."""
    if not isinstance(mode, str) or mode not in VIEW_MODES:
        raise ValueError(f"{name} must be one of {', '.join(repr(m) for m in VIEW_MODES)}, "
                         f"got {describe(mode, unitless=True)}.")
    return mode


def _ipympl_available():
    """True if ipympl is installed; checked without importing it (see `_ipympl.import_canvas`)."""
    return importlib.util.find_spec("ipympl") is not None


_IPYMPL_BACKENDS = ("widget", "ipympl", "module://ipympl.backend_nbagg")


def _notebook_uses_ipympl():
    """True if matplotlib's backend is ipympl (``%matplotlib widget``), without resolving it."""
    backend = _ipympl.raw_backend()
    return isinstance(backend, str) and backend.lower() in _IPYMPL_BACKENDS


def _ipympl_frontend_installed():
    """True if ipympl's JupyterLab extension (jupyter-matplotlib) is in a Jupyter data path."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return False
    return any(Path(base, "jupyter-matplotlib").is_dir() for base in jupyter_path("labextensions"))


def _canvas_frontend_installed():
    """True if anywidget's JupyterLab/Notebook 7 extension is in a Jupyter data path."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return False
    return any(Path(base, "anywidget").is_dir() for base in jupyter_path("labextensions"))


def resolve_view(mode=None, settings=None, display=None):
    """Return "canvas", "ipympl" or "image" for the requested `mode` (None: the default); "auto"
    takes ``NEURODYN_LAB_VIEW`` of `settings` (default: the display's) first.

    `display` is the `Display` that decides (default `default_display()`).

    Examples
    --------
    >>> resolve_view("auto")  # not in a kernel: the static image
    'image'
    """
    return (display if display is not None else _DEFAULT).resolve(mode, settings)


class FigureView:
    """One matplotlib figure and the widget that shows it, redrawn by blitting when it can.

    A panel declares the artists that change with the data as *animated* (`set_animated`). A full
    draw (axes, ticks, labels, legend: mostly text, the slow part) then happens only when
    something static changed, which the view notices by itself from the axes' limits; otherwise
    a redraw restores the cached background and draws only the animated artists on it (a
    "blit"), a few milliseconds instead of a full draw.

    Parameters
    ----------
    figsize : (float, float)
        Size in inches.
    mode : str or None
        "auto", "canvas", "ipympl" or "image"; None: the display's `Display.view`.
    dpi : float
        Dots per inch of the shown image.
    display : Display, optional
        Decides the mode and gives the fallback warnings; default `default_display()`.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The one figure; panels add their axes and artists to it once.
    widget : ipywidgets.DOMWidget
        What the panel places in its layout (a `_canvas.CanvasWidget`, the ipympl canvas or an Image).
    mode : str
        "canvas", "ipympl" or "image".
    draw_count, full_draw_count : int
        How many redraws were requested, and how many of them needed a full draw.

    Examples
    --------
    >>> view = FigureView((4, 3), mode="image")
    >>> ax = view.figure.add_subplot()
    >>> line, = ax.plot([0, 1], [0, 1])
    >>> view.set_animated([line])
    >>> view.redraw()
    >>> bytes(view.widget.value[:4]) == b"\\x89PNG"
    True
    """

    def __init__(self, figsize, mode=None, dpi=90, display=None):
        display = display if display is not None else _DEFAULT
        self.display = display
        self.mode = display.resolve(mode)
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.dpi = dpi
        self.draw_count = 0
        self.full_draw_count = 0
        self._animated = []
        self._background = None
        self._background_key = None
        self._saving = False
        #: True when frames go to the ipympl front end whole, through `_ipympl.install_whole_frames`.
        self.whole_frames = False
        self._frames = None
        if self.mode == "canvas":
            FigureCanvasAgg(self.figure)  # for save_png; nothing is rendered per update
            self._frames = _canvas.FrameBuilder(self.figure, dpi)
            self.widget = _canvas.widget_class()()
        elif self.mode == "ipympl":
            Canvas, FigureManager = _ipympl.import_canvas(display.warn_once)
            canvas = Canvas(self.figure)
            # A manager gives the canvas its toolbar (pan, zoom, home, download); num is only a label.
            with warnings.catch_warnings():
                # ipympl's Toolbar passes matplotlib's arguments on to traitlets, which warns.
                warnings.filterwarnings("ignore", "Passing unrecognized arguments", DeprecationWarning)
                FigureManager(canvas, 0)
            # Every frame goes to the front end whole, encoded like the image view.
            self.whole_frames = _ipympl.install_whole_frames(canvas, self._encode, display.warn_once)
            canvas.header_visible = False
            canvas.toolbar_position = "left"
            canvas.resizable = False
            self.widget = canvas
        else:
            FigureCanvasAgg(self.figure)
            width, height = (int(round(x * dpi)) for x in figsize)
            self.widget = widgets.Image(format="png", width=width, height=height)
        # Every full draw (ours, or one the ipympl front end asks for after a pan, zoom or resize)
        # refreshes the cached background and then paints the animated artists on top.
        self.figure.canvas.mpl_connect("draw_event", self._on_draw)

    def set_animated(self, artists):
        """Declare the artists that change with the data (lines, markers, reference lines)."""
        self._animated = list(artists)
        for artist in self._animated:
            artist.set_animated(True)
        self._background = None

    def _key(self):
        """What the cached background depends on: size, dpi and every axes' limits."""
        return (
            tuple(self.figure.canvas.get_width_height()),
            float(self.figure.dpi),
            tuple((ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes),
        )

    def _on_draw(self, event):
        if self._saving or event is None:
            return
        canvas = self.figure.canvas
        if float(self.figure.dpi) == float(self.dpi):
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._background_key = self._key()
        for artist in self._animated:
            if artist.get_visible():
                artist.draw(event.renderer)

    def invalidate(self):
        """Make the next `redraw` a full draw (a panel changed something static, e.g. a legend)."""
        self._background = None

    def redraw(self, label=""):
        """Show the figure's current state: blit the animated artists, or draw it all if needed.

        In the canvas view the browser draws it: the figure is read into a frame and sent, with
        `label` (the plot's text alternative) as the canvas's aria-label.
        """
        self.draw_count += 1
        if self.mode == "canvas":
            self.widget.show(*self._frames.build(label))
            return
        canvas = self.figure.canvas
        if not self._animated or self._background is None or self._key() != self._background_key:
            self.full_draw_count += 1
            self._background = None
            if self.mode == "ipympl":
                canvas.draw_idle()  # the front end asks for the frame; _on_draw refreshes the cache
            else:
                canvas.draw()
                self.widget.value = self._encode()
            return
        canvas.restore_region(self._background)
        for artist in self._animated:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        if self.mode == "ipympl":
            canvas.blit(self.figure.bbox)  # sends the frame to the front end
        else:
            self.widget.value = self._encode()

    @property
    def draggable(self):
        """True if the student can drag points in this view (the browser-drawn canvas)."""
        return self.mode == "canvas"

    def on_drag(self, callback):
        """Call ``callback(axes_index, point_index, y)`` when the student lets go of a dragged point
        (canvas view only; `callback` should hold its object weakly)."""
        if self.mode != "canvas":
            return

        def changed(change):
            new = change["new"] or {}
            try:
                callback(int(new["axes"]), int(new["index"]), float(new["y"]))
            except (KeyError, TypeError, ValueError):  # a malformed message from a front end: ignored
                pass

        self.widget.observe(changed, "dragged")

    @property
    def payload_bytes(self):
        """Bytes the last update sent to the front end: the canvas view's frame and arrays, or the PNG."""
        if self.mode == "canvas":
            return self.widget.last_payload_bytes
        if self.mode == "image":
            return len(self.widget.value)
        return None  # ipympl: its frames go through its own messages

    def _encode(self):
        """The canvas's current pixels as PNG bytes."""
        pixels = np.asarray(self.figure.canvas.buffer_rgba())
        with io.BytesIO() as buffer:
            PILImage.fromarray(pixels).save(buffer, format="png", **_PIL_KWARGS)
            return buffer.getvalue()

    def render_png(self):
        """The figure rendered to PNG bytes by a full draw (what `redraw` shows in image mode)."""
        self.figure.canvas.draw()
        return self._encode()

    def save_png(self, handle, dpi=150):
        """Write the figure, animated artists included, as PNG to an open binary file `handle`."""
        self._saving = True
        for artist in self._animated:
            artist.set_animated(False)
        try:
            self.figure.savefig(handle, format="png", dpi=dpi)
        finally:
            for artist in self._animated:
                artist.set_animated(True)
            self._saving = False
            self._background = None  # savefig replaced the canvas's renderer

    def close(self):
        """Free the figure's contents and close the widget that shows it (ipympl: and its toolbar)."""
        self._animated = []
        self._background = None
        self._frames = None
        if self.mode == "ipympl":
            manager = getattr(self.figure.canvas, "manager", None)
            toolbar = getattr(manager, "toolbar", None)
            if isinstance(toolbar, widgets.Widget):
                toolbar.close()
        elif self.mode == "image":
            self.widget.value = b""
        self.widget.close()
        self.figure.clear()


_DEFAULT = Display()
