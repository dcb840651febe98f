"""The browser-drawn view (issue 20): what the kernel sends, latest value wins, freed when dropped.

In-process tests read the widget messages a panel sends (the comm's ``publish_msg``); the kernel
tests start a real ipykernel with jupyter_client and talk to it as a front end does (comm
messages on the shell channel, cells with a ``cellId``), so coalescing and the re-run of a cell
are tested on the real message path. Drawing itself is tested in the browser
(tests/e2e/test_canvas_in_lab.py).
"""

import ctypes
import gc
import io
import json
import queue
import time
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from brian2 import Hz, mV, ms, nA
from PIL import Image

from neurodyn_lab.panels import FICurvePanel, FrequencyResponsePanel, SinusPanel, StepPanel
from neurodyn_lab.panels import _view

from alive import figures_alive, open_widgets
from node_paint import needs_node, paint_calls


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEURODYN_LAB_VIEW", raising=False)


class Wire:
    """Records what a widget sends to the front end (its comm's messages, buffers included)."""

    def __init__(self, widget, monkeypatch):
        self.messages = []
        comm = widget.comm

        def publish_msg(msg_type, data=None, metadata=None, buffers=None, **keys):
            self.messages.append((msg_type, data, [bytes(b) for b in buffers or []]))

        monkeypatch.setattr(comm, "publish_msg", publish_msg)

    def updates(self):
        return [(data, buffers) for kind, data, buffers in self.messages
                if kind == "comm_msg" and data.get("method") == "update"]


# ------------------------------------------------------------------------ what is sent


def test_an_update_is_one_message_with_t_v_and_i_as_float32_buffers(monkeypatch):
    panel = StepPanel(view="canvas", amplitude=2.5 * nA)  # 100 ms at dt 0.1 ms: 1001 samples
    wire = Wire(panel.view.widget, monkeypatch)
    panel.controls["amplitude"].value = 3.0
    updates = wire.updates()
    assert len(updates) == 1  # frame and arrays in one message
    data, buffers = updates[0]
    state = data["state"]
    assert set(state) == {"frame", "arrays"}  # the time grid did not change: t is not sent again
    samples = len(panel.result.t)
    # v(t) and I(t), each float32; t, which they share, went once, with the panel's first frame.
    assert sorted(len(b) for b in buffers) == [4 * samples] * 2
    assert [path[0] for path in data["buffer_paths"]] == ["arrays"] * 2
    frame = state["frame"]
    v_line = frame["axes"][0]["series"][0]
    arrays = dict(zip((path[1] for path in data["buffer_paths"]), buffers))
    np.testing.assert_array_equal(np.frombuffer(arrays[v_line["y"]], dtype=np.float32),
                                  np.asarray(panel.result.v / mV, dtype=np.float32))
    grid = panel.view.widget.grid
    assert list(grid) == [v_line["x"]] and frame["axes"][1]["series"][0]["x"] == v_line["x"]
    np.testing.assert_array_equal(np.frombuffer(grid[v_line["x"]], dtype=np.float32),
                                  np.asarray(panel.result.t / ms, dtype=np.float32))
    current = [s for s in frame["axes"][1]["series"] if s["coords"] == "data"][0]
    assert np.frombuffer(arrays[current["y"]], dtype=np.float32).max() == pytest.approx(3.0)
    # The lines of the figure, the limits and labels, and the text alternative.
    assert frame["axes"][0]["ylabel"] == "v (mV)" and frame["axes"][1]["xlabel"] == "time (ms)"
    assert frame["axes"][0]["xlim"] == [0.0, 100.0]
    threshold = [s for s in frame["axes"][0]["series"] if s["coords"] == "yaxis" and s["ls"] == "--"]
    assert threshold and threshold[0]["y"] == [-50.0, -50.0]
    spikes = [s for s in frame["axes"][0]["series"] if s["marker"] == "v"][0]
    assert len(spikes["x"]) == panel.result.spike_count > 0
    assert f"{panel.result.spike_count} spikes" in frame["label"]
    # Payload per update: the binary arrays and the frame's JSON, no PNG.
    payload = sum(len(b) for b in buffers) + len(json.dumps(state))
    print(f"\nStepPanel canvas update, {samples} samples: {payload} bytes "
          f"({sum(len(b) for b in buffers)} binary + {len(json.dumps(state))} JSON)")
    assert payload == pytest.approx(panel.view.payload_bytes, rel=0.05)
    assert payload < 12_000
    image = StepPanel(view="image", amplitude=3 * nA)
    print(f"the image view's PNG for the same update: {image.view.payload_bytes} bytes")
    image.close()
    panel.close()


def test_unchanged_arrays_are_not_resent(monkeypatch):
    panel = StepPanel(view="canvas", duration=40 * ms)
    wire = Wire(panel.view.widget, monkeypatch)
    panel.controls["tau"].value = panel.controls["tau"].value  # no change at all: nothing sent
    with panel.hold_updates():
        panel.controls["amplitude"].value = 1.0
        panel.controls["amplitude"].value = 2.5  # back where it was: one update, the same data
    [(data, buffers)] = wire.updates()
    assert buffers == [] and set(data["state"]) == {"frame"}
    panel.close()


def test_the_time_grid_is_sent_again_when_it_changes(monkeypatch):
    panel = StepPanel(view="canvas", duration=40 * ms)
    wire = Wire(panel.view.widget, monkeypatch)
    panel.controls["duration"].value = 60  # ms: a longer grid
    [(data, buffers)] = wire.updates()
    assert set(data["state"]) == {"frame", "arrays", "grid"}
    assert sorted(len(b) for b in buffers) == [4 * len(panel.result.t)] * 3
    panel.close()


def test_a_long_trace_goes_as_two_points_per_pixel_column_and_keeps_every_spike(monkeypatch):
    from neurodyn_lab.panels import _canvas

    panel = StepPanel(view="canvas", amplitude=3 * nA, start=0 * ms, end=1000 * ms, duration=1000 * ms)
    frame, widget = panel.view.widget.frame, panel.view.widget
    ax = frame["axes"][0]
    v_line = ax["series"][0]
    columns = (ax["box"][2] - ax["box"][0]) * frame["width"]
    v = np.frombuffer(widget.arrays[v_line["y"]], dtype=np.float32)
    t = np.frombuffer(widget.grid[v_line["x"]], dtype=np.float32)
    samples = len(panel.result.t)
    assert samples >= 10_000 and len(v) == len(t) <= 2 * (columns + 1)
    print(f"\n1000 ms StepPanel: {samples} samples sent as {len(v)} points ({columns:.0f} pixel columns); "
          f"update {panel.view.payload_bytes} bytes")
    # Every spike's reset (the lowest value after each spike) and the highest value stay, and the
    # thinned line never leaves the range of the samples it stands for.
    full = np.asarray(panel.result.v / mV, dtype=np.float32)
    assert v.min() == full.min() and v.max() == full.max()
    assert np.all(np.diff(t) >= 0)
    k = int(np.ceil(samples / columns))
    for i in range(0, len(v) - 2, 2):
        chunk = full[(i // 2) * k:(i // 2 + 1) * k]
        assert {v[i], v[i + 1]} == {chunk.min(), chunk.max()}
    # A zoomed axis keeps the samples it shows at full resolution.
    x, y = _canvas.thin(np.arange(10_001) * 0.1, np.sin(np.arange(10_001)), xlim=(10.0, 40.0), columns=557)
    assert x[0] < 10 <= x[1] and x[-2] <= 40 <= x[-1] and np.array_equal(np.diff(x) > 0.09, np.ones(len(x) - 1, bool))
    panel.close()


@pytest.mark.parametrize("make", [
    lambda: SinusPanel(view="canvas", amplitude=0.5 * nA, frequency=50 * Hz),
    lambda: FICurvePanel(view="canvas", count=11, duration=100 * ms),
    lambda: FrequencyResponsePanel(view="canvas", count=4),
])
def test_every_panel_draws_in_the_canvas_view(make):
    panel = make()
    frame, arrays = panel.view.widget.frame, {**panel.view.widget.grid, **panel.view.widget.arrays}
    assert frame["label"] == panel.summary or frame["label"].startswith("Plot of v(t)")
    assert len(frame["axes"]) == len(panel.figure.axes)
    for axes, ax in zip(frame["axes"], panel.figure.axes):
        assert axes["xlim"] == pytest.approx(list(ax.get_xlim())) and axes["ylim"] == pytest.approx(list(ax.get_ylim()))
        assert axes["xscale"] == ax.get_xscale()
    assert all(isinstance(b, bytes) and len(b) % 4 == 0 for b in arrays.values())
    panel.close()


def test_the_canvas_view_saves_and_falls_back_to_the_same_matplotlib_figure():
    # Outside a kernel "auto" is the static image: the same figure, drawn by matplotlib.
    assert _view.resolve_view("auto") == "image"
    canvas = StepPanel(view="canvas", amplitude=3 * nA)
    image = StepPanel(view="image", amplitude=3 * nA)
    shown = np.asarray(Image.open(io.BytesIO(bytes(image.view.widget.value))))
    np.testing.assert_array_equal(shown, np.asarray(Image.open(io.BytesIO(canvas.view.render_png()))))
    saved = canvas.save_figure()
    assert Image.open(saved).size == Image.open(image.save_figure()).size
    canvas.close()
    image.close()


def test_the_panel_shows_its_widget_and_a_png_for_front_ends_without_widgets():
    import base64

    panel = StepPanel(view="canvas", amplitude=3 * nA)
    bundle = panel._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == panel.widget.model_id
    png = base64.b64decode(bundle["image/png"])
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))),
                                  np.asarray(Image.open(io.BytesIO(panel.view.render_png()))))
    assert bundle["text/plain"] == "<StepPanel: 1 updates, canvas view>"
    panel.close()


def test_a_broken_anywidget_falls_back_to_the_image_with_one_warning():
    def broken():
        raise ImportError("No module named 'anywidget'")

    display = _view.Display(canvas_class=broken)  # this test's own: nothing to reset afterwards
    with pytest.warns(RuntimeWarning, match="browser-drawn view does not work here.*PNG image instead"):
        assert _view.resolve_view("canvas", display=display) == "image"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # checked once: no second warning from this display
        assert display.resolve("canvas") == "image"
        view = _view.FigureView((4, 3), mode="canvas", display=display)
    assert view.mode == "image"
    view.close()
    # Another display (a fresh kernel) checks for itself, and says it again.
    with pytest.warns(RuntimeWarning, match="browser-drawn view does not work here"):
        assert _view.Display(canvas_class=broken).resolve("canvas") == "image"
    assert _view.default_display().resolve("canvas") == "canvas"  # the default display never saw it


# ------------------------------------------------------------------------ freed when dropped


def resident():
    psutil = pytest.importorskip("psutil")
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    return psutil.Process().memory_info().rss


@pytest.mark.parametrize("view, count", [("canvas", 100), ("image", 20)])  # an image update is 3x slower
def test_100_panels_dropped_without_close_are_freed(view, count):
    for _ in range(5):  # first-time costs (fonts, compiled code, widget classes) are not a leak
        StepPanel(view=view)
    figures, widgets_open, start = figures_alive(), open_widgets(), resident()
    t0 = time.perf_counter()
    for _ in range(count):  # a student re-running `panel = StepPanel()`
        panel = StepPanel(view=view)
        del panel
    growth = resident() - start
    print(f"\n{count} {view} StepPanels dropped: +{growth / 1e6:.1f} MB, {time.perf_counter() - t0:.1f} s")
    assert figures_alive() <= figures
    assert open_widgets() <= widgets_open  # every widget closed by the finalizer
    assert growth < 50e6


def test_a_dropped_explorer_frees_its_tabs_and_panels():
    from neurodyn_lab.panels import explore

    explore(view="canvas").close()  # first-time costs
    figures, widgets_open = figures_alive(), open_widgets()
    tabs = explore(view="canvas")
    tabs.selected_index = 1  # two panels built
    assert len(open_widgets() - widgets_open) > 60
    del tabs
    assert figures_alive() <= figures and open_widgets() <= widgets_open


def test_close_frees_everything_at_once_even_while_the_panel_is_referenced():
    panel = StepPanel(view="canvas", duration=20 * ms)
    figure = panel.figure
    before = open_widgets()
    panel.close()
    assert panel.closed and panel.result is None and figure.axes == []
    assert panel.widget.comm is None and panel.view.widget.comm is None
    assert len(before - open_widgets()) > 30  # sliders, their layouts and styles, buttons, the canvas ...
    panel.close()  # twice: harmless


def test_widgets_do_not_keep_their_panel_alive():
    panel = StepPanel(view="canvas", duration=20 * ms)
    slider = panel.controls["amplitude"]
    box = panel.widget
    del panel
    gc.collect()
    assert slider.comm is None and box.comm is None  # the finalizer closed them
    slider.value = 3.0  # a late message from the front end: nothing happens, nothing fails


# ------------------------------------------------------------------------ in a real kernel


class Kernel:
    """An ipykernel started with jupyter_client, driven as a front end drives it."""

    def __init__(self):
        from jupyter_client.manager import start_new_kernel

        self.manager, self.client = start_new_kernel(kernel_name="python3")

    def execute(self, code, cell_id=None, timeout=120, shown=None):
        """Run `code` as a notebook cell (with `cell_id` as JupyterLab sends it); return its text output.

        The bundles the cell shows (its value, ``display()``) are appended to the list `shown`."""
        client = self.client
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        msg = client.session.msg("execute_request", content, metadata={"cellId": cell_id} if cell_id else {})
        client.shell_channel.send(msg)
        out, deadline = [], time.monotonic() + timeout
        while True:
            reply = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                continue
            kind, body = reply["msg_type"], reply["content"]
            if kind == "stream":
                out.append(body["text"])
            elif kind in ("execute_result", "display_data") and shown is not None:
                shown.append(body["data"])
            elif kind == "error":
                raise AssertionError("\n".join(body["traceback"]))
            elif kind == "status" and body["execution_state"] == "idle":
                return "".join(out)

    def send_value(self, comm_id, value):
        """What a slider's view sends when it moves."""
        data = {"method": "update", "state": {"value": value}, "buffer_paths": []}
        self.client.shell_channel.send(self.client.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))

    def stop(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)  # this kernel only, by its manager


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    try:
        yield k
    finally:
        k.stop()


SLOW = """
import time
from brian2 import nA, ms
from neurodyn_lab.panels import StepPanel
computed = []
class SlowStep(StepPanel):
    def _compute(self):
        computed.append(self.controls["amplitude"].value)
        time.sleep(0.08)  # a slow simulation: 80 ms
        return super()._compute()
slow = SlowStep(view="canvas", duration=20 * ms)
print(slow.view.mode, slow.controls["amplitude"].model_id)
"""


def test_a_drag_never_queues_stale_work(kernel):
    mode, comm_id = kernel.execute(SLOW).split()
    assert mode == "canvas"  # a kernel with anywidget's front end installed: the browser draws
    kernel.execute("computed.clear()")
    # 150 moves, one every 8 ms, sent without waiting for the kernel (harder than a front end,
    # which waits for the kernel to go idle before it sends the next value).
    values = [round(0.5 + 0.01 * i, 2) for i in range(150)]
    t0 = time.perf_counter()
    for value in values:
        kernel.send_value(comm_id, value)
        time.sleep(0.008)
    sending = time.perf_counter() - t0
    time.sleep(0.5)
    computed = json.loads(kernel.execute("import json; print(json.dumps(computed))"))
    done = time.perf_counter() - t0
    print(f"\n{len(values)} moves over {sending:.2f} s with an 80 ms simulation: {len(computed)} simulations, "
          f"the last for {computed[-1]} (sent last: {values[-1]}), all done {done - sending:.2f} s after the last move")
    assert computed[-1] == values[-1]  # the final value is simulated
    assert computed == sorted(computed)  # never an older value after a newer one
    # At most one simulation per 80 ms while moving, plus the last: no queue of stale work.
    assert len(computed) <= sending / 0.08 + 3
    assert len(set(computed)) == len(computed)


def test_running_a_panel_cell_again_frees_the_previous_panel(kernel):
    kernel.execute("from neurodyn_lab.panels import StepPanel\nfrom brian2 import ms\nimport gc\nfrom matplotlib.figure import Figure")
    count = ("gc.collect()\n"
             "panels = [o for o in gc.get_objects() if type(o) is StepPanel]\n"
             "print(sum(p.closed for p in panels), sum(not p.closed for p in panels),"
             " sum(issubclass(type(o), Figure) and o.axes != [] for o in gc.get_objects()))\n"
             "del panels")

    def counts():
        return tuple(map(int, kernel.execute(count).split()))

    # This kernel is the module's: other tests' panels (`rested`, ...) may be open in it, in any
    # order of the tests, so what is asserted is the change this test makes.
    before = counts()
    for _ in range(3):  # the cell's value is the panel: IPython's Out history holds each one
        kernel.execute("StepPanel(view='canvas')", cell_id="panel-cell")
    after = counts()
    assert tuple(a - b for a, b in zip(after, before)) == (2, 1, 1)
    # display() of a panel nothing names: kept, since the output shows it, until its cell runs again.
    kernel.execute("display(StepPanel(view='canvas', duration=20 * ms))", cell_id="display-cell")
    assert counts()[1] - after[1] == 1
    kernel.execute("pass", cell_id="display-cell")  # that cell, edited and run again
    assert counts()[1] - after[1] == 0


MYSTERY = """
from brian2 import ms, nA
from neurodyn_lab import inputs
from neurodyn_lab.grading.mystery import Lab, MysteryNeuron
m = MysteryNeuron("s1", lab=Lab())
r = m.simulate(inputs.step(0.5 * nA, 10 * ms, 100 * ms), 150 * ms)
"""


def test_the_mystery_traces_show_in_the_canvas_view_and_a_rerun_frees_the_widget(kernel):
    import base64

    kernel.execute(MYSTERY + "import gc, ipywidgets\n"
                   "def open_widget(model_id):\n"
                   "    return next((o for o in gc.get_objects() if issubclass(type(o), ipywidgets.Widget)\n"
                   "                 and getattr(o.comm, 'comm_id', None) == model_id), None)\n")
    is_open = "print(open_widget({!r}) is not None)"
    models = []
    for _ in range(2):  # the same plotting cell, run twice
        shown = []
        kernel.execute("r.plot()", cell_id="mystery-plot", shown=shown)
        [bundle] = shown
        assert Image.open(io.BytesIO(base64.b64decode(bundle["image/png"]))).size == (700, 450)
        models.append(bundle["application/vnd.jupyter.widget-view+json"]["model_id"])
        assert kernel.execute(is_open.format(models[-1])).strip() == "True"
    assert kernel.execute(is_open.format(models[0])).strip() == "False"  # closed when its cell ran again
    label = kernel.execute(f"print(open_widget({models[1]!r}).frame['label'])")
    assert label.startswith("Plot of v(t) above I(t) over 150 ms")


READOUTS = """
from brian2 import nA, ms
from neurodyn_lab.panels import StepPanel
rested = StepPanel(view="canvas", duration=20 * ms)
tables, frames = [], []
rested._readout.observe(lambda change: tables.append(change["new"]), "value")
rested.view.widget.observe(lambda change: frames.append(change["new"]["seq"]), "frame")
print(rested.controls["amplitude"].model_id)
"""


def test_during_a_drag_the_readout_table_waits_until_the_drag_rests(kernel):
    comm_id = kernel.execute(READOUTS).strip()
    values = [round(1.0 + 0.01 * i, 2) for i in range(60)]
    for value in values:  # a drag: a move every 10 ms
        kernel.send_value(comm_id, value)
        time.sleep(0.01)
    time.sleep(0.1)
    during = json.loads(kernel.execute("import json; print(json.dumps([len(tables), len(frames)]))"))
    time.sleep(0.5)  # ... at rest
    tables, frames, summary = json.loads(kernel.execute("print(json.dumps([len(tables), len(frames), rested.summary]))"))
    print(f"\n{len(values)} moves: {frames} frames, {tables} readout tables ({during[0]} while moving)")
    assert frames >= 3  # the figure followed the drag
    assert tables <= 2 < frames  # the table did not: at most the drag's first move and its rest
    assert during[0] <= 1
    last = kernel.execute("print(tables[-1])")
    assert f"{values[-1]:.2f} nA step" in summary and f"{values[-1]:.2f} nA step" in last


def test_thin_leaves_short_unordered_or_gappy_lines_as_they_are():
    from neurodyn_lab.panels._canvas import thin

    t = np.arange(5000) * 0.1
    x, y = thin(t[:1000], np.sin(t[:1000]), (0, 100), columns=600)  # under two points per column
    assert len(x) == 1000
    backwards = t[::-1].copy()
    assert len(thin(backwards, np.sin(t), None, columns=100)[0]) == 5000  # x not increasing: as given
    gappy = t.copy()
    gappy[10] = np.nan
    assert len(thin(gappy, np.sin(t), None, columns=100)[0]) == 5000
    x, y = thin(t, np.where(t > 200, 1.0, -1.0), (0, 500), columns=100)
    assert len(x) == 200 and set(y) == {-1.0, 1.0} and np.all(np.diff(x) >= 0)


@needs_node
def test_the_canvas_module_draws_a_mystery_plots_title_and_its_thinned_trace(tmp_path):
    """The shipped ES module's own `paint`, in Node, on the frame of a mystery neuron's plot."""
    from neurodyn_lab import inputs
    from neurodyn_lab.grading.mystery import Lab, MysteryNeuron
    from neurodyn_lab.panels import _canvas

    result = MysteryNeuron("s12345", lab=Lab()).simulate(inputs.step(0.4 * nA, 20 * ms, 1500 * ms), 2000 * ms)
    fig = result.plot()
    frame, arrays = _canvas.figure_frame(fig, dpi=fig.dpi, label=fig.label)
    calls = paint_calls(tmp_path, frame, arrays)  # [method, fillStyle, font, *arguments]
    ax = frame["axes"][0]
    top = (1 - ax["box"][3]) * frame["height"]
    px = frame["dpi"] / 72
    [title] = [c for c in calls if c[0] == "fillText" and c[3] == ax["title"]]
    assert title[2].startswith(f"{ax['titlesize'] * px}px")  # 12 pt at 100 dpi
    assert title[4] == pytest.approx((ax["box"][0] + ax["box"][2]) / 2 * frame["width"])
    assert title[5] == pytest.approx(top - 22 * px)  # set_title(pad=22): 22 points above the axes
    # v and I, 20 000 samples each, drawn as about two points per pixel column of the axes (the
    # other lines: two per spike marker, grid lines and ticks).
    columns = (ax["box"][2] - ax["box"][0]) * frame["width"]
    lines = sum(c[0] == "lineTo" for c in calls)
    assert len(result.t) == 20_000 and lines < 2 * (2 * columns + 2) + 2 * result.spike_count + 100


def comm_messages(kernel, seconds):
    """(method, comm id, state) of every widget message the kernel publishes for `seconds`."""
    found, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = kernel.client.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:  # nothing more
            break
        if message["msg_type"] == "comm_msg":
            data = message["content"]["data"]
            found.append((data.get("method"), message["content"]["comm_id"], data.get("state", {})))
    return found


def test_a_moved_slider_is_not_echoed_but_the_kernels_own_changes_reach_the_page(kernel):
    # ipywidgets 8 echoes every value a page sends back to it (for other pages showing the same
    # model); a panel's slider does not: one message fewer per move for the kernel, the
    # single-user server and the page (bench_hub, 2026-12-03). What the kernel itself changes
    # (a reset, a value put on the range's end) still goes to the page.
    comm_id, _low, high = kernel.execute(
        "from brian2 import ms\nfrom neurodyn_lab.panels import StepPanel\n"
        "echoed = StepPanel(view='canvas', duration=20 * ms)\n"
        "s = echoed.controls['amplitude']\n"
        "print(s.model_id, s.min, s.max)").split()
    comm_messages(kernel, 0.3)  # what the panel's first draw sent
    kernel.send_value(comm_id, 2.75)
    moved = [m for m in comm_messages(kernel, 1.0) if m[1] == comm_id]
    assert moved == [], f"the slider's own value came back to the page: {moved}"
    assert kernel.execute("print(s.value)").strip() == "2.75"
    # A value within rounding of the range's end is put on it: the page is told.
    kernel.send_value(comm_id, float(high) * (1 + 1e-12))
    snapped = [m for m in comm_messages(kernel, 1.0) if m[1] == comm_id]
    assert snapped == [("update", comm_id, {"value": float(high)})]
    kernel.client.execute("echoed.reset()")  # not waited for: its messages are read here
    reset = [m for m in comm_messages(kernel, 1.5) if m[1] == comm_id]
    assert [method for method, _, _ in reset] == ["update"] and reset[0][2]["value"] < float(high)
