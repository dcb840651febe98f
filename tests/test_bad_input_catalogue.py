"""The bad-input catalogue: every public function and panel constructor, fed what students get wrong.

For each public callable (the ``__all__`` of parameters, inputs, simulation, analysis, plotting,
lif, panels and grading) and each of its arguments, the catalogue tries wrong units, bare
numbers, NaN and infinity, zero and negative values, sizes beyond every limit, and wrong types.
Each case runs in a forked child process, so a hang or a crash is reported as one failing case and
never stops the suite. A case passes when, within 5 s, the call raised a TypeError or ValueError
from neurodyn_lab's own code (not Brian2's DimensionMismatchError, not an AssertionError, not a
library's message passed through) whose message is one sentence on one line
and names the argument. The grading functions answer in the notebook instead of raising: their
returned feedback must be that sentence.

The table is data: ``catalogue()`` builds it from a few lines per function (`bad`, for an
argument and a kind of value, and `case` for one call), and `test_every_public_name_is_covered`
fails when a public name is neither in it nor exempt with a reason. Run this file as a script
(``python tests/test_bad_input_catalogue.py``) for a table of the failing cases by owner.
"""

import inspect
import math
import multiprocessing
import multiprocessing.connection
import operator
import os
import re
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from pathlib import Path

import numpy as np
import pytest
from brian2 import Hz, TimedArray, kHz, mV, Mohm, ms, nA, pcoulomb, second

import neurodyn_lab

PACKAGE_DIR = Path(neurodyn_lab.__file__).resolve().parent
TIME_LIMIT = 5.0  # seconds for an answer (issue 8)
KILL_AFTER = TIME_LIMIT + 3.0  # the child is killed after this; slack for forking a large process

#: The modules whose ``__all__`` make the public API walked here.
PUBLIC_MODULES = ("parameters", "inputs", "engine", "simulation", "analysis", "plotting", "lif", "panels", "grading")

#: Who owns the code a case exercises (docs: /work/notes/common.md), by the target's prefix.
OWNERS = (
    ("simulation.LIFResult", "panels"), ("simulation.Recording", "panels"),
    ("parameters", "engine"), ("inputs", "engine"), ("simulation", "engine"), ("analysis", "engine"),
    ("engine", "engine"), ("plotting", "panels"), ("panels", "panels"), ("cli", "panels"),
    ("grading", "grading"), ("lif", "messages"),
)

#: Public names that take no argument a student could get wrong, each with the reason.
EXEMPT = {
    "parameters.PRESETS": "a dict of LIFParams (data, not a callable)",
    "inputs.zero": "takes no argument",
    "simulation.Recording": "made by simulate() and the mystery neuron, not by students",
    "simulation.LIFResult.plot": "title is any text",
    "lif.ClassicRecord": "made by the classic functions from a LIFResult",
    "lif.warm_up_jobs": "takes no argument",
    "panels.default_view": "takes no argument",
    "panels.default_display": "takes no argument",
    "grading.CheckResult": "made by check()/grade()",
    "grading.Summary": "made by summary()",
    "grading.CheckFailed": "an exception class (raised by assert_passed in strict mode)",
    "grading.strict_mode": "takes no argument",
    "grading.reset": "takes no argument",
    "grading.current": "takes no argument",
    "grading.default_session": "takes no argument",
    "grading.QUESTIONS": "the question bank (data)",
    "grading.MysteryResult": "made by MysteryNeuron.simulate",
    "plotting.COLORS": "the colour scheme (data)",
    "plotting.TraceLike": "a typing Protocol (what plot_result draws), not called",
    "plotting.ResultFigure": "a matplotlib Figure subclass, made by new_figure()",
    "panels.warm_up_jobs": "takes no argument",
    "inputs.Tabulated": "the base class of from_array and noise currents (those are walked), not made by students",
    "inputs.MAX_TABLE_SAMPLES": "a limit (data, not a callable)",
    "inputs.MIN_SAMPLE_DT": "a limit (data, not a callable)",
    "inputs.InputLimitError": "an exception class (raised by a current's check_run, through RunSpec)",
    "engine.Spelling": "a frozen record of a layer's names for its arguments (made by the classic and neurodynex3 "
                       "layers, not by students; a wrong one given to RunSpec is walked)",
    "engine.RUN_TERMS": "the default Spelling (data, not a callable)",
    "simulation.warn_if_capped": "takes the engine's raw run, given by simulate and fi_curve, not by students",
    "grading.Student": "made by student() (walked with its student_id)",
    "grading.warm_up_jobs": "takes no argument",
    "parameters.FIELDS": "the LIF parameters' schema (data, not a callable)",
    "parameters.Field": "the schema's record type, made in parameters.py only",
    "grading.solution": "off unless NEURODYN_LAB_SOLUTIONS names a folder; its bad ids (typo, number) are in "
                        "tests/test_solutions_release.py, where it is on",
    "grading.give_up": "as grading.solution (the same reading of the question id)",
}

# The engine is the layer under simulate(): its functions take floats in seconds that simulate,
# fi_curve and frequency_response have already checked (those are walked), or objects they make.
EXEMPT.update({f"engine.{name}": "the engine's interface for the layers above (values already checked by simulate, "
                                 "fi_curve and frequency_response), not called with what a student writes"
               for name in ("run", "RawRun", "Structure", "structure_of", "code_target", "warm_up",
                            "sampled_table_rows", "n_steps_of", "check_device", "compiled_structures",
                            "code_objects_of", "threshold_margin", "fast_path_active")})
EXEMPT.update({f"engine.{name}": "a limit (data, not a callable)"
               for name in ("MAX_STEPS", "MAX_NEURONS", "MAX_SAMPLES", "MAX_RECORDED", "MAX_TABLE", "LIMITS")})
EXEMPT.update({"engine.default_engine": "takes no argument",
               "engine.Brian2Internals": "takes no argument (tests subclass it to break one internal)",
               "engine.FastPathWarning": "a warning class, issued by the engine",
               "engine.shared_cache": "a module (the hub's compile cache, for an administrator's folders)"})


# ------------------------------------------------------------------------------ the table

class Lazy:
    """A value made in the child process (large arrays, figures, files), once per case."""

    def __init__(self, make, text):
        self.make, self.text = make, text

    def __repr__(self):
        return self.text


@dataclass(frozen=True)
class Case:
    """One call with one bad argument.

    target : str
        What is called, as ``module.name`` (``"inputs.step"``, ``"panels.StepPanel"``); resolved at
        run time, so a renamed function fails its cases instead of the whole file.
    kwargs : dict
        The keyword arguments: good ones and the one bad one (a `Lazy` is made in the child).
    name : str
        The argument the answer must name.
    label : str
        What is wrong with it ("bare number", "wrong unit", ...).
    call : callable, optional
        Called as ``call(function, **kwargs)`` instead of ``function(**kwargs)`` (methods, operators).
    expect : str
        "error": TypeError/ValueError; "feedback": a returned result whose ``.message`` is the
        sentence (check, grade); "works_or_error": either a `Current` comes back or the error does.
    """

    target: str
    kwargs: dict
    name: str
    label: str
    call: object = None
    expect: str = "error"
    args: tuple = field(default=())

    @property
    def id(self):
        return f"{self.target}:{self.name}:{self.label}"

    @property
    def owner(self):
        return next(owner for prefix, owner in OWNERS if self.target.startswith(prefix))


inf, nan = math.inf, math.nan

#: Bad values by kind of argument: (label, value, extra keyword arguments that make it bad).
KINDS = {
    "current": [("wrong unit", 2 * mV), ("bare number", 2), ("nan", nan * nA), ("inf", inf * nA),
                ("text", "2 nA"), ("array for a single value", [1, 2] * nA), ("None", None)],
    "current_positive": [("zero", 0 * nA), ("negative", -1 * nA), ("wrong unit", 1 * mV), ("bare number", 1),
                         ("nan", nan * nA), ("inf", inf * nA), ("text", "1 nA")],
    "current_nonnegative": [("negative", -1 * nA), ("wrong unit", 1 * mV), ("bare number", 1), ("nan", nan * nA),
                            ("text", "1 nA")],
    "currents": [("wrong unit", [1, 2, 3] * mV), ("bare numbers", [1, 2, 3]), ("bare array", np.array([1.0, 2.0])),
                 ("nan", [1, nan] * nA), ("inf", [1, inf] * nA), ("text", "1 nA"), ("empty", np.array([]) * nA),
                 ("2-d", np.ones((2, 2)) * nA)],
    "current_values": [("wrong unit", [1, 2, 3] * mV), ("bare numbers", [1, 2, 3]), ("bare array", np.array([1.0, 2.0])),
                       ("nan", [1, nan] * nA), ("inf", [1, inf] * nA), ("text", "1 nA"), ("empty", np.array([]) * nA)],
    "charge": [("wrong unit", 16 * nA), ("bare number", 16), ("nan", nan * pcoulomb), ("inf", inf * pcoulomb),
               ("text", "16 pC"), ("array for a single value", [1, 2] * pcoulomb)],
    "voltage": [("wrong unit", -70 * nA), ("bare number", -70), ("nan", nan * mV), ("inf", inf * mV),
                ("text", "-70 mV")],
    "resistance": [("zero", 0 * Mohm), ("negative", -10 * Mohm), ("wrong unit", 10 * mV), ("bare number", 10),
                   ("nan", nan * Mohm), ("inf", inf * Mohm)],
    "time_positive": [("zero", 0 * ms), ("negative", -0.1 * ms), ("wrong unit", 8 * mV), ("bare number", 8),
                      ("nan", nan * ms), ("inf", inf * ms), ("text", "8 ms")],
    "time_nonnegative": [("negative", -0.1 * ms), ("wrong unit", 10 * mV), ("bare number", 10), ("nan", nan * ms),
                         ("inf", inf * ms), ("text", "10 ms")],
    "duration": [("zero", 0 * ms), ("negative", -100 * ms), ("wrong unit", 100 * mV), ("bare number", 100),
                 ("nan", nan * ms), ("inf", inf * second), ("text", "100 ms"), ("huge", 1e9 * second)],
    "dt": [("zero", 0 * ms), ("negative", -0.1 * ms), ("wrong unit", 0.1 * mV), ("bare number", 0.1),
           ("nan", nan * ms), ("larger than tau", 100 * ms), ("too fine for any run", 1e-9 * ms)],
    "frequency": [("zero", 0 * Hz), ("negative", -5 * Hz), ("wrong unit", 50 * ms), ("bare number", 50),
                  ("nan", nan * Hz), ("inf", inf * Hz), ("text", "50 Hz")],
    "frequencies": [("zero", [0, 10] * Hz), ("negative", [-5, 10] * Hz), ("wrong unit", [10, 100] * ms),
                    ("bare numbers", [10, 100]), ("nan", [nan, 10] * Hz), ("inf", [inf] * Hz), ("text", "10 Hz")],
    "params": [("text", "book"), ("dict", {"tau": 8 * ms}), ("number", 42)],
    "angle": [("wrong unit", 3 * ms), ("nan", nan), ("inf", inf), ("text", "0")],
    "seed": [("float", 1.5), ("negative", -1), ("text", "one"), ("None", None)],
    "whole_number": [("float", 1.5), ("zero", 0), ("negative", -1), ("huge", 10**9), ("text", "10"),
                     ("with a unit", 10 * ms)],
    "ms_number": [("with a unit", 20 * ms), ("text", "20"), ("nan", nan), ("inf", inf), ("None", None)],
    "ms_positive": [("with a unit", 100 * ms), ("text", "100"), ("nan", nan), ("inf", inf), ("zero", 0),
                    ("negative", -5), ("huge", 1e9)],
    "nA_number": [("with a unit", 1 * nA), ("text", "1"), ("nan", nan), ("inf", inf), ("None", None)],
    "kHz_positive": [("with a unit", 0.1 * kHz), ("text", "0.1"), ("zero", 0), ("negative", -1), ("nan", nan),
                     ("above the sampling limit", 20)],
    "mV_number": [("with a unit", 1 * mV), ("text", "1"), ("nan", nan)],
    "path": [("number", 123), ("a file, not a folder", Lazy(lambda: _a_file(), "<a file>"))],
    "file_path": [("number", 123), ("None", None)],
    "view": [("number", 123), ("unknown mode", "bogus")],
    "result": [("number", 42), ("None", None), ("text", "result")],
    "axes": [("number", 42), ("text", "ax")],
    "figure": [("number", 42), ("text", "fig")],
}


def _a_file():
    import tempfile

    handle = tempfile.NamedTemporaryFile(delete=False, suffix=".txt")
    handle.close()
    return handle.name


def bad(target, base, name, kind, **options):
    """One case per bad value of `kind` for argument `name` of `target`, the others as in `base`."""
    cases = []
    for label, value in KINDS[kind]:
        cases.append(Case(target, {**base, name: value}, options.get("says", name), label,
                          call=options.get("call"), expect=options.get("expect", "error")))
    return cases


def case(target, kwargs, name, label, **options):
    return [Case(target, kwargs, name, label, **options)]


@lru_cache(maxsize=None)
def fixture(name):
    """Objects a case needs as a *good* argument, made once in the parent (a simulation compiles)."""
    from neurodyn_lab import inputs, lif, simulate
    from neurodyn_lab.grading import mystery_neuron

    if name == "step":
        return inputs.step(2 * nA, 10 * ms, 60 * ms)
    if name == "result":
        return simulate(fixture("step"), 20 * ms)
    if name == "sine_result":
        return simulate(inputs.sinusoid(0.5 * nA, 50 * Hz), 100 * ms)
    if name == "record":
        return lif.LIF_Step(do_plot=False)
    if name == "mystery":
        return mystery_neuron("s001")
    raise KeyError(name)


def _method(fixture_name, method):
    """A `Case.call` that calls `method` of a fixture, e.g. ``result.to_csv(path=...)``."""
    def call(_, **kwargs):
        return getattr(fixture(fixture_name), method)(**kwargs)
    return call


def _operator(op):
    def call(_, **kwargs):
        return op(*kwargs.values())
    return call


def _ta(values, dt=1 * ms):
    return Lazy(lambda: TimedArray(values, dt=dt), f"TimedArray({values!r}, dt={dt!r})")


def _figure_axes():
    from neurodyn_lab.plotting import new_figure

    return new_figure(rows=1)[1][0]


def catalogue():
    """The whole table of cases."""
    P = {}  # LIFParams: every other parameter at its default
    step_args = dict(amplitude=2 * nA, start=10 * ms, end=60 * ms)
    sine_args = dict(amplitude=0.5 * nA, frequency=50 * Hz)
    ramp_args = dict(amplitude_start=0 * nA, amplitude_end=4 * nA, start=0 * ms, end=100 * ms)
    noise_args = dict(mean=1 * nA, sigma=0.5 * nA, tau_noise=5 * ms, seed=1)
    array_args = dict(values=np.array([0, 1, 2]) * nA, dt=1 * ms)
    sim = dict(current=Lazy(lambda: fixture("step"), "step(2*nA, 10*ms, 60*ms)"), duration=100 * ms)
    t = np.arange(3) * ms
    cases = []

    # parameters -------------------------------------------------------------------------------
    for name in ("v_rest", "v_reset", "v_threshold"):
        cases += bad("parameters.LIFParams", P, name, "voltage")
    cases += bad("parameters.LIFParams", P, "R", "resistance")
    cases += bad("parameters.LIFParams", P, "tau", "time_positive")
    cases += bad("parameters.LIFParams", P, "t_ref", "time_nonnegative")
    cases += case("parameters.LIFParams", dict(v_reset=-40 * mV), "v_reset", "above the threshold")
    cases += case("parameters.LIFParams.replace", dict(taus=3 * ms), "taus", "unknown name",
                  call=lambda _, **kw: neurodyn_lab.LIFParams().replace(**kw))
    cases += case("parameters.LIFParams.replace", dict(tau=-3 * ms), "tau", "negative",
                  call=lambda _, **kw: neurodyn_lab.LIFParams().replace(**kw))

    # inputs -------------------------------------------------------------------------------------
    cases += bad("inputs.step", step_args, "amplitude", "current")
    cases += bad("inputs.step", step_args, "start", "time_nonnegative")
    cases += bad("inputs.step", {**step_args, "start": 0 * ms}, "end", "time_positive")
    cases += case("inputs.step", {**step_args, "start": 60 * ms, "end": 10 * ms}, "end", "before start")
    cases += bad("inputs.highest_frequency", {"dt": 0.1 * ms}, "dt", "time_positive")
    pulse_args = dict(charge=16 * pcoulomb, duration=0.1 * ms, start=10 * ms)
    cases += bad("inputs.pulse", pulse_args, "charge", "charge")
    cases += bad("inputs.pulse", pulse_args, "duration", "time_positive")
    cases += bad("inputs.pulse", pulse_args, "start", "time_nonnegative")
    cases += bad("inputs.pulse", {"duration": 0.1 * ms, "start": 10 * ms}, "amplitude", "current")
    cases += case("inputs.pulse", {"duration": 0.1 * ms}, "charge", "neither charge nor amplitude")
    cases += case("inputs.pulse", {**pulse_args, "amplitude": 2 * nA}, "amplitude", "both charge and amplitude")
    for name in ("amplitude", "offset"):
        cases += bad("inputs.sinusoid", sine_args, name, "current")
    cases += bad("inputs.sinusoid", sine_args, "frequency", "frequency")
    cases += bad("inputs.sinusoid", sine_args, "phase", "angle")
    cases += bad("inputs.sinusoid", sine_args, "start", "time_nonnegative")
    for name in ("amplitude_start", "amplitude_end"):
        cases += bad("inputs.ramp", ramp_args, name, "current")
    cases += case("inputs.ramp", {**ramp_args, "end": None}, "end", "None")
    cases += case("inputs.ramp", {**ramp_args, "end": 100}, "end", "bare number")
    cases += bad("inputs.noise", noise_args, "mean", "current")
    cases += bad("inputs.noise", noise_args, "sigma", "current_nonnegative")
    cases += bad("inputs.noise", noise_args, "tau_noise", "time_positive")
    cases += bad("inputs.noise", noise_args, "seed", "seed")
    cases += bad("inputs.noise", noise_args, "dt", "time_positive")
    cases += case("inputs.noise", {**noise_args, "dt": 1e-6 * ms}, "dt", "sampled too finely (issue 8 item 6)")
    cases += bad("inputs.from_array", array_args, "values", "currents")
    cases += bad("inputs.from_array", array_args, "dt", "time_positive")
    cases += bad("inputs.from_array", array_args, "start", "time_nonnegative")
    for label, value in (("text", "step"), ("wrong unit", 3 * mV), ("array", [1, 2] * nA), ("bare number", 5),
                         ("None", None), ("a TimedArray", _ta([0, 1] * nA))):
        cases += case("inputs.as_current", {"current": value}, "current", label)
    for label, value in (("bare number", 5), ("wrong unit", 5 * mV), ("nan", nan * ms), ("text", "5 ms")):
        cases += case("inputs.Current.__call__", {"t": value}, "t", label, call=_method("step", "__call__"))
    # Issue 8 item 14: arithmetic on currents either works or says what it can do (engine).
    s = Lazy(lambda: fixture("step"), "S")
    cases += case("inputs.Current.__sub__", {"a": s, "b": s}, "current", "S - S", call=_operator(operator.sub),
                  expect="works_or_error")
    cases += case("inputs.Current.__mul__", {"a": s, "b": 2}, "current", "S * 2", call=_operator(operator.mul),
                  expect="works_or_error")
    cases += case("inputs.Current.__neg__", {"a": s}, "current", "-S", call=_operator(operator.neg),
                  expect="works_or_error")
    cases += case("inputs.Current.__add__", {"a": s, "b": 5}, "current", "S + 5", call=_operator(operator.add))
    cases += case("inputs.Current.__add__", {"a": s, "b": "x"}, "current", "S + text", call=_operator(operator.add))
    cases += case("inputs.Current.__mul__", {"a": s, "b": 2 * mV}, "current", "S * 2 mV",
                  call=_operator(operator.mul))

    # simulation -------------------------------------------------------------------------------
    for label, value in (("text", "step"), ("wrong unit", 3 * mV), ("list", [1, 2, 3]), ("None", None)):
        cases += case("simulation.simulate", {**sim, "current": value}, "current", label)
    cases += bad("simulation.simulate", sim, "duration", "duration")
    cases += bad("simulation.simulate", sim, "params", "params")
    cases += bad("simulation.simulate", sim, "dt", "dt")
    cases += case("simulation.simulate", {**sim, "duration": 0.05 * ms}, "dt", "longer than the duration")
    cases += case("simulation.simulate",
                  {**sim, "duration": 100 * second,
                   "current": Lazy(lambda: neurodyn_lab.inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=1, dt=1e-3 * ms),
                                   "noise(dt=1e-3*ms)")},
                  "dt", "noise sampled too finely (issue 8 item 6)")
    many = dict(currents=Lazy(lambda: [fixture("step"), fixture("step")], "[step(2*nA, 10*ms, 60*ms)] * 2"),
                duration=100 * ms)
    for label, value in (("text", "step"), ("one current, not a list", Lazy(lambda: fixture("step"), "step(2*nA)")),
                         ("wrong unit", [3 * mV]), ("empty", []), ("None", None), ("numbers", [1, 2, 3])):
        cases += case("simulation.simulate_many", {**many, "currents": value}, "currents", label)
    cases += bad("simulation.simulate_many", many, "duration", "duration")
    cases += bad("simulation.simulate_many", many, "params", "params")
    cases += bad("simulation.simulate_many", many, "dt", "dt")
    cases += case("simulation.simulate_many", {**many, "engine": "default"}, "engine", "text")
    check_args = dict(duration=100 * ms, dt=0.1 * ms, params=Lazy(lambda: neurodyn_lab.LIFParams(), "LIFParams()"))
    cases += bad("simulation.check_duration_dt", check_args, "duration", "duration")
    cases += bad("simulation.check_duration_dt", check_args, "dt", "dt")
    cases += bad("simulation.check_duration_dt", check_args, "params", "params")
    for label, value in KINDS["file_path"]:
        cases += case("simulation.LIFResult.to_csv", {"path": value}, "path", label, call=_method("result", "to_csv"))

    # engine: the run description every layer makes (its checks are simulate's), and the engine itself
    spec = dict(currents=Lazy(lambda: fixture("step"), "step(2*nA, 10*ms, 60*ms)"), duration=100 * ms)
    for label, value in (("text", "step"), ("wrong unit", 3 * mV), ("None", None), ("empty", [])):
        cases += case("engine.RunSpec", {**spec, "currents": value}, "currents", label)
    cases += bad("engine.RunSpec", spec, "duration", "duration")
    cases += bad("engine.RunSpec", spec, "dt", "dt")
    cases += bad("engine.RunSpec", spec, "params", "params")
    cases += case("engine.RunSpec", {**spec, "duration": 1 * ms, "dt": 0.6 * ms}, "duration",
                  "not a whole number of time steps (issue 17)")
    cases += case("engine.RunSpec", {**spec, "record_v": "yes"}, "record_v", "text")
    cases += case("engine.RunSpec", {**spec, "spelling": "tend"}, "spelling", "text")
    for label, value in (("unknown", "gpu"), ("number", 3)):
        cases += case("engine.Engine", {"target": value}, "target", label)
    cases += case("engine.Engine", {"fast_path": "yes"}, "fast_path", "text")
    for label, value in (("float", 1.5), ("zero", 0), ("negative", -1), ("text", "10"), ("with a unit", 10 * ms)):
        cases += case("engine.Engine", {"cache_size": value}, "cache_size", label)
    cases += case("engine.Engine", {"internals": 42}, "internals", "number")
    cases += case("engine.Engine.run", {"spec": 42}, "spec", "number",
                  call=lambda _, **kw: _resolve("engine.Engine")().run(**kw))
    cases += case("simulation.simulate", {**sim, "engine": "default"}, "engine", "text")
    cases += case("simulation.simulate_spec", {"spec": 42}, "spec", "number")

    # analysis ---------------------------------------------------------------------------------
    cases += bad("analysis.rheobase", {}, "params", "params")
    cases += bad("analysis.cutoff_frequency", {}, "params", "params")
    for target in ("analysis.time_to_first_spike", "analysis.firing_rate"):
        cases += bad(target, {"I": 3 * nA}, "I", "current_values")
        cases += case(target, {"I": 3 * mV}, "I", "wrong unit, scalar")
        cases += bad(target, {"I": 3 * nA}, "params", "params")
    for target in ("analysis.gain", "analysis.phase"):
        cases += bad(target, {"f": 50 * Hz}, "f", "frequencies")
        cases += bad(target, {"f": 50 * Hz}, "params", "params")
    fi = dict(currents=np.array([1.0, 3.0]) * nA)
    cases += bad("analysis.fi_curve", fi, "currents", "currents")
    cases += case("analysis.fi_curve", {"currents": Lazy(lambda: np.linspace(0, 5, 10**7) * nA, "linspace(0, 5, 1e7)*nA"),
                                         "duration": 1 * ms}, "currents", "10^7 currents (issue 8 item 6)")
    cases += bad("analysis.fi_curve", fi, "duration", "duration")
    cases += bad("analysis.fi_curve", fi, "dt", "dt")
    cases += bad("analysis.fi_curve", fi, "params", "params")
    fr = dict(frequencies=[10, 100] * Hz)
    cases += bad("analysis.frequency_response", fr, "frequencies", "frequencies")
    cases += case("analysis.frequency_response", {"frequencies": [0.001, 100] * Hz}, "frequencies",
                  "too low to record (issue 8 item 13)")
    cases += case("analysis.frequency_response", {"frequencies": Lazy(lambda: np.linspace(1, 100, 20000) * Hz,
                                                                      "20000 frequencies")},
                  "frequencies", "20000 frequencies, too many to record (issue 8 item 13)")
    cases += bad("analysis.frequency_response", fr, "amplitude", "current_positive")
    cases += bad("analysis.frequency_response", fr, "params", "params")
    cases += bad("analysis.frequency_response", fr, "dt", "dt")
    sine = Lazy(lambda: fixture("sine_result"), "simulate(sinusoid(0.5*nA, 50*Hz), 100*ms)")
    cases += bad("analysis.measure_gain_phase", {}, "result", "result")
    cases += case("analysis.measure_gain_phase", {"result": Lazy(lambda: fixture("result"), "a step result")},
                  "result", "no sinusoid")
    cases += bad("analysis.measure_gain_phase", {"result": sine}, "frequency", "frequency")
    cases += bad("analysis.measure_gain_phase", {"result": sine}, "amplitude", "current_positive")
    cases += bad("analysis.measure_gain_phase", {"result": sine}, "settle", "time_positive")
    cases += case("analysis.measure_gain_phase", {"result": sine, "settle": 1 * second}, "settle",
                  "longer than the result")

    # plotting (panels) ------------------------------------------------------------------------
    for label, value in (("zero", 0), ("negative", -1), ("float", 1.5), ("text", "2"), ("huge", 10**6)):
        cases += case("plotting.new_figure", {"rows": value}, "rows", label)
    cases += case("plotting.new_figure", {"figsize": "big"}, "figsize", "text")
    cases += case("plotting.new_figure", {"figsize": (1e6, 1e6)}, "figsize", "huge")
    cases += bad("plotting.plot_result", {}, "result", "result")
    cases += bad("plotting.plot_result", {"result": Lazy(lambda: fixture("result"), "result")}, "fig", "figure")
    ax = Lazy(_figure_axes, "ax")
    voltage = dict(ax=ax, t=t, v=[0, 1, 2] * mV, v_threshold=1 * mV)
    cases += bad("plotting.draw_voltage", voltage, "ax", "axes")
    cases += case("plotting.draw_voltage", {**voltage, "t": [0, 1, 2]}, "t", "bare numbers")
    cases += case("plotting.draw_voltage", {**voltage, "v": [0, 1, 2] * nA}, "v", "wrong unit")
    cases += case("plotting.draw_voltage", {**voltage, "v": [0, 1] * mV}, "v", "length differs from t")
    cases += case("plotting.draw_voltage", {**voltage, "v_threshold": 1}, "v_threshold", "bare number")
    current = dict(ax=ax, t=t, current=[0, 1, 2] * nA)
    cases += bad("plotting.draw_current", current, "ax", "axes")
    cases += case("plotting.draw_current", {**current, "current": [0, 1, 2] * mV}, "current", "wrong unit")
    cases += case("plotting.draw_current", {**current, "t": [0, 1, 2] * mV}, "t", "wrong unit")
    fi_plot = dict(currents=[1, 2] * nA, rates=[0, 10] * Hz)
    cases += case("plotting.plot_fi_curve", {**fi_plot, "currents": [1, 2]}, "currents", "bare numbers")
    cases += case("plotting.plot_fi_curve", {**fi_plot, "rates": [0, 10] * mV}, "rates", "wrong unit")
    cases += case("plotting.plot_fi_curve", {**fi_plot, "ax": 42}, "ax", "number")
    cases += case("plotting.plot_fi_curve", {**fi_plot, "rheobase": 2}, "rheobase", "bare number")
    fr_plot = dict(frequencies=[10, 100] * Hz, gains=[10, 5] * Mohm, phases=np.array([-10.0, -60.0]))
    cases += case("plotting.plot_frequency_response", {**fr_plot, "frequencies": [10, 100]}, "frequencies",
                  "bare numbers")
    cases += case("plotting.plot_frequency_response", {**fr_plot, "gains": [10, 5] * mV}, "gains", "wrong unit")
    cases += case("plotting.plot_frequency_response", {**fr_plot, "phases": [1, 2] * ms}, "phases", "wrong unit")
    cases += case("plotting.plot_frequency_response", {**fr_plot, "cutoff": 20}, "cutoff", "bare number")

    # plotting after the panels merge (one v/I drawer): rows for names this branch lacks are dropped
    figure = Lazy(lambda: _resolve("plotting.new_figure")(), "new_figure()")
    traces = dict(t=t, v=[0, 1, 2] * mV, current=[0, 1, 2] * nA)
    cases += case("plotting.new_figure", {"figsize": (-1, 2)}, "figsize", "negative")
    cases += case("plotting.stable_limits", {"current": None, "low": "a", "high": 1.0}, "low", "text")
    cases += case("plotting.axis_limits", {"name": "xlim", "limits": (10, 40), "unit": ms, "example": "(10*ms, 40*ms)",
                                           "kind": "times"}, "xlim", "bare numbers")
    cases += case("plotting.axis_limits", {"name": "xlim", "limits": (40 * ms, 10 * ms), "unit": ms,
                                           "example": "(10*ms, 40*ms)", "kind": "times"}, "xlim", "high before low")
    for target in ("plotting.TraceAxes", "plotting.FICurveAxes"):
        cases += bad(target, {}, "figure", "figure")
    cases += bad("plotting.BodeAxes", {"band": (1, 1000)}, "figure", "figure")
    cases += case("plotting.plot_traces", {**traces, "t": [0, 1, 2]}, "t", "bare numbers")
    cases += case("plotting.plot_traces", {**traces, "v": [0, 1, 2] * nA}, "v", "wrong unit")
    cases += case("plotting.plot_traces", {**traces, "current": [0, 1, 2] * mV}, "current", "wrong unit")
    cases += case("plotting.plot_traces", {**traces, "v": [0, 1] * mV}, "v", "length differs from t")
    cases += case("plotting.plot_traces", {**traces, "xlim": (10, 40)}, "xlim", "bare numbers")
    cases += case("plotting.plot_traces", {**traces, "ylim": (10 * ms, 40 * ms)}, "ylim", "wrong unit")
    cases += bad("plotting.plot_traces", traces, "fig", "figure")
    result = Lazy(lambda: fixture("result"), "result")
    cases += case("plotting.plot_result", {"result": result, "xlim": (10, 40)}, "xlim", "bare numbers")
    cases += case("plotting.plot_result", {"result": result, "ylim": "low"}, "ylim", "text")
    del figure

    # lif (the classic API) ------------------------------------------------------------------
    ta = _ta([0, 2, 0] * nA)
    for label, value in (("number", 42), ("list", [0, 1, 2]), ("text", "curr"), ("TimedArray in mV", _ta([0, 2] * mV)),
                         ("TimedArray with nan", _ta([0, nan] * nA)),
                         ("2-d TimedArray", _ta(np.zeros((3, 2)) * nA)),
                         ("TimedArray too fine", _ta([0, 2] * nA, dt=1e-6 * ms))):
        cases += case("lif.LIF_Neuron", {"curr": value, "simtime": 1000 * ms}, "curr", label)
    cases += bad("lif.LIF_Neuron", {"curr": ta}, "simtime", "duration")
    cases += bad("lif.LIF_Step", {"do_plot": False}, "I_tstart", "ms_number")
    cases += case("lif.LIF_Step", {"do_plot": False, "I_tstart": -5}, "I_tstart", "negative")
    cases += bad("lif.LIF_Step", {"do_plot": False}, "I_tend", "ms_number")
    cases += case("lif.LIF_Step", {"do_plot": False, "I_tend": 10}, "I_tend", "before I_tstart")
    cases += bad("lif.LIF_Step", {"do_plot": False}, "I_amp", "nA_number")
    cases += bad("lif.LIF_Step", {"do_plot": False}, "tend", "ms_positive")
    cases += bad("lif.LIF_Sinus", {"do_plot": False}, "I_freq", "kHz_positive")
    cases += bad("lif.LIF_Sinus", {"do_plot": False}, "I_offset", "nA_number")
    cases += bad("lif.LIF_Sinus", {"do_plot": False}, "I_amp", "nA_number")
    cases += bad("lif.LIF_Sinus", {"do_plot": False}, "tend", "ms_positive")
    cases += bad("lif.LIF_Sinus", {"do_plot": False}, "dt", "ms_positive")
    cases += case("lif.LIF_Sinus", {"do_plot": False, "dt": 2}, "dt", "larger than tau (issue 8 item 12)")
    cases += bad("lif.plot_data", {}, "rec", "result")
    cases += bad("lif.plot_data", {"rec": Lazy(lambda: fixture("record"), "rec")}, "v_threshold", "mV_number")

    # panels -------------------------------------------------------------------------------------
    panel_controls = {
        "panels.StepPanel": [("amplitude", "current"), ("start", "time_nonnegative"), ("end", "time_positive"),
                             ("duration", "duration")],
        "panels.SinusPanel": [("amplitude", "current"), ("frequency", "frequency"), ("offset", "current"),
                              ("duration", "duration")],
        "panels.FICurvePanel": [("current_min", "current"), ("current_max", "current"), ("count", "whole_number"),
                                ("duration", "duration")],
        "panels.FrequencyResponsePanel": [("amplitude", "current_positive"), ("count", "whole_number")],
    }
    for target, controls in panel_controls.items():
        for name, kind in controls:
            cases += bad(target, {}, name, kind)
        cases += bad(target, {}, "params", "params")
        cases += bad(target, {}, "view", "view")
        cases += bad(target, {}, "save_dir", "path")
        cases += bad(target, {}, "tau", "time_positive")
        cases += case(target, {"R": 0 * Mohm}, "R", "zero (issue 8 item 11)")
        cases += case(target, {"t_ref": -1 * ms}, "t_ref", "negative (issue 8 item 11)")
        cases += case(target, {"amplitud": 1 * nA}, "amplitud", "unknown control")
    cases += bad("panels.SinusPanel", {}, "phase", "angle")
    cases += case("panels.StepPanel", {"duration": 1000 * second}, "duration", "1000 s (issue 8 item 7)")
    for target in ("panels.explore", "panels.Explorer"):
        cases += bad(target, {}, "params", "params")
        cases += bad(target, {}, "view", "view")
        cases += bad(target, {}, "save_dir", "path")
    cases += bad("panels.set_default_view", {}, "mode", "view")
    cases += bad("panels.Display", {}, "view", "view")
    cases += bad("panels.BrowserFigure", {}, "view", "view")

    # grading ------------------------------------------------------------------------------------
    for target in ("grading.check", "grading.grade"):
        for label, value in (("wrong unit", 2 * mV), ("text", "2 nA"), ("nan", nan * nA), ("inf", inf * nA),
                             ("array", [1, 2] * nA), ("None", None), ("a function", len)):
            cases += case(target, {"question_id": "01.rheobase", "answer": value}, "01.rheobase", label,
                          expect="feedback")
        for label, value in (("number", 123), ("None", None), ("typo", "01.rheobse")):
            cases += case(target, {"question_id": value, "answer": 2 * nA}, "question id", label, expect="feedback")
    for label, value in (("unknown notebook", "99"), ("number", 99), ("float", 1.5), ("list", ["01"]),
                         ("bool", True)):
        cases += case("grading.summary", {"notebook": value}, "notebook", label, expect="feedback")
    for label, value in (("number", 123), ("None", None), ("typo", "01.predict_frist_spike"),
                         ("not a prediction", "01.rheobase")):
        cases += case("grading.reveal", {"question_id": value}, "prediction question", label, expect="feedback")
    cases += case("grading.reveal", {"question_id": "01.predict_first_spike", "make": 5}, "make", "not callable")
    cases += case("grading.questions_of", {"notebook": "99"}, "notebook", "unknown notebook")
    cases += case("grading.questions_of", {"notebook": 1.5}, "notebook", "float")
    for label, value in (("text", "~/.neurodyn_lab"), ("dict", {"NEURODYN_LAB_STRICT": "1"})):
        cases += case("grading.GradingSession", {"settings": value}, "settings", label)
    cases += case("grading.GradingSession", {"bank": {"01.rheobase": None}}, "bank", "dict")
    for target in ("grading.mystery_neuron", "grading.MysteryNeuron", "grading.student"):
        for label, value in (("float", 3.5), ("blank text", "  "), ("bool", True), ("list", [1]), ("nan", nan)):
            cases += case(target, {"student_id": value}, "student_id", label)
    mystery = _method("mystery", "simulate")
    for label, value in (("text", "step"), ("wrong unit", 2 * mV), ("None", None)):
        cases += case("grading.MysteryNeuron.simulate", {"current": value, "duration": 100 * ms}, "current", label,
                      call=mystery)
    for label, value in KINDS["duration"] + [("above the 5 s limit", 10 * second)]:
        cases += case("grading.MysteryNeuron.simulate",
                      {"current": Lazy(lambda: fixture("step"), "step"), "duration": value}, "duration", label,
                      call=mystery)
    return [c for c in cases if _callable_here(c)]


def _callable_here(case):
    """Whether `case` fits this version of the package: its target exists and takes its arguments.

    Rows for a function (or an argument) that a branch does not have are dropped, so the table
    serves the branches of a merge; `test_every_public_name_is_covered` still fails for a public
    name without rows. Cases with their own `call` (methods, operators) are always kept.
    """
    if case.call is not None:
        return True
    try:
        function = _resolve(case.target)
    except (ImportError, AttributeError):
        return False
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return True
    return set(case.kwargs) <= {p.name for p in parameters}


def _resolve(target):
    """The object `target` ("inputs.step", "simulation.LIFResult.to_csv") names."""
    parts = target.split(".")
    obj = import_module(f"neurodyn_lab.{parts[0]}")
    for part in parts[1:]:
        obj = getattr(obj, part)
    return obj


CASES = catalogue()


# ------------------------------------------------------------------------------ running a case

def _make(value):
    return value.make() if isinstance(value, Lazy) else value


def _ours(exc):
    """Whether `exc` is a TypeError/ValueError raised by neurodyn_lab's own code."""
    kind = type(exc)
    if kind not in (TypeError, ValueError) and not (issubclass(kind, (TypeError, ValueError))
                                                   and kind.__module__.startswith("neurodyn_lab")):
        return False, f"raised {kind.__module__}.{kind.__qualname__}, not TypeError/ValueError"
    frames = traceback.extract_tb(exc.__traceback__)
    where = frames[-1].filename if frames else ""
    if Path(where).resolve() == Path(__file__).resolve():
        return False, "Python's generic error (no method of the class handles this)"
    if not Path(where).resolve().is_relative_to(PACKAGE_DIR):
        return False, f"raised inside {where} (a library's error passed through)"
    return True, ""


def run_here(case):
    """Run `case` in this process; a dict of plain values saying what happened."""
    from neurodyn_lab.inputs import Current

    try:
        function = None if case.call else _resolve(case.target)
        kwargs = {name: _make(value) for name, value in case.kwargs.items()}
    except Exception as exc:  # the catalogue is out of date: a renamed function, a changed fixture
        return {"setup_error": f"{type(exc).__name__}: {exc}"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        try:
            value = case.call(None, **kwargs) if case.call else function(**kwargs)
        except BaseException as exc:  # noqa: B902 -- everything is an outcome here, even SystemExit
            elapsed = time.perf_counter() - start
            ours, why = _ours(exc)
            frames = traceback.extract_tb(exc.__traceback__)
            return {"raised": True, "message": str(exc), "ours": ours, "why": why, "elapsed": elapsed,
                    "type": f"{type(exc).__module__}.{type(exc).__qualname__}",
                    "where": f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""}
        elapsed = time.perf_counter() - start
    message = getattr(value, "message", None)
    return {"raised": False, "elapsed": elapsed, "returned": type(value).__name__,
            "message": message if isinstance(message, str) else None,
            "status": getattr(value, "status", None), "is_current": isinstance(value, Current)}


def _child(case, connection):
    try:
        outcome = run_here(case)
    except BaseException as exc:  # noqa: B902
        outcome = {"setup_error": f"{type(exc).__name__}: {exc}"}
    connection.send(outcome)
    connection.close()


def _start(context, case):
    receiver, sender = context.Pipe(duplex=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "fork() in a multi-threaded process" (3.12+)
        process = context.Process(target=_child, args=(case, sender), daemon=True)
        process.start()
    sender.close()
    return process, receiver, time.perf_counter()


def _finish(process, receiver):
    """The child's answer, or None if it has none (yet); the child is killed if it has none."""
    try:
        outcome = receiver.recv() if receiver.poll(0) else None
    except EOFError:  # the child died without an answer (a crash in compiled code)
        outcome = {"crashed": process.exitcode}
    if outcome is None:
        process.kill()
    process.join(5)
    receiver.close()
    return outcome


def run_many(cases, jobs=None):
    """Run `cases` in forked children, `jobs` at a time; {case id: outcome (None: killed)}.

    Each child is killed after `KILL_AFTER` seconds. The fixtures are made first, here, so that no
    child waits for a compile.
    """
    jobs = jobs or int(os.environ.get("NEURODYN_CATALOGUE_JOBS", "2"))
    for name in ("step", "result", "sine_result", "record", "mystery"):
        fixture(name)
    context = multiprocessing.get_context("fork")
    waiting, running, outcomes = list(cases), {}, {}
    while waiting or running:
        while waiting and len(running) < jobs:
            case = waiting.pop(0)
            running[case.id] = _start(context, case)
        ready = multiprocessing.connection.wait([r for _, r, _ in running.values()], timeout=0.5)
        now = time.perf_counter()
        for case_id, (process, receiver, started) in list(running.items()):
            if receiver in ready or now - started > KILL_AFTER:
                outcomes[case_id] = _finish(process, receiver)
                del running[case_id]
    return outcomes


def run_bounded(case):
    """Run one `case` in a forked child; None if it gave no answer before `KILL_AFTER` seconds."""
    return run_many([case], jobs=1)[case.id]


_BRIAN2_VALUE = re.compile(r"\d\. [a-zA-Zµ]|\d\. \*")  # "60. ms", "2. * namp"
_SECOND_SENTENCE = re.compile(r"(?<!e\.g)(?<!i\.e)[.!?] +[A-Z]")
_LEAKS = re.compile(r"Traceback|File \"|\b\w+(Error|Exception|Mismatch)\b|\bkg\b|[a-zA-Z]\^-?\d|\b(Ys|us|Ysecond)\b")


def problems_of(case, outcome):
    """What is wrong with the answer `outcome` to `case` (an empty list: nothing)."""
    if outcome is None:
        return [f"no answer within {KILL_AFTER:g} s (killed)"]
    if "setup_error" in outcome:
        return [f"the catalogue could not set the case up ({outcome['setup_error']}): update the table"]
    if "crashed" in outcome:
        return [f"the process died (exit code {outcome['crashed']})"]
    found = []
    if outcome["elapsed"] > TIME_LIMIT:
        found.append(f"answered after {outcome['elapsed']:.1f} s (limit {TIME_LIMIT:g} s)")
    if case.expect == "works_or_error" and not outcome["raised"]:
        return found + ([] if outcome["is_current"] else [f"returned a {outcome['returned']}, not a current"])
    if case.expect == "feedback":
        if outcome["raised"]:
            return found + [f"raised {outcome['type']} instead of showing feedback: {outcome['message']}"]
        message = outcome["message"] or ""
        if outcome["status"] == "correct":
            found.append("the bad answer passed")
        # The feedback starts with a symbol and the question id ("❌ 01.rheobase: ..."); the
        # sentence is what follows.
        sentence = message.split(": ", 1)[1] if ": " in message else message
    else:
        if not outcome["raised"]:
            return found + [f"accepted silently (returned a {outcome['returned']})"]
        if not outcome["ours"]:
            found.append(outcome["why"])
        sentence = outcome["message"]
        message = sentence
    if "\n" in message:
        found.append("more than one line")
    if _SECOND_SENTENCE.search(sentence):
        found.append("more than one sentence")
    if _LEAKS.search(message):
        found.append(f"leaks internals ({_LEAKS.search(message).group(0)!r})")
    if _BRIAN2_VALUE.search(message):
        found.append(f"a value in Brian2's format ({_BRIAN2_VALUE.search(message).group(0)!r}; "
                     "_validation.format_value writes it as a student would)")
    if len(message) > 400:
        found.append(f"too long ({len(message)} characters)")
    names = {case.name, case.name.replace("_", " ")}
    if not any(re.search(rf"(?<![\w]){re.escape(n)}(?!\w)", message) for n in names):
        found.append(f"does not name {case.name!r}")
    return found


@pytest.fixture(scope="module")
def outcomes(request):
    """The outcomes of every selected case, run two at a time (NEURODYN_CATALOGUE_JOBS) up front."""
    selected = [item.callspec.params["case"] for item in request.session.items
                if getattr(item, "callspec", None) is not None and "case" in item.callspec.params
                and item.module is sys.modules[__name__]]
    return run_many(selected)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_one_sentence_naming_the_argument(case, outcomes):
    outcome = outcomes[case.id] if case.id in outcomes else run_bounded(case)
    found = problems_of(case, outcome)
    said = (outcome or {}).get("message")
    where = (outcome or {}).get("where", "")
    origin = f", raised at {where.split('neurodyn_lab/', 1)[-1]}" if "neurodyn_lab/" in where else ""
    assert not found, f"{case.id} ({case.owner}{origin}): {'; '.join(found)}. It said: {said!r}"


# ------------------------------------------------------------------------------ the table itself

def _public_names():
    names = []
    for module in PUBLIC_MODULES:
        mod = import_module(f"neurodyn_lab.{module}")
        names += [f"{module}.{name}" for name in mod.__all__]
    return names


def test_every_public_name_is_covered():
    covered = {c.target for c in CASES}
    missing = [name for name in _public_names()
               if name not in EXEMPT and not any(t == name or t.startswith(name + ".") for t in covered)]
    assert not missing, f"public names with no bad-input case and no exemption: {missing}"


def test_no_name_is_both_exempt_and_walked():
    walked = {c.target for c in CASES}
    both = sorted(name for name in EXEMPT if name in walked)
    assert not both, f"exempt names that have cases (drop the exemption): {both}"


def test_the_checks_can_fail():
    # The judge itself: each kind of defect is found.
    c = Case("inputs.step", {}, "amplitude", "x")
    good = {"raised": True, "message": "amplitude must be a current such as 2*nA, got 2 mV (a voltage).",
            "ours": True, "why": "", "elapsed": 0.01, "type": "builtins.TypeError", "where": ""}
    assert problems_of(c, good) == []
    assert problems_of(c, None)
    assert problems_of(c, {**good, "elapsed": 6.0})
    assert problems_of(c, {**good, "message": "amplitude must be a current\nsuch as 2*nA."})
    assert problems_of(c, {**good, "message": "amplitude must be a current, got 2. mV"})
    assert problems_of(c, {**good, "message": "Bad amplitude. Use nA."})
    assert problems_of(c, {**good, "message": "start must be a time, got 2 ms."})
    assert problems_of(c, {**good, "message": "amplitude: DimensionMismatchError: m^2 kg s^-3 A^-1."})
    assert problems_of(c, {**good, "ours": False, "why": "raised brian2 DimensionMismatchError"})
    assert problems_of(c, {"raised": False, "elapsed": 0.1, "returned": "Step", "message": None, "status": None,
                           "is_current": True})


def test_a_hang_is_reported_not_waited_for(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "KILL_AFTER", 1.0)
    start = time.perf_counter()
    outcome = run_bounded(Case("inputs.step", {"seconds": 60}, "seconds", "sleeps", call=lambda _, seconds: time.sleep(seconds)))
    assert outcome is None and time.perf_counter() - start < 10


if __name__ == "__main__":  # a table of the failing cases, by owner, for the lead
    failing = {}
    results = run_many(CASES)
    for c in CASES:
        found = problems_of(c, results[c.id])
        if found:
            where = (results[c.id] or {}).get("where", "")
            origin = f" [raised at {where.split('neurodyn_lab/', 1)[-1]}]" if "neurodyn_lab/" in where else ""
            failing.setdefault(c.owner, []).append((c.id + origin, "; ".join(found)))
    for owner, rows in sorted(failing.items()):
        print(f"\n## {owner}: {len(rows)} failing")
        for case_id, why in rows:
            print(f"- {case_id}: {why}")
    total = sum(len(rows) for rows in failing.values())
    print(f"\n{total} of {len(CASES)} cases fail")
    os._exit(1 if total else 0)
