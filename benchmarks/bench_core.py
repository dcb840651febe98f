"""Core benchmark: simulate() and fi_curve() against baselines measured in the same run.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_core.py [--repeats N]``. Prints, for
each figure, the measurement, its baseline and the ratio.

1. simulate(): the default 100 ms step at dt = 0.1 ms, warm, p50/p95 over many calls;
   baseline: what the original LIF module did at every call -- a new NeuronGroup, TimedArray and
   StateMonitor, then Brian2's magic run() with the default code target.
2. fi_curve(): 201 currents x 500 ms, warm, in one vectorised run; baseline: one simulate() call
   per current (the engine warm as well), i.e. the Python loop it replaces.
"""

import argparse
import platform
import statistics
import sys
import time

import numpy as np


def percentile(values, q):
    return float(np.percentile(np.asarray(values) * 1e3, q))


def original_lif_step(b2):
    """The original module's LIF_Step: rebuild everything, magic network, default target."""
    from brian2 import Mohm, TimedArray, mV, ms, namp

    b2.start_scope()
    tmp = np.zeros(100) * namp
    tmp[20:70] = 1.005 * namp
    curr = TimedArray(tmp, dt=1.0 * ms)  # noqa: F841 (used by name in the equations)
    v_rest, v_reset, v_threshold, R, tau = 0 * mV, 0 * mV, 1 * mV, 1 * Mohm, 1 * ms  # noqa: F841
    eqs = """
    dv/dt = (-(v - v_rest) + R * I) / tau : volt
    I = curr(t) : amp
    """
    neuron = b2.NeuronGroup(1, model=eqs, reset="v = v_reset", threshold="v > v_threshold", method="linear")
    neuron.v = v_rest
    rec = b2.StateMonitor(neuron, ["v", "I"], record=True)
    b2.run(100 * ms)
    return rec


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100, help="warm simulate() calls to time (default 100)")
    parser.add_argument("--baseline-repeats", type=int, default=5, help="original-module calls to time (default 5)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats; skips the fi_curve loop baseline")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.baseline_repeats = 20, 2

    import brian2 as b2
    from brian2 import ms, nA

    import neurodyn_lab
    from neurodyn_lab import LIFParams, analysis, engine, inputs, simulate, simulate_many

    print(f"neurodyn_lab {neurodyn_lab.__version__}, brian2 {b2.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, target {engine.code_target().__name__}")

    # 1. simulate
    params = LIFParams()
    current = inputs.step(1.005 * nA, 20 * ms, 70 * ms)
    t0 = time.perf_counter()
    simulate(current, 100 * ms, params=LIFParams.classic())
    first = time.perf_counter() - t0
    times = []
    for k in range(args.repeats):
        amplitude = (1.0 + 0.01 * (k % 20)) * nA  # new values at every call
        t0 = time.perf_counter()
        simulate(inputs.step(amplitude, 20 * ms, 70 * ms), 100 * ms, params=LIFParams.classic())
        times.append(time.perf_counter() - t0)
    original_lif_step(b2)  # compile once, as a student's second call would find it
    baseline = []
    for _ in range(args.baseline_repeats):
        t0 = time.perf_counter()
        original_lif_step(b2)
        baseline.append(time.perf_counter() - t0)
    p50, p95, base50 = percentile(times, 50), percentile(times, 95), percentile(baseline, 50)
    print("\nsimulate(): 100 ms step at dt 0.1 ms, warm")
    print(f"  first call in this process (compile or disk cache): {first * 1e3:8.1f} ms")
    print(f"  neurodyn_lab p50 {p50:8.2f} ms   p95 {p95:8.2f} ms   ({args.repeats} calls)")
    print(f"  baseline (original module: new network per call, magic run) p50 {base50:8.1f} ms "
          f"({args.baseline_repeats} calls)")
    print(f"  ratio baseline/neurodyn_lab: {base50 / p50:6.1f}x   (targets: p50 <= 10 ms, >= 20x)")
    structure = engine.structure_of([current], 0.1, 1e-4)
    print(f"  fast path (checked against Network.run): {'on' if engine.fast_path_active(structure) else 'OFF'}")

    # 2. fi_curve
    currents = np.linspace(0, 10, 201) * nA
    t0 = time.perf_counter()
    analysis.fi_curve(currents, params=params, duration=500 * ms)
    first = time.perf_counter() - t0
    warm = []
    for _ in range(3):
        t0 = time.perf_counter()
        analysis.fi_curve(currents, params=params, duration=500 * ms)
        warm.append(time.perf_counter() - t0)
    print("\nfi_curve(): 201 currents x 500 ms, one vectorised run")
    print(f"  first call in this process: {first:6.2f} s")
    print(f"  warm: {statistics.median(warm):6.3f} s (median of 3)   (target <= 0.3 s)")
    if not args.quick:
        simulate(inputs.step(1 * nA, 0 * ms, None), 500 * ms, params=params)
        t0 = time.perf_counter()
        for value in currents:
            simulate(inputs.step(value, 0 * ms, None), 500 * ms, params=params)
        loop = time.perf_counter() - t0
        print(f"  baseline (a warm simulate() per current): {loop:6.2f} s   ratio {loop / statistics.median(warm):6.1f}x")

    # 3. simulate_many: notebook 05's 20 noisy trials of 1600 ms
    rheobase = analysis.rheobase(params)
    trials = [inputs.noise(0.9 * rheobase, 0.2 * rheobase, 5 * ms, seed=k) for k in range(20)]
    t0 = time.perf_counter()
    simulate_many(trials, 1600 * ms, params=params)
    first = time.perf_counter() - t0
    together, alone = [], []
    simulate(trials[0], 1600 * ms, params=params)
    for _ in range(3):  # alternating, so that both see the same machine
        t0 = time.perf_counter()
        simulate_many(trials, 1600 * ms, params=params)
        together.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for trial in trials:
            simulate(trial, 1600 * ms, params=params)
        alone.append(time.perf_counter() - t0)
    print("\nsimulate_many(): 20 noisy trials x 1600 ms (notebook 05), one run")
    print(f"  first call in this process: {first:6.2f} s")
    print(f"  warm: {statistics.median(together):6.3f} s (median of 3)")
    print(f"  baseline (a warm simulate() per trial): {statistics.median(alone):6.2f} s   "
          f"ratio {statistics.median(alone) / statistics.median(together):6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
