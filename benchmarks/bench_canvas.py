"""Browser benchmark of the panels' views side by side in one run (issue 20): the browser-drawn
canvas against the PNG image and ipympl, in a real JupyterLab 4 with headless chromium.

For each view a one-cell notebook ``StepPanel(amplitude=1.94 * nA, view=VIEW)`` is run and its
amplitude slider is driven:

1. Single moves: one arrow-key press at a time; from the keydown to the paint that shows the new
   value (the readout speaks of it and the figure has been quiet for QUIET_MS). p50 / p95 / max.
   Target p50 <= 33 ms.
2. A 2 s mouse drag of the slider's handle, a pointer move every 16 ms: distinct frames painted
   per second during the drag (target >= 25) and the time from the last move to the paint of the
   final value (target <= 50 ms).
3. Bytes over the kernel's websocket per single move (everything the front end received: the
   figure's frame or PNG, the readout's HTML, status messages).
4. First painted panel: a new page opens the notebook (fresh kernel, compiled models warm), Run All,
   until the figure has painted (target <= 6 s, and no slower than a NumPy-only stand-in in the
   style of Neuromatch Academy's LIF tutorial, measured in the same run). The stand-in is measured
   a second time with ``import brian2`` as its first line: no panel that simulates with Brian2 can
   paint before Brian2 is imported, so that is the floor for ours. The notebooks are opened in
   turn, repeat by repeat, so that a drift of the machine falls on all of them alike.

A paint is: the canvas view's "neurodyn-lab-paint" event (fired in the animation frame that draws
it); for the image view the animation frame after the <img> loaded a new PNG; for ipympl the
animation frame after it drew a frame onto its canvas (as benchmarks/bench_browser.py).

Usage:  .venv/bin/python benchmarks/bench_canvas.py [--moves 20] [--repeats 2] [--views canvas,image]
        [--json FILE]

Prints the machine's load average before and after (the figures mean little on a loaded machine
without it). Uses the e2e tests' server and browser driver; every process it starts is ended.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_browser import first_paint_js, focused_step_slider, percentile, wait_until  # noqa: E402
from labdriver import Browser, LabServer, chromium_available  # noqa: E402

QUIET_MS = 400
START_NA = 1.94
DRAG_S = 2.0
MOVE_MS = 16

NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "panel", "metadata": {}, "outputs": [],
               "source": None}],
    "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}

# Paint marks for all three views, the last keydown and every pointermove.
INSTRUMENT = """
() => {
  if (window.__ndl) return true;
  window.__ndl = {paints: [], keydown: null, moves: []};
  const mark = () => requestAnimationFrame(() => window.__ndl.paints.push(performance.now()));
  const inFigure = (el) => !!(el && el.closest && el.closest('.neurodyn-lab-figure'));
  document.addEventListener('load', (ev) => { if (inFigure(ev.target)) mark(); }, true);
  for (const name of ['drawImage', 'putImageData']) {
    const original = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (...args) {
      const result = original.apply(this, args);
      if (inFigure(this.canvas) && !this.canvas.classList.contains('neurodyn-lab-canvas')) mark();
      return result;
    };
  }
  document.addEventListener('neurodyn-lab-paint', () => window.__ndl.paints.push(performance.now()), true);
  document.addEventListener('keydown', () => { window.__ndl.keydown = performance.now(); }, true);
  document.addEventListener('pointermove', () => { window.__ndl.moves.push(performance.now()); }, true);
  return true;
}
"""


# The NumPy-only stand-in in the style of Neuromatch Academy's LIF tutorial: Euler steps in NumPy,
# @interact, a new pyplot figure per move. Only its first paint is measured here.
STANDIN = """import numpy as np
import matplotlib.pyplot as plt
from ipywidgets import interact, FloatSlider

def lif(I_ext=1.94):
    dt, tau, R, v_rest, v_reset, v_th, t_ref = 0.1, 8.0, 10.0, -70.0, -65.0, -50.0, 2.0
    t = np.arange(0, 100.0, dt)
    I = np.where((t >= 10) & (t < 60), I_ext, 0.0)
    v = np.full(t.size, v_rest)
    last = -np.inf
    for k in range(1, t.size):
        if t[k] - last < t_ref:
            v[k] = v_reset
            continue
        v[k] = v[k - 1] + dt / tau * (-(v[k - 1] - v_rest) + R * I[k - 1])
        if v[k] >= v_th:
            v[k], last = v_reset, t[k]
    fig, (ax_v, ax_i) = plt.subplots(2, 1, figsize=(7.2, 4.6), sharex=True)
    ax_v.plot(t, v)
    ax_v.axhline(v_th, ls="--", color="r")
    ax_i.plot(t, I, color="g")
    plt.show()

interact(lif, I_ext=FloatSlider(value=1.94, min=-5, max=10, step=0.01, description="step amplitude (nA)"))
"""


def standin_notebook(first_line=""):
    nb = json.loads(json.dumps(NOTEBOOK))
    nb["cells"][0]["source"] = (first_line + STANDIN).splitlines(keepends=True)
    return json.dumps(nb)


def notebook_for(view):
    nb = json.loads(json.dumps(NOTEBOOK))
    nb["cells"][0]["source"] = ["from brian2 import nA\n", "from neurodyn_lab.panels import StepPanel\n",
                                f"StepPanel(amplitude={START_NA} * nA, view={view!r})"]
    return json.dumps(nb)


class SocketBytes:
    """Bytes the page received over websockets (the kernel's channels), counted from `start()`."""

    def __init__(self, page):
        self.total = 0
        page.on("websocket", self._attach)

    def _attach(self, ws):
        ws.on("framereceived", self._count)

    def _count(self, payload):
        self.total += len(payload.encode() if isinstance(payload, str) else payload)


def paints(page):
    return page.evaluate("() => ({now: performance.now(), paints: window.__ndl.paints})")


def settle(page, t0, expected_text, summary_of, timeout=30):
    """Wait for the readout to show `expected_text` and the figure to be quiet; ms from t0 to its last paint."""
    wait_until(lambda: expected_text in summary_of(), timeout=timeout)
    while True:
        state = paints(page)
        after = [p for p in state["paints"] if p >= t0]
        if after and state["now"] - after[-1] >= QUIET_MS:
            return after[-1] - t0
        if not after and state["now"] - t0 > timeout * 1000:
            raise TimeoutError(f"the figure never repainted (waiting for {expected_text!r}; paints {state['paints'][-3:]}, t0 {t0})")
        time.sleep(0.05)


def measure_view(nb, socket, moves):
    page = nb.page
    panel, slider, handle = focused_step_slider(nb, INSTRUMENT, rest_ms=800)
    summary = lambda: nb.summary(panel)  # noqa: E731

    # 1. single moves by keyboard, and the websocket bytes they cost
    latencies, missed = [], []
    socket.total = 0
    for i in range(moves):
        key = "ArrowRight" if (i // 10) % 2 == 0 else "ArrowLeft"
        handle.press(key)
        t0 = page.evaluate("() => window.__ndl.keydown")
        value = nb.slider_value(slider)
        try:
            latencies.append(settle(page, t0, f"for a {value:.2f} nA step", summary, timeout=10))
        except TimeoutError as exc:  # counted, not fatal: one lost frame must not end the run
            missed.append(f"move {i}: {exc}")
            handle.focus()
    bytes_per_move = socket.total / moves

    # 2. a 2 s mouse drag of the handle, a move every 16 ms, back and forth over 60 px
    box = handle.bounding_box()
    x0, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, y)
    page.mouse.down()
    steps = int(DRAG_S * 1000 / MOVE_MS)
    start = time.perf_counter()
    t_first = page.evaluate("() => performance.now()")
    for k in range(steps):
        phase = (k % 60) / 60
        offset = 60 * (2 * phase if phase < 0.5 else 2 - 2 * phase)
        page.mouse.move(x0 + offset, y)
        next_at = start + (k + 1) * MOVE_MS / 1000
        pause = next_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    page.mouse.move(x0 + 75, y)  # the last move goes where the sweep never went: a new final value
    t_last = page.evaluate("() => window.__ndl.moves[window.__ndl.moves.length - 1]")
    page.mouse.up()
    value = nb.slider_value(slider)
    final_ms = settle(page, t_last, f"for a {value:.2f} nA step", summary)
    state = paints(page)
    during = [p for p in state["paints"] if t_first <= p <= t_last]
    seconds = (t_last - t_first) / 1000
    move_times = [m for m in page.evaluate("() => window.__ndl.moves") if t_first <= m <= t_last]
    gaps = [b - a for a, b in zip(move_times, move_times[1:])]
    mode = ("canvas" if panel.locator("canvas.neurodyn-lab-canvas").count()
            else "ipympl" if panel.locator(".jupyter-matplotlib").count() else "image")
    return {
        "shown_as": mode,
        "moves": {"n": len(latencies), "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
                  "max": max(latencies), "all": latencies},
        "ws_bytes_per_move": bytes_per_move, "missed": missed,
        "drag": {"seconds": seconds, "frames": len(during), "fps": len(during) / seconds if seconds else 0.0,
                 "final_ms": final_ms, "pointer_moves": len(move_times),
                 "pointer_gap_p50_ms": percentile(gaps, 0.5) if gaps else float("nan")},
    }


def measure_first_paint(browser, server, notebooks, repeats):
    """{key: [seconds, ...]}: `notebooks` maps a key to (notebook name, selector of its figure); each
    repeat opens every notebook once, starting one further along the list each time."""
    results = {key: [] for key in notebooks}
    keys = list(notebooks)
    for repeat in range(repeats):
        for key in keys[repeat % len(keys):] + keys[:repeat % len(keys)]:
            name, selector = notebooks[key]
            nb = browser.open_notebook(server, name, timeout=180)
            nb.start_run_all()
            panel_id = nb.js("return nbPanel(name).id;")
            nb.page.wait_for_function(first_paint_js(selector), arg=[panel_id, selector], timeout=180_000,
                                      polling=50)
            results[key].append(time.perf_counter() - nb.opened_at)
            nb.wait_run(timeout=300)
            nb.shutdown_kernel()
            nb.close()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2, help="fresh-kernel openings per view")
    parser.add_argument("--views", default="canvas,image", help="ipympl: its paints are not detected yet")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not chromium_available():
        print("bench_canvas: needs Debian's chromium at /usr/bin/chromium")
        return 2
    warm = subprocess.run([sys.executable, "-m", "neurodyn_lab", "warmup"], capture_output=True, text=True)
    if warm.returncode != 0:
        print(warm.stderr)
        return 1
    views = [v.strip() for v in args.views.split(",") if v.strip()]
    report = {"load_before": os.getloadavg(), "views": {}, "first_paint": {}}
    with tempfile.TemporaryDirectory(prefix="ndl-bench-canvas-") as home:
        server = LabServer.start(Path(home))
        browser = None
        try:
            browser = Browser.launch()
            for view in views:
                (server.root / f"bench_{view}.ipynb").write_text(notebook_for(view))
            for view in views:
                lab = browser.open_lab(server)
                socket = SocketBytes(lab.page)
                nb = lab.open_notebook(f"bench_{view}.ipynb")
                nb.run_all()
                nb.wait_for_no_loading_widgets()
                report["views"][view] = measure_view(nb, socket, args.moves)
                nb.shutdown_kernel()
                lab.close()
            selector = ".neurodyn-lab-figure img, img.neurodyn-lab-figure, .neurodyn-lab-figure canvas"
            (server.root / "bench_standin.ipynb").write_text(standin_notebook())
            (server.root / "bench_standin_brian2.ipynb").write_text(standin_notebook("import brian2\n"))
            notebooks = {view: (f"bench_{view}.ipynb", selector) for view in views}
            notebooks["standin"] = ("bench_standin.ipynb", ".jp-OutputArea-output img")
            notebooks["standin_brian2"] = ("bench_standin_brian2.ipynb", ".jp-OutputArea-output img")
            first = measure_first_paint(browser, server, notebooks, args.repeats)
            report["first_paint"] = {view: first[view] for view in views}
            report["first_paint_standin"] = first["standin"]
            report["first_paint_standin_brian2"] = first["standin_brian2"]
        finally:
            if browser is not None:
                browser.close()
            server.stop()
    report["load_after"] = os.getloadavg()

    load = lambda x: ", ".join(f"{v:.2f}" for v in x)  # noqa: E731
    print(f"load average (1, 5, 15 min) before {load(report['load_before'])}, after {load(report['load_after'])}; "
          f"{os.cpu_count()} CPUs")
    print(f"{'':28s}" + "".join(f"{v:>16s}" for v in views))

    def row(label, values):
        print(f"{label:28s}" + "".join(f"{x:>16s}" for x in values))

    r = report["views"]
    row("shown as", [r[v]["shown_as"] for v in views])
    row("move -> painted p50 (ms)", [f"{r[v]['moves']['p50']:.0f}" for v in views])
    row("move -> painted p95 (ms)", [f"{r[v]['moves']['p95']:.0f}" for v in views])
    row("2 s drag: frames/s", [f"{r[v]['drag']['fps']:.1f}" for v in views])
    row("drag: final value (ms)", [f"{r[v]['drag']['final_ms']:.0f}" for v in views])
    row("drag: pointer gap p50 (ms)", [f"{r[v]['drag']['pointer_gap_p50_ms']:.0f}" for v in views])
    row("moves never repainted", [str(len(r[v]["missed"])) for v in views])
    row("websocket bytes per move", [f"{r[v]['ws_bytes_per_move']:.0f}" for v in views])
    row("first paint, median (s)", [f"{statistics.median(report['first_paint'][v]):.1f}" for v in views])
    row("first paint, all (s)", [" ".join(f"{x:.1f}" for x in report["first_paint"][v]) for v in views])
    standin = report["first_paint_standin"]
    print(f"first paint of the NumPy-only stand-in (@interact, pyplot), same run: median {statistics.median(standin):.1f} s "
          f"({' '.join(f'{x:.1f}' for x in standin)})")
    floor = report["first_paint_standin_brian2"]
    print(f"the same stand-in with `import brian2` as its first line (the floor of a Brian2 panel): median "
          f"{statistics.median(floor):.1f} s ({' '.join(f'{x:.1f}' for x in floor)})")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
