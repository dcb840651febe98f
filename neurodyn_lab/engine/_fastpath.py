"""The only module of neurodyn_lab that touches Brian2's private members: a faster time loop.

Verified against brian2 2.9.0 (Python 3.11, the .venv lock) and brian2 2.11.0 (Python 3.13),
2026-12-01. Every internal used is read in one small method of `Brian2Internals`, named for what
it reads:

- ``code_objects``: an object's ``_code_objects`` (the compiled code it runs each step);
  (the loop calls them itself, so nothing regenerates them: tens of ms per run, cache hits
  included, and no per-object patch of ``create_code_objects`` is needed any more);
- ``main_of``: a Cython code object's ``compiled_code["run"].main``, called directly each step;
- ``array``: ``variable.get_value()`` as a writable view of the array Brian2 runs on;
- ``table_view``: ``TimedArray.values``, which the compiled code reads only while
  ``TimedArray._init_2d`` hands its namespace a view of it (if a release copies there, a tabulated
  input would freeze at the values of the TimedArray's first run);
- ``dynamic_array``: the DynamicArray behind a monitor's variable, to free its memory after a run
  and to size a recording once before a run;
- ``event_count``: the group's ``_spikespace`` array, whose last entry is the number of neurons
  that crossed in this step: the spike monitor's and the reset's code (templates ``spikemonitor``
  and ``reset``, verified in both releases) do nothing when it is 0, so the loop skips calling
  them then (2-3 us a step, most steps have no spike);
- ``namespace``: a code object's ``namespace``, where `_PresizedVariable` stands in for a state
  monitor's recorded variables (brian2 2.9's Cython template resizes each of them through four
  Python layers at every step, 4 us a step of the 10 a whole step costs; 2.10+ resize in C++);
- ``gc_holder``: ``brian2.core.network``, whose ``gc`` module `FastPath.no_full_collect` swaps for
  `_NoCollect` during our own ``Network.run`` calls only, under a process-wide lock (never at
  import, never while other code runs Brian2);
- ``flag_table``: ``brian2.codegen.cpp_prefs._compiler_flag_compatibility``, the per-process table
  of the compile flags the C++ compiler accepts, which `_compiler_flags` fills from a file so that a
  new process does not ask the compiler again (six compiler runs, about 0.1 s).

The loop ends as ``Network.after_run()`` does (2.9.0 to 2.11.0): each active object's public
``after_run``, in the schedule's order, so hooks that releases add there (monitors' ``after_run``
since brian2 2.10) run as in ``Network.run``.

State: none at module level but that lock. Each `neurodyn_lab.engine.Engine` owns a `FastPath`:
its switch (``enabled``), the internals it reads and whether it has warned.
`FastPath.install` checks the fast path against Brian2's own ``Network.run`` (values set through
the public API, a new TimedArray for tabulated inputs) before it is used: if an internal is missing
or the two disagree on v or on the spikes, it returns None and the engine uses ``Network.run``,
with one warning per engine.
"""

import contextlib
import functools
import gc
import threading
import warnings

import numpy as np
import brian2 as b2
import brian2.core.network as _b2_network
from brian2.core.variables import DynamicArrayVariable

__all__ = ["VERIFIED", "FastPathWarning", "Brian2Internals", "FastPath", "FastRunner", "code_objects"]

VERIFIED = ("2.9.0", "2.11.0")


class FastPathWarning(RuntimeWarning):
    """The fast path is unavailable with this Brian2: simulations are correct but slower."""


class FastPathUnavailable(Exception):
    """An internal the fast path needs is missing or behaves differently."""


_SLOWER = "simulations use Brian2's Network.run instead: results are the same, each call takes 10-50 ms longer"


# --------------------------------------------------------------------------------------------
# the internals, one method each
# --------------------------------------------------------------------------------------------
class Brian2Internals:
    """What the fast path reads of Brian2's private members, one method each (see the module docstring).

    An engine reads them through one instance; a test hands an engine a subclass with one method
    broken, as a future Brian2 release might break it, and expects correct results and one
    `FastPathWarning`.
    """

    def code_objects(self, obj):
        return list(obj._code_objects)

    def main_of(self, code_object):
        return code_object.compiled_code["run"].main

    def array(self, variable):
        return variable.get_value()

    def table_view(self, timed_array):
        return timed_array.values

    def dynamic_array(self, variable):
        return variable.device.get_value(variable, access_data=False)

    def namespace(self, code_object):
        return code_object.namespace

    def event_count(self, group):
        return group.variables["_spikespace"].get_value()

    def gc_holder(self):
        return _b2_network

    def flag_table(self):
        """Brian2's table of the compile flags its compiler accepts, one per process:
        ``(compiler command, flag) -> bool`` (brian2.codegen.cpp_prefs, 2.9.0 to 2.11.0)."""
        from brian2.codegen import cpp_prefs

        return cpp_prefs._compiler_flag_compatibility


#: Templates whose code does nothing in a step without events (checked in 2.9.0 and 2.11.0).
_EVENT_TEMPLATES = ("spikemonitor", "reset")

# brian2.core.network's gc module and Brian2's prefs are one per process, whichever engine swaps
# them: the swap and its undoing happen under this lock, so two engines in two threads never
# leave the other's swap in place.
_PROCESS_STATE = threading.RLock()


class _NoCollect:
    """Stands in for the gc module inside brian2.core.network during our own Network.run calls.

    Every release verified (2.9.0 to 2.11.0, 2.10.1 included) makes a full ``gc.collect()`` at the
    start of each run, only to warn about Brian2 objects created but never added to a network; in
    a notebook kernel with many objects alive that costs 10-100 ms per run.
    """

    @staticmethod
    def collect(*args, **kwargs):
        return 0


class FastPath:
    """An engine's fast path: its switch, the internals it reads, and its one warning.

    Parameters
    ----------
    enabled : bool
        False: never use the fast loop (every run through ``Network.run``).
    internals : Brian2Internals, optional
        What is read of Brian2's private members; default `Brian2Internals()`.

    Attributes
    ----------
    warned : bool
        Whether this fast path has warned (it warns once, whatever failed first).
    """

    def __init__(self, enabled=True, internals=None):
        self.enabled = bool(enabled)
        self.internals = internals if internals is not None else Brian2Internals()
        self.warned = False

    def warn(self, reason, consequence=_SLOWER):
        """One warning per fast path (so one per engine), whatever failed first."""
        if not self.warned:
            self.warned = True
            warnings.warn(
                f"neurodyn_lab's fast path does not work with brian2 {b2.__version__} ({reason}); {consequence} "
                f"(verified versions: {', '.join(VERIFIED)}).",
                FastPathWarning, stacklevel=5,
            )

    @contextlib.contextmanager
    def no_full_collect(self):
        """Skip Brian2's full gc.collect() (and its unused-objects warning) during one of our runs only.

        The swap is made and undone here, under a process-wide lock, never at import and never
        while other code runs Brian2.
        """
        with _PROCESS_STATE:
            holder = self.internals.gc_holder()
            swap = getattr(holder, "gc", None) is gc
            if not swap:
                self.warn("brian2.core.network has no gc module to skip", "each run makes a full garbage collection")
            pref = "logging.warn_for_unused_objects"
            old_pref = b2.prefs[pref] if pref in b2.prefs else None
            if old_pref is not None:
                b2.prefs[pref] = False
            if swap:
                holder.gc = _NoCollect
            try:
                yield
            finally:
                if swap:
                    holder.gc = gc
                if old_pref is not None:
                    b2.prefs[pref] = old_pref

    def flag_table(self):
        """Brian2's compiler-flag table (see `Brian2Internals.flag_table`), or None with one warning."""
        try:
            table = self.internals.flag_table()
            if not isinstance(table, dict) or not all(isinstance(key, tuple) and len(key) == 2 for key in table):
                raise TypeError(f"its compiler-flag table is a {type(table).__name__} of another shape")
        except (AttributeError, ImportError, TypeError) as exc:
            self.warn(f"{type(exc).__name__}: {exc}",
                      "each new process asks the C++ compiler about Brian2's flags again (about 0.1 s)")
            return None
        return table

    def network_run(self, network, duration, namespace):
        """``network.run`` without the full garbage collection (for the engine's own networks)."""
        with self.no_full_collect():
            network.run(duration, namespace=namespace)

    def release_recordings(self, monitors):
        """Free the memory of what monitors recorded (the engine copied it out already)."""
        try:
            for monitor in monitors:
                for variable in monitor.variables.values():
                    if isinstance(variable, DynamicArrayVariable):
                        array = self.internals.dynamic_array(variable)
                        shape = tuple(array.shape)
                        empty = 0 if len(shape) == 1 else (0,) + shape[1:]
                        array.shrink(empty)
                        # brian2 >= 2.10 keeps the size on the Variable as well (see StateMonitor.after_run)
                        if isinstance(getattr(variable, "size", None), (int, tuple)):
                            variable.size = empty
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            self.warn(f"cannot free a recording: {type(exc).__name__}: {exc}",
                      "each cached model keeps its last recording until its next run")

    def install(self, model, check, n_steps, dt):
        """A checked `FastRunner` for a compiled `model`, or None (with one warning) to use Network.run.

        `check` is None for a structure whose code was checked before by this engine, else two
        plans (``(a, b)``) with different values: the fast path must reproduce what Network.run gave
        for each, including the tabulated input, which it rewrites in place (a copy would freeze it).
        """
        if not self.enabled:
            return None
        try:
            if check is not None:
                reference = [model.run_public(plan, n_steps, dt, self.network_run) for plan in check]
            runner = FastRunner(model, self.internals)
        except (AttributeError, KeyError, TypeError, IndexError, FastPathUnavailable) as exc:
            self.warn(f"{type(exc).__name__}: {exc}")
            return None
        if check is None:
            return runner
        try:
            # Plan a runs after the public run of plan b, so the kept code objects hold b's TimedArray:
            # a is right only if writing the table in place reaches the compiled code.
            agree = all(_agree(runner.run(plan, n_steps, dt), ref) for plan, ref in zip(check, reference))
        except Exception as exc:  # a broken internal can fail in many ways; Network.run stays correct
            agree, reason = False, f"{type(exc).__name__}: {exc}"
        else:
            reason = "its results differ from Network.run's"
        if not agree:
            runner.uninstall()
            self.warn(reason)
            return None
        return runner


def code_objects(network):
    """The code objects of a network's objects (for tests and diagnostics)."""
    return [co for obj in network.sorted_objects for co in getattr(obj, "_code_objects", [])]


# --------------------------------------------------------------------------------------------
# the faster loop
# --------------------------------------------------------------------------------------------
class _PresizedVariable:
    """A state monitor's recorded variable as its code object sees it, sized once per run.

    The run sizes the recording for all its steps first (`presize`, through the Variable's own
    resize); the template's resize at each step then finds it long enough and does nothing, and
    the template's own writes fill it row by row as before. A longer resize goes to the Variable.
    """

    __slots__ = ("variable", "array", "namespace", "key")

    def __init__(self, variable, namespace, key, internals):
        self.variable, self.namespace, self.key = variable, namespace, key
        self.array = internals.dynamic_array(variable)
        namespace[key] = self

    def restore(self):
        self.namespace[self.key] = self.variable

    def presize(self, n_rows):
        shape = self.array.shape
        self.variable.resize(n_rows if len(shape) == 1 else (n_rows,) + tuple(shape[1:]))

    def resize(self, new_size):
        rows = new_size if isinstance(new_size, (int, np.integer)) else new_size[0]
        if rows > self.array.shape[0]:
            self.variable.resize(new_size)

    def __getattr__(self, name):  # anything else a release's template asks of the Variable
        return getattr(self.variable, name)


def _presized_variables(code_object, internals):
    """Put `_PresizedVariable`s in a state monitor code object's namespace; return them."""
    if (code_object.__class__.__name__ != "CythonCodeObject"  # the numpy target resizes otherwise
            or getattr(code_object, "template_name", None) != "statemonitor"):
        return []
    namespace = internals.namespace(code_object)
    return [_PresizedVariable(value, namespace, key, internals) for key, value in list(namespace.items())
            if key.startswith("_var_") and isinstance(value, DynamicArrayVariable)]


def _step_function(code_object, internals):
    """What calling `code_object` does at one time step, with Python's overhead cut to the bone."""
    # Objects hold weak proxies to their code objects: __class__ reaches through to the real one.
    if code_object.__class__.__name__ != "CythonCodeObject":
        return code_object  # numpy target: as Brian2 calls it
    main = internals.main_of(code_object)
    namespace = code_object.namespace
    if getattr(code_object, "nonconstant_values", None):
        update = code_object.update_namespace  # refreshes the pointers to arrays that grow

        def call():
            update()
            main(namespace)

        return call
    return functools.partial(main, namespace)


class FastRunner:
    """Runs a compiled `Model` again with new values, without Network.run's per-run preparation.

    After the first run nothing Network.run prepares can change: code objects, namespaces and
    schedule are fixed and every value lives in an array. Network.run would add 5-10 ms per call
    (unit checks, code-object regeneration, schedule sorting): more than a 100 ms simulation takes.
    """

    def __init__(self, model, internals):
        self.model = model
        self.internals = internals
        self.objects = [obj for obj in model.network.sorted_objects if obj.active]
        schedule = []
        for obj in self.objects:
            schedule += internals.code_objects(obj)  # a NeuronGroup's own list is empty: its parts run
        if not schedule:
            raise FastPathUnavailable("the network has no code objects after a run")
        self.schedule = schedule
        self.calls = [_step_function(co, internals) for co in schedule]
        self.presized = [shim for co in schedule for shim in _presized_variables(co, internals)]
        # Calls that only act on this step's spikes, if they all come after the threshold (else none).
        templates = [getattr(co, "template_name", None) for co in schedule]
        n_ungated = len(schedule)
        while n_ungated and templates[n_ungated - 1] in _EVENT_TEMPLATES:
            n_ungated -= 1
        if "threshold" in templates[:n_ungated] and n_ungated < len(schedule):
            self.every_step, self.on_events = self.calls[:n_ungated], self.calls[n_ungated:]
            self.events = internals.event_count(model.group)
        else:  # no gating: a spike count that is always 0 in front of an empty list
            self.every_step, self.on_events, self.events = self.calls, [], np.zeros(1, dtype=np.int32)
        clock = model.clock.variables
        self.timestep, self.t = internals.array(clock["timestep"]), internals.array(clock["t"])
        group = model.group.variables
        self.views = {name: internals.array(group[name]) for name in group
                      if not name.startswith("_") and name not in ("i", "N", "t", "dt", "t_in_timesteps")
                      and hasattr(group[name], "get_value") and not getattr(group[name], "read_only", False)}

    def uninstall(self):
        """Put the monitors' own Variables back in their namespaces; the model goes back to Network.run."""
        for shim in self.presized:
            shim.restore()

    def run(self, plan, n_steps, dt):
        model = self.model
        model.network.restore("initial")
        model.clock.dt = dt * b2.second
        views = self.views
        for name, value in plan.parameters.items():
            views[name][:] = value
        for name, values in plan.values.items():
            views[name][:] = values
        views["v"][:] = plan.parameters["v_rest"]
        if model.structure.sampled_rows:
            self.internals.table_view(model.table)[:] = plan.table
        for co in self.schedule:
            co.before_run()  # what an object's before_run does once its code objects exist
        for shim in self.presized:
            shim.presize(n_steps)
        timestep, t = self.timestep, self.t
        every_step, on_events = self.every_step, self.on_events
        events, last = self.events, len(self.events) - 1
        for step in range(int(timestep[0]), n_steps):
            for call in every_step:
                call()
            if events[last]:
                for call in on_events:
                    call()
            timestep[0] = step + 1
            t[0] = (step + 1) * dt
        # Network.after_run does this for its active objects, sorting the schedule again first
        # (0.18 ms of a 4.2 ms run, py-spy 2026-12-03); the order and the objects are fixed here.
        for obj in self.objects:
            obj.after_run()
        return model.results(n_steps, dt)


def _agree(a, b):
    (_, v1, st1, si1, c1), (_, v2, st2, si2, c2) = a, b  # t is the clock's: the same in both
    return (v1.shape == v2.shape and np.allclose(v1, v2, rtol=1e-12, atol=1e-15) and len(st1) == len(st2)
            and np.array_equal(si1, si2) and np.allclose(st1, st2, rtol=0, atol=1e-15) and c1 == c2
            and len(st1) > 0)
