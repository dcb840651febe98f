"""neurodynex3 compatibility benchmark: simulate_LIF_neuron per call, against neurodynex3's own, in one run.

Run with ``.venv/bin/python benchmarks/bench_compat.py [--repeats N] [--neurodynex3-path DIR]``.
Prints the figure (ours), the baseline and their ratio.

The call timed is ``LIF.simulate_LIF_neuron(step_current, simulation_time=100*ms)`` with a
step of 2.5 nA from 10 to 90 ms (1 ms entries), the book's neuron, dt = 0.1 ms, warm (the model
compiled, as a student's second call finds it), p50/p95 over many calls.

Baseline: neurodynex3 1.0.4's own ``simulate_LIF_neuron``, which builds a new NeuronGroup,
StateMonitor and SpikeMonitor and runs Brian2's magic network at every call. It is used when
neurodynex3 can be imported (installed, or unpacked into DIR, e.g. with
``pip install --no-deps --target DIR neurodynex3==1.0.4``; it needs only brian2, numpy and
matplotlib). Otherwise the baseline is this file's re-implementation of its per-call network
build (the same objects, equations, integration method and run call), and the output says so.
Its calls are timed after a few warm-up calls: Brian2 names each new group ``neurongroup``,
``neurongroup_1``, ... and compiles each name's code once, so the first calls include compiles.
"""

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np


def percentile_ms(values, q):
    return float(np.percentile(np.asarray(values) * 1e3, q))


def load_neurodynex3(path):
    """neurodynex3's LIF module, or None if it cannot be imported."""
    if path:
        sys.path.insert(0, path)
    try:
        from neurodynex3.leaky_integrate_and_fire import LIF
    except ImportError:
        return None
    return LIF


def rebuilt_network_per_call(b2):
    """neurodynex3's simulate_LIF_neuron re-implemented: a new network per call, Brian2's magic run()."""

    def simulate(input_current, simulation_time, v_rest=-70 * b2.mV, v_reset=-65 * b2.mV,
                 firing_threshold=-50 * b2.mV, membrane_resistance=10 * b2.Mohm, membrane_time_scale=8 * b2.ms,
                 abs_refractory_period=2 * b2.ms):
        equations = ("dv/dt = (-(v - v_rest) + membrane_resistance * input_current(t, i)) / membrane_time_scale "
                     ": volt (unless refractory)")
        group = b2.NeuronGroup(1, model=equations, reset="v = v_reset", threshold="v > firing_threshold",
                               refractory=abs_refractory_period, method="linear")
        group.v = v_rest
        state_monitor = b2.StateMonitor(group, ["v"], record=True)
        spike_monitor = b2.SpikeMonitor(group)
        b2.run(simulation_time)
        return state_monitor, spike_monitor

    return simulate


def time_calls(simulate, current, duration, n):
    times, counts = [], set()
    for _ in range(n):
        t0 = time.perf_counter()
        _, spikes = simulate(current, simulation_time=duration)
        times.append(time.perf_counter() - t0)
        counts.add(int(spikes.count[0]))
    return times, counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100, help="warm calls of ours to time (default 100)")
    parser.add_argument("--baseline-repeats", type=int, default=5, help="warm baseline calls to time (default 5)")
    parser.add_argument("--baseline-warmup", type=int, default=4, help="baseline calls before timing (default 4)")
    parser.add_argument("--neurodynex3-path", default=os.environ.get("NEURODYNEX3_PATH"),
                        help="a directory holding the neurodynex3 package (default: $NEURODYNEX3_PATH, else installed)")
    parser.add_argument("--reimplemented", action="store_true",
                        help="use the re-implemented baseline even if neurodynex3 can be imported")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.baseline_repeats, args.baseline_warmup = 20, 2, 2

    import matplotlib

    matplotlib.use("Agg")  # neurodynex3 imports pyplot
    import brian2 as b2

    import neurodyn_lab
    from neurodyn_lab import engine
    from neurodyn_lab.compat.neurodynex3.leaky_integrate_and_fire import LIF
    from neurodyn_lab.compat.neurodynex3.tools import input_factory

    b2.prefs.logging.console_log_level = "WARNING"
    reference = None if args.reimplemented else load_neurodynex3(args.neurodynex3_path)
    if reference is not None:
        baseline_name = f"neurodynex3 1.0.4's own simulate_LIF_neuron ({os.path.dirname(os.path.dirname(reference.__file__))})"
        baseline = reference.simulate_LIF_neuron
    else:
        baseline_name = ("re-implemented neurodynex3 network build per call (neurodynex3 not importable"
                         f"{'' if not args.reimplemented else ', or --reimplemented'})")
        baseline = rebuilt_network_per_call(b2)

    print(f"neurodyn_lab {neurodyn_lab.__version__}, brian2 {b2.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, engine target {engine.code_target().__name__}")
    current = input_factory.get_step_current(10, 90, b2.ms, 2.5 * b2.nA)
    duration = 100 * b2.ms

    t0 = time.perf_counter()
    LIF.simulate_LIF_neuron(current, simulation_time=duration)
    first = time.perf_counter() - t0
    ours, our_counts = time_calls(LIF.simulate_LIF_neuron, current, duration, args.repeats)

    warm_start = time.perf_counter()
    time_calls(baseline, current, duration, args.baseline_warmup)
    warm_total = time.perf_counter() - warm_start
    theirs, their_counts = time_calls(baseline, current, duration, args.baseline_repeats)

    ours_p50, theirs_p50 = statistics.median(ours), statistics.median(theirs)
    print(f"\nsimulate_LIF_neuron, 100 ms step at dt 0.1 ms, per call (first call {first * 1e3:.0f} ms):")
    print(f"  ours      p50 {ours_p50 * 1e3:8.2f} ms   p95 {percentile_ms(ours, 95):8.2f} ms   ({args.repeats} calls)")
    print(f"  baseline  p50 {theirs_p50 * 1e3:8.2f} ms   p95 {percentile_ms(theirs, 95):8.2f} ms   "
          f"({args.baseline_repeats} calls after {args.baseline_warmup} warm-up calls taking {warm_total:.1f} s)")
    print(f"  baseline: {baseline_name}")
    print(f"  ratio (baseline p50 / ours p50): {theirs_p50 / ours_p50:.1f}x   (target >= 10x)")
    print(f"  spike counts: ours {sorted(our_counts)}, baseline {sorted(their_counts)}"
          f"{'' if our_counts == their_counts else '   MISMATCH'}")
    return 0 if our_counts == their_counts else 1


if __name__ == "__main__":
    sys.exit(main())
