"""Where the time of one panel update goes, end to end, during a drag in a real JupyterLab (issue 20).

A one-cell notebook makes a StepPanel (``--view``, default canvas) and wraps its update's phases
with timers that write to a log (kernel: the slider's change, `_compute` = simulate, `_draw`,
`FigureView.redraw` = read the figure into a frame and send it, the readout; and when the kernel
publishes "idle" after each message). Headless chromium drags the amplitude slider's handle for
``--drag-s`` seconds (a pointer move every 16 ms) while a Chrome trace records the page's main
thread, and the page logs when each widget message leaves and arrives. Printed:

- kernel: phases p50/max, updates per second, how long the kernel sat idle between updates;
- the message path: page -> kernel (a slider value), kernel "idle" -> page, and "idle" published
  -> the page's next slider message. ipywidgets sends a slider's next value only once the kernel's
  "idle" for the last one has been handled in the page (its message throttle), so during a drag
  one update costs at least this round trip, whatever the kernel and the canvas cost;
- the page: paints per second, main-thread busy share and its largest categories.

Usage:  .venv/bin/python benchmarks/profile_canvas.py [--view canvas|image] [--drag-s 2]

Prints the load average (the figures mean little on a loaded machine without it). Uses the e2e
tests' server and browser driver; every process it starts is ended. A private kernel method
(``kernel._publish_status``) is wrapped in the profiled kernel only, to time its "idle".
"""

from __future__ import annotations

import argparse
import bisect
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_browser import focused_step_slider  # noqa: E402
from bench_canvas import INSTRUMENT, NOTEBOOK  # noqa: E402
from labdriver import Browser, LabServer, chromium_available  # noqa: E402

CELL = """import time
from brian2 import nA
from neurodyn_lab.panels import StepPanel
_log_file = open({log!r}, "w")
def _log(name, start, end):
    _log_file.write(f"{{name}} {{start:.6f}} {{end:.6f}}\\n")
    _log_file.flush()
p = StepPanel(amplitude=1.94 * nA, view={view!r})
def _timed(obj, name):
    f = getattr(obj, name)
    def timed(*args, **kwargs):
        start = time.time(); result = f(*args, **kwargs); _log(name, start, time.time()); return result
    setattr(obj, name, timed)
for _name in ("_compute", "_update", "_draw", "_show_readouts"):
    _timed(p, _name)
_timed(p.view, "redraw")
p.controls["amplitude"].observe(lambda change: _log("change", time.time(), time.time()), "value")
_kernel = get_ipython().kernel
_publish = _kernel._publish_status
def _status(status, *args, **kwargs):
    if status == "idle":
        _log("idle", time.time(), time.time())
    return _publish(status, *args, **kwargs)
_kernel._publish_status = _status
p"""

# The page's widget messages: when each slider message leaves, when each kernel message arrives.
WIRE = """() => { window.__wire = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const head = typeof data === 'string' ? data : new TextDecoder().decode(new Uint8Array(data.buffer || data).slice(0, 4000));
    if (head.includes('comm_msg')) window.__wire.push(['send', performance.timeOrigin + performance.now()]);
    if (!this.__ndl) {
      this.__ndl = true;
      this.addEventListener('message', () => window.__wire.push(['recv', performance.timeOrigin + performance.now()]));
    }
    return send.call(this, data);
  };
  return true; }"""

MAIN_TASKS = ("RunTask", "ThreadControllerImpl::RunTask")


def p50(values):
    return statistics.median(values) if values else float("nan")


def p90(values):
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))] if ordered else float("nan")


def drag(page, handle, seconds):
    box = handle.bounding_box()
    x0, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, y)
    page.mouse.down()
    start = time.perf_counter()
    for k in range(int(seconds * 1000 / 16)):
        phase = (k % 60) / 60
        page.mouse.move(x0 + 60 * (2 * phase if phase < 0.5 else 2 - 2 * phase), y)
        pause = start + (k + 1) * 0.016 - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    page.mouse.up()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--view", default="canvas")
    parser.add_argument("--drag-s", type=float, default=2.0)
    args = parser.parse_args(argv)
    if not chromium_available():
        print("profile_canvas: needs Debian's chromium at /usr/bin/chromium")
        return 2
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ndl-profile-") as home:
        log, trace_path = Path(home) / "kernel.log", Path(home) / "trace.json"
        notebook = json.loads(json.dumps(NOTEBOOK))
        notebook["cells"][0]["source"] = CELL.format(log=str(log), view=args.view).splitlines(keepends=True)
        server = LabServer.start(Path(home))
        browser = None
        try:
            browser = Browser.launch()
            (server.root / "profile.ipynb").write_text(json.dumps(notebook))
            lab = browser.open_lab(server)
            nb = lab.open_notebook("profile.ipynb")
            nb.run_all()
            nb.wait_for_no_loading_widgets()
            page = nb.page
            panel, slider, handle = focused_step_slider(nb, INSTRUMENT, rest_ms=1500)
            page.evaluate(WIRE)
            origin = page.evaluate("() => performance.timeOrigin")
            browser.browser.start_tracing(page=page, path=str(trace_path), categories=["devtools.timeline", "toplevel"])
            t_start = page.evaluate("() => performance.now()")
            drag(page, handle, args.drag_s)
            t_end = page.evaluate("() => performance.now()")
            time.sleep(1.0)
            browser.browser.stop_tracing()
            paints = [p for p in page.evaluate("() => window.__ndl.paints") if t_start <= p <= t_end]
            wire = page.evaluate("() => window.__wire")
            nb.shutdown_kernel()
            lab.close()
        finally:
            if browser is not None:
                browser.close()
            server.stop()
        events = [(name, float(a) * 1000, float(b) * 1000) for name, a, b in (line.split() for line in log.read_text().splitlines())]
        trace = json.loads(trace_path.read_text())
    load_after = os.getloadavg()

    lo, hi = origin + t_start, origin + t_end  # epoch ms of the drag
    during = [(n, a, b) for n, a, b in events if lo <= a <= hi]
    seconds = (hi - lo) / 1000
    print(f"load average (1, 5, 15 min) before {', '.join(f'{x:.2f}' for x in load_before)}, after "
          f"{', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs; view {args.view}; "
          f"drag {seconds:.2f} s")
    updates = [(a, b) for n, a, b in during if n == "_update"]
    print(f"kernel: {len(updates)} updates ({len(updates) / seconds:.1f}/s), "
          f"{len([1 for n, *_ in during if n == 'change'])} slider changes received")
    for name, label in (("_update", "update (all below)"), ("_compute", "  simulate (_compute)"),
                        ("_draw", "  set the figure's data"), ("redraw", "  frame: read + send"),
                        ("_show_readouts", "  readout")):
        spans = [b - a for n, a, b in during if n == name]
        if spans:
            print(f"  {label:26s} p50 {p50(spans):6.1f} ms   max {max(spans):6.1f} ms")
    gaps = [b[0] - a[1] for a, b in zip(updates, updates[1:])]
    print(f"  idle between updates       p50 {p50(gaps):6.1f} ms")

    changes = [a for n, a, _ in events if n == "change"]
    idles = [a for n, a, _ in events if n == "idle"]
    sends = [t for kind, t in wire if kind == "send" and lo <= t <= hi]
    arrivals = sorted(t for kind, t in wire if kind == "recv")
    to_kernel, idle_after, next_send, idle_to_page = [], [], [], []
    for sent, following in zip(sends, sends[1:]):
        i = bisect.bisect_left(changes, sent)
        if i == len(changes):
            break
        to_kernel.append(changes[i] - sent)
        j = bisect.bisect_left(idles, changes[i])
        if j < len(idles):
            idle_after.append(idles[j] - changes[i])
            next_send.append(following - idles[j])
            k = bisect.bisect_left(arrivals, idles[j])
            if k < len(arrivals):
                idle_to_page.append(arrivals[k] - idles[j])
    print("message path (p50 / p90, ms):")
    for label, values in (("page sends a value -> kernel has it", to_kernel),
                          ("kernel has it -> publishes idle", idle_after),
                          ("idle published -> reaches the page", idle_to_page),
                          ("idle published -> page sends next", next_send)):
        print(f"  {label:38s} {p50(values):6.1f} / {p90(values):6.1f}")

    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    main = {(e["pid"], e["tid"]) for e in events
            if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"}
    start_us, end_us = t_start * 1000, t_end * 1000
    tasks = [e for e in events if (e.get("pid"), e.get("tid")) in main and e.get("ph") == "X" and "dur" in e]
    if tasks:
        # Trace timestamps share performance.now()'s clock only up to an offset: take the traced span.
        first = min(e["ts"] for e in tasks)
        start_us, end_us = first, max(e["ts"] + e["dur"] for e in tasks)
        busy = sum(e["dur"] for e in tasks if e["name"] in MAIN_TASKS) / 1000
        span = (end_us - start_us) / 1000
        print(f"page: {len(paints)} paints ({len(paints) / seconds:.1f}/s); main thread busy {busy:.0f} ms of "
              f"{span:.0f} ms traced ({100 * busy / span:.0f} %), largest parts:")
        parts, counts = collections.Counter(), collections.Counter()
        for e in tasks:
            if e["name"] not in MAIN_TASKS:
                parts[e["name"]] += e["dur"] / 1000
                counts[e["name"]] += 1
        for name, ms in parts.most_common(10):
            print(f"  {name:38s} {ms:6.0f} ms ({counts[name]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
