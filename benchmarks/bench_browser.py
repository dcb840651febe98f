"""Browser benchmark: what a student waits for in a real JupyterLab, measured in headless chromium.

1. Slider change -> new plot painted, for the StepPanel's amplitude slider moved by the arrow keys,
   in both of the panels' figure views ("image": a PNG in an ipywidgets.Image; "ipympl": the
   figure's canvas widget). For each move the clock starts at the keydown event in the page and
   stops at the animation frame after the last new frame of the figure (the image's `load`, or
   ipympl's drawImage onto its canvas) once the readout shows the new value and the figure has
   been quiet for QUIET_MS. Reported: p50 / p95 / max over MOVES moves (target p50 <= 150 ms).
   A "burst" of BURST quick presses (a held key) is also timed to the frame showing the last value.
2. Fresh kernel -> first panel on screen: a new page opens the notebook's URL (JupyterLab loads,
   a new kernel starts), Run All, until the first panel's figure has painted. For
   00_getting_started.ipynb (which shows a figure but no panel) until its first figure has
   painted, and for 01_step_current.ipynb until its StepPanel has. Brian2's compile cache is
   warmed first (`neurodyn-lab warmup`), as postBuild does on Binder (target <= 8 s).

Usage:  .venv/bin/python benchmarks/bench_browser.py [--moves 24] [--repeats 3] [--json FILE]

Needs Debian's chromium (/usr/bin/chromium). Uses the same server and browser driver as the
end-to-end tests (tests/e2e/labdriver.py); every process it starts is ended when it finishes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))

from labdriver import Browser, LabServer, chromium_available  # noqa: E402

QUIET_MS = 400
BURST = 10
START_NA = 1.94  # moves of 0.01 nA from here cross the book's rheobase (2.00 nA) and back

BENCH_NOTEBOOK = """{{
 "cells": [
  {{"cell_type": "code", "execution_count": null, "id": "a1", "metadata": {{}}, "outputs": [],
   "source": ["from brian2 import nA\\n", "from neurodyn_lab.panels import StepPanel\\n",
              "StepPanel(amplitude={start} * nA, view=\\"{view}\\")"]}}
 ],
 "metadata": {{"kernelspec": {{"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}}}},
 "nbformat": 4, "nbformat_minor": 5
}}
"""

# Installed once per page. Records the time of the animation frame after each new frame of any
# panel figure: an <img> load (image view) or a drawImage/putImageData onto a canvas inside the
# figure (ipympl), and the time of the last keydown.
INSTRUMENT = """
() => {
  if (window.__ndl) return true;
  window.__ndl = {paints: [], t0: null};
  const mark = () => requestAnimationFrame(() => window.__ndl.paints.push(performance.now()));
  const inFigure = (el) => !!(el && el.closest && el.closest('.neurodyn-lab-figure'));
  document.addEventListener('load', (ev) => { if (inFigure(ev.target)) mark(); }, true);
  for (const name of ['drawImage', 'putImageData']) {
    const original = CanvasRenderingContext2D.prototype[name];
    CanvasRenderingContext2D.prototype[name] = function (...args) {
      const result = original.apply(this, args);
      if (inFigure(this.canvas)) mark();
      return result;
    };
  }
  document.addEventListener('keydown', () => { window.__ndl.t0 = performance.now(); }, true);
  return true;
}
"""


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def wait_until(predicate, timeout=30.0, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("condition not met in time")


def settle(page, t0, expected_text, summary_of):
    """Wait for the readout to show `expected_text` and the figure to be quiet; return latency ms."""
    wait_until(lambda: expected_text in summary_of())
    while True:
        state = page.evaluate("() => ({now: performance.now(), paints: window.__ndl.paints})")
        after = [p for p in state["paints"] if p >= t0]
        if after and state["now"] - after[-1] >= QUIET_MS:
            return after[-1] - t0
        if not after and state["now"] - t0 > 30_000:
            raise TimeoutError("the figure never repainted")
        time.sleep(0.05)


def focused_step_slider(nb, instrument=INSTRUMENT, rest_ms=500):
    """The first StepPanel of `nb` on screen, `instrument` installed in its page, its amplitude
    slider's handle focused: ``(panel, slider, handle)``, after `rest_ms` of rest.

    The set-up of every slider benchmark (this module's and bench_canvas.py's)."""
    page = nb.page
    panel = nb.panel(0)
    panel.wait_for(state="visible")
    nb.figure(panel).scroll_into_view_if_needed()
    page.evaluate(instrument)
    slider = nb.slider(panel, "step amplitude (nA)")
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    page.wait_for_timeout(rest_ms)
    return panel, slider, handle


def measure_moves(nb, moves):
    page = nb.page
    panel, slider, handle = focused_step_slider(nb)
    latencies = []
    for i in range(moves):
        key = "ArrowRight" if (i // 12) % 2 == 0 else "ArrowLeft"
        handle.press(key)
        t0 = page.evaluate("() => window.__ndl.t0")
        value = nb.slider_value(slider)
        latencies.append(settle(page, t0, f"for a {value:.2f} nA step", lambda: nb.summary(panel)))
    bursts = []
    for b in range(3):
        key = "ArrowRight" if b % 2 == 0 else "ArrowLeft"
        t_first = None
        for _ in range(BURST):
            handle.press(key)
            if t_first is None:
                t_first = page.evaluate("() => window.__ndl.t0")
        t_last = page.evaluate("() => window.__ndl.t0")
        value = nb.slider_value(slider)
        bursts.append({
            "from_last_key": settle(page, t_last, f"for a {value:.2f} nA step", lambda: nb.summary(panel)),
            "keys_ms": t_last - t_first,
        })
    mode = "ipympl" if panel.locator(".jupyter-matplotlib").count() else "image"
    return mode, latencies, bursts


def first_paint_js(selector):
    return (
        "([id, selector]) => { const root = document.getElementById(id); if (!root) return false;"
        " for (const el of root.querySelectorAll(selector)) {"
        "  if (el.tagName === 'IMG' && el.complete && el.naturalWidth > 0 && el.getBoundingClientRect().height > 0) return true;"
        "  if (el.tagName === 'CANVAS' && el.width > 0) {"
        "   const d = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;"
        "   for (let i = 3; i < d.length; i += 4 * 97) if (d[i] !== 0) return true; } }"
        " return false; }"
    )


def measure_first_panel(browser, server, name, selector, repeats):
    """Seconds from opening `name` (new page, fresh kernel) to its first `selector` painted."""
    results = []
    for _ in range(repeats):
        nb = browser.open_notebook(server, name, timeout=180)
        ready = time.perf_counter()
        nb.start_run_all()
        started = nb._run_started
        panel_id = nb.js("return nbPanel(name).id;")
        nb.page.wait_for_function(first_paint_js(selector), arg=[panel_id, selector], timeout=180_000,
                                  polling=50)
        painted = time.perf_counter()
        nb.wait_run(timeout=300)
        results.append({
            "from_open_s": painted - nb.opened_at,
            "lab_loaded_s": nb.lab_loaded_at - nb.opened_at,
            "kernel_ready_s": ready - nb.opened_at,
            "from_run_all_s": painted - started,
        })
        nb.shutdown_kernel()  # the next repeat must start a fresh kernel, not reuse this session
        nb.close()
    return results


def summarise_ms(values):
    return {"n": len(values), "p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "max": max(values)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=24, help="slider moves per view (default 24)")
    parser.add_argument("--repeats", type=int, default=3, help="fresh-kernel openings per notebook (default 3)")
    parser.add_argument("--views", default="image,ipympl", help="figure views to compare")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    if not chromium_available():
        print("bench_browser: needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
        return 2

    warm = subprocess.run([sys.executable, "-m", "neurodyn_lab", "warmup"], capture_output=True, text=True)
    if warm.returncode != 0:
        print(warm.stderr)
        return 1

    report = {"moves": {}, "bursts": {}, "first_panel": {}}
    with tempfile.TemporaryDirectory(prefix="ndl-bench-") as home:
        server = LabServer.start(Path(home))
        browser = None
        try:
            browser = Browser.launch()
            views = [v.strip() for v in args.views.split(",") if v.strip()]
            for view in views:
                name = f"bench_step_{view}.ipynb"
                (server.root / name).write_text(BENCH_NOTEBOOK.format(start=START_NA, view=view))
            lab = browser.open_lab(server)
            for view in views:
                nb = lab.open_notebook(f"bench_step_{view}.ipynb")
                nb.run_all()
                nb.wait_for_no_loading_widgets()
                mode, latencies, bursts = measure_moves(nb, args.moves)
                report["moves"][view] = {"shown_as": mode, **summarise_ms(latencies), "all": latencies}
                report["bursts"][view] = bursts
                nb.shutdown_kernel()
            lab.close()

            report["first_panel"]["00_getting_started.ipynb (first figure)"] = measure_first_panel(
                browser, server, "00_getting_started.ipynb",
                ".jp-OutputArea-output img, .neurodyn-lab-figure img, img.neurodyn-lab-figure, .jupyter-matplotlib canvas",
                args.repeats)
            report["first_panel"]["01_step_current.ipynb (StepPanel)"] = measure_first_panel(
                browser, server, "01_step_current.ipynb",
                "img.neurodyn-lab-figure, .neurodyn-lab-figure img, .neurodyn-lab-figure canvas", args.repeats)
        finally:
            if browser is not None:
                browser.close()
            server.stop()

    print(f"slider -> new plot painted (StepPanel amplitude, arrow keys, {args.moves} moves; target p50 <= 150 ms)")
    for view, r in report["moves"].items():
        print(f"  {view:7s} (shown as {r['shown_as']}): p50 {r['p50']:6.0f} ms   p95 {r['p95']:6.0f} ms   "
              f"max {r['max']:6.0f} ms")
    print(f"held key: {BURST} presses, last key -> frame with the last value")
    for view, bursts in report["bursts"].items():
        print(f"  {view:7s}: " + ", ".join(f"{b['from_last_key']:.0f} ms (keys over {b['keys_ms']:.0f} ms)"
                                        for b in bursts))
    print("fresh kernel -> first panel on screen (warm compile cache; target <= 8 s)")
    for label, runs in report["first_panel"].items():
        opened = [r["from_open_s"] for r in runs]
        print(f"  {label}: from opening the notebook {statistics.median(opened):.1f} s median "
              f"({', '.join(f'{x:.1f}' for x in opened)})")
        print(f"    JupyterLab loaded {statistics.median(r['lab_loaded_s'] for r in runs):.1f} s, kernel idle "
              f"{statistics.median(r['kernel_ready_s'] for r in runs):.1f} s, then Run All -> painted "
              f"{statistics.median(r['from_run_all_s'] for r in runs):.1f} s")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
