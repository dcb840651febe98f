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

from . import inputs
from .parameters import LIFParams, PRESETS
from .simulation import LIFResult, simulate
from . import analysis
from .grading import check, summary
from .grading.mystery import mystery_neuron

__all__ = ["LIFParams", "PRESETS", "LIFResult", "simulate", "inputs", "analysis", "check", "summary",
           "mystery_neuron", "__version__"]
