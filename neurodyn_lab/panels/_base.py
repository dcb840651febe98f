"""The shared machinery of the panels: state, one update path, coalescing, errors, readouts, saving.

A panel shows a VBox (``panel.widget``) holding its controls, one figure (a `FigureView`), a text
readout beside the figure, a message line and save buttons. A subclass says which controls it has (`SPECS`), how to
compute a result from them (`_compute`), how to show it (`_build_figure`, `_draw`) and what to
say about it (`_readouts`); it never builds a Brian2 object: `_compute` calls `simulate` or
`analysis`.

Updates are coalesced, and the latest value wins. A control change only marks the panel "dirty";
inside a Jupyter kernel (see `_kernel.kernel_loop`) one update is scheduled on the kernel's event
loop (`_kernel.LatestWins`): it waits until the widget messages that queued up meanwhile have been
read (no change for a few milliseconds) and reads the controls' values when it runs. At most one
simulation runs at a time, the values that arrived during it are dropped except the newest, and a
loop of 1000 assignments in a cell costs one simulation. Outside a kernel (a plain script,
pytest, even with some other asyncio loop running) the update runs at once, so a test can assert
right after setting ``.value``. Batch changes (preset, reset) are
made inside `hold_updates` and cost one update. Reading `result` or `figure` first runs a pending
update, so ``panel.controls["amplitude"].value = 3; panel.result`` is consistent in a notebook too.

Closed forms: a panel shows the book's closed forms (rheobase, first-spike time, rates, gain,
phase, cut-off) only while its parameters are a named preset (`PRESETS`: "neurodynex3", "classic"). For
any other neuron, e.g. the student's own in a graded notebook, it shows only what the simulation
measures: the closed forms are what the questions ask the student to work out.

Freed when dropped. ipywidgets keeps every widget it made alive (a registry, and in a kernel the
comm) until the widget is closed, so a panel is *not* a widget itself: it holds its widgets, and
its widgets hold it only weakly (observers and button handlers go through `weakly`). A panel that
nothing references any more is collected, and a finalizer closes its widgets and frees its figure;
`close()` does the same at once. In a kernel the cell that shows a panel keeps it alive (the
output shows it) until that cell runs again, and a panel created by a cell is closed when the
cell runs again (`_view.Display.cells`): re-running a panel cell frees the previous panel even
though IPython's ``Out`` history still holds it.
"""

import base64
import contextlib
import html
import logging
import os
import weakref
from pathlib import Path

import ipywidgets as widgets
import numpy as np

from .._validation import as_int, describe
from ..parameters import LIFParams, PRESETS, as_params
from ..plotting import stable_limits
from . import _kernel
from ._controls import CUSTOM, ParameterBlock, float_of, make_int_slider, make_slider, plain_of, quantity_of, set_value
from ._canvas import DRAGGABLE
from ._prediction import LABEL, POINT_STYLE, STYLE, ask_points, parse
from ._view import FigureView

__all__ = ["Panel", "fresh_path", "stable_limits", "one_sentence", "preset_name", "close_widgets", "trace_label",
           "weakly"]

log = logging.getLogger("neurodyn_lab.panels")

#: At most this many numbered files per panel and kind (``step_panel_001.png`` ... ``_999``).
MAX_SAVED_FILES = 999


def preset_name(params):
    """The name of the preset `params` is ("neurodynex3", "classic"), or None for any other neuron.

    Examples
    --------
    >>> from brian2 import ms
    >>> preset_name(LIFParams()), preset_name(LIFParams.classic()), preset_name(LIFParams(tau=9 * ms))
    ('neurodynex3', 'classic', None)
    """
    for name, preset in PRESETS.items():
        if all(np.isclose(float(a), float(b), rtol=1e-12, atol=0) for a, b in
               zip(params.as_dict().values(), preset.as_dict().values())):
            return name
    return None


def close_widgets(root):
    """Close `root` and every widget reachable from its traits (children, layout, style, toolbar).

    ``Widget.close`` closes one widget; each slider alone also has a Layout and a Style widget,
    which stay registered (and alive) until closed.

    Examples
    --------
    >>> box = widgets.VBox([widgets.IntSlider(), widgets.Button()])
    >>> closed = close_widgets(box)
    >>> closed >= 7, box.comm is None  # VBox, slider, button and their layouts and styles
    (True, True)
    """
    seen, stack, found = set(), [root], []
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        found.append(widget)
        for name in widget.trait_names():
            value = getattr(widget, name, None)
            items = value if isinstance(value, (list, tuple)) else (value,)
            stack.extend(item for item in items if isinstance(item, widgets.Widget))
    for widget in found:
        widgets.Widget.close(widget)
    return len(found)


def weakly(method):
    """A callable that calls the bound `method` while its object lives, and does nothing after.

    A widget keeps its observers and click handlers; handing it ``panel.method`` would keep the
    panel alive as long as the widget (ipywidgets keeps every widget until it is closed).

    Examples
    --------
    >>> class Counter:
    ...     count = 0
    ...     def bump(self, *args):
    ...         self.count += 1
    >>> counter = Counter()
    >>> bump = weakly(counter.bump)
    >>> bump(); counter.count
    1
    >>> del counter
    >>> bump()  # the counter is gone: nothing happens
    """
    ref = weakref.WeakMethod(method)

    def call(*args, **kwargs):
        target = ref()
        if target is not None:
            return target(*args, **kwargs)
        return None

    return call


def _release(widget, view):
    """Close every widget of a panel and free its figure (the panel's finalizer: no reference to it)."""
    view.close()
    close_widgets(widget)


def one_sentence(exc):
    """What went wrong, as the one sentence a panel shows.

    The package's own errors are already one sentence naming the argument; anything else is
    labelled with its type so that it is not mistaken for a student's mistake.

    Examples
    --------
    >>> one_sentence(ValueError("end must be after start, got start=60. * msecond"))
    'Not updated: end must be after start, got start=60. * msecond.'
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, (ValueError, TypeError, ArithmeticError)):
        text = f"the computation failed ({type(exc).__name__}: {text})"
    return f"Not updated: {text.rstrip('.')}."


def fresh_path(directory, stem, suffix, start=1):
    """The first ``stem_NNN.suffix`` in `directory` (NNN from `start`) that no file, folder or
    symbolic link (even a dangling one) has taken; one clear error when all 999 are taken.

    Examples
    --------
    >>> import tempfile
    >>> fresh_path(tempfile.mkdtemp(), "step_panel", ".png").name
    'step_panel_001.png'
    """
    directory = Path(directory)
    for n in range(start, MAX_SAVED_FILES + 1):
        path = directory / f"{stem}_{n:03d}{suffix}"
        if not os.path.lexists(path):  # exists() is False for a dangling symlink, which "x" refuses
            return path
    raise FileExistsError(f"{directory} already holds {stem}_001{suffix} to {stem}_{MAX_SAVED_FILES}{suffix}; "
                          f"move some away or give the panel another save_dir")


def save_new(directory, stem, suffix, write):
    """Call ``write(path)`` on the first free numbered path; `write` opens it with mode "x".

    A name taken between the check and the write (another process, a race) moves on to the next
    number; at most `MAX_SAVED_FILES` names are tried, so this always ends.
    """
    n = 1
    while True:
        path = fresh_path(directory, stem, suffix, start=n)
        try:
            write(path)
            return path
        except FileExistsError:
            n = int(path.stem.rsplit("_", 1)[1]) + 1


_SAVE_DIR = "a folder such as 'results' or pathlib.Path('results')"


def _checked_save_dir(save_dir):
    """`save_dir` as a Path (None stays None), or one clear error: not a path, or an existing file.

    A folder that does not exist yet is accepted: saving then says so in the panel.
    """
    if save_dir is None:
        return None
    if isinstance(save_dir, bool) or not isinstance(save_dir, (str, os.PathLike)):
        raise TypeError(f"save_dir must be {_SAVE_DIR}, got {describe(save_dir)}")
    path = Path(save_dir).expanduser()
    if path.exists() and not path.is_dir():
        raise ValueError(f"save_dir must be {_SAVE_DIR}, got {str(save_dir)!r}, which is a file, not a folder.")
    return path


def _button(description, icon, tooltip):
    return widgets.Button(description=description, icon=icon, tooltip=tooltip, layout=widgets.Layout(width="auto"))


def format_quantity(value, unit, unit_name, fmt=".2f"):
    """``2.50 nA`` from a Quantity; "never" for an infinite value."""
    number = float(value / unit)
    if not np.isfinite(number):
        return "never"
    return f"{number:{fmt}} {unit_name}"


def trace_label(result):
    """A v/I plot's short text alternative: span, spike count and the ranges of v and I.

    Examples
    --------
    >>> from brian2 import ms, nA
    >>> from neurodyn_lab import simulate, inputs
    >>> label = trace_label(simulate(inputs.step(1 * nA, 10 * ms, 60 * ms), 100 * ms))
    >>> label.split(";")[0], label.split(";")[2]
    ('Plot of v(t) above I(t) over 100 ms: 0 spikes', ' I from 0.00 to 1.00 nA.')
    """
    from brian2 import mV, ms, nA

    v = np.asarray(result.v / mV)
    current = np.asarray(result.I / nA)
    count = int(result.spike_count)
    text = f"Plot of v(t) above I(t) over {float(result.duration / ms):g} ms: {count} spike{'s' if count != 1 else ''}"
    if v.size:
        text += f"; v from {v.min():.1f} to {v.max():.1f} mV; I from {current.min():.2f} to {current.max():.2f} nA"
    return text + "."


def _widen(ax, which, values):
    """Widen `ax`'s x or y limits so that `values` are inside (a log axis: the positive ones)."""
    get, set_ = (ax.get_xlim, ax.set_xlim) if which == "x" else (ax.get_ylim, ax.set_ylim)
    log = (ax.get_xscale() if which == "x" else ax.get_yscale()) == "log"
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    if not values.size:
        return
    low, high = get()
    if values.min() >= low and values.max() <= high:
        return
    if log:
        set_(min(low, values.min() / 1.3), max(high, values.max() * 1.3))
    else:
        pad = 0.06 * (max(high, values.max()) - min(low, values.min()))
        set_(low if values.min() >= low else values.min() - pad, high if values.max() <= high else values.max() + pad)


class Panel:
    """Base class of the control panels; see the module docstring for the update model.

    Subclasses set `SPECS` (the stimulus controls), `title`, `intro`, `file_stem`, `figsize`
    and implement `_compute`, `_build_figure`, `_draw` and `_readouts`; the predictions they take
    are `PREDICTIONS` (`_prediction.Kind`), drawn on the axes `_prediction_axes` names.

    A prediction (``prediction=``, or `set_prediction`) is drawn beside the simulation in its own
    style (black dash-dot lines, diamonds) labelled "your prediction", in every view; the axes
    widen to show it. The panel never judges it: that is the grading's part.

    Predict, then see: a panel with an ``ASK`` kind (the f-I and frequency-response panels) also
    takes ``predict_at=`` (the currents or frequencies to predict at). It then shows only the
    prediction's diamonds, which the student drags up and down in the browser-drawn view (or
    sets with `set_prediction`), and no simulation at all until `show_simulation` (or its button);
    `predicted_points` returns the points as Quantities.

    A panel shows itself when it ends a cell (or with ``display(panel)``); to place it in a
    layout of your own use ``panel.widget``. ``display=`` takes a `_view.Display` other than the
    kernel's (tests: the view's fallbacks and warnings start from nothing).

    Attributes
    ----------
    widget : ipywidgets.VBox
        What is shown: the controls, the figure, the readouts and the buttons.
    controls : dict
        Control name -> widget (the stimulus sliders, the six LIF parameter sliders and "preset").
    buttons : dict
        "reset", "save_figure", "save_data" -> Button.
    update_count : int
        How many updates ran (each is one computation and one redraw).
    """

    SPECS = ()
    #: The kinds of prediction the panel takes (``_prediction.Kind``); none by default.
    PREDICTIONS = ()
    #: The name of the points kind ``predict_at=`` asks for (None: the panel does not ask), and the
    #: y range the asking axes start with, in that kind's unit (no physics: a canvas to draw on).
    ASK = None
    ASK_RANGE = (0.0, 1.0)
    title = "Panel"
    intro = ""
    file_stem = "panel"
    figsize = (7.2, 4.6)
    continuous_update = True

    def __init__(self, params=None, *, view=None, save_dir=None, prediction=None, predict_at=None, display=None,
                 **initial):
        params = as_params(params)
        save_dir = _checked_save_dir(save_dir)
        parsed = parse(prediction, self.PREDICTIONS)  # a bad prediction: one sentence before any widget
        self._asking = False
        if predict_at is not None:
            parsed = ask_points(type(self).__name__, predict_at, prediction, self.PREDICTIONS, self.ASK)
            self._asking = True
        overrides = {name: initial.pop(name) for name in list(initial) if name in LIFParams.field_names()}
        if overrides:
            params = params.replace(**overrides)
        self._specs = {spec.name: spec for spec in self.SPECS}
        unknown = sorted(set(initial) - set(self._specs))
        if unknown:
            names = ", ".join(list(self._specs) + list(LIFParams.field_names()))
            raise TypeError(f"{type(self).__name__} has no control {unknown[0]!r}; its controls are {names}")

        self._dirty = False
        self._hold = 0
        self._latest = _kernel.LatestWins(weakly(self.flush), rest=weakly(self._show_rested_readout))
        self._readout_html = ""
        self._updating = False
        self._syncing_preset = False
        self._result = None
        self._named = None
        self._closed = False
        self._error = None
        self.last_exception = None
        self.update_count = 0
        self.summary = ""
        self.readouts = {}
        self.save_dir = save_dir
        self._prediction = parsed
        self._prediction_artists = []

        # Controls: the stimulus sliders, then the parameter block and its preset selector.
        stimulus = {spec.name: self._make_control(spec) for spec in self.SPECS}
        for name, value in initial.items():
            self._set_initial(stimulus[name], self._specs[name], value)
        self._parameters = ParameterBlock(params, self.continuous_update)
        self.controls = {**stimulus, **self._parameters.sliders, "preset": self._parameters.preset}
        self.buttons = {
            "show_simulation": _button("Show the simulation", "eye",
                                       "Your prediction is drawn: now simulate and show the answer beside it"),
            "reset": _button("Reset to defaults", "undo",
                             "Put every control back to the values this panel started with"),
            "save_figure": _button("Save figure (PNG)", "image",
                                   "Save the figure as a PNG file in the working directory"),
            "save_data": _button("Save data (CSV)", "table", "Save the data as a CSV file in the working directory"),
        }
        self._defaults = {name: w.value for name, w in self.controls.items() if name != "preset"}
        self.buttons["show_simulation"].layout.display = None if self._asking else "none"

        # The view: one figure for the panel's whole life.
        self._view = FigureView(self.figsize, mode=view, display=display)
        # The artists that change with the data are redrawn by blitting; see FigureView.
        self._data_artists = list(self._build_figure(self._view.figure))
        self._ask_ylim = tuple(float(y) for y in self.ASK_RANGE)
        self._make_prediction_artists()
        self._view.on_drag(weakly(self._on_drag))
        self._message = widgets.HTML(value="", layout=widgets.Layout(min_height="1.5em"))
        self._status = widgets.HTML(value="")
        self._readout = widgets.HTML(value="", layout=widgets.Layout(width="400px", margin="0 0 0 12px"))

        # The widgets hold the panel weakly (see the module docstring: freed when dropped).
        for w in stimulus.values():
            w.observe(weakly(self._on_change), "value")
        for w in self._parameters.sliders.values():
            w.observe(weakly(self._on_parameter_change), "value")
        self._parameters.preset.observe(weakly(self._on_preset), "value")
        self.buttons["reset"].on_click(weakly(self._on_reset_click))
        self.buttons["save_figure"].on_click(weakly(self._on_save_figure_click))
        self.buttons["save_data"].on_click(weakly(self._on_save_data_click))
        self.buttons["show_simulation"].on_click(weakly(self._on_show_simulation_click))

        heading = widgets.HTML(value=f"<h3 style='margin:0.2em 0'>{html.escape(self.title)}</h3>"
                                     f"<div>{html.escape(self.intro)}</div>")
        self.widget = widgets.VBox(
            children=[
                heading,
                widgets.VBox(list(stimulus.values())),
                widgets.HBox([self._parameters.preset, self.buttons["reset"]]),
                self._parameters.widget,
                self._message,
                widgets.HBox([self._view.widget, self._readout], layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([self.buttons["show_simulation"], self.buttons["save_figure"], self.buttons["save_data"],
                              self._status]),
            ]
        )
        # Freed when dropped: the finalizer holds the widgets and the view, never the panel.
        self._finalizer = weakref.finalize(self, _release, self.widget, self._view)
        self._view.display.cells().created(self)
        # Stable class names for browser tests and for custom styling.
        self.widget.add_class("neurodyn-lab-panel")
        self._readout.add_class("neurodyn-lab-readout")
        self._message.add_class("neurodyn-lab-message")
        self._view.widget.add_class("neurodyn-lab-figure")
        self._dirty = True
        self.flush()

    # ----------------------------------------------------------------------------- controls

    def _make_control(self, spec):
        if spec.unit is None and float(spec.step).is_integer() and isinstance(spec.value, int):
            return make_int_slider(spec, self.continuous_update)
        return make_slider(spec, self.continuous_update)

    def _set_initial(self, widget, spec, value):
        if isinstance(widget, widgets.IntSlider):
            value = as_int(spec.name, value, minimum=int(spec.minimum),
                           maximum=int(spec.maximum) if spec.bounded else None,
                           example=f"a whole number such as {spec.value}")
            widget.max = max(widget.max, value)
            widget.value = value
        elif spec.unit is None:
            set_value(widget, plain_of(spec, value))
        else:
            set_value(widget, float_of(spec, value))

    def value(self, name):
        """The current value of stimulus control `name`: a Quantity in its unit (or a plain number)."""
        spec = self._specs[name]
        widget = self.controls[name]
        if spec.unit is None:
            return widget.value
        return quantity_of(spec, widget)

    def params(self):
        """The LIF parameters the sliders show (ValueError/TypeError if they do not fit together)."""
        return self._parameters.params()

    # ------------------------------------------------------------------------------ updates

    def _on_change(self, change):
        self._request_update()

    def _on_parameter_change(self, change):
        if self._hold == 0:
            self._sync_preset()
        self._request_update()

    def _on_preset(self, change):
        if self._syncing_preset or change["new"] == CUSTOM:
            return
        with self.hold_updates():
            self._parameters.apply(PRESETS[change["new"]])

    def _sync_preset(self):
        self._syncing_preset = True
        try:
            self._parameters.sync_preset()
        finally:
            self._syncing_preset = False

    def _request_update(self):
        self._dirty = True
        if self._hold or self._updating or self._closed:
            return
        self._latest.changed(_kernel.kernel_loop())

    @contextlib.contextmanager
    def hold_updates(self):
        """Change several controls with one update at the end.

        Examples
        --------
        >>> from neurodyn_lab.panels import StepPanel
        >>> panel = StepPanel(view="image")
        >>> before = panel.update_count
        >>> with panel.hold_updates():
        ...     panel.controls["start"].value = 20
        ...     panel.controls["end"].value = 80
        >>> panel.update_count - before
        1
        >>> panel.close()
        """
        self._hold += 1
        try:
            yield self
        finally:
            self._hold -= 1
            if self._hold == 0:
                self._sync_preset()
                if self._dirty:
                    self._request_update()

    def flush(self):
        """Run a pending update now; a no-op if nothing changed since the last one."""
        if self._updating or self._hold or self._closed:
            return
        self._updating = True
        try:
            # A change made while an update runs is picked up by the next round, not lost.
            for _ in range(3):
                if not self._dirty:
                    break
                self._dirty = False
                self._update()
        finally:
            self._updating = False

    def _update(self):
        self.update_count += 1
        if self._asking:  # predict, then see: no simulation until the student asks for it
            self._update_asking()
            return
        try:
            result = self._compute()
        except Exception as exc:  # shown in the panel; the panel keeps working
            self._show_error(exc)
            return
        try:
            self._result = result
            self._named = preset_name(result.params)
            legend_changed = self._draw(result)
            legend_changed = self._place_prediction() or legend_changed
            if legend_changed:  # something static changed (a legend): the next redraw is a full one
                self._view.invalidate()
            summary, rows = self._readouts(result)
            label = self._plot_label(result, summary)
            if self._prediction is not None:
                label += f" Your prediction: {self._prediction.text()}."
            self._view.redraw(label)
        except Exception as exc:
            self._show_error(exc)
            return
        self._show_readouts(summary, rows)
        self._error = None
        self._message.value = ""

    def _show_error(self, exc):
        self.last_exception = exc
        self._error = one_sentence(exc)
        log.debug("panel update failed", exc_info=exc)
        # role="alert" lets a screen reader announce the sentence when it appears.
        self._message.value = (
            f"<div role='alert' style='color:#b00020;font-weight:bold'>{html.escape(self._error)}</div>"
        )

    @property
    def closed_forms_shown(self):
        """True while the parameters are a named preset, the only case the book's closed forms are shown."""
        return self._named is not None

    def _show_readouts(self, summary, rows):
        self.summary = summary
        book = self.closed_forms_shown
        if not book:  # no closed form for a neuron that is no named preset (see the module docstring)
            rows = [(label, sim, "") for label, sim, _ in rows if sim]
        self.readouts = {label: (sim, closed) for label, sim, closed in rows}

        def cells(label, sim, closed):
            row = (f"<tr><th scope='row' style='text-align:left;font-weight:normal'>{html.escape(label)}</th>"
                   f"<td style='white-space:nowrap'>{html.escape(sim)}</td>")
            return row + (f"<td style='white-space:nowrap'>{html.escape(closed)}</td></tr>" if book else "</tr>")

        body = "".join(cells(*row) for row in rows)
        if book:
            head = ("<table><caption style='text-align:left'>Simulation and the book's closed forms "
                    f"({html.escape(self._named)} preset)</caption>"
                    "<tr><th></th><th scope='col'>simulated</th><th scope='col'>book</th></tr>")
            note = ""
        else:
            head = ("<table><caption style='text-align:left'>Simulation</caption>"
                    "<tr><th></th><th scope='col'>simulated</th></tr>")
            note = ("<p><small>The book's closed forms are shown for the named presets (neurodynex3, classic) only; "
                    "for this neuron, work them out yourself.</small></p>")
        self._readout_html = (f"<p style='margin-top:0'>{html.escape(summary)}</p>{head}{body}</table>"
                              f"{self._prediction_note()}{note}")
        # During a drag the table waits until the drag rests (`_kernel.LatestWins.moving`): one
        # message less per frame, and no table for the browser to lay out 20 times a second.
        if not self._latest.moving:
            self._readout.value = self._readout_html

    def _show_rested_readout(self):
        """Show the readout table put off during a drag (called once the drag has rested)."""
        if not self._closed and self._readout.value != self._readout_html:
            self._readout.value = self._readout_html

    # --------------------------------------------------------------------------- predictions

    @property
    def prediction(self):
        """The prediction shown beside the simulation, as it was given (a Quantity or a list of
        points), or None."""
        if self._prediction is None:
            return None
        given = self._prediction.given
        return given if given is not None else self.predicted_points()

    def set_prediction(self, prediction):
        """Show `prediction` (a value or a list of (x, y) points, as for ``prediction=``; None
        removes it) beside the simulation; one clear sentence for a kind this panel does not take.

        Examples
        --------
        >>> from brian2 import Hz, nA, ms
        >>> from neurodyn_lab.panels import FICurvePanel
        >>> panel = FICurvePanel(count=5, duration=100 * ms, view="image")
        >>> panel.set_prediction([(4 * nA, 40 * Hz), (8 * nA, 90 * Hz)])
        >>> panel.prediction_shown
        '(4 nA, 40 Hz), (8 nA, 90 Hz)'
        >>> panel.close()
        """
        self._check_open()
        parsed = parse(prediction, self.PREDICTIONS)
        self._prediction = parsed
        self._remake_prediction_artists()
        self._view.invalidate()
        self._dirty = True
        self.flush()

    @property
    def prediction_shown(self):
        """The prediction as the panel writes it (``"120 Hz"``), or None."""
        return None if self._prediction is None else self._prediction.text()

    def _prediction_axes(self, kind):
        """The axes a prediction of `kind` is drawn on (none: it is only written in the readout)."""
        return []

    def _legend_axes(self):
        """The axes that carry the figure's legend."""
        return self._view.figure.axes[0]

    def _prediction_shift(self, kind):
        """Where a prediction's x is counted from, in the axes' unit (0; a step's onset for a time)."""
        return 0.0

    def _remake_prediction_artists(self):
        for artist in self._prediction_artists:
            artist.remove()
        self._prediction_artists = []
        self._relegend(None)
        self._make_prediction_artists()

    def _make_prediction_artists(self):
        artists = []
        p = self._prediction
        if p is not None:
            for ax in self._prediction_axes(p.kind):
                if p.kind.where == "hline":
                    artists.append(ax.axhline(np.nan, **STYLE, label=LABEL))
                elif p.kind.where == "vline":
                    artists.append(ax.axvline(np.nan, **STYLE, label=LABEL))
                elif p.kind.where == "points":
                    style = dict(POINT_STYLE, ms=9) if self._asking else POINT_STYLE  # larger: to be grabbed
                    artists.extend(ax.plot(p.x, p.y, **style, label=LABEL, gid=DRAGGABLE if self._asking else None))
        self._prediction_artists = artists
        self._view.set_animated(self._data_artists + artists)

    def _place_prediction(self):
        """Put the prediction where it belongs after the data were drawn; return True if the legend changed."""
        p = self._prediction
        if p is None or not self._prediction_artists:
            return False
        for artist in self._prediction_artists:
            ax = artist.axes
            if p.kind.where == "hline":
                artist.set_ydata([p.y[0], p.y[0]])
                _widen(ax, "y", p.y)
            elif p.kind.where == "vline":
                x = p.y[0] + self._prediction_shift(p.kind)
                artist.set_xdata([x, x])
                _widen(ax, "x", [x])
            else:
                artist.set_data(p.x, p.y)
                _widen(ax, "x", p.x)
                _widen(ax, "y", p.y)
        return self._relegend(self._prediction_artists[0])

    def _relegend(self, prediction):
        """Give the legend `prediction` as its last entry (None: no prediction entry); True if it changed."""
        ax = self._legend_axes()
        legend = ax.get_legend()
        texts = [text.get_text() for text in legend.get_texts()] if legend is not None else []
        if (LABEL in texts) == (prediction is not None):
            return False
        lines = {line.get_label(): line for axes in reversed(self._view.figure.axes)
                 for line in reversed(axes.get_lines())}
        handles = [lines[text] for text in texts if text in lines and text != LABEL]
        handles += [prediction] if prediction is not None else []
        # The drawers' legend style (one row above the axes), with the prediction as its last entry.
        ax.legend(handles=handles, ncols=max(len(handles), 1), loc="lower left", bbox_to_anchor=(0, 1.0),
                  frameon=False, fontsize="small", borderaxespad=0.2, columnspacing=1.2, handlelength=1.8)
        return True

    # ------------------------------------------------------------------ predict, then see

    @property
    def asking(self):
        """True while the panel asks for a prediction and shows no simulation (``predict_at=``)."""
        return self._asking

    def predicted_points(self):
        """The predicted points as a list of (x, y) Quantities (e.g. (current, rate)), or None when
        the prediction is no list of points.

        Examples
        --------
        >>> from brian2 import nA
        >>> from neurodyn_lab.panels import FICurvePanel
        >>> panel = FICurvePanel(predict_at=[2, 4, 6] * nA, view="image")
        >>> panel.asking, panel.result is None  # nothing simulated yet
        (True, True)
        >>> panel.predicted_points()[1]  # dragged in the browser; here still where it started
        (4. * namp, 0. * hertz)
        >>> panel.close()
        """
        p = self._prediction
        if p is None or not p.kind.points:
            return None
        x_unit, y_unit = p.kind.x_unit, p.kind.unit
        return [(x * x_unit, y * y_unit if y_unit is not None else float(y)) for x, y in zip(p.x, p.y)]

    def show_simulation(self):
        """Stop asking: simulate and show the answer beside the prediction (which stays as it is)."""
        self._check_open()
        if not self._asking:
            return
        self._asking = False
        self.buttons["show_simulation"].layout.display = "none"
        for artist in self._data_artists:
            artist.set_visible(True)  # the drawers hide what they do not show
        self._remake_prediction_artists()
        self._view.invalidate()
        self._dirty = True
        self.flush()

    def _on_show_simulation_click(self, _button):
        self.show_simulation()

    def _on_drag(self, axes_index, index, y):
        """The browser says the student let go of prediction point `index` at `y` (data units)."""
        p = self._prediction
        if not self._asking or p is None or not p.kind.points or not 0 <= index < len(p.y) or not np.isfinite(y):
            return
        ys = p.y.copy()
        ys[index] = y
        self._prediction = type(p)(p.kind, p.x, ys, None)
        low, high = self._ask_ylim
        if y > low + 0.9 * (high - low):  # room above: the student may want to go higher
            self._ask_ylim = (low, low + 2 * (high - low))
        self._dirty = True
        self.flush()

    def _update_asking(self):
        """Show the axes with only the prediction (the data artists hidden) and say what to do."""
        try:
            for artist in self._data_artists:
                artist.set_visible(False)
            p = self._prediction
            points = p is not None and p.kind.points
            axes = set(self._prediction_axes(p.kind)) if points else set()
            for artist in self._prediction_artists if points else ():
                artist.set_data(p.x, p.y)
            if p is not None and not points:  # a single value set while asking: a line, as always
                self._place_prediction()
            for ax in axes:
                if points:
                    if ax.get_xscale() == "log":
                        ax.set_xlim(min(p.x.min(), ax.get_xlim()[0]), max(p.x.max(), ax.get_xlim()[1]))
                    else:
                        span = max(p.x.max() - p.x.min(), abs(p.x.max()) * 0.1, 1e-9)
                        ax.set_xlim(min(0.0, p.x.min() - 0.05 * span), p.x.max() + 0.05 * span)
                    low, high = self._ask_ylim
                    ax.set_ylim(min(low, float(p.y.min())), max(high, float(p.y.max()) * 1.05))
            legend_changed = self._relegend(self._prediction_artists[0]) if self._prediction_artists else False
            if legend_changed:
                self._view.invalidate()
            how = ("drag each diamond up or down to the value you expect (or give the points in code with "
                   "set_prediction([(x, y), ...]))" if self._view.draggable else
                   "give your points in code with set_prediction([(x, y), ...]) (dragging them needs the "
                   "browser-drawn view)")
            instruction = f"Your prediction first: {how}, then press 'Show the simulation'."
            summary = f"{instruction} Your prediction: {p.text() if p is not None else 'none'}."
            self._view.redraw(summary)
        except Exception as exc:
            self._show_error(exc)
            return
        self.summary = summary
        self.readouts = {}
        self._readout.value = self._readout_html = (
            f"<p style='margin-top:0'><b>Predict, then see.</b> {html.escape(instruction)}</p>{self._prediction_note()}")
        self._error = None
        self._message.value = ""

    def _prediction_note(self):
        p = self._prediction
        if p is None:
            return ""
        where = " (black dash-dot line)" if p.kind.where in ("hline", "vline") else \
            " (black diamonds)" if p.kind.where == "points" else ""
        return (f"<p class='neurodyn-lab-prediction'><b>Your prediction</b>{where}: "
                f"{html.escape(p.text())}</p>")

    # --------------------------------------------------------------------------- public API

    @property
    def result(self):
        """The result of the last successful update (runs a pending update first)."""
        self.flush()
        return self._result

    @property
    def figure(self):
        """The panel's one matplotlib Figure (runs a pending update first)."""
        self.flush()
        return self._view.figure

    @property
    def error(self):
        """The sentence shown for the last failed update, or None if the last update worked."""
        self.flush()
        return self._error

    @property
    def view(self):
        """The FigureView: its `mode` ("canvas", "ipympl" or "image") and the widget showing the figure."""
        return self._view

    def reset(self):
        """Put every control back to the value this panel started with (one update)."""
        with self.hold_updates():
            for name, value in self._defaults.items():
                widget = self.controls[name]
                if isinstance(widget, (widgets.FloatSlider, widgets.FloatLogSlider)):
                    set_value(widget, value)
                else:
                    widget.value = value

    def _directory(self):
        return self.save_dir if self.save_dir is not None else Path(os.getcwd())

    def save_figure(self):
        """Save the figure as ``<panel>_NNN.png`` in the working directory; return the path.

        An existing file (or folder, or symbolic link) is never overwritten: the next free number
        is used.
        """
        self._check_open()
        self.flush()

        def write(path):
            with open(path, "xb") as handle:
                self._view.save_png(handle)

        return save_new(self._directory(), self.file_stem, ".png", write)

    def save_data(self):
        """Save the data as ``<panel>_NNN.csv`` in the working directory; return the path."""
        self._check_open()
        result = self.result
        if result is None:
            raise ValueError("there is no result to save yet; change a control so that the panel updates")
        return save_new(self._directory(), self.file_stem, ".csv", lambda path: self._write_data(result, path))

    def _check_open(self):
        if self._closed:
            raise ValueError(f"this {type(self).__name__} is closed; make a new one")

    def _repr_mimebundle_(self, **kwargs):
        """Show the panel's widget (a cell ending with the panel, or ``display(panel)``).

        The bundle also carries the figure as a PNG drawn by matplotlib, which a front end
        without widgets (nbconvert's HTML, a notebook viewer) shows instead. In a kernel the cell
        showing the panel keeps it alive until that cell runs again.
        """
        self._view.display.cells().shown(self)
        data = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = repr(self)
        if not self._closed:
            self.flush()
            png = bytes(self._view.widget.value) if self._view.mode == "image" else self._view.render_png()
            data["image/png"] = base64.b64encode(png).decode("ascii")
        return data

    def __repr__(self):
        state = "closed" if self._closed else f"{self.update_count} updates, {self._view.mode} view"
        return f"<{type(self).__name__}: {state}>"

    @property
    def closed(self):
        """True once `close` ran (or the panel's cell ran again)."""
        return self._closed

    def close(self):
        """Free the panel: close every widget it made and release its figure and last result.

        A closed panel no longer updates. Closing twice is harmless. A panel that nothing
        references any more is freed the same way without `close`.
        """
        if self._closed:
            return
        self._closed = True
        self._latest.cancel()
        self._finalizer()
        self._result = None

    def _on_reset_click(self, _button):
        self.reset()

    def _on_save_figure_click(self, _button):
        self._save_and_report(self.save_figure)

    def _on_save_data_click(self, _button):
        self._save_and_report(self.save_data)

    def _save_and_report(self, save):
        try:
            path = save()
        except Exception as exc:
            self._status.value = f"<span role='alert' style='color:#b00020'>Not saved: {html.escape(str(exc))}</span>"
            return
        where = html.escape(str(path.parent))
        self._status.value = f"<span role='status'>Saved {html.escape(path.name)} in {where}</span>"

    # ---------------------------------------------------------------------- for subclasses

    def _compute(self):
        raise NotImplementedError

    def _build_figure(self, figure):
        """Add axes and artists to `figure`; return the artists that change with the data."""
        raise NotImplementedError

    def _draw(self, result):
        """Put `result` into the figure's artists; return True if a static part (a legend) changed."""
        raise NotImplementedError

    def _readouts(self, result):
        """Return (one-line summary, [(label, simulated text, book text), ...])."""
        raise NotImplementedError

    def _plot_label(self, result, summary):
        """The plot's short text alternative (the canvas's aria-label); the summary unless overridden."""
        return summary

    def _write_data(self, result, path):
        """Write `result` to `path` (a new file; FileExistsError if it exists)."""
        result.to_csv(path)
