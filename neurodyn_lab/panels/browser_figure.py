"""A static figure that a notebook with widgets shows drawn by the browser, and anything else as a PNG.

`BrowserFigure` is a matplotlib Figure (``fig.axes``, ``fig.savefig`` work as for any figure).
When it is shown in a Jupyter kernel whose panels use the browser-drawn view (the "canvas" view,
see `neurodyn_lab.panels.set_default_view`), its display is a canvas widget drawn from the
figure's frame, as a panel's figure is: the same lines, axes, legend and title, sharp at any
zoom, with the plot's text alternative (`label`) as the canvas's aria-label. The same display
also carries the figure as a PNG drawn by matplotlib, which front ends without widgets show
(nbconvert's HTML, a notebook viewer, the docs), and outside a kernel, or with the "image" view,
the figure shows only as that PNG, as before.

The canvas widget of a display is closed when the cell that showed it runs again (a re-run makes
a new one), so re-running a plotting cell does not pile up widgets in the kernel.

Used by the mystery neuron's ``plot()`` (`neurodyn_lab.grading.mystery`); this module draws
what it is given and knows nothing of grading.
"""

import base64

from ..plotting import ResultFigure
from . import _canvas
from ._base import trace_label
from ._view import default_display, resolve_view

__all__ = ["BrowserFigure", "trace_label"]


class BrowserFigure(ResultFigure):
    """A Figure shown by the browser-drawn canvas view where widgets work, as a PNG elsewhere.

    Parameters
    ----------
    *args, **kwargs
        As for `matplotlib.figure.Figure` (e.g. ``figsize=(7, 4.5)``).
    label : str
        The plot's text alternative (the canvas's aria-label), e.g. from `trace_label`.
    view : str or None
        "auto", "canvas", "ipympl" or "image" as for the panels (None: the panels' default view);
        ipympl shows the PNG.

    Examples
    --------
    >>> fig = BrowserFigure(figsize=(4, 3), label="a straight line")
    >>> _ = fig.add_subplot().plot([0, 1], [0, 1])
    >>> fig._repr_mimebundle_() is None  # not in a kernel: Jupyter shows the PNG (_repr_png_)
    True
    >>> fig._repr_png_()[:4] == b"\\x89PNG"
    True
    """

    def __init__(self, *args, label="", view=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = str(label)
        resolve_view(view)  # a bad view: one sentence now, not when the figure is shown
        self.view = view

    def canvas_widget(self):
        """A new canvas widget showing the figure as it is now (the "canvas" view's display)."""
        widget = _canvas.widget_class()()
        widget.show(*_canvas.figure_frame(self, dpi=self.dpi, label=self.label))
        widget.add_class("neurodyn-lab-figure")
        return widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        """``(data, metadata)``: the canvas widget and the PNG in one bundle in the canvas view; None
        otherwise (the PNG alone).

        IPython asks for this before `_repr_png_`; None lets it take the PNG as for any figure.
        """
        if resolve_view(self.view) != "canvas":
            return None
        widget = self.canvas_widget()
        default_display().cells().created(widget)  # closed when this cell runs again
        shown = widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        # anywidget answers (data, metadata): the metadata tell Colab which widget manager to load.
        data, metadata = (dict(shown[0]), dict(shown[1])) if isinstance(shown, tuple) else (dict(shown), {})
        data["image/png"] = base64.b64encode(self._repr_png_()).decode("ascii")
        data["text/plain"] = repr(self)
        return data, metadata
