"""The only module that touches private members of ipympl or matplotlib.

Verified against ipympl 0.10.0 with matplotlib 3.11.2 (2026-12-01; the versions this project's
environment installs). Everything else in the panels uses public API only.

What is private, and why:

- ``canvas._png_is_old``, ``canvas._last_buff``, ``canvas._force_full``, ``canvas._current_image_mode``
  and the method ``canvas.get_diff_image`` (matplotlib's webagg core, which ipympl's Canvas
  inherits): `install_whole_frames` replaces ``get_diff_image`` on one canvas so every frame goes
  to the front end whole, PNG level 1 (a dropped diff frame leaves stale pixels while dragging,
  seen in JupyterLab; a dropped whole frame is simply replaced by the next one).
- ``dict.__setitem__(rcParams, "backend", sentinel)``: ``import ipympl`` switches matplotlib's
  backend when matplotlib is already imported; `import_canvas` puts "no backend chosen yet" back,
  which ``matplotlib.use`` cannot express.

Each use checks itself when first needed. If an internal is missing or misbehaves (a release
renamed it), the panel takes the public path (ipympl's own frames; the backend left as ipympl
set it) and a warning says so through the caller's `warn` (the panels' `Display` says each once);
this module keeps no state.
"""

import sys
import warnings

import numpy as np

__all__ = ["import_canvas", "install_whole_frames", "raw_backend", "image_mode", "CANVAS_INTERNALS"]

#: The canvas members `install_whole_frames` relies on.
CANVAS_INTERNALS = ("_png_is_old", "_last_buff", "_force_full", "_current_image_mode", "get_diff_image")

def _warn(topic, text):
    """The default `warn` of `import_canvas` and `install_whole_frames`: a warning every time."""
    warnings.warn(f"neurodyn_lab panels: {text}", RuntimeWarning, stacklevel=3)


def _versions():
    import matplotlib

    try:
        import ipympl

        ipympl_version = ipympl.__version__
    except Exception:  # ipympl not importable: only matplotlib matters then
        ipympl_version = "?"
    return f"ipympl {ipympl_version}, matplotlib {matplotlib.__version__}"


def raw_backend():
    """matplotlib's backend as chosen so far, without resolving one (None: not chosen yet)."""
    import matplotlib

    try:
        return matplotlib.get_backend(auto_select=False)  # public since matplotlib 3.10
    except TypeError:  # older matplotlib: read the stored value (a string or the "auto" sentinel)
        value = dict.__getitem__(matplotlib.rcParams, "backend")
        return value if isinstance(value, str) else None


def _restore_unchosen_backend():
    """Put matplotlib's "no backend chosen yet" back (private: ``matplotlib.use`` cannot)."""
    import matplotlib
    from matplotlib import rcsetup

    dict.__setitem__(matplotlib.rcParams, "backend", rcsetup._auto_backend_sentinel)
    if raw_backend() is not None:
        raise AttributeError("the backend sentinel did not take")


def import_canvas(warn=_warn):
    """ipympl's Canvas and FigureManager classes, imported without switching the notebook's backend.

    ``import ipympl`` calls ``matplotlib.use("module://ipympl.backend_nbagg")`` when matplotlib is
    already imported, which would turn every later ``plt.plot`` of the student into an ipympl
    figure. A panel wants only the Canvas class, so the previous backend is put back; if that
    fails, ``warn(topic, text)`` says so.
    """
    import matplotlib

    if "ipympl" not in sys.modules:
        before = raw_backend()
        import ipympl  # noqa: F401

        if raw_backend() != before:
            if before is not None:
                matplotlib.use(before)  # public
            else:
                try:
                    _restore_unchosen_backend()
                except (AttributeError, ImportError) as exc:
                    warn("backend", f"cannot undo ipympl's switch of matplotlib's backend with {_versions()} "
                                          f"({exc}); plt figures in this notebook will be ipympl widgets")
    from ipympl.backend_nbagg import Canvas, FigureManager

    return Canvas, FigureManager


class _WholeFrames:
    """Replaces one canvas's ``get_diff_image``: the whole frame as PNG (from `encode`), never a diff."""

    def __init__(self, canvas, encode):
        self.canvas = canvas
        self.encode = encode

    def __call__(self):
        canvas = self.canvas
        if not canvas._png_is_old:
            return None
        canvas.set_image_mode("full")
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        # ipympl reads the last frame from here to keep the widget's static data URL current.
        canvas._last_buff = pixels.view(dtype=np.uint32).squeeze(2).copy()
        canvas._png_is_old = False
        canvas._force_full = False
        return self.encode()


def install_whole_frames(canvas, encode, warn=_warn):
    """Make `canvas` send whole PNG frames from `encode()`; True if done, False (``warn(topic, text)``) if not.

    The self-check runs the replacement once on the canvas's current (blank) frame and checks
    what it did to the canvas, as ipympl's sending code will read it.
    """
    try:
        for name in CANVAS_INTERNALS:
            getattr(canvas, name)
        sender = _WholeFrames(canvas, encode)
        canvas._png_is_old = True
        canvas._current_image_mode = "diff"  # the sender must switch it to "full"
        png = sender()
        width, height = canvas.get_width_height(physical=True)
        problems = []
        if not (isinstance(png, bytes) and png.startswith(b"\x89PNG")):
            problems.append("the frame is not a PNG")
        if canvas._png_is_old or canvas._current_image_mode != "full":
            problems.append("the canvas did not record the frame as sent whole")
        if tuple(np.shape(canvas._last_buff)) != (height, width):
            problems.append("the last frame buffer has the wrong shape")
        if problems:
            raise AttributeError("; ".join(problems))
        canvas.get_diff_image = sender
    except (AttributeError, TypeError, ValueError) as exc:
        warn("frames", f"the fast figure path does not work with {_versions()} ({exc}); panels use "
                             f"ipympl's own frames instead (correct, a little slower)")
        return False
    return True


def image_mode(canvas):
    """How the last frame went to the front end: "full" or "diff" (for tests and diagnostics)."""
    return canvas._current_image_mode
