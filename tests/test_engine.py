"""The engine: compiled once per structure, reused, explicit networks only, and a fenced fast path
that checks itself against Brian2's Network.run and falls back to it with one warning.

Each test that looks at what an engine keeps makes its own `Engine` (no private name of the
package is patched): a new engine starts from nothing, like a fresh interpreter.
"""

import gc
import logging
import threading
import warnings

import brian2 as b2
import numpy as np
import pytest
from brian2 import Hz, mV, ms, nA, pcoulomb, second

from neurodyn_lab import LIFParams, analysis, engine, inputs, simulate
from neurodyn_lab.engine import Brian2Internals, Engine, FastPathWarning, RunSpec


def _step_structure(duration=0.1):
    return engine.structure_of([inputs.step(1 * nA, 0 * ms, None)], duration, 1e-4)


def _compiled_ids(code_objects):
    return [id(co.compiled_code.get("run")) for co in code_objects if hasattr(co, "compiled_code")]


def test_a_pulse_is_fine_as_the_first_run_of_an_engine():
    """Issue 17: a pulse first made every later step fail (Pulse inherited Step's idle())."""
    e = Engine()
    pulse = simulate(inputs.pulse(charge=4 * pcoulomb, duration=0.5 * ms, start=10 * ms), 40 * ms, engine=e)
    assert pulse.spike_count == 0  # 4 pC from rest: dv = R I (1 - exp(-w/tau)) = 4.8 mV < 20 mV
    step = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, engine=e)
    # book: first spike T1 = tau ln(R I / (R I - 20 mV)) after the onset
    assert float(step.spike_times[0] / ms) == pytest.approx(10 + 8 * np.log(30 / 10), abs=1e-6)
    assert e.runs == 2


def test_second_run_with_new_values_reuses_the_compiled_network():
    e = Engine()
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, engine=e)
    structure = _step_structure()
    code_objects = e.code_objects_of(structure)
    compiled = _compiled_ids(code_objects)
    assert code_objects, "the compiled network keeps its code objects"
    assert e.fast_path_active(structure)

    # new LIF parameters, a new input and another duration: same objects, same compiled code
    other = simulate(inputs.step(5 * nA, 5 * ms, 30 * ms), 60 * ms, params=LIFParams(tau=20 * ms, t_ref=1 * ms),
                     engine=e)
    assert e.compiled_structures() == [structure]
    again = e.code_objects_of(structure)
    assert [id(co) for co in again] == [id(co) for co in code_objects]
    assert _compiled_ids(again) == compiled
    # ... and the new values took effect
    assert other.spike_times[0] > 5 * ms and float(other.duration / ms) == 60
    assert e.held_values(structure)["tau"] == pytest.approx(0.020)


def test_each_input_combination_compiles_once():
    e = Engine()
    simulate(inputs.step(1 * nA, 0 * ms, None), 10 * ms, engine=e)
    mixed = inputs.step(1 * nA, 0 * ms, None) + inputs.sinusoid(1 * nA, 10 * Hz) + inputs.ramp(0 * nA, 1 * nA, 0 * ms, 5 * ms)
    simulate(mixed, 10 * ms, engine=e)
    before = e.compiled_structures()
    objects = {s: [id(co) for co in e.code_objects_of(s)] for s in before}
    # other values, same kinds of input: nothing new is built
    simulate(inputs.step(2 * nA, 3 * ms, 4 * ms), 20 * ms, engine=e)
    simulate(inputs.ramp(0 * nA, 3 * nA, 1 * ms, 9 * ms) + inputs.sinusoid(2 * nA, 30 * Hz, phase=1)
             + inputs.step(-1 * nA, 2 * ms, 5 * ms), 15 * ms, engine=e)
    assert e.compiled_structures() == before and len(before) == 2
    assert all([id(co) for co in e.code_objects_of(s)] == objects[s] for s in before)


def test_a_step_and_a_pulse_share_one_model():
    e = Engine()
    simulate(inputs.pulse(charge=16 * pcoulomb, duration=0.1 * ms, start=5 * ms), 20 * ms, engine=e)
    simulate(inputs.step(3 * nA, 2 * ms, 8 * ms), 20 * ms, engine=e)
    assert len(e.compiled_structures()) == 1


def test_engines_keep_nothing_in_common():
    first, second_engine = Engine(), Engine(fast_path=False)
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * ms, engine=first)
    assert second_engine.compiled_structures() == [] and second_engine.runs == 0
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * ms, engine=second_engine)
    structure = _step_structure(0.02)
    assert first.fast_path_active(structure) and not second_engine.fast_path_active(structure)
    assert first.runs == second_engine.runs == 1


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


def test_two_engines_in_two_threads_leave_brian2_as_they_found_it():
    """The gc swap is process-wide: made and undone under one lock, whichever engine runs."""
    import brian2.core.network as network_module

    results, errors = {}, []

    def work(name):
        try:
            e = Engine(fast_path=False)  # every run through Network.run, i.e. through the swap
            results[name] = [simulate(inputs.step((2.5 + k) * nA, 1 * ms, None), 30 * ms, engine=e).spike_count
                             for k in range(3)]
        except Exception as exc:  # reported below
            errors.append(exc)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        threads = [threading.Thread(target=work, args=(name,)) for name in "ab"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert not errors, errors
    assert results["a"] == results["b"] and results["a"][-1] > 0
    assert network_module.gc is gc
    assert not [w for w in caught if issubclass(w.category, FastPathWarning)]


def test_ten_thousand_calls_in_one_process():
    e = Engine(cache_size=3)
    p = LIFParams()
    counts = set()
    for k in range(10_000):
        result = simulate(inputs.step((1.5 + (k % 7)) * nA, 0 * ms, None), 1 * ms, params=p, engine=e)
        counts.add(result.spike_count)
    assert counts == {0}  # 1 ms: T1 >= 8 ln(85/65) = 2.1 ms even at 8.5 nA
    for kind in (inputs.sinusoid(1 * nA, 50 * Hz), inputs.ramp(0 * nA, 1 * nA, 0 * ms, 5 * ms),
                 inputs.noise(1 * nA, 0.1 * nA, 2 * ms, seed=1)):
        simulate(kind, 10 * ms, engine=e)
    assert len(e.compiled_structures()) <= e.cache_size == 3
    last = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, engine=e)
    assert last.spike_count == 5 and e.runs == 10_004


def test_dt_changes_are_honoured():
    coarse = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, dt=0.5 * ms)
    fine = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, dt=0.05 * ms)
    assert len(coarse.t) == 200 and len(fine.t) == 2000
    # spike times are exact within a step: the same for both
    assert abs(coarse.spike_times[0] - fine.spike_times[0]) < 1e-6 * ms


def test_numpy_target_gives_the_same_physics():
    from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

    cython_result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)
    e = Engine(target="numpy")
    numpy_result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, engine=e)
    assert e.code_target() is NumpyCodeObject
    code_objects = e.code_objects_of(_step_structure())
    assert code_objects and all(isinstance(co, NumpyCodeObject) for co in code_objects)
    np.testing.assert_allclose(np.asarray(numpy_result.v / mV), np.asarray(cython_result.v / mV), atol=1e-9)
    np.testing.assert_allclose(np.asarray(numpy_result.spike_times / ms), np.asarray(cython_result.spike_times / ms),
                               atol=1e-9)


CURRENTS = {
    "step": inputs.step(3 * nA, 10 * ms, 60 * ms),
    "sinusoid+step": inputs.sinusoid(2.5 * nA, 80 * Hz, offset=1 * nA) + inputs.step(1 * nA, 20 * ms, 30 * ms),
    "noise": inputs.noise(2.5 * nA, 1 * nA, 3 * ms, seed=5),
    "pulse+ramp": inputs.pulse(charge=30 * pcoulomb, duration=1 * ms, start=5 * ms)
    + inputs.ramp(0 * nA, 4 * nA, 20 * ms, 90 * ms),
}


@pytest.mark.parametrize("name", CURRENTS)
def test_engine_time_loop_equals_brian2_network_run(name):
    current = CURRENTS[name]
    p = LIFParams(t_ref=3 * ms)
    fast_engine, public_engine = Engine(), Engine(fast_path=False)
    simulate(current, 5 * ms, params=p, engine=fast_engine)  # compiled
    fast = simulate(current, 100 * ms, params=p, engine=fast_engine)
    reference = simulate(current, 100 * ms, params=p, engine=public_engine)
    structure = engine.structure_of([current], 0.1, 1e-4)
    assert fast_engine.fast_path_active(structure) and not public_engine.fast_path_active(structure)
    assert reference.spike_count > 0
    assert np.array_equal(np.asarray(fast.v), np.asarray(reference.v))
    assert np.array_equal(np.asarray(fast.spike_times), np.asarray(reference.spike_times))


# Each internal the fast path uses, broken as a future Brian2 might break it: missing, or
# returning wrong data. The engine is handed the broken internals; nothing is patched.
class _NoCodeObjects(Brian2Internals):
    def code_objects(self, obj):
        return list(obj._code_objects_v3)


class _NoMain(Brian2Internals):
    def main_of(self, code_object):
        return code_object.compiled_code["main"].run


class _IdleMain(Brian2Internals):
    def main_of(self, code_object):
        return lambda namespace: None


class _CopiedArrays(Brian2Internals):
    def array(self, variable):
        return variable.get_value().copy()


class _CopiedTable(Brian2Internals):
    """What a release whose TimedArray hands its compiled code a copy would look like to us."""

    def table_view(self, timed_array):
        return timed_array.values.copy()


class _NoGc(Brian2Internals):
    def gc_holder(self):
        return object()


class _FixedMonitors(Brian2Internals):
    def dynamic_array(self, variable):
        return None


class _NoSpikeSpace(Brian2Internals):
    def event_count(self, group):
        return group.variables["_events"]


class _CopiedSpikeCount(Brian2Internals):
    def event_count(self, group):
        return group.variables["_spikespace"].get_value().copy()


class _NoFlagTable(Brian2Internals):
    def flag_table(self):
        raise AttributeError("module 'brian2.codegen.cpp_prefs' has no attribute '_compiler_flag_compatibility'")


class _OtherFlagTable(Brian2Internals):
    def flag_table(self):
        return ["-O3"]


BREAKS = {
    "_code_objects missing": _NoCodeObjects,
    "compiled main missing": _NoMain,
    "compiled main does nothing": _IdleMain,
    "get_value returns a copy": _CopiedArrays,
    "TimedArray copies its values": _CopiedTable,
    "no gc in brian2.core.network": _NoGc,
    "monitor arrays cannot shrink": _FixedMonitors,
    "no spike space": _NoSpikeSpace,
    "spike count is a copy": _CopiedSpikeCount,
    "no compiler-flag table": _NoFlagTable,
    "compiler-flag table of another shape": _OtherFlagTable,
}


@pytest.mark.parametrize("name", BREAKS)
def test_a_broken_internal_gives_correct_results_and_one_warning(name):
    p = LIFParams(t_ref=1 * ms)
    noise, step = CURRENTS["noise"], CURRENTS["sinusoid+step"]
    public = Engine(fast_path=False)
    expected = [simulate(c, 100 * ms, params=p, engine=public) for c in (noise, step)]
    broken = Engine(internals=BREAKS[name](), keep_recorded=0)  # every run frees its recording
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = [simulate(c, 100 * ms, params=p, engine=broken) for c in (noise, step, noise, step)]
    fast_path_warnings = [w for w in caught if issubclass(w.category, FastPathWarning)]
    assert len(fast_path_warnings) == 1, [str(w.message) for w in caught]
    assert "brian2" in str(fast_path_warnings[0].message)
    for result, reference in zip(got, expected + expected):
        assert reference.spike_count > 0
        np.testing.assert_allclose(np.asarray(result.v / mV), np.asarray(reference.v / mV), rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.asarray(result.spike_times / ms), np.asarray(reference.spike_times / ms),
                                   rtol=0, atol=1e-12)


def test_the_warning_is_one_per_engine():
    for _ in range(2):
        e = Engine(internals=_NoCodeObjects())
        with pytest.warns(FastPathWarning) as record:
            simulate(inputs.step(3 * nA), 10 * ms, engine=e)
            simulate(inputs.sinusoid(3 * nA, 50 * Hz), 10 * ms, engine=e)
        assert len([w for w in record if issubclass(w.category, FastPathWarning)]) == 1


def test_the_fast_loop_calls_the_networks_after_run_hooks(monkeypatch):
    e = Engine()
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * ms, engine=e)
    calls = []
    original = b2.StateMonitor.after_run
    monkeypatch.setattr(b2.StateMonitor, "after_run", lambda self: calls.append(self.name) or original(self))
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * ms, engine=e)
    assert e.fast_path_active(engine.structure_of([inputs.step(1 * nA)], 0.02, 1e-4))
    assert calls == ["ndl_trace"]


def test_compiled_code_does_not_depend_on_the_number_of_neurons(monkeypatch):
    from brian2.codegen.runtime.cython_rt import CythonCodeObject
    from brian2.codegen.runtime.cython_rt.extension_manager import cython_extension_manager

    e = Engine()
    if e.code_target() is not CythonCodeObject:
        pytest.skip("the numpy target compiles nothing")
    e.warm_up([("f-I curves", [inputs.step(1 * nA)] * 2, False)])
    compiles = []
    original = cython_extension_manager._load_module  # a probe on Brian2's loader, not a change to it
    monkeypatch.setattr(cython_extension_manager, "_load_module",
                        lambda *a, **k: compiles.append(a[-2] if len(a) > 2 else k) or original(*a, **k))
    analysis.fi_curve(np.linspace(0, 5, 81) * nA, duration=20 * ms, engine=e)  # the FICurvePanel's default size
    assert compiles == []
    two = engine.structure_of([inputs.step(1 * nA)] * 2, 0.02, 1e-4, record_v=False)
    many = engine.structure_of([inputs.step(1 * nA)] * 81, 0.02, 1e-4, record_v=False)
    assert two.code_key == many.code_key and e.fast_path_active(many)
    assert len(e.code_objects_of(two)) == len(e.code_objects_of(many))


def test_warm_up_runs_the_jobs_it_is_given():
    e = Engine()
    seen = []
    jobs = [("steps", [inputs.step(1 * nA)], True), ("two sinusoids", [inputs.sinusoid(1 * nA, 10 * Hz)] * 2, False),
            ("noise for 1 s", [inputs.noise(1 * nA, 0.1 * nA, 5 * ms, seed=1)], True, 1 * second)]
    seconds = e.warm_up(jobs, progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen == [(1, 3, "steps"), (2, 3, "two sinusoids"), (3, 3, "noise for 1 s")] and seconds >= 0
    assert engine.structure_of(jobs[1][1], 0.002, 1e-4, record_v=False) in e.compiled_structures()
    assert engine.structure_of(jobs[2][1], 1.0, 1e-4) in e.compiled_structures()
    assert e.runs == 3


def test_a_current_without_terms_is_refused():
    class Forgetful(inputs.Current):
        def amps_at(self, t):
            return np.ones_like(t) * 1e-9

        def charge_until(self, t):
            return t * 1e-9

    with pytest.raises(TypeError, match="^Forgetful is a Current the engine cannot simulate"):
        simulate(Forgetful(), 10 * ms)


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

    def amps_at(self, t):
        return np.full_like(t, self.amplitude)

    def charge_until(self, t):
        return self.amplitude * t


def test_a_new_input_kind_touches_one_class():
    p = LIFParams()
    e = Engine()
    new = simulate(Offset(1.5 * nA), 50 * ms, params=p, engine=e)
    old = simulate(inputs.step(1.5 * nA), 50 * ms, params=p, engine=e)
    np.testing.assert_allclose(np.asarray(new.v / mV), np.asarray(old.v / mV), atol=1e-9)
    assert e.fast_path_active(engine.structure_of([Offset(1 * nA)], 0.05, 1e-4))


def test_a_kind_whose_idle_is_of_another_kind_is_refused_in_one_sentence():
    class Doubled(Offset):
        """Other terms than Offset, and Offset's idle() inherited: it would fill the wrong slots."""

        def terms(self, p):
            return [f"2*{p}_amp"]

        @classmethod
        def idle(cls):
            return Offset(0 * nA)

    with pytest.raises(TypeError, match=r"^Doubled\.idle\(\) must return a current of its own kind"):
        simulate(Doubled(1 * nA), 10 * ms, engine=Engine())


def test_each_cached_model_releases_its_recording():
    e = Engine()
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * second, engine=e)  # 200 000 samples, 1.6 MB
    assert e.held_samples(_step_structure(20)) == 0
    simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 20 * ms, engine=e)  # small: kept for the next run
    assert e.held_samples(_step_structure(0.02)) > 0


def test_sampled_table_rows_is_the_rule_the_engine_uses():
    current = inputs.noise(1 * nA, 0.5 * nA, 5 * ms, seed=1)
    for duration in (0.1, 0.5, 2.0):
        assert engine.structure_of([current], duration, 1e-4).sampled_rows == engine.sampled_table_rows(duration, 1e-4)
        assert RunSpec(current, duration * second).structure.sampled_rows == engine.sampled_table_rows(duration, 1e-4)
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

    monkeypatch.setattr(CythonCodeObject, "is_available", classmethod(lambda cls: False))  # Brian2's public check
    e = Engine()
    with pytest.warns(RuntimeWarning, match="no working C compiler") as record:
        assert e.code_target() is NumpyCodeObject
        assert e.code_target() is NumpyCodeObject
        assert simulate(inputs.step(3 * nA), 20 * ms, engine=e).spike_count == 2  # at T1 and T1 + T
    assert len([w for w in record if "C compiler" in str(w.message)]) == 1


def test_building_and_running_a_model_logs_nothing_for_the_student():
    """Brian2 warnings (e.g. 'threshold but no reset') would land on the student's screen."""
    from brian2.utils.logger import catch_logs

    current = inputs.step(1 * nA, 2 * ms, 4 * ms) + inputs.step(1 * nA, 5 * ms, 6 * ms) \
        + inputs.step(1 * nA, 7 * ms, 8 * ms) + inputs.sinusoid(0.1 * nA, 50 * Hz)
    with catch_logs(log_level=logging.WARNING) as logs:
        e = Engine()  # the network is made inside the block
        result = simulate(current, 20 * ms, engine=e)
        simulate(current * 2, 20 * ms, engine=e)
    assert result.duration == 20 * ms
    assert logs == [], logs


@pytest.mark.parametrize("make, message", [
    (lambda: Engine(target="gpu"), r"^target must be one of 'auto', 'cython', 'numpy' \(e\.g\. target='auto'\), "
                                   r"got the text 'gpu'$"),
    (lambda: Engine(fast_path="yes"), r"^fast_path must be True or False, got the text 'yes'$"),
    (lambda: Engine(cache_size=0), r"^cache_size must be at least 1"),
    (lambda: Engine(internals=object()), r"^internals must be a Brian2Internals"),
    (lambda: Engine().run((LIFParams(), [inputs.step(1 * nA)], 0.1, 1e-4)),
     r"^spec must be a RunSpec such as RunSpec\(inputs\.step\(2\*nA\), 100\*ms\), got a tuple of 4 items$"),
    (lambda: simulate(inputs.step(1 * nA), 10 * ms, engine="default"),
     r"^engine must be an Engine such as neurodyn_lab\.engine\.Engine\(\) \(or None for the default one\), "
     r"got the text 'default'$"),
])
def test_wrong_engine_arguments_get_one_sentence(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make()


def test_the_default_engine_serves_the_module_functions():
    default = engine.default_engine()
    before = default.runs
    simulate(inputs.step(3 * nA), 10 * ms)
    raw = engine.run(RunSpec(inputs.step(3 * nA), 10 * ms))
    assert default.runs == before + 2 and engine.default_engine() is default
    assert engine.code_target() is default.code_target()
    assert engine.fast_path_active(_step_structure(0.01)) == default.fast_path_active(_step_structure(0.01))
    assert int(raw.spike_count[0]) == 1  # T1 = 8.79 ms < 10 ms < T1 + T
    assert "Engine: target" in repr(default)
