"""Benchmark of the control panels (issue 3). Run: ``.venv/bin/python benchmarks/bench_panels.py``.

Prints, in one run:

1. StepPanel update, 100 ms at dt 0.1 ms, kernel side (simulate + set_data + redraw): p50 and p95
   for both views. "ipympl" is what a JupyterLab kernel uses: the update blits the changed artists
   and sends the frame; when the axes' limits change it asks the front end for a frame, and the
   full draw the front end then requests is done here too and counted in that update.
   "image" re-encodes a PNG after each update (the fallback view, and the headless one).
2. The baseline done the old way, as the classic LIF module did per change: a new Brian2
   NeuronGroup, monitors and network (default code target), run, then a new pyplot figure rendered
   to PNG as the inline backend does. It runs in a separate process that imports only brian2 and
   matplotlib, so nothing of neurodyn_lab (its Brian2 preferences, its compiled network) helps it.
   Then the ratio baseline / panel.
3. FICurvePanel update with 201 currents x 500 ms (one vectorised run, plus the redraw).
4. Time to the first panel in a fresh Python process with a warm compile cache (imports included),
   and in a fresh Jupyter kernel (kernel start included) when jupyter_client is installed.

Targets (issue 3): update p50 <= 30 ms and >= 9x the baseline; f-I <= 0.3 s warm; first panel <= 8 s.
Times are wall-clock on a possibly shared machine: the load average is printed next to them.
"""

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def row(label, p50, p95, extra=""):
    print(f"   {label:<40s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {extra}".rstrip())


def percentiles(samples):
    values = np.asarray(samples) * 1e3
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def drag_values(n):
    """Amplitudes (nA) of a slider dragged back and forth across the book's rheobase of 2 nA."""
    up = np.linspace(1.5, 4.5, n // 2)
    return np.concatenate([up, up[::-1]])[:n]


def bench_step_panel(view, n):
    from brian2 import ms, nA

    from neurodyn_lab.panels import StepPanel

    panel = StepPanel(view=view, amplitude=2.5 * nA, start=10 * ms, end=60 * ms, duration=100 * ms)
    canvas = panel.figure.canvas
    if view == "ipympl":
        # What a connected front end does: it says "initialized" (after which ipympl sends only
        # diffs, not also a full data URL per frame) and asks for the first frame.
        canvas.syncing_data_url = False
        canvas.draw()
    for value in drag_values(10):  # warm up
        panel.controls["amplitude"].value = float(value)
        if view == "ipympl" and panel.view._background is None:
            canvas.draw()
    times, full = [], 0
    for value in drag_values(n):
        full_before = panel.view.full_draw_count
        start = time.perf_counter()
        panel.controls["amplitude"].value = float(value)
        if view == "ipympl" and panel.view.full_draw_count != full_before:
            canvas.draw()  # the frame the front end requests after draw_idle, done by this kernel
        times.append(time.perf_counter() - start)
        full += panel.view.full_draw_count != full_before
    assert panel.error is None, panel.error
    return times, full


def bench_simulate_only(n):
    from brian2 import ms, nA

    from neurodyn_lab import inputs, simulate

    for value in drag_values(5):
        simulate(inputs.step(value * nA, 10 * ms, 60 * ms), 100 * ms)
    times = []
    for value in drag_values(n):
        start = time.perf_counter()
        simulate(inputs.step(value * nA, 10 * ms, 60 * ms), 100 * ms)
        times.append(time.perf_counter() - start)
    return times


BASELINE = textwrap.dedent(
    """
    # The classic LIF module's way, once per slider change: new network, new figure.
    import io, json, sys, time
    import matplotlib
    matplotlib.use("Agg")
    import brian2 as b2
    import matplotlib.pyplot as plt
    import numpy as np
    from brian2 import mV, ms, nA, Mohm

    b2.prefs.logging.console_log_level = "ERROR"

    def change(amplitude):
        b2.start_scope()
        v_rest, v_reset, firing_threshold = -70 * mV, -65 * mV, -50 * mV
        membrane_resistance, membrane_time_scale, abs_refractory_period = 10 * Mohm, 8 * ms, 2 * ms
        values = np.zeros((101, 1))  # time x neuron, as the original's input_factory built it
        values[10:60, 0] = amplitude
        input_current = b2.TimedArray(values * nA, dt=1 * ms)
        eqs = (
            "dv/dt = ( -(v-v_rest) + membrane_resistance * input_current(t,i) ) / membrane_time_scale"
            " : volt (unless refractory)"
        )
        neuron = b2.NeuronGroup(1, model=eqs, reset="v=v_reset", threshold="v>firing_threshold",
                                refractory=abs_refractory_period, method="linear")
        neuron.v = v_rest
        state_monitor = b2.StateMonitor(neuron, ["v"], record=True)
        spike_monitor = b2.SpikeMonitor(neuron)
        b2.run(100 * ms)
        fig = plt.figure(figsize=(7.2, 4.6))
        ax1 = plt.subplot(211)
        ax1.plot(state_monitor.t / ms, input_current(state_monitor.t, 0) / nA, lw=2)
        ax1.set_ylabel("Input current [nA]")
        ax1.grid()
        ax2 = plt.subplot(212)
        ax2.plot(state_monitor.t / ms, state_monitor.v[0] / mV, lw=2)
        ax2.axhline(firing_threshold / mV, ls="--", color="r")
        ax2.set_xlabel("t [ms]")
        ax2.set_ylabel("v [mV]")
        ax2.grid()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")  # what the inline backend sends at the end of the cell
        plt.close(fig)
        return int(spike_monitor.num_spikes)

    n = int(sys.argv[1])
    values = np.linspace(1.5, 4.5, n + 2)
    change(values[0]); change(values[1])  # compile (or load from the cache) once
    times = []
    for value in values[2:]:
        start = time.perf_counter()
        change(value)
        times.append(time.perf_counter() - start)
    print(json.dumps({"times": times, "target": b2.prefs.codegen.target,
                      "device_target": b2.get_device().code_object_class().class_name}))
    """
)


def bench_baseline(n):
    out = subprocess.run([sys.executable, "-c", BASELINE, str(n)], capture_output=True, text=True, cwd="/tmp")
    if out.returncode:
        raise RuntimeError(f"the baseline failed:\n{out.stderr[-3000:]}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["times"], data["device_target"]


def bench_fi_panel(n):
    from brian2 import ms, nA

    from neurodyn_lab import LIFParams, analysis
    from neurodyn_lab.panels import FICurvePanel

    currents = np.linspace(0, 10, 201) * nA
    alone = []
    for k in range(n + 1):
        start = time.perf_counter()
        analysis.fi_curve(currents, params=LIFParams(tau=(8 + k % 3) * ms), duration=500 * ms)
        alone.append(time.perf_counter() - start)
    panel = FICurvePanel(view="image", current_min=0 * nA, current_max=10 * nA, count=201, duration=500 * ms)
    values = [8.0, 9.0, 10.0, 11.0, 12.0]
    for value in values[:2]:  # warm up
        panel.controls["tau"].value = value
    times = []
    for k in range(n):
        start = time.perf_counter()
        panel.controls["tau"].value = values[k % len(values)] + 0.1 * (k // len(values))
        times.append(time.perf_counter() - start)
    assert panel.error is None, panel.error
    return alone[1:], times


FIRST_PANEL = textwrap.dedent(
    """
    import time
    start = time.perf_counter()
    import matplotlib
    matplotlib.use("Agg")
    from neurodyn_lab.panels import StepPanel
    imported = time.perf_counter()
    panel = StepPanel(view="image")
    assert panel.result.spike_count > 0 and len(panel.view.widget.value) > 1000
    print(imported - start, time.perf_counter() - start)
    """
)


def bench_first_panel(repeats):
    subprocess.run([sys.executable, "-c", FIRST_PANEL], check=True, capture_output=True, cwd=ROOT)  # warm
    totals, inside = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", FIRST_PANEL], check=True, capture_output=True, text=True,
                             cwd=ROOT)
        totals.append(time.perf_counter() - start)
        inside.append([float(x) for x in out.stdout.split()[-2:]])
    return totals, inside


def bench_first_panel_kernel(repeats):
    try:
        from jupyter_client.manager import start_new_kernel
    except ImportError:
        return None
    code = (
        "from neurodyn_lab.panels import StepPanel\n"
        "panel = StepPanel()  # the default view in a kernel\n"
        "if panel.view.mode == 'ipympl':\n"
        "    panel.figure.canvas.draw()  # the first frame, which the front end asks for\n"
        "assert panel.result.spike_count > 0\n"
        "print(panel.view.mode)"
    )
    totals, modes = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT),
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            reply = client.execute_interactive(code, timeout=120, output_hook=lambda msg: modes.append(
                msg["content"].get("text", "").strip()) if msg["msg_type"] == "stream" else None)
            totals.append(time.perf_counter() - start)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel run failed: {reply['content']}")
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return totals, [m for m in modes if m]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=100, help="StepPanel updates per view (default 100)")
    parser.add_argument("--baseline", type=int, default=15, help="baseline changes (default 15)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.updates, args.baseline = 20, 4

    print(f"neurodyn_lab panel benchmark  (python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f})")
    from neurodyn_lab import engine

    print(f"engine code target: {engine.code_target().__name__}")

    sim = bench_simulate_only(args.updates)
    print(f"\n1. StepPanel update, 100 ms at dt 0.1 ms, a drag of {args.updates} values across the rheobase")
    row("simulate() alone (the engine)", *percentiles(sim))
    panel_p50 = {}
    for view in ("ipympl", "image"):
        times, full = bench_step_panel(view, args.updates)
        panel_p50[view] = percentiles(times)[0]
        label = f"panel update, {view} view" + (" (JupyterLab)" if view == "ipympl" else " (fallback)")
        row(label, *percentiles(times), f"({full} of {args.updates} with a full draw)")

    base, target = bench_baseline(args.baseline)
    b50, b95 = percentiles(base)
    print(f"\n2. Baseline, new network + new figure per change ({target} target, {args.baseline} changes)")
    row("old way", b50, b95)
    for view, p50 in panel_p50.items():
        print(f"   ratio baseline / panel ({view} view): {b50 / p50:5.1f}x   (target >= 9x)")

    fi_alone, fi = bench_fi_panel(5 if args.quick else 10)
    print("\n3. FICurvePanel update, 201 currents x 500 ms (warm; target <= 300 ms)")
    row("analysis.fi_curve() alone", *percentiles(fi_alone))
    row("panel update (image view)", *percentiles(fi))

    totals, inside = bench_first_panel(2 if args.quick else 3)
    imports = float(np.median([i[0] for i in inside]))
    print(f"\n4. First panel in a fresh process, warm compile cache: {np.median(totals):.2f} s wall "
          f"(median of {len(totals)}; imports {imports:.2f} s; interpreter start included)   (target <= 8 s)")
    kernel = bench_first_panel_kernel(1 if args.quick else 2)
    if kernel is not None:
        ktimes, modes = kernel
        print(f"   in a fresh Jupyter kernel (kernel start + import + first panel drawn): "
              f"{np.median(ktimes):.2f} s (median of {len(ktimes)}; view {modes[0] if modes else '?'})")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
