"""explore(): the four panels as tabs of one widget."""

import weakref

import ipywidgets as widgets

from ._view import default_display
from ._base import close_widgets, weakly
from .fi_curve import FICurvePanel
from .frequency_response import FrequencyResponsePanel
from .sinus import SinusPanel
from .step import StepPanel

__all__ = ["explore", "Explorer"]

TABS = (
    ("Step current", StepPanel),
    ("Sinusoid", SinusPanel),
    ("f–I curve", FICurvePanel),
    ("Frequency response", FrequencyResponsePanel),
)


class Explorer:
    """The four panels as tabs; a tab's panel is built the first time the tab is opened.

    Like a panel, an Explorer shows itself when it ends a cell, ``.widget`` is its
    ``ipywidgets.Tab``, and it is freed when dropped (or closed, or when its cell runs again).

    Attributes
    ----------
    panels : dict
        Tab title -> panel, or None for a tab not opened yet.
    widget : ipywidgets.Tab
        The tabs.
    """

    def __init__(self, params=None, view=None, save_dir=None):
        self._options = {"params": params, "view": view, "save_dir": save_dir}
        self.panels = {title: None for title, _ in TABS}
        placeholders = [
            widgets.HTML(value=f"<p>Loading the {title.lower()} panel…</p>") for title, _ in TABS
        ]
        self.widget = widgets.Tab(children=placeholders, titles=[title for title, _ in TABS])
        self.widget.observe(weakly(self._on_select), "selected_index")
        self.widget.selected_index = 0
        self._build(0)
        # The panels free themselves when the Explorer (their only holder) goes; this closes the tabs.
        self._finalizer = weakref.finalize(self, close_widgets, self.widget)
        default_display().cells().created(self)

    @property
    def children(self):
        """The tabs' contents: each built panel's widget, or a placeholder."""
        return self.widget.children

    @property
    def selected_index(self):
        """The open tab (0-3); setting it builds that tab's panel."""
        return self.widget.selected_index

    @selected_index.setter
    def selected_index(self, index):
        self.widget.selected_index = index

    def _repr_mimebundle_(self, **kwargs):
        default_display().cells().shown(self)
        return self.widget._repr_mimebundle_(**kwargs)

    def _on_select(self, change):
        if change["new"] is not None:
            self._build(change["new"])

    def _build(self, index):
        title, cls = TABS[index]
        if self.panels[title] is not None:
            return
        panel = cls(**{k: v for k, v in self._options.items() if v is not None})
        self.panels[title] = panel
        children = list(self.widget.children)
        placeholder, children[index] = children[index], panel.widget
        self.widget.children = children
        close_widgets(placeholder)  # it would stay registered (and alive) until closed

    def close(self):
        """Close every panel built so far and the tabs themselves (see `Panel.close`)."""
        for panel in self.panels.values():
            if panel is not None:
                panel.close()
        self._finalizer()

    def panel(self, index):
        """The panel of tab `index` (0-3), built now if needed."""
        self._build(index)
        return self.panels[TABS[index][0]]


def explore(params=None, view=None, save_dir=None):
    """One widget with the step, sinusoid, f-I and frequency-response panels as tabs.

    Parameters
    ----------
    params : LIFParams, optional
        The neuron every panel starts with (default neurodynex3's set).
    view, save_dir :
        Passed to each panel (see `StepPanel`).

    Examples
    --------
    >>> from neurodyn_lab.panels import explore
    >>> tabs = explore(view="image")
    >>> type(tabs.panel(0)).__name__, tabs.panels["Sinusoid"] is None
    ('StepPanel', True)
    >>> tabs.close()
    """
    return Explorer(params=params, view=view, save_dir=save_dir)
