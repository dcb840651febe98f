"""The engine: compiled once per structure, reused, explicit networks only."""

import gc

import brian2 as b2
import numpy as np
import pytest
from brian2 import Hz, mV, ms, nA

from neurodyn_lab import LIFParams, engine, inputs, simulate


def _step_structure():
    return engine.structure_of([inputs.step(1 * nA, 0 * ms, None)], 0.1, 1e-4)


def test_second_run_with_new_values_reuses_the_compiled_network():
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    structure = _step_structure()
    model = engine._models[structure]
    network, group = model.network, model.group
    code_objects = engine.code_objects_of(structure)
    compiled = [id(co.compiled_code.get("run")) for co in code_objects if hasattr(co, "compiled_code")]
    assert code_objects, "the compiled network keeps its code objects"

    # new LIF parameters, a new input and another duration: same objects, same compiled code
    other = simulate(inputs.step(5 * nA, 5 * ms, 30 * ms), 60 * ms,
                     params=LIFParams(tau=20 * ms, t_ref=1 * ms))
    assert engine._models[structure] is model
    assert model.network is network and model.group is group
    again = engine.code_objects_of(structure)
    assert [id(co) for co in again] == [id(co) for co in code_objects]
    assert [id(co.compiled_code.get("run")) for co in again if hasattr(co, "compiled_code")] == compiled
    # ... and the new values took effect
    assert other.spike_times[0] > 5 * ms and float(other.duration / ms) == 60
    assert group.variables["tau"].get_value()[0] == pytest.approx(0.020)


def test_each_input_combination_compiles_once():
    simulate(inputs.step(1 * nA, 0 * ms, None), 10 * ms)
    mixed = inputs.step(1 * nA, 0 * ms, None) + inputs.sinusoid(1 * nA, 10 * Hz) + inputs.ramp(0 * nA, 1 * nA, 0 * ms, 5 * ms)
    simulate(mixed, 10 * ms)
    before = list(engine.compiled_structures())
    models = dict(engine._models)
    # other values, same kinds of input: nothing new is built
    simulate(inputs.step(2 * nA, 3 * ms, 4 * ms), 20 * ms)
    simulate(inputs.ramp(0 * nA, 3 * nA, 1 * ms, 9 * ms) + inputs.sinusoid(2 * nA, 30 * Hz, phase=1)
             + inputs.step(-1 * nA, 2 * ms, 5 * ms), 15 * ms)
    assert engine.compiled_structures() == before
    assert all(engine._models[s] is models[s] for s in before)


def test_student_brian2_code_in_the_same_process_is_unaffected():
    b2.start_scope()
    default_dt = b2.defaultclock.dt
    group = b2.NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="exact")
    group.v = 1
    monitor = b2.StateMonitor(group, "v", record=0)
    first = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 30 * ms, dt=0.05 * ms)
    b2.run(5 * ms)  # the magic network sees only the student's objects
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 30 * ms)
    b2.run(5 * ms)
    assert len(monitor.t) == 100
    assert monitor.v[0][-1] == pytest.approx(np.exp(-(10 * ms - b2.defaultclock.dt) / (10 * ms)), rel=1e-6)
    assert b2.defaultclock.dt == default_dt
    assert first.dt == 0.05 * ms
    if "logging.warn_for_unused_objects" in b2.prefs:
        assert b2.prefs["logging.warn_for_unused_objects"] is True
    import brian2.core.network as network_module

    assert network_module.gc is gc


def test_ten_thousand_calls_in_one_process():
    p = LIFParams()
    counts = set()
    for k in range(10_000):
        result = simulate(inputs.step((1.5 + (k % 7)) * nA, 0 * ms, None), 1 * ms, params=p)
        counts.add(result.spike_count)
    assert len(engine._models) <= engine._CACHE_SIZE
    assert counts  # every call returned a result
    last = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    assert last.spike_count > 0


def test_dt_changes_are_honoured():
    coarse = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, dt=0.5 * ms)
    fine = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, dt=0.05 * ms)
    assert len(coarse.t) == 200 and len(fine.t) == 2000
    assert abs(coarse.spike_times[0] - fine.spike_times[0]) <= 0.5 * ms


def test_numpy_target_gives_the_same_physics(monkeypatch):
    from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

    cython_result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    monkeypatch.setattr(engine, "_target", NumpyCodeObject)
    monkeypatch.setattr(engine, "_models", type(engine._models)())
    numpy_result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    structure = next(iter(engine._models))
    code_objects = engine.code_objects_of(structure)
    assert code_objects and all(isinstance(co, NumpyCodeObject) for co in code_objects)
    np.testing.assert_allclose(np.asarray(numpy_result.v / mV), np.asarray(cython_result.v / mV), atol=1e-9)
    assert np.array_equal(numpy_result.spike_times, cython_result.spike_times)


@pytest.mark.parametrize("current", [
    inputs.step(3 * nA, 10 * ms, 60 * ms),
    inputs.sinusoid(2.5 * nA, 80 * Hz, offset=1 * nA) + inputs.step(1 * nA, 20 * ms, 30 * ms),
    inputs.noise(2.5 * nA, 1 * nA, 3 * ms, seed=5),
], ids=["step", "sinusoid+step", "noise"])
def test_engine_time_loop_equals_brian2_network_run(current, monkeypatch):
    p = LIFParams(t_ref=3 * ms)
    simulate(current, 5 * ms, params=p)  # compiled
    fast = simulate(current, 100 * ms, params=p)
    monkeypatch.setattr(engine, "_FAST_LOOP", False)
    reference = simulate(current, 100 * ms, params=p)
    assert reference.spike_count > 0
    assert np.array_equal(np.asarray(fast.v), np.asarray(reference.v))
    assert np.array_equal(np.asarray(fast.spike_times), np.asarray(reference.spike_times))


def test_without_a_compiler_the_numpy_target_is_used_with_one_warning(monkeypatch):
    from brian2.codegen.runtime.cython_rt import CythonCodeObject
    from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

    monkeypatch.setattr(CythonCodeObject, "is_available", classmethod(lambda cls: False))
    monkeypatch.setattr(engine, "_target", None)
    monkeypatch.delenv("NEURODYN_LAB_TARGET", raising=False)
    with pytest.warns(RuntimeWarning, match="no working C compiler") as record:
        assert engine.code_target() is NumpyCodeObject
        assert engine.code_target() is NumpyCodeObject
    assert len(record) == 1
