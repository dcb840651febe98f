"""Predict, then see (issue 19, item 5): a panel draws the student's prediction beside the simulation.

A prediction is drawn where the student put it, in its own style (black dash-dot line, black
diamonds) labelled "your prediction", in the image view (the PNG's pixels), in the canvas view
(the frame the browser paints, and the ES module's own painting, run in Node with a recording
2-D context) and in the readout; bad input is one sentence before any widget exists.
"""

import json
import re
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from brian2 import Hz, Mohm, mV, ms, nA, nF, second
from matplotlib.colors import to_hex

from neurodyn_lab.panels import FICurvePanel, FrequencyResponsePanel, SinusPanel, StepPanel
from neurodyn_lab.panels import _canvas
from neurodyn_lab.parameters import LIFParams

from node_paint import needs_node, paint_calls

STUDENT = LIFParams(tau=12 * ms)  # no named preset: no closed forms on screen


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEURODYN_LAB_VIEW", raising=False)


def prediction_lines(panel):
    """The figure's lines labelled "your prediction", as (axes index, line)."""
    return [(i, line) for i, ax in enumerate(panel.figure.axes) for line in ax.get_lines()
            if line.get_label() == "your prediction"]


def legend_texts(panel):
    return [t.get_text() for t in panel.figure.axes[0].get_legend().get_texts()]


def fi(**kwargs):
    return FICurvePanel(STUDENT, count=6, duration=100 * ms, view="image", **kwargs)


# ------------------------------------------------------------------ drawn where the student put it


def test_fi_points_are_drawn_as_black_diamonds_with_a_legend_entry_and_a_readout_line():
    given = [(2 * nA, 10 * Hz), (5 * nA, 80 * Hz), (7 * nA, 150 * Hz)]
    panel = fi(prediction=given)
    [(index, line)] = prediction_lines(panel)
    assert index == 0
    np.testing.assert_allclose(line.get_xdata(), [2, 5, 7])
    np.testing.assert_allclose(line.get_ydata(), [10, 80, 150])
    assert (line.get_marker(), to_hex(line.get_color())) == ("D", "#000000")
    assert legend_texts(panel)[-1] == "your prediction" and "simulated" in legend_texts(panel)
    assert "(2 nA, 10 Hz), (5 nA, 80 Hz), (7 nA, 150 Hz)" in panel._readout.value
    assert panel.prediction is given  # what the student gave, as given
    panel.close()


@pytest.mark.parametrize("prediction, axes, attribute, value", [
    (120 * Hz, 0, "y", 120.0),
    (3.5 * nA, 0, "x", 3.5),
])
def test_fi_single_values_are_lines(prediction, axes, attribute, value):
    panel = fi(prediction=prediction)
    [(index, line)] = prediction_lines(panel)
    data = line.get_ydata() if attribute == "y" else line.get_xdata()
    assert index == axes and list(data) == [value, value] and line.get_linestyle() == "-."
    panel.close()


def test_a_prediction_outside_the_simulated_range_widens_the_axes():
    panel = fi(prediction=[(12 * nA, 900 * Hz)])  # currents up to 8 nA, rates far below 900 Hz
    ax = panel.figure.axes[0]
    assert ax.get_xlim()[1] > 12 and ax.get_ylim()[1] > 900
    assert ax.get_xlim()[0] == 0 and ax.get_ylim()[0] == 0  # the simulated range is still shown
    panel.controls["count"].value = 7  # every update keeps it in view
    assert ax.get_xlim()[1] > 12 and ax.get_ylim()[1] > 900
    panel.close()


def test_bode_gains_phases_and_a_cutoff_go_to_their_axes():
    gains = FrequencyResponsePanel(STUDENT, count=3, view="image", prediction=[(10 * Hz, 8 * Mohm), (100 * Hz, 2 * Mohm)])
    [(index, line)] = prediction_lines(gains)
    assert index == 0
    np.testing.assert_allclose(line.get_xdata(), [10, 100])
    np.testing.assert_allclose(line.get_ydata(), [8, 2])
    gains.set_prediction([(10 * Hz, -30), (100 * Hz, -80)])  # phases in degrees: the lower axes
    [(index, line)] = prediction_lines(gains)
    assert index == 1
    np.testing.assert_allclose(line.get_ydata(), [-30, -80])
    gains.set_prediction(40 * Hz)  # a cut-off: on both axes
    lines = prediction_lines(gains)
    assert [i for i, _ in lines] == [0, 1] and all(list(line.get_xdata()) == [40, 40] for _, line in lines)
    gains.set_prediction(8 * mV / nA)  # a gain in mV/nA is a resistance
    [(index, line)] = prediction_lines(gains)
    assert index == 0
    assert list(line.get_ydata()) == pytest.approx([8, 8])
    assert gains.prediction_shown == "8 MΩ"
    gains.set_prediction(None)
    assert prediction_lines(gains) == [] and "your prediction" not in legend_texts(gains)
    assert "Your prediction" not in gains._readout.value
    gains.close()


def test_a_step_time_counts_from_the_onset_and_follows_it():
    panel = StepPanel(STUDENT, view="image", prediction=8 * ms)
    lines = prediction_lines(panel)
    assert [i for i, _ in lines] == [0, 1]
    assert all(list(line.get_xdata()) == [18, 18] for _, line in lines)  # onset 10 ms + 8 ms
    panel.controls["start"].value = 30
    assert all(list(line.get_xdata()) == [38, 38] for _, line in lines)
    panel.close()


def test_the_blitted_image_shows_the_moved_prediction_exactly_as_a_full_draw():
    import io

    from PIL import Image

    panel = StepPanel(STUDENT, view="image", prediction=-60 * mV)
    panel.controls["amplitude"].value = 1.0  # limits unchanged: a blit over the cached background
    panel.set_prediction(-58 * mV)
    panel.controls["amplitude"].value = 1.1
    blitted = np.asarray(Image.open(io.BytesIO(bytes(panel.view.widget.value))).convert("RGB"))
    full = np.asarray(Image.open(io.BytesIO(panel.view.render_png())).convert("RGB"))
    np.testing.assert_array_equal(blitted, full)
    # The line is in the pixels: black pixels along the row of -58 mV in the voltage axes.
    ax = panel.figure.axes[0]
    _, y = ax.transData.transform((0, -58))
    row = full.shape[0] - int(round(y))
    band = full[row - 1:row + 2, int(full.shape[1] * 0.2):int(full.shape[1] * 0.9)]
    assert (band.sum(axis=2) < 120).mean() > 0.3  # dash-dot: black over much of the row
    panel.close()


def test_a_rate_on_the_step_panel_is_written_not_drawn_and_the_text_alternative_says_it():
    panel = StepPanel(STUDENT, view="image", prediction=45 * Hz)
    assert prediction_lines(panel) == []
    assert "Your prediction</b>: 45 Hz" in panel._readout.value
    panel.set_prediction(4)  # a spike count: a plain number
    assert "Your prediction</b>: 4 spikes" in panel._readout.value
    with pytest.raises(TypeError, match=r"or a number of spikes such as 4, got 4 nF"):
        panel.set_prediction(4 * nF)
    canvas = SinusPanel(STUDENT, view="canvas", prediction=4 * Mohm)
    assert canvas.view.widget.frame["label"].endswith("Your prediction: 4 MΩ.")
    canvas.close()
    panel.close()


def test_the_panel_judges_nothing_and_shows_no_closed_form_for_the_students_neuron():
    panel = fi(prediction=150 * Hz)
    assert all(closed == "" for _, closed in panel.readouts.values())
    [note] = re.findall(r"<p class='neurodyn-lab-prediction'>(.*?)</p>", panel._readout.value)
    assert note == "<b>Your prediction</b> (black dash-dot line): 150 Hz"  # drawn and written, never judged
    panel.close()


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad, got", [
    (3 * mV, "got 3 mV (a voltage)."),
    (..., "got ... (replace the ... by your prediction first)."),
    ("100 Hz", "got the text '100 Hz'."),
    (100, "got 100 (a bare number, without a unit)."),
    ([(1 * nA, 2 * mV)], "got the points (1 nA, 2 mV)."),
    ([(1 * nA, 20 * Hz), (2 * nA,)], "got a list of 2 items."),
    ([], "got an empty list."),
    (float("nan") * Hz, "got nan Hz."),
    ([(i * nA, i * Hz) for i in range(300)], "got 300."),
])
def test_bad_predictions_are_one_sentence_before_any_widget(bad, got):
    with pytest.raises((TypeError, ValueError)) as info:
        FICurvePanel(view="image", count=3, prediction=bad)
    message = str(info.value)
    assert message.startswith("prediction must ") and message.endswith(got), message
    assert "\n" not in message and len(re.findall(r"\. [A-Z]", message)) == 0
    if isinstance(info.value, TypeError):  # the kinds the panel takes, with unit examples
        assert "100*Hz" in message and "1.5*nA" in message and "[(2*nA, 20*Hz)" in message


def test_set_prediction_refuses_in_one_sentence_and_keeps_the_previous_one():
    panel = fi(prediction=100 * Hz)
    with pytest.raises(TypeError, match=r"^prediction must be a firing rate such as 100\*Hz, .* got 2 mV"):
        panel.set_prediction(2 * mV)
    assert panel.prediction_shown == "100 Hz" and len(prediction_lines(panel)) == 1
    panel.close()
    with pytest.raises(ValueError, match="is closed"):
        panel.set_prediction(100 * Hz)


def test_a_pair_of_arrays_and_one_pair_are_points_too():
    panel = fi(prediction=(np.array([2, 4, 6]) * nA, np.array([0, 50, 100]) * Hz))
    [(index, line)] = prediction_lines(panel)
    assert index == 0
    np.testing.assert_allclose(line.get_ydata(), [0, 50, 100])
    panel.set_prediction((4 * nA, 1 * second ** -1 * 60))
    [(index, line)] = prediction_lines(panel)
    assert index == 0
    assert list(line.get_xdata()) == [4] and list(line.get_ydata()) == pytest.approx([60])
    panel.close()


# --------------------------------------------------------------------------------- canvas view


def canvas_series(panel):
    frame = panel.view.widget.frame
    return frame, [(i, s) for i, ax in enumerate(frame["axes"]) for s in ax["series"] if s["color"] == "#000000"]


def test_the_canvas_frame_carries_the_prediction_and_its_legend_entry():
    panel = FICurvePanel(STUDENT, count=6, duration=100 * ms, view="canvas",
                         prediction=[(2 * nA, 10 * Hz), (5 * nA, 80 * Hz)])
    frame, series = canvas_series(panel)
    [(index, points)] = series
    assert index == 0
    assert (points["marker"], points["ls"], points["x"], points["y"]) == ("D", ":", [2.0, 5.0], [10.0, 80.0])
    assert frame["axes"][0]["legend"][-1]["label"] == "your prediction"
    assert frame["axes"][0]["legend"][-1]["marker"] == "D"
    panel.set_prediction(150 * Hz)
    frame, series = canvas_series(panel)
    [(index, line)] = series
    assert index == 0
    assert (line["coords"], line["ls"], line["y"]) == ("yaxis", "-.", [150.0, 150.0])
    assert frame["axes"][0]["ylim"][1] > 150
    panel.close()


@needs_node
def test_the_canvas_module_paints_black_diamonds_where_the_points_are(tmp_path):
    """The shipped ES module's own `paint`, run in Node on the frame the kernel sends."""
    panel = FICurvePanel(STUDENT, count=6, duration=100 * ms, view="canvas",
                         prediction=[(2 * nA, 10 * Hz), (5 * nA, 80 * Hz)])
    frame, arrays = _canvas.figure_frame(panel.figure)
    calls = paint_calls(tmp_path, frame, arrays)  # [method, fillStyle, font, *arguments]
    # A diamond: moveTo the top corner, lineTo right, bottom, left, filled in black.
    ax = frame["axes"][0]
    width, height = frame["width"], frame["height"]
    left, right = ax["box"][0] * width, ax["box"][2] * width
    top, bottom = (1 - ax["box"][3]) * height, (1 - ax["box"][1]) * height

    def pixel(x, y):
        return (left + (x - ax["xlim"][0]) / (ax["xlim"][1] - ax["xlim"][0]) * (right - left),
                bottom - (y - ax["ylim"][0]) / (ax["ylim"][1] - ax["ylim"][0]) * (bottom - top))

    tops = [(c[3], c[4]) for i, c in enumerate(calls) if c[0] == "moveTo" and c[1] == "#000000"
            and i + 4 < len(calls) and [d[0] for d in calls[i + 1:i + 5]] == ["lineTo"] * 3 + ["closePath"]]
    radius = frame["dpi"] / 72 * 6 / 2
    for x, y in [(2, 10), (5, 80)]:
        px, py = pixel(x, y)
        assert any(abs(tx - px) < 0.01 and abs(ty - (py - radius)) < 0.01 for tx, ty in tops), (px, py, tops)
    panel.close()


# ------------------------------------------------------------- predict, then see: dragged points


def test_predict_at_shows_only_draggable_diamonds_and_simulates_nothing_until_asked(monkeypatch):
    from neurodyn_lab import analysis

    runs = []
    real = analysis.fi_curve
    monkeypatch.setattr(analysis, "fi_curve", lambda *a, **k: runs.append(1) or real(*a, **k))
    panel = FICurvePanel(STUDENT, count=6, duration=100 * ms, view="canvas", predict_at=[1, 2, 4, 6] * nA)
    widget = panel.view.widget
    assert panel.asking and panel.result is None and runs == []
    [series] = [s for ax in widget.frame["axes"] for s in ax["series"]]  # nothing but the prediction
    assert (series["drag"], series["marker"], series["x"], series["y"]) == (True, "D", [1, 2, 4, 6], [0, 0, 0, 0])
    assert widget.frame["axes"][0]["legend"][-1]["label"] == "your prediction"
    assert "drag each diamond" in panel.summary and "Show the simulation" in widget.frame["label"]
    assert panel.buttons["show_simulation"].layout.display is None  # the button shows while asking
    # The browser reports dropped points (what canvas_view.js sends on pointerup).
    widget.dragged = {"axes": 0, "index": 1, "y": 35.0, "seq": 1}
    widget.dragged = {"axes": 0, "index": 3, "y": 190.0, "seq": 2}  # near the top: the axes grow
    widget.dragged = {"axes": 0, "index": 9, "y": 1.0, "seq": 3}  # no such point: ignored
    widget.dragged = {"axes": 0, "index": "x", "seq": 4}  # malformed: ignored
    points = panel.predicted_points()
    assert [float(y / Hz) for _, y in points] == [0, 35, 0, 190] and [float(x / nA) for x, _ in points] == [1, 2, 4, 6]
    assert widget.frame["axes"][0]["ylim"][1] > 190 * 1.5 and runs == []
    assert panel.prediction == points  # what a check cell records
    # Then see: the simulation beside the prediction, which stays where it was dropped and no longer moves.
    panel.show_simulation()
    assert not panel.asking and panel.result is not None and runs
    assert panel.buttons["show_simulation"].layout.display == "none"
    kinds = [(s["marker"], s.get("drag", False)) for s in widget.frame["axes"][0]["series"]]
    assert ("o", False) in kinds and ("D", False) in kinds and not any(drag for _, drag in kinds)
    widget.dragged = {"axes": 0, "index": 1, "y": 99.0, "seq": 5}
    assert [float(y / Hz) for _, y in panel.predicted_points()] == [0, 35, 0, 190]
    panel.close()


def test_predict_at_in_the_image_view_says_how_to_give_the_points():
    panel = FrequencyResponsePanel(STUDENT, count=3, view="image", predict_at=[1, 10, 100] * Hz)
    assert panel.asking and panel.result is None and "in code with set_prediction" in panel.summary
    panel.set_prediction(30 * Hz)  # a cut-off instead: its line, still no simulation
    assert [list(line.get_xdata()) for _, line in prediction_lines(panel)] == [[30, 30], [30, 30]]
    panel.set_prediction([(1 * Hz, 9 * Mohm), (10 * Hz, 7 * Mohm), (100 * Hz, 1 * Mohm)])
    assert panel.asking and panel.result is None  # still no simulation
    panel.show_simulation()
    [(index, line)] = prediction_lines(panel)
    assert index == 0 and list(line.get_ydata()) == [9, 7, 1] and panel.result is not None
    panel.close()


@pytest.mark.parametrize("make, message", [
    (lambda: FICurvePanel(view="image", predict_at=[1, 2] * Hz),
     "predict_at must be the currents to predict at, such as [1, 2, 4, 6, 8]*nA, got [1, 2] Hz (a frequency)."),
    (lambda: FICurvePanel(view="image", predict_at=[1, 2]),
     "predict_at must be the currents to predict at, such as [1, 2, 4, 6, 8]*nA, got [1, 2] (a list of bare numbers"),
    (lambda: FICurvePanel(view="image", predict_at=[2, 2] * nA), "predict_at must not repeat a value"),
    (lambda: FICurvePanel(view="image", predict_at=np.arange(1, 30) * nA), "predict_at must be 1 to 20 currents"),
    (lambda: FICurvePanel(view="image", predict_at=[1] * nA, prediction=10 * Hz),
     "give prediction= or predict_at=, not both"),
    (lambda: StepPanel(view="image", predict_at=[1] * nA), "StepPanel takes no predict_at"),
])
def test_bad_predict_at_is_one_sentence(make, message):
    with pytest.raises((TypeError, ValueError)) as info:
        make()
    assert message in str(info.value) and "\n" not in str(info.value)


DRAG_TEST = r"""
import { readFileSync } from "node:fs";
const [source, framePath] = process.argv.slice(2);
const { frame, arrays, press, release, keys } = JSON.parse(readFileSync(framePath, "utf8"));
const noop = () => {};
const ctx = new Proxy({}, { get: (t, n) => (n in t ? t[n] : n === "measureText" ? () => ({ width: 10 }) : noop),
                            set: (t, n, v) => { t[n] = v; return true; } });
const handlers = {};
const canvas = {
  width: 0, height: 0, style: {}, dataset: {}, getContext: () => ctx, attributes: {},
  setAttribute(name, value) { this.attributes[name] = value; }, removeAttribute(name) { delete this.attributes[name]; },
  addEventListener: (name, f) => { handlers[name] = f; }, dispatchEvent: noop,
  getBoundingClientRect: () => ({ left: 0, top: 0 }),
};
globalThis.window = { devicePixelRatio: 1 };
globalThis.document = { createElement: () => canvas };
globalThis.CustomEvent = class { constructor(name, init) { this.name = name; this.detail = init.detail; } };
globalThis.requestAnimationFrame = (f) => f();
const sent = [];
const state = { frame, arrays: {} };
const model = { get: (k) => state[k], set: (k, v) => sent.push([k, v]), save_changes: () => sent.push(["saved"]),
                on: noop, off: noop };
const el = { appendChild: noop, closest: () => null };
const module = await import("data:text/javascript;base64," + Buffer.from(readFileSync(source, "utf8")).toString("base64"));
module.default.render({ model, el });
const event = ([x, y]) => ({ clientX: x, clientY: y, pointerId: 1, preventDefault: noop });
if (press) {
  handlers.pointerdown(event(press));
  handlers.pointermove(event([press[0] + 30, (press[1] + release[1]) / 2]));
  handlers.pointerup(event([press[0] + 30, release[1]]));
}
const stopped = [];
handlers.focus();
for (const [name, shiftKey] of keys || []) {
  handlers.keydown({ key: name, shiftKey, preventDefault: noop, stopPropagation: () => stopped.push(name) });
}
console.log(JSON.stringify({ sent, cursor: canvas.style.cursor, attributes: canvas.attributes, stopped }));
"""


def run_module(tmp_path, scene):
    """Run canvas_view.js's `render` in Node on `scene` (frame, pointer press/release, keys)."""
    (tmp_path / "scene.json").write_text(json.dumps(scene))
    (tmp_path / "drag.mjs").write_text(DRAG_TEST)
    out = subprocess.run(["node", str(tmp_path / "drag.mjs"), str(_canvas.ESM_PATH), str(tmp_path / "scene.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the canvas view's ES module")
def test_the_keyboard_chooses_a_point_and_moves_it(tmp_path):
    panel = FICurvePanel(STUDENT, view="canvas", predict_at=[2, 4, 6] * nA)  # y from 0 to 200 Hz
    frame = panel.view.widget.frame
    result = run_module(tmp_path, {"frame": frame, "arrays": {}, "keys": [
        ["ArrowRight", False], ["ArrowRight", False], ["ArrowUp", False], ["ArrowUp", False],
        ["ArrowLeft", False], ["ArrowUp", True], ["ArrowDown", False], ["a", False]]})
    assert result["attributes"]["tabindex"] == "0" and "Up and Down move it" in result["attributes"]["aria-label"]
    moves = [message for name, message in [m for m in result["sent"] if len(m) == 2] if name == "dragged"]
    assert [(m["index"], round(m["y"], 6)) for m in moves] == [(2, 5.0), (2, 10.0), (1, 1.0), (1, 0.0)]
    assert [m["seq"] for m in moves] == [1, 2, 3, 4] and result["sent"].count(["saved"]) == 4
    assert "a" not in result["stopped"] and result["stopped"].count("ArrowUp") == 3  # only its own keys
    for message in moves:  # the kernel takes each as it comes
        panel.view.widget.dragged = message
    assert [float(y / Hz) for _, y in panel.predicted_points()] == pytest.approx([0, 0, 10])
    panel.close()


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the canvas view's ES module")
def test_the_canvas_module_lets_a_point_be_dragged_and_sends_where_it_was_let_go(tmp_path):
    """The shipped ES module's `render`, in Node with a stand-in canvas and model: press on a diamond,
    drag, let go; the module sets `dragged` once (index, y in data units) and saves it."""
    panel = FICurvePanel(STUDENT, view="canvas", predict_at=[2, 4, 6] * nA)
    frame = panel.view.widget.frame
    ax = frame["axes"][0]
    width, height = frame["width"], frame["height"]
    left, right = ax["box"][0] * width, ax["box"][2] * width
    top, bottom = (1 - ax["box"][3]) * height, (1 - ax["box"][1]) * height

    def pixel(x, y):
        return (left + (x - ax["xlim"][0]) / (ax["xlim"][1] - ax["xlim"][0]) * (right - left),
                bottom - (y - ax["ylim"][0]) / (ax["ylim"][1] - ax["ylim"][0]) * (bottom - top))

    press = pixel(4, 0)
    release = pixel(4, 120)  # 120 Hz
    result = run_module(tmp_path, {"frame": frame, "arrays": {}, "press": [press[0] + 3, press[1] - 2],
                                   "release": list(release)})
    assert result["cursor"] == "ns-resize"
    [[name, message], saved] = result["sent"]
    assert saved == ["saved"] and name == "dragged" and (message["axes"], message["index"], message["seq"]) == (0, 1, 1)
    assert message["y"] == pytest.approx(120, abs=0.01)
    # The kernel takes it from there, as from a real front end.
    panel.view.widget.dragged = message
    assert float(panel.predicted_points()[1][1] / Hz) == pytest.approx(120, abs=0.01)
    panel.close()
