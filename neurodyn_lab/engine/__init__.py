"""Brian2 networks for the LIF neuron: compiled once per model structure, then reused.

This is the only package of neurodyn_lab that builds Brian2 objects. Every network is an explicit
`brian2.Network` (never the "magic" network of ``brian2.run``), with its own clock, so a student's
own Brian2 code in the same kernel is unaffected and any number of calls can follow each other.

State: one object
-----------------
An `Engine` owns everything that lasts between runs: its compiled models, its code target, its
fast path (switch, the Brian2 internals it reads, the self-check results) and its one warning. The
package keeps no other engine state. Notebooks share `default_engine()` (the module-level `run`,
`warm_up`, `code_target`, ... are its methods); tests and the mystery neuron make their own:

>>> from brian2 import nA, ms, pcoulomb
>>> from neurodyn_lab import inputs
>>> from neurodyn_lab.engine import Engine, RunSpec
>>> engine = Engine()
>>> raw = engine.run(RunSpec(inputs.pulse(charge=4 * pcoulomb, duration=0.5 * ms, start=10 * ms), 40 * ms))
>>> int(engine.run(RunSpec(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms)).spike_count[0])
5

A run is described by a `RunSpec` (parameters, currents, duration, dt, what to record), checked
once when it is made; ``simulate``, ``analysis``, the classic functions and the neurodynex3 layer
(through ``simulate``) and `Engine.warm_up` all make one, and the engine checks nothing again.

Layers inside the engine
------------------------
- ``_spec``: `RunSpec`, the limits, and how currents map onto a model's input slots: each input
  kind's key, idle values and example come from the kind itself (``idle()``, ``example()``);
- ``_model``: equations and one network per `Structure`, run with Brian2's public API only;
- ``_fastpath``: the only module that uses Brian2's private members (`Brian2Internals`), for a
  faster time loop; it checks itself against ``Network.run`` when a model is built and, if
  anything differs, the engine stays on ``Network.run`` (one warning per engine);
- ``_core``: `Engine` (models, target, fast path), the default engine and its module-level face.

Why it is fast
--------------
A *model structure* (which analytic input terms, whether a tabulated part, whether v is recorded)
fixes the generated code; every LIF and input parameter is a state variable. So the engine keeps one
network per structure and number of neurons, and a run only writes new values into arrays. The
generated code does not depend on the number of neurons (unless a tabulated input is present, whose
table size is compiled in): a network for another number of neurons is built from the compiled code
Brian2 already holds, without compiling.

Limits
------
LIMITS says them in one sentence; `RunSpec` checks them before any work starts.
"""

# The code lives in _core and _spec (Brian2's pytest plug-in cannot collect doctests from a
# package's __init__.py); this is the public face.
from . import shared_cache
from ._core import (Engine, RawRun, check_device, code_objects_of, code_target, compiled_structures,
                    default_engine, fast_path_active, run, threshold_margin, warm_up)
from ._fastpath import Brian2Internals, FastPathWarning
from ._model import Structure
from ._spec import (LIMITS, MAX_NEURONS, MAX_RECORDED, MAX_SAMPLES, MAX_STEPS, MAX_TABLE, RUN_TERMS, RunSpec, Spelling,
                    n_steps_of, sampled_table_rows, structure_of)

__all__ = ["Engine", "RunSpec", "Spelling", "RUN_TERMS", "default_engine", "run", "RawRun", "Structure", "structure_of", "code_target",
           "warm_up", "sampled_table_rows", "n_steps_of", "check_device", "compiled_structures", "code_objects_of",
           "fast_path_active", "threshold_margin", "Brian2Internals", "FastPathWarning",
           "MAX_STEPS", "MAX_NEURONS", "MAX_SAMPLES", "MAX_RECORDED", "MAX_TABLE", "LIMITS", "shared_cache"]
