"""Brian2 networks for the LIF neuron: compiled once per model structure, then reused.

This is the only package of neurodyn_lab that builds Brian2 objects. Every network is an explicit
`brian2.Network` (never the "magic" network of ``brian2.run``), with its own clock, so a student's
own Brian2 code in the same kernel is unaffected and any number of calls can follow each other.

Layers inside the engine
------------------------
- ``_model``: equations and one network per `Structure`, run with Brian2's public API only;
- ``_fastpath``: the only module that uses Brian2's private members, for a faster time loop; it
  checks itself against ``Network.run`` when a model is built and, if anything differs, the engine
  stays on ``Network.run`` (one warning);
- this module: turns currents (`neurodyn_lab.inputs`) into a structure, values and a table, keeps
  the models, and checks sizes.

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
LIMITS says them in one sentence; they are checked before any work starts.
"""

# The code lives in _core (Brian2's pytest plug-in cannot collect doctests from a package's
# __init__.py); this is the public face.
from . import _fastpath
from ._core import *  # noqa: F401,F403
from ._core import __all__, _CACHE_SIZE, _models, fast_path_active  # noqa: F401 (tests, diagnostics)
