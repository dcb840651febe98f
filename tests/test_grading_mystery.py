"""mystery_neuron(): the same neuron for the same student, parameters in the physiological ranges the
notebook states, nothing that reveals them (attributes, repr, pickling, the module's globals, a
traceback), recordings with the stated noise, and a budget of recording time per kernel.
How well a careful experiment measures the parameters, and how the questions grade estimates, is
in tests/test_nb04_experiment.py."""

import copy
import pickle

import ipywidgets

import numpy as np
import pytest
from brian2 import Mohm, mV, ms, nA, pA, second

from neurodyn_lab import LIFParams, engine, inputs
from neurodyn_lab.grading import MysteryNeuron, grade, mystery, mystery_neuron, student
from neurodyn_lab.grading.framework import Tolerance
from neurodyn_lab.grading.mystery import BUDGET, NOISE, RANGES, BudgetExceeded, Lab, matches

from alive import instances
from test_grading_students import clean  # noqa: E402,F401 (an autouse fixture: no ids, attempts in tmp_path)


@pytest.fixture(autouse=True)
def fresh_lab():
    """Each test is a fresh kernel: a full budget for every neuron."""
    previous = mystery.set_default_lab(Lab())
    yield
    mystery.set_default_lab(previous)


def hidden_parameters(student_id):
    """The hidden parameters, as a determined student gets them: by wrapping the simulation the
    neuron calls (the package has no function that returns them)."""
    seen = []
    original = mystery.simulate

    def spy(current, duration, params=None, dt=None, **options):
        seen.append(params)
        return original(current, duration, params=params, dt=dt, **options)

    mystery.simulate = spy
    try:
        MysteryNeuron(student_id, lab=Lab()).simulate(inputs.zero(), 0.2 * ms)
    finally:
        mystery.simulate = original
    return seen[0]


def _values(params):
    return [float(np.asarray(getattr(params, name))) for name in LIFParams.field_names()]


def test_the_same_student_gets_the_same_neuron():
    assert hidden_parameters(42) == hidden_parameters("42") == hidden_parameters(" 0042 ") \
        == hidden_parameters(np.int64(42))
    assert hidden_parameters("s1234567") == hidden_parameters("s1234567")
    drawn = {tuple(_values(hidden_parameters(seed))) for seed in range(30)}
    assert len(drawn) == 30  # neighbours get different neurons
    student("s77")
    assert mystery_neuron().student == "s77"  # the notebook's student by default


def test_parameters_lie_in_the_physiological_ranges_the_notebook_states():
    drawn = [hidden_parameters(seed) for seed in range(200)]
    for p in drawn:
        assert RANGES["v_rest"][0] <= p.v_rest <= RANGES["v_rest"][1]
        assert RANGES["v_reset - v_rest"][0] - 1e-9 * mV <= p.v_reset - p.v_rest <= RANGES["v_reset - v_rest"][1] + 1e-9 * mV
        assert RANGES["v_threshold - v_rest"][0] - 1e-9 * mV <= p.v_threshold - p.v_rest \
            <= RANGES["v_threshold - v_rest"][1] + 1e-9 * mV
        for name in ("R", "tau", "t_ref"):
            assert RANGES[name][0] <= getattr(p, name) <= RANGES[name][1], name
        assert p.v_reset < p.v_threshold
    # ... and fill them (uniform draws: 200 neurons reach near both ends of every range).
    spread = {"v_rest": [p.v_rest for p in drawn], "R": [p.R for p in drawn], "tau": [p.tau for p in drawn],
              "t_ref": [p.t_ref for p in drawn]}
    for name, values in spread.items():
        low, high = RANGES[name]
        assert min(values) < low + 0.1 * (high - low) and max(values) > high - 0.1 * (high - low), name
    # The notebook states these ranges, in its table.
    import nbformat

    from neurodyn_lab.grading import build

    theory = next(c.source for c in nbformat.read(build.OUT / "04_mystery_neuron.ipynb", as_version=4).cells
                  if c.source.startswith("## A little theory"))
    for text in ("−75 … −60 mV", "10 … 25 mV above", "15 mV below … 5 mV above", "50 … 300 MΩ", "5 … 30 ms",
                 "1 … 5 ms", "1 mV", "10 s"):
        assert text in theory, text


def _forms(params):
    forms = set()
    for value, unit in zip(_values(params), (1e-3, 1e-3, 1e-3, 1e6, 1e-3, 1e-3)):
        x = value / unit
        forms |= {f"{x:g}", f"{x:.1f}", f"{x:.2f}", repr(value)}
    return {f for f in forms if len(f) >= 3}


def test_the_neuron_reveals_nothing_through_attributes_repr_vars_or_pickling():
    m = mystery_neuron(777)
    secret = _forms(hidden_parameters(777))
    assert isinstance(m, MysteryNeuron)
    assert dir(m) == ["budget", "simulate", "student"]
    assert not [f for f in secret if f in repr(m) + str(m) + repr(m.budget)]
    with pytest.raises(TypeError):
        vars(m)
    with pytest.raises(AttributeError):
        m.__dict__  # noqa: B018
    for name in ("params", "_params", "tau", "v_rest", "parameters"):
        assert not hasattr(m, name)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(m)
    assert copy.copy(m) is m and copy.deepcopy(m) is m
    with pytest.raises(AttributeError, match="cannot be changed"):
        m.tau = 5 * ms
    with pytest.raises(AttributeError):
        m._seed = 1
    assert m.student == "777"


def test_no_function_in_the_modules_globals_returns_the_parameters():
    secret = hidden_parameters("s5")
    m = mystery_neuron("s5")
    namespace = type(m).simulate.__globals__
    assert "_parameters" not in namespace and "draw" not in namespace
    for name, value in namespace.items():
        if callable(value) and getattr(value, "__module__", None) == mystery.__name__ and name != "mystery_neuron":
            for args in (("s5",), (m,), ()):
                try:
                    out = value(*args)
                except Exception:
                    continue
                assert not isinstance(out, LIFParams) or out != secret, name
    # matches() answers yes or no, never the value.
    assert matches("s5", "tau", float(secret.tau), Tolerance(rel=0.01)) is True
    assert matches("s5", "tau", float(secret.tau) * 2, Tolerance(rel=0.01)) is False


def test_a_traceback_from_a_mystery_check_holds_no_parameter(kernel_env):
    import sys

    secret = hidden_parameters("s9")
    kernel_env(NEURODYN_LAB_STRICT="1")
    student("s9")
    from neurodyn_lab.grading import CheckFailed, check

    try:
        check("04.tau", (500 * ms, 1 * ms))
    except CheckFailed:
        tb = sys.exc_info()[2].tb_next  # the frames inside check (the first is this test's own)
    assert tb is not None
    values = []
    while tb is not None:
        values += list(tb.tb_frame.f_locals.values())
        tb = tb.tb_next
    assert not [v for v in values if isinstance(v, LIFParams)]
    assert float(secret.tau) not in [v for v in values if isinstance(v, float)]


@pytest.mark.parametrize("current", [inputs.step(50 * pA, 10 * ms, 100 * ms),
                                     inputs.noise(0.2 * nA, 0.1 * nA, 5 * ms, seed=1)], ids=["step", "noise"])
def test_results_carry_no_parameters_and_the_engine_keeps_none(current):
    m = mystery_neuron(777)
    secret = hidden_parameters(777)
    result = m.simulate(current, 120 * ms)
    assert not hasattr(result, "params")
    assert b"LIFParams" not in pickle.dumps(result)
    assert not [f for f in _forms(secret) if f in repr(result)]
    fig = result.plot()
    assert len(fig.axes) == 2 and not [line for line in fig.axes[0].lines if len(set(line.get_ydata())) == 1
                                       and len(line.get_ydata()) > 2]  # no threshold line
    # The engine the notebook shares never runs an experiment (the mystery neurons have their own),
    # so none of its networks ever holds the mystery values.
    shared = engine.default_engine()
    runs = shared.runs
    again = m.simulate(current, 120 * ms)
    assert shared.runs == runs and again.spike_count == result.spike_count


def test_results_are_like_simulates_with_noise_on_the_voltage_only():
    m = mystery_neuron(5)
    r = m.simulate(inputs.step(2 * nA, 10 * ms, None), 50 * ms)
    assert len(r.t) == len(r.v) == len(r.I) == 500
    assert r.spike_count > 0 and r.spike_count == len(r.spike_times)
    assert float(r.firing_rate * r.duration) == pytest.approx(r.spike_count)
    assert r.I[200] == 2 * nA and r.I[50] == 0 * nA and r.dt == 0.1 * ms  # the current is exact
    rest = m.simulate(inputs.zero(), 1000 * ms)
    noise = np.asarray((rest.v - hidden_parameters(5).v_rest) / mV)
    # White Gaussian noise of the stated size: sd within 3 % of NOISE, mean within 4 standard errors
    # of zero, no correlation between neighbouring samples, Gaussian tails.
    assert abs(noise.std() / float(NOISE / mV) - 1) < 0.03
    assert abs(noise.mean()) < 4 * float(NOISE / mV) / np.sqrt(noise.size)
    assert abs(np.corrcoef(noise[:-1], noise[1:])[0, 1]) < 0.05
    assert 0.6 < np.mean(np.abs(noise) < float(NOISE / mV)) < 0.76  # 68 % within one sd


def test_noise_is_the_same_in_a_new_run_and_new_for_a_repeat_within_one():
    stimulus = inputs.step(30 * pA, 10 * ms, 60 * ms)
    first_run = MysteryNeuron("s42", lab=Lab())
    a, b = first_run.simulate(stimulus, 80 * ms), first_run.simulate(stimulus, 80 * ms)
    second_run = MysteryNeuron("s42", lab=Lab())  # Restart and Run All: a new kernel, a new Lab
    c, d = second_run.simulate(stimulus, 80 * ms), second_run.simulate(stimulus, 80 * ms)
    assert np.array_equal(a.v, c.v) and np.array_equal(b.v, d.v)  # a re-run gives the same traces
    assert not np.array_equal(a.v, b.v)  # a repeat gets new noise ...
    difference = np.asarray((a.v - b.v) / mV)
    assert abs(difference.std() / (np.sqrt(2) * float(NOISE / mV)) - 1) < 0.1  # ... independent of the first
    # Another stimulus or another student: other noise; the same stimulus written otherwise: the same.
    other = MysteryNeuron("s43", lab=Lab()).simulate(stimulus, 80 * ms)
    assert not np.allclose(np.asarray((a.v - other.v) / mV) - np.mean(np.asarray((a.v - other.v) / mV)), 0, atol=0.5)
    same = MysteryNeuron("s42", lab=Lab()).simulate(inputs.step(0.03 * nA, 10 * ms, 60 * ms), 80 * ms)
    assert np.array_equal(same.v, a.v)


def test_the_budget_is_counted_per_kernel_shown_and_enforced_with_one_sentence():
    m = mystery_neuron("s3")
    assert m.budget.total == BUDGET == 10 * second and m.budget.left == BUDGET
    m.simulate(inputs.zero(), 4 * second)
    m.simulate(inputs.step(20 * pA), 3.5 * second)
    assert m.budget.spent == 7.5 * second and m.budget.left == 2.5 * second
    assert "2.5 s left" in repr(m.budget) and "2.5 s of recording left" in repr(m)
    # Another mystery_neuron() in the same kernel shares the budget (no fresh budget by asking again) ...
    assert mystery_neuron("s3").budget.left == 2.5 * second
    # ... a neighbour's neuron has its own.
    assert mystery_neuron("s4").budget.left == BUDGET
    with pytest.raises(BudgetExceeded) as info:
        m.simulate(inputs.zero(), 3 * second)
    message = str(info.value)
    assert "\n" not in message and message.count(". ") == 0
    for fragment in ("would record 3000 ms", "only 2.5 s of your 10 s budget is left", "m.budget",
                     "Restart and Run All"):
        assert fragment in message, message
    assert m.budget.left == 2.5 * second  # a refused experiment costs nothing
    m.simulate(inputs.zero(), 2.5 * second)  # exactly what is left is allowed
    assert m.budget.left == 0 * second
    with pytest.raises(BudgetExceeded):
        m.simulate(inputs.zero(), 0.1 * ms)
    # A new kernel (a new Lab) starts with a full budget: the autograder's run of the notebook.
    mystery.set_default_lab(Lab())
    assert mystery_neuron("s3").budget.left == BUDGET


@pytest.mark.parametrize("call, error, fragments", [
    (lambda: mystery_neuron(3.5), TypeError, ["student_id must be a student id", "e.g. \"s1234567\"", "3.5"]),
    (lambda: mystery_neuron([1]), TypeError, ["student_id must be", "(a list of"]),
    (lambda: mystery_neuron("  "), ValueError, ["student_id must be", "empty text"]),
    (lambda: mystery_neuron(True), TypeError, ["student_id must be", "True"]),
    (lambda: mystery_neuron(1).simulate(2 * mV, 100 * ms), TypeError, ["current must be", "2*nA", "got 2"]),
    (lambda: mystery_neuron(1).simulate(inputs.zero(), 100), TypeError, ["duration must be", "300*ms", "100"]),
    (lambda: mystery_neuron(1).simulate(inputs.zero(), -5 * ms), ValueError, ["duration must be positive"]),
    (lambda: mystery_neuron(1).simulate(inputs.zero(), 10 * second), ValueError, ["at most 5 s", "got 10000 ms"]),
    (lambda: MysteryNeuron(1, lab="lab"), TypeError, ["lab must be a Lab", "Lab(budget=10*second)", "str"]),
    (lambda: Lab(budget=10), TypeError, ["budget must be", "10*second"]),
    (lambda: Lab(budget=-1 * second), ValueError, ["budget must be positive"]),
    (lambda: mystery.set_default_lab(None), TypeError, ["lab must be a Lab", "NoneType"]),
])
def test_bad_input_gets_one_clear_sentence(call, error, fragments):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message


def test_an_estimate_for_ones_own_neuron_is_wrong_for_a_neighbours():
    # The same numbers, honest for s3's neuron, fail for a neighbour's on almost every parameter.
    own, neighbour = hidden_parameters("s3"), "s3-neighbour"
    student(neighbour)
    answers = {"v_rest": (own.v_rest, 0.03 * mV), "R": (own.R, 0.005 * own.R), "tau": (own.tau, 0.01 * own.tau),
               "v_threshold": (own.v_threshold, 0.06 * mV), "v_reset": (own.v_reset, 0.03 * mV),
               "t_ref": (own.t_ref, 0.02 * ms)}
    assert sum(not grade(f"04.{name}", answer).passed for name, answer in answers.items()) >= 5
    student("s3")
    assert all(grade(f"04.{name}", answer).passed for name, answer in answers.items())


@pytest.mark.parametrize("multiple", [1, 0.5, True, "1.5", None])
def test_rate_matches_refuses_a_multiple_that_is_no_number_above_one(multiple):
    with pytest.raises(ValueError, match="multiple must be a number larger than 1 .times the rheobase, e.g. 1.5."):
        mystery.rate_matches("s1", multiple, 10.0, Tolerance(rel=0.1))


def test_matches_refuses_an_unknown_parameter_name():
    with pytest.raises(ValueError, match="name must be one of v_rest, v_reset"):
        matches("s1", "C", 1.0, Tolerance(rel=0.1))
    assert matches(None, "R", float(hidden_parameters(None).R), Tolerance(rel=1e-9))
    assert 50 * Mohm <= hidden_parameters(None).R <= 300 * Mohm


# --------------------------------------------------------------- the traces on the canvas view


def test_the_traces_show_in_the_browser_drawn_view_with_the_same_png_beside():
    """In the canvas view a result's plot() is shown as a canvas widget drawn from the figure, and
    its display carries the matplotlib PNG for front ends without widgets (nbconvert, the docs)."""
    import base64
    import json

    m = mystery_neuron(777)
    result = m.simulate(inputs.step(0.5 * nA, 10 * ms, 200 * ms), 250 * ms)
    assert result.spike_count > 0
    fig = result.plot(view="canvas")
    bundle, _metadata = fig._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == fig._repr_png_()  # the PNG as before
    model_id = bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    [canvas] = [o for o in instances(ipywidgets.Widget) if getattr(o.comm, "comm_id", None) == model_id]
    frame = canvas.frame
    v_axes, i_axes = frame["axes"]
    # What is drawn: v(t) and the spike markers above I(t), the title and the text alternative; no
    # threshold or resting line (finding them is the exercise), nothing of the hidden parameters.
    assert [s["coords"] for s in v_axes["series"]] == ["data", "xaxis"]
    assert [entry["label"] for entry in v_axes["legend"]] == ["v(t)", "spikes"]
    assert v_axes["title"] == f"mystery neuron: {result.spike_count} spikes in 250 ms" and v_axes["titlepad"] == 22
    spikes = v_axes["series"][1]["x"]
    assert len(np.frombuffer(canvas.arrays[spikes], dtype=np.float32)) == result.spike_count
    assert frame["label"].startswith("Plot of v(t) above I(t) over 250 ms") and frame["label"] == fig.label
    assert (frame["width"], frame["height"]) == (700, 450)  # the PNG's size
    assert "LIFParams" not in json.dumps(frame)
    # 2500 samples, thinned to two points per pixel column, the extremes of the noisy trace kept.
    v = np.frombuffer(canvas.arrays[v_axes["series"][0]["y"]], dtype=np.float32)
    assert len(v) < 2 * 610 and v.max() == np.float32(result.v.max() / mV) and v.min() == np.float32(result.v.min() / mV)
    canvas.close()
    assert canvas.comm is None and canvas.layout.comm is None


def test_the_traces_are_the_static_png_outside_a_kernel_and_in_the_image_view():
    result = mystery_neuron(5).simulate(inputs.step(30 * pA, 10 * ms, 60 * ms), 80 * ms)
    for fig in (result.plot(), result.plot(view="image")):
        assert fig._repr_mimebundle_() is None  # Jupyter then shows _repr_png_, as for any figure
        assert fig._repr_png_()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="view must be one of 'auto', 'canvas', 'ipympl', 'image', got"):
        result.plot(view="svg")
