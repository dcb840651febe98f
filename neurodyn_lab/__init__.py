"""neurodyn_lab: the leaky integrate-and-fire neuron of *Neuronal Dynamics* (ch. 1), simulated by
Brian2, with control panels and graded exercises for JupyterLab.

Examples
--------
>>> from brian2 import nA, ms
>>> from neurodyn_lab import simulate, inputs, LIFParams
>>> result = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms, params=LIFParams())
>>> result.spike_count > 0
True
"""

__version__ = "0.1.0"

# Names are loaded on first use (PEP 562): importing Brian2 takes seconds, and the
# ``neurodyn-lab`` command's --help and --version should not wait for it.
_LAZY = {
    "LIFParams": ".parameters",
    "PRESETS": ".parameters",
    "LIFResult": ".simulation",
    "simulate": ".simulation",
    "simulate_many": ".simulation",
    "check": ".grading",
    "summary": ".grading",
    "mystery_neuron": ".grading.feedback",
}
_SUBMODULES = {"inputs", "analysis", "engine", "plotting", "lif", "panels", "grading", "parameters", "simulation", "results", "compat"}

__all__ = ["LIFParams", "PRESETS", "LIFResult", "simulate", "simulate_many", "inputs", "analysis", "check",
           "summary", "mystery_neuron", "__version__"]


def __getattr__(name):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'neurodyn_lab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
