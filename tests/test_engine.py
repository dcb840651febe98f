"""The engine: compiled once per structure, reused, explicit networks only, and a fenced fast path
that checks itself against Brian2's Network.run and falls back to it with one warning."""

import gc
import logging
import warnings

import brian2 as b2
import numpy as np
import pytest
from brian2 import Hz, mV, ms, nA, second

from neurodyn_lab import LIFParams, engine, inputs, simulate
from neurodyn_lab.engine import _core, _fastpath


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
    assert engine.fast_path_active(structure)

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

    assert network_module.gc is gc  # swapped only inside our own Network.run calls


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
    # spike times are exact within a step: the same for both
    assert abs(coarse.spike_times[0] - fine.spike_times[0]) < 1e-6 * ms


def test_numpy_target_gives_the_same_physics(monkeypatch):
    from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

    cython_result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    monkeypatch.setattr(_core, "_target", NumpyCodeObject)
    monkeypatch.setattr(_core, "_models", type(_core._models)())
    numpy_result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    structure = next(iter(_core._models))
    code_objects = _fastpath.code_objects(_core._models[structure].network)
    assert code_objects and all(isinstance(co, NumpyCodeObject) for co in code_objects)
    np.testing.assert_allclose(np.asarray(numpy_result.v / mV), np.asarray(cython_result.v / mV), atol=1e-9)
    np.testing.assert_allclose(np.asarray(numpy_result.spike_times / ms), np.asarray(cython_result.spike_times / ms),
                               atol=1e-9)


CURRENTS = {
    "step": inputs.step(3 * nA, 10 * ms, 60 * ms),
    "sinusoid+step": inputs.sinusoid(2.5 * nA, 80 * Hz, offset=1 * nA) + inputs.step(1 * nA, 20 * ms, 30 * ms),
    "noise": inputs.noise(2.5 * nA, 1 * nA, 3 * ms, seed=5),
}


def _big_recordings_are_released(monkeypatch):
    monkeypatch.setattr(_core, "_KEEP_RECORDED", 0)


def _public_path(monkeypatch):
    """A fresh model cache whose models use Brian2's Network.run only."""
    monkeypatch.setattr(_core, "_models", type(_core._models)())
    monkeypatch.setattr(_core, "_checked", {})
    monkeypatch.setattr(_fastpath, "ENABLED", False)


@pytest.mark.parametrize("name", CURRENTS)
def test_engine_time_loop_equals_brian2_network_run(name, monkeypatch):
    current = CURRENTS[name]
    p = LIFParams(t_ref=3 * ms)
    simulate(current, 5 * ms, params=p)  # compiled
    fast = simulate(current, 100 * ms, params=p)
    assert engine.fast_path_active(engine.structure_of([current], 0.1, 1e-4))
    _public_path(monkeypatch)
    reference = simulate(current, 100 * ms, params=p)
    assert not engine.fast_path_active(engine.structure_of([current], 0.1, 1e-4))
    assert reference.spike_count > 0
    assert np.array_equal(np.asarray(fast.v), np.asarray(reference.v))
    assert np.array_equal(np.asarray(fast.spike_times), np.asarray(reference.spike_times))


def _copying_init_2d(original):
    def init_2d(self):
        original(self)
        # what a release that copies its values would do: the compiled code keeps the first ones
        self.values = self.values.copy()
    return init_2d


# Each internal the fast path uses, broken as a future Brian2 might break it: missing, or
# returning wrong data.
BREAKS = {
    "_code_objects missing": lambda mp: mp.setattr(_fastpath, "_code_objects", lambda obj: obj._code_objects_v3),
    "compiled main missing": lambda mp: mp.setattr(_fastpath, "_main_of", lambda co: co.compiled_code["main"].run),
    "compiled main does nothing": lambda mp: mp.setattr(_fastpath, "_main_of", lambda co: lambda namespace: None),
    "get_value returns a copy": lambda mp: mp.setattr(_fastpath, "_array", lambda var: var.get_value().copy()),
    "TimedArray copies its values": lambda mp: mp.setattr(b2.TimedArray, "_init_2d",
                                                          _copying_init_2d(b2.TimedArray._init_2d)),
    "no gc in brian2.core.network": lambda mp: mp.setattr(_fastpath, "_gc_holder", lambda: object()),
    "monitor arrays cannot shrink": lambda mp: mp.setattr(_fastpath, "_dynamic_array", lambda var: None),
    "no spike space": lambda mp: mp.setattr(_fastpath, "_event_count", lambda group: group.variables["_events"]),
    "spike count is a copy": lambda mp: mp.setattr(_fastpath, "_event_count",
                                                   lambda group: group.variables["_spikespace"].get_value().copy()),
}


@pytest.mark.parametrize("name", BREAKS)
def test_a_broken_internal_gives_correct_results_and_one_warning(name, monkeypatch):
    p = LIFParams(t_ref=1 * ms)
    noise, step = CURRENTS["noise"], CURRENTS["sinusoid+step"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _public_path(monkeypatch)
        expected = [simulate(c, 100 * ms, params=p) for c in (noise, step)]
    monkeypatch.setattr(_core, "_models", type(_core._models)())
    monkeypatch.setattr(_core, "_checked", {})
    monkeypatch.setattr(_fastpath, "ENABLED", True)
    monkeypatch.setattr(_fastpath, "_warned", False)
    _big_recordings_are_released(monkeypatch)
    BREAKS[name](monkeypatch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = [simulate(c, 100 * ms, params=p) for c in (noise, step, noise, step)]
    fast_path_warnings = [w for w in caught if issubclass(w.category, _fastpath.FastPathWarning)]
    assert len(fast_path_warnings) == 1, [str(w.message) for w in caught]
    assert "brian2" in str(fast_path_warnings[0].message)
    for result, reference in zip(got, expected + expected):
        assert reference.spike_count > 0
        np.testing.assert_allclose(np.asarray(result.v / mV), np.asarray(reference.v / mV), rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.asarray(result.spike_times / ms), np.asarray(reference.spike_times / ms),
                                   rtol=0, atol=1e-12)


def test_the_fast_loop_calls_the_networks_after_run_hooks(monkeypatch):
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * ms)
    calls = []
    original = b2.StateMonitor.after_run
    monkeypatch.setattr(b2.StateMonitor, "after_run", lambda self: calls.append(self.name) or original(self))
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * ms)
    assert engine.fast_path_active(engine.structure_of([inputs.step(1 * nA)], 0.02, 1e-4))
    assert calls == ["ndl_trace"]


def test_compiled_code_does_not_depend_on_the_number_of_neurons(monkeypatch):
    from brian2.codegen.runtime.cython_rt import CythonCodeObject
    from brian2.codegen.runtime.cython_rt.extension_manager import cython_extension_manager

    if engine.code_target() is not CythonCodeObject:
        pytest.skip("the numpy target compiles nothing")
    engine.warm_up([("f-I curves", [inputs.step(1 * nA)] * 2, False)])
    compiles = []
    original = cython_extension_manager._load_module
    monkeypatch.setattr(cython_extension_manager, "_load_module",
                        lambda *a, **k: compiles.append(a[-2] if len(a) > 2 else k) or original(*a, **k))
    from neurodyn_lab import analysis

    analysis.fi_curve(np.linspace(0, 5, 81) * nA, duration=20 * ms)  # the FICurvePanel's default size
    assert compiles == []
    two = engine.structure_of([inputs.step(1 * nA)] * 2, 0.02, 1e-4, record_v=False)
    many = engine.structure_of([inputs.step(1 * nA)] * 81, 0.02, 1e-4, record_v=False)
    assert two.code_key == many.code_key and engine.fast_path_active(many)
    assert len(engine.code_objects_of(two)) == len(engine.code_objects_of(many))


def test_warm_up_runs_the_jobs_it_is_given():
    seen = []
    jobs = [("steps", [inputs.step(1 * nA)], True), ("two sinusoids", [inputs.sinusoid(1 * nA, 10 * Hz)] * 2, False)]
    seconds = engine.warm_up(jobs, progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen == [(1, 2, "steps"), (2, 2, "two sinusoids")] and seconds >= 0
    assert engine.structure_of(jobs[1][1], 0.002, 1e-4, record_v=False) in engine.compiled_structures()


def test_a_current_without_terms_is_refused():
    class Forgetful(inputs.Current):
        def _value(self, t):
            return np.ones_like(t) * 1e-9

        def _integral(self, t):
            return t * 1e-9

    with pytest.raises(TypeError, match="Forgetful is a Current the engine cannot simulate"):
        simulate(Forgetful(), 10 * ms)


def test_a_new_input_kind_touches_one_class():
    class Offset(inputs.Current):
        """A constant current: the whole contract in one class."""
        variables = {"amp": "amp"}

        def __init__(self, amplitude):
            self.amplitude = float(amplitude / b2.amp)

        def terms(self, p):
            return [f"{p}_amp"]

        def values(self):
            return {"amp": self.amplitude}

        @classmethod
        def idle(cls):
            return cls(0 * nA)

        @classmethod
        def example(cls):
            return cls(3 * nA)

        def scaled(self, factor):
            return Offset(self.amplitude * factor * b2.amp)

        def _value(self, t):
            return np.full_like(t, self.amplitude)

        def _integral(self, t):
            return self.amplitude * t

    p = LIFParams()
    new = simulate(Offset(1.5 * nA), 50 * ms, params=p)
    old = simulate(inputs.step(1.5 * nA), 50 * ms, params=p)
    np.testing.assert_allclose(np.asarray(new.v / mV), np.asarray(old.v / mV), atol=1e-9)


def test_each_cached_model_releases_its_recording():
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * second)  # 200 000 samples, 1.6 MB
    model = engine._models[_step_structure()]
    assert len(model.trace.t_) == 0 and model.trace.variables["v"].get_value().size == 0
    assert len(model.spikes.t_) == 0


def test_sampled_table_rows_is_the_rule_the_engine_uses():
    current = inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=1)
    for duration in (0.1, 0.5, 2.0):
        assert engine.structure_of([current], duration, 1e-4).sampled_rows == engine.sampled_table_rows(duration, 1e-4)
    assert engine.sampled_table_rows(0.4095, 1e-4) == 4096 and engine.sampled_table_rows(0.4096, 1e-4) == 8192


def test_a_standalone_device_is_left_alone_with_one_sentence(tmp_path):
    from brian2.devices.device import get_device, reset_device

    simulate(inputs.step(3 * nA), 10 * ms)
    b2.set_device("cpp_standalone", directory=str(tmp_path), build_on_run=False)
    try:
        device = get_device()
        with pytest.raises(RuntimeError, match=r"^neurodyn_lab cannot simulate while Brian2's device is "
                                               r"CPPStandaloneDevice .*set_device\('runtime'\)"):
            simulate(inputs.step(3 * nA), 10 * ms)
        assert get_device() is device
        assert not [name for name in device.arrays if getattr(name, "owner", None) is not None
                    and str(getattr(name.owner, "name", "")).startswith("ndl_")]
    finally:
        reset_device("runtime")
        get_device().reinit() if hasattr(get_device(), "reinit") else None
    assert simulate(inputs.step(3 * nA), 10 * ms).spike_count > 0


def test_without_a_compiler_the_numpy_target_is_used_with_one_warning(monkeypatch):
    from brian2.codegen.runtime.cython_rt import CythonCodeObject
    from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

    monkeypatch.setattr(CythonCodeObject, "is_available", classmethod(lambda cls: False))
    monkeypatch.setattr(_core, "_target", None)
    monkeypatch.delenv("NEURODYN_LAB_TARGET", raising=False)
    with pytest.warns(RuntimeWarning, match="no working C compiler") as record:
        assert engine.code_target() is NumpyCodeObject
        assert engine.code_target() is NumpyCodeObject
    assert len(record) == 1


def test_building_and_running_a_model_logs_nothing_for_the_student():
    """Brian2 warnings (e.g. 'threshold but no reset') would land on the student's screen."""
    from brian2.utils.logger import catch_logs

    # an input combination no other test builds, so the network is made inside the block
    current = inputs.step(1 * nA, 2 * ms, 4 * ms) + inputs.step(1 * nA, 5 * ms, 6 * ms) \
        + inputs.step(1 * nA, 7 * ms, 8 * ms) + inputs.sinusoid(0.1 * nA, 50 * Hz)
    with catch_logs(log_level=logging.WARNING) as logs:
        result = simulate(current, 20 * ms)
        simulate(current * 2, 20 * ms)
    assert result.duration == 20 * ms
    assert logs == [], logs
