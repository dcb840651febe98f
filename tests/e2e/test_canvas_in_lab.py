"""The browser-drawn view (issue 20) in real front ends: JupyterLab 4 and Notebook 7 in chromium.

A one-panel notebook (``StepPanel(...)`` with the default view, which in a kernel is the canvas)
is run; the amplitude slider is moved across the rheobase with the arrow keys; the canvas must
repaint (its pixels change, its frame number goes up) and its text alternative (aria-label) must
follow (the spike count). axe-core checks the panel with the canvas in it.
"""

import json
import time

import pytest

from test_panels_in_lab import SERIOUS, axe_violations, is_upstream, summarise, wait_for

NOTEBOOK = "canvas_one_panel.ipynb"
START_NA = 1.95  # 5 presses of 0.01 nA below the book's rheobase (2.00 nA): no spike
PRESSES = 10  # ... and 10 presses later, 5 above it: spikes

SOURCE = {
    "cells": [{
        "cell_type": "code", "execution_count": None, "id": "panel", "metadata": {}, "outputs": [],
        "source": ["from brian2 import nA\n", "from neurodyn_lab.panels import StepPanel\n",
                   f"StepPanel(amplitude={START_NA} * nA)"],
    }],
    "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}

# A cheap fingerprint of the canvas's pixels (every 7th byte).
PIXELS = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 0; for (let i = 0; i < d.length; i += 7) h = (Math.imul(h, 31) + d[i]) | 0; return h; }"""


@pytest.fixture(scope="module")
def one_panel_notebook(lab_server):
    (lab_server.root / NOTEBOOK).write_text(json.dumps(SOURCE))
    return NOTEBOOK


def canvas_state(canvas):
    return canvas.evaluate(
        "c => ({seq: Number(c.dataset.seq || -1), paints: Number(c.dataset.paints || 0),"
        " label: c.getAttribute('aria-label'), role: c.getAttribute('role'), width: c.width})")


def assert_axe_clean(page, selector, report_path):
    """axe-core finds nothing serious or critical of ours under `selector`; its report goes to `report_path`."""
    violations = axe_violations(page, selector)
    report = summarise(violations)
    report_path.write_text("\n".join(report) or "no violations\n")
    serious = [line for v, line in zip(violations, report) if v["impact"] in SERIOUS and not is_upstream(v)]
    assert not serious, "axe-core, serious or critical:\n" + "\n".join(serious)


def drive_the_slider(page, panel, slider_handle, readout, artifacts, name):
    """Move the amplitude across the rheobase by keyboard; check the canvas and its text follow."""
    canvas = panel.locator("canvas.neurodyn-lab-canvas").first
    canvas.wait_for(state="visible", timeout=120_000)
    canvas.scroll_into_view_if_needed()
    before = wait_for(lambda: (s := canvas_state(canvas))["paints"] >= 1 and s, what="the first paint")
    assert before["role"] == "img" and before["width"] > 0
    assert "0 spikes" in before["label"] and "v from" in before["label"]
    pixels_before = canvas.evaluate(PIXELS)
    panel.screenshot(path=str(artifacts / f"canvas_{name}_below_rheobase.png"))

    slider_handle.focus()
    t0 = time.perf_counter()
    for _ in range(PRESSES):
        page.keyboard.press("ArrowRight")
    target = f"{START_NA + PRESSES * 0.01:.2f}"
    try:
        wait_for(lambda: readout() == target, timeout=20, what=f"the slider to show {target}")
    except AssertionError as timeout:
        page.screenshot(path=str(artifacts / f"canvas_{name}_slider.png"))
        raise AssertionError(f"the slider shows {readout()!r}, focus on "
                             f"{page.evaluate('() => document.activeElement.outerHTML.slice(0, 200)')}") from timeout
    after = wait_for(lambda: (s := canvas_state(canvas))["label"] != before["label"]
                     and "0 spikes" not in s["label"] and s, what="the canvas's text to speak of spikes")
    painted_s = time.perf_counter() - t0
    assert after["seq"] > before["seq"] and after["paints"] > before["paints"]
    assert canvas.evaluate(PIXELS) != pixels_before, "the canvas did not repaint"
    panel.screenshot(path=str(artifacts / f"canvas_{name}_above_rheobase.png"))
    return before, after, painted_s


def test_canvas_repaints_when_a_slider_moves_by_keyboard_in_jupyterlab(one_panel_notebook, browser, lab_server,
                                                                        artifacts):
    nb = browser.open_notebook(lab_server, one_panel_notebook)
    try:
        nb.run_all()
        nb.wait_for_no_loading_widgets()
        assert nb.error_outputs() == [] and nb.widget_errors() == []
        panel = nb.panel(0)
        slider = nb.slider(panel, "step amplitude (nA)")
        before, after, seconds = drive_the_slider(
            nb.page, panel, slider.locator(".noUi-handle").first,
            lambda: slider.locator(".widget-readout").inner_text().strip(), artifacts, "lab")
        print(f"\nJupyterLab: {before['label']!r} -> {after['label']!r} in {seconds:.2f} s")

        assert_axe_clean(nb.page, ".neurodyn-lab-panel", artifacts / "axe_canvas_lab.txt")
        assert not [c for c in nb.console if c.startswith("pageerror")]
    finally:
        nb.shutdown_kernel()
        nb.close()


def test_canvas_repaints_when_a_slider_moves_by_keyboard_in_notebook_7(one_panel_notebook, browser, lab_server,
                                                                         artifacts):
    pytest.importorskip("notebook", reason="Notebook 7 is not installed")
    nb = browser.open_notebook_7(lab_server, one_panel_notebook)
    page = nb.page
    try:
        nb.run_cell_by_keyboard(0)
        panel = page.locator(".neurodyn-lab-panel").first
        try:
            panel.wait_for(state="visible", timeout=180_000)
        except Exception as timeout:
            page.screenshot(path=str(artifacts / "canvas_notebook7_no_panel.png"))
            raise AssertionError(f"no panel within 180 s of running the cell: {nb.describe()}") from timeout
        slider = panel.locator(".widget-slider").filter(
            has=page.locator("label.widget-label", has_text="step amplitude (nA)")).first
        before, after, seconds = drive_the_slider(
            page, panel, slider.locator(".noUi-handle").first,
            lambda: slider.locator(".widget-readout").inner_text().strip(), artifacts, "notebook7")
        print(f"\nNotebook 7: {before['label']!r} -> {after['label']!r} in {seconds:.2f} s")
        assert_axe_clean(page, ".neurodyn-lab-panel", artifacts / "axe_canvas_notebook7.txt")
    finally:
        nb.shutdown_kernel()
        nb.close()


MYSTERY_NOTEBOOK = "canvas_mystery.ipynb"
MYSTERY_SOURCE = {
    "cells": [{
        "cell_type": "code", "execution_count": None, "id": "mystery", "metadata": {}, "outputs": [],
        "source": ["from brian2 import ms, pA\n", "from neurodyn_lab import inputs\n",
                   "from neurodyn_lab.grading.mystery import Lab, MysteryNeuron\n",
                   "m = MysteryNeuron('s12345', lab=Lab())\n",
                   "r = m.simulate(inputs.step(400 * pA, 20 * ms, 120 * ms), 150 * ms)\n",
                   "r.plot()"],
    }],
    "metadata": SOURCE["metadata"], "nbformat": 4, "nbformat_minor": 5,
}


def test_the_mystery_neurons_traces_are_drawn_by_the_browser_in_jupyterlab(browser, lab_server, artifacts):
    """A mystery neuron's ``r.plot()`` as a cell's value: the canvas view (not the PNG beside it in
    the output), painted, with its text alternative; axe-core clean."""
    (lab_server.root / MYSTERY_NOTEBOOK).write_text(json.dumps(MYSTERY_SOURCE))
    nb = browser.open_notebook(lab_server, MYSTERY_NOTEBOOK)
    try:
        nb.run_all()
        nb.wait_for_no_loading_widgets()
        assert nb.error_outputs() == [] and nb.widget_errors() == []
        # This notebook's own outputs (the course's notebooks may be open in other tabs of the page, 04's
        # mystery trace among them: a page-wide locator found that hidden canvas, CI 2026-12-03), and the
        # one that holds the canvas (a first run in a fresh venv may print Brian2's notes first).
        output = nb.root.locator(".jp-OutputArea-output").filter(
            has=nb.page.locator("canvas.neurodyn-lab-canvas")).first
        canvas = output.locator("canvas.neurodyn-lab-canvas").first
        # 300 s: in a fresh clone's venv Brian2 may compile the mystery neuron's models at this first
        # run (its cache is keyed on the interpreter), with the nbgrader round on the other worker (27 s on
        # a warm, quiet machine, 2026-12-03).
        try:
            canvas.wait_for(state="visible", timeout=300_000)
        except Exception as timeout:  # say what the output showed instead (a PNG fallback? nothing yet?)
            nb.page.screenshot(path=str(artifacts / "canvas_mystery_missing.png"))
            shown = [o.inner_html()[:300] for o in nb.root.locator(".jp-OutputArea-output").all()]
            raise AssertionError(f"no canvas in the mystery cell's output after 300 s; the outputs: {shown}") from timeout
        canvas.scroll_into_view_if_needed()
        state = wait_for(lambda: (s := canvas_state(canvas))["paints"] >= 1 and s, timeout=60, what="the first paint")
        assert state["role"] == "img" and state["width"] > 0
        assert state["label"].startswith("Plot of v(t) above I(t) over 150 ms:") and "spike" in state["label"]
        assert output.locator("img").count() == 0  # the widget is shown, not the static PNG
        # Painted: dark pixels (the traces, axes and text) on the white background.
        dark = canvas.evaluate("c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                               " let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++; return n; }")
        assert dark > 2000, f"only {dark} dark pixels: the canvas looks empty"
        output.screenshot(path=str(artifacts / "canvas_mystery_traces.png"))
        assert_axe_clean(nb.page, ".jp-OutputArea-output", artifacts / "axe_canvas_mystery.txt")
        assert not [c for c in nb.console if c.startswith("pageerror")]
    finally:
        nb.shutdown_kernel()
        nb.close()
