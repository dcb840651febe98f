"""One check of a run, in one place (issue 17): RunSpec refuses, in the caller's terms.

The classic functions (``tend``/``dt`` in plain ms, ``simtime`` a Quantity) and the neurodynex3
layer (``simulation_time``, ``brian2.defaultclock.dt``, ``membrane_time_scale``) only convert
their arguments; the rules of a run -- a duration of whole time steps, at least one step, at most
`engine.MAX_STEPS`, dt at most tau, a sinusoid's frequency at most 1 / (10 dt) -- are written once,
in `engine.RunSpec` (and the frequency's in `inputs.Sinusoid`), and said in the student's terms.
"""

import ast
import re
import time
from pathlib import Path

import brian2 as b2
import numpy as np
import pytest
from brian2 import TimedArray, ms, nA, second

import neurodyn_lab
from neurodyn_lab import engine, inputs, lif
from neurodyn_lab.compat.neurodynex3.leaky_integrate_and_fire import LIF
from neurodyn_lab.compat.neurodynex3.tools import input_factory
from neurodyn_lab.engine import RUN_TERMS, RunSpec, Spelling

PACKAGE = Path(neurodyn_lab.__file__).parent
SPEC = PACKAGE / "engine" / "_spec.py"
TA = TimedArray(np.array([0.0, 2.0, 0.0]) * nA, dt=1 * ms)

# (call, the one sentence, where the rule that refuses is written)
REFUSALS = [
    (lambda: lif.LIF_Step(tend=1e9, do_plot=False),
     "tend must be at most 1e6 (ms: 1e7 time steps of 0.1 ms; e.g. tend=100), got 1e9.", SPEC),
    (lambda: lif.LIF_Step(tend=1e300, do_plot=False),
     "tend must be at most 1e6 (ms: 1e7 time steps of 0.1 ms; e.g. tend=100), got 1e300.", SPEC),
    (lambda: lif.LIF_Step(tend=0.05, do_plot=False),
     "tend must be at least 0.1 (ms: one time step; e.g. tend=100), got 0.05.", SPEC),
    (lambda: lif.LIF_Step(tend=100.05, do_plot=False),
     "tend must be a whole number of time steps of 0.1 ms (ms: a multiple of 0.1 such as tend=100 or "
     "tend=100.1), got 100.05.", SPEC),
    (lambda: lif.LIF_Step(tend=-5, do_plot=False),
     "tend must be positive (a plain number in ms such as tend=100), got -5.", SPEC),
    (lambda: lif.LIF_Sinus(dt=0, do_plot=False),
     "dt must be positive (a plain number in ms such as dt=0.1), got 0.", SPEC),
    (lambda: lif.LIF_Sinus(dt=2, do_plot=False),
     "dt must be at most 1 (ms: the classic neuron's membrane time constant; e.g. dt=0.1), got 2.", SPEC),
    (lambda: lif.LIF_Sinus(tend=0.3, dt=0.5, do_plot=False),
     "tend must be at least 0.5 (ms: one time step; e.g. tend=100), got 0.3.", SPEC),
    (lambda: lif.LIF_Sinus(tend=10.25, dt=0.5, do_plot=False),
     "tend must be a whole number of time steps of 0.5 ms (ms: a multiple of 0.5 such as tend=10 or "
     "tend=10.5), got 10.25.", SPEC),
    (lambda: lif.LIF_Sinus(I_freq=2.5, dt=0.05, do_plot=False),
     "I_freq must be at most 2 (kHz: 10 time steps per period at dt=0.05 ms; e.g. I_freq=0.1 for 100 Hz), "
     "got 2.5.", SPEC),
    (lambda: lif.LIF_Neuron(TA, 1e9 * ms),
     "simtime must be at most 1e6 ms (1e7 time steps of 0.1 ms, e.g. simtime=100*ms), got 1e9 ms.", SPEC),
    (lambda: lif.LIF_Neuron(TA, 100.05 * ms),
     "simtime must be a whole number of time steps of 0.1 ms (a multiple of 0.1 ms such as 100 ms or 100.1 ms), "
     "got 100.05 ms.", SPEC),
    (lambda: LIF.simulate_LIF_neuron(input_factory.get_zero_current(), simulation_time=1e9 * second),
     "simulation_time must be at most 1e6 ms (1e7 time steps of 0.1 ms, e.g. simulation_time=100*b2.ms), "
     "got 1e12 ms", SPEC),
    (lambda: LIF.simulate_LIF_neuron(input_factory.get_zero_current(), simulation_time=1e-6 * ms),
     "simulation_time must be at least 0.1 ms (one time step, e.g. simulation_time=100*b2.ms), got 1e-6 ms", SPEC),
    (lambda: LIF.simulate_LIF_neuron(input_factory.get_zero_current(), membrane_time_scale=0.01 * ms),
     "membrane_time_scale must be at least the time step brian2.defaultclock.dt = 0.1 ms (e.g. "
     "membrane_time_scale=8*b2.ms), got 0.01 ms", SPEC),
]


@pytest.mark.parametrize("call, sentence, where", REFUSALS, ids=[s.split(" must")[0] + ": " + s[:60]
                                                                 for _, s, _ in REFUSALS])
def test_runspec_refuses_in_the_callers_terms_within_a_second(call, sentence, where):
    started = time.perf_counter()
    with pytest.raises(ValueError) as info:
        call()
    assert time.perf_counter() - started < 1.0
    assert str(info.value) == sentence
    # Raised by RunSpec's rule (or the input's, through RunSpec), not by a check of the caller's own.
    assert Path(info.traceback[-1].path) == where, info.traceback[-1].path


def _code_of(path):
    """The module's code without its docstrings (whose examples show RunSpec's sentences) or comments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and \
                isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return ast.unparse(tree)


def test_the_classic_and_neurodynex3_layers_write_no_rule_of_a_run():
    # What RunSpec owns is not written again where arguments are only converted.
    for path in (PACKAGE / "lif.py", PACKAGE / "compat" / "neurodynex3" / "leaky_integrate_and_fire" / "LIF.py"):
        source = _code_of(path)
        for rule in ("MAX_STEPS", "STEPS_PER_PERIOD", "whole_steps", "time step;", "one time step",
                     "membrane time constant;", "must be at least the time step", "steps per period"):
            assert rule not in source, f"{path.name} writes {rule!r}: RunSpec's rule"
        assert not re.search(r"\btau\b.*[<>]|[<>].*\btau\b", source), f"{path.name} compares with tau"
    # The sinusoid's highest frequency is written by the sinusoid and said by RunSpec in kHz.
    assert "STEPS_PER_PERIOD" not in (PACKAGE / "lif.py").read_text(encoding="utf-8")
    # Written once, in inputs (`highest_frequency`); analysis asks it too.
    written = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
               if "/ (STEPS_PER_PERIOD" in path.read_text(encoding="utf-8")}
    assert written == {"inputs.py"}, written


def test_the_default_terms_are_simulates_own():
    # simulate's messages are unchanged: duration and dt, quantities, no full stop.
    with pytest.raises(ValueError, match=r"^duration must be a whole number of time steps of dt=0\.6 ms"):
        RunSpec(inputs.step(3 * nA), 1 * ms, dt=0.6 * ms)
    assert RunSpec.time_grid(100 * ms, 0.1 * ms) == RunSpec.time_grid(100 * ms, 0.1 * ms, spelling=RUN_TERMS)
    with pytest.raises(TypeError, match=r"^spelling must be an engine\.Spelling"):
        RunSpec(inputs.step(3 * nA), 1 * ms, spelling="tend")


def test_a_spelling_changes_the_words_never_the_rule():
    # The same grid, accepted and refused alike in every terms: only the sentence differs.
    spellings = [RUN_TERMS, lif.TEND, lif.TEND_DT, lif.SIMTIME, LIF.SPELLING,
                 Spelling(duration="T", plain_ms=True, duration_example="50", end=".")]
    grids = [(100, 0.1), (0.1, 0.1), (100.05, 0.1), (0.3, 0.5), (1e6, 0.1), (1e6 + 0.1, 0.1), (0.3, 0.1), (2, 1),
             (1, 2)]
    for duration_ms, dt_ms in grids:
        outcomes = set()
        for spelling in spellings:
            try:
                outcomes.add(RunSpec.time_grid(duration_ms * ms, dt_ms * ms, lif.CLASSIC, spelling=spelling))
            except ValueError:
                outcomes.add("refused")
        assert len(outcomes) == 1, (duration_ms, dt_ms, outcomes)


def test_just_inside_each_limit_runs():
    assert len(lif.LIF_Step(tend=0.1, do_plot=False).t) == 1
    assert len(lif.LIF_Sinus(I_freq=2, dt=0.05, tend=1, do_plot=False).t) == 20
    state, _ = LIF.simulate_LIF_neuron(input_factory.get_zero_current(), simulation_time=0.1 * ms)
    assert len(state.t) == 1
    b2.defaultclock.dt = 0.1 * ms


def test_the_table_limits_of_the_adapters_are_the_inputs_one():
    # Checked before a table is allocated (a TimedArray's samples, the input factory's entries),
    # with the inputs' number.
    with pytest.raises(ValueError, match=r"^curr's time step dt=1e-6 ms is too fine .* at most 1e7 "):
        lif.LIF_Neuron(TimedArray([0, 2] * nA, dt=1e-6 * ms), 1000 * ms)
    assert input_factory.MAX_ENTRIES == inputs.MAX_TABLE_SAMPLES
    assert engine.MAX_STEPS == 10_000_000
