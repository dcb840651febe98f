"""One Brian2 network per model structure, built and run through Brian2's public API only.

The membrane equation is integrated exactly for an input held at its mean over each time step
(the exponential update of the linear equation), and threshold crossings are timed exactly within
the step, so neither spike times nor the refractory period are rounded to dt:

- each step, the part of the step after the refractory period ends (``s_free`` from the step's
  start) relaxes v towards ``v_target = v_rest + R I`` with time constant tau;
- a crossing is timed by the exact solution, ``t + s_free + tau ln((v_target - v) / (v_target -
  v_threshold))``, the refractory period is counted from that time, and the rest of the step after
  it relaxes v from v_reset again;
- a second crossing inside the same step (possible only when t_ref plus the time from reset to
  threshold is shorter than dt) cannot be represented: v waits at the threshold and fires at the
  next step, and the run counts it in ``n_capped`` so the caller can say so.

A threshold crossing needs ``v - v_threshold > v_margin``, a margin of 10^-9 of the largest voltage
parameter: at the rheobase v only approaches the threshold, and the rounding of ``v_rest + R I``
(a few 10^-18 V) must not decide whether it ever fires.
"""

from dataclasses import dataclass, field

import numpy as np
import brian2 as b2
from brian2 import amp, second

from ..parameters import FIELDS

__all__ = ["Structure", "Model", "PARAMETERS"]

#: The shared parameters of every model (name -> Brian2 unit).
#: The model's shared parameters and their units in Brian2's equations: the six of `parameters.FIELDS`
#: and the threshold margin.
PARAMETERS = {**{f.name: f.si_name for f in FIELDS}, "v_margin": "volt"}
TABLE = "ndl_table"  # the function name of the tabulated input in the equations

# One code object does the whole step (each code object loads its variables at every call, a
# microsecond or so each, so a separate reset would cost more than its arithmetic). Names starting
# with _ are temporaries. Neurons that do not cross keep v = v_end and t_free exactly (the crossed
# terms are 0 times a finite number).
_UPDATE = """
_s_free = clip(t_free - t, 0*second, dt)
_v_target = v_rest + R*I_in
_v_end = v + (_v_target - v)*(1 - exp(-(dt - _s_free)/tau))
crossed = int(_v_end - v_threshold > v_margin)
_rise = clip((_v_target - v)/clip(_v_target - v_threshold, v_margin, 1e9*volt), 1, 1e300)
t_spike = t + _s_free + clip(tau*log(_rise), 0*second, dt - _s_free)
t_free = t_free + crossed*(t_spike + t_ref - t_free)
_v_post = v_reset + (_v_target - v_reset)*(1 - exp(-clip(t + dt - t_free, 0*second, dt)/tau))
_over = int(_v_post - v_threshold > v_margin)
n_capped = n_capped + crossed*_over
_v_post = _v_post - _over*(_v_post - v_threshold)
v = _v_end + crossed*(_v_post - _v_end)
"""


@dataclass(frozen=True)
class Structure:
    """What fixes the generated code of a network (and the size of its arrays).

    Attributes
    ----------
    kinds : tuple of ((terms, variables), count)
        For each analytic input kind: its equation terms with ``{p}`` for the slot's prefix, its
        variables (name, unit) and the most slots of it any neuron needs.
    sampled_rows : int
        Length of the table of tabulated inputs (0: none); see `sampled_table_rows`.
    sampled_dt : float
        Time step of that table in seconds (the simulation's dt), 0 without one.
    n_neurons : int
    record_v : bool
        Whether the membrane potential of every neuron is recorded.
    labels : tuple of str
        Names of the input kinds, for messages only (not compared).
    kind_classes : tuple of type
        For each of `kinds`, a class of that kind from the run the structure was made for: the
        engine asks it for its own ``example()`` when it checks a new model (not compared: every
        class of a kind has the same code).
    """

    kinds: tuple = ()
    sampled_rows: int = 0
    sampled_dt: float = 0.0
    n_neurons: int = 1
    record_v: bool = True
    labels: tuple = field(default=(), compare=False)
    kind_classes: tuple = field(default=(), compare=False)

    @property
    def code_key(self):
        """What the generated code depends on: the number of neurons only through a table."""
        return self if self.sampled_rows else Structure(self.kinds, 0, 0.0, 0, self.record_v)

    def slots(self):
        """(prefix, terms, variables) of every analytic input slot."""
        for k, ((terms, variables), count) in enumerate(self.kinds):
            for slot in range(count):
                yield f"in{k}s{slot}", terms, variables

    def describe(self):
        what = ", ".join(self.labels) or "no input"
        return f"{what}; {self.n_neurons} neuron{'s' if self.n_neurons != 1 else ''}"


def equations(structure):
    """The model equations of a structure (no differential equation: v is updated by `_UPDATE`)."""
    lines = ["v : volt", "t_free : second", "t_spike : second", "crossed : 1", "n_capped : 1"]
    terms = []
    for prefix, kind_terms, variables in structure.slots():
        terms += [term.replace("{p}", prefix) for term in kind_terms]
        lines += [f"{prefix}_{name} : {unit}" for name, unit in variables]
    if structure.sampled_rows:
        terms.append(f"{TABLE}(t, i)")
    lines.append(f"I_in = {' + '.join(terms) if terms else '0*amp'} : amp")
    lines += [f"{name} : {unit} (shared)" for name, unit in PARAMETERS.items()]
    return "\n".join(lines)


class Model:
    """The Brian2 objects of one structure, and a run through `Network.run` (the public path)."""

    def __init__(self, structure, codeobj_class):
        self.structure = structure
        self.codeobj_class = codeobj_class
        self.clock = b2.Clock(dt=(structure.sampled_dt or 1e-4) * second, name="ndl_clock")
        self.group = b2.NeuronGroup(
            structure.n_neurons, equations(structure), threshold="crossed > 0.5", reset="", clock=self.clock, codeobj_class=codeobj_class, name="ndl_neuron",
        )
        self.update = self.group.run_regularly(_UPDATE, when="groups", name="ndl_update",
                                               codeobj_class=codeobj_class)
        self.group.t_free_ = -1.0  # no refractory period before the first spike
        self.spikes = b2.SpikeMonitor(self.group, variables=["t_spike"], record=True,
                                      codeobj_class=codeobj_class, name="ndl_spikes")
        objects = [self.group, self.update, self.spikes]
        if structure.record_v:
            self.trace = b2.StateMonitor(self.group, "v", record=True, codeobj_class=codeobj_class, name="ndl_trace")
            objects.append(self.trace)
        else:
            self.trace = None
        self.network = b2.Network(*objects, name="ndl_network")
        self.network.store("initial")
        self.table = None  # the TimedArray of the last public run
        self.compiled = False
        self.fast = None  # a FastRunner once the fast path is installed and checked

    def run_public(self, plan, n_steps, dt, network_run=None):
        """Run `plan` (an engine `_Plan`) for `n_steps` of `dt` seconds with Brian2's public API."""
        self.network.restore("initial")
        self.clock.dt = dt * second
        for name, value in plan.parameters.items():
            setattr(self.group, name + "_", value)
        for name, values in plan.values.items():
            setattr(self.group, name + "_", values)
        self.group.v_ = plan.parameters["v_rest"]
        namespace = {}
        if self.structure.sampled_rows:
            # A new TimedArray each run: its values are fixed when it is made.
            self.table = b2.TimedArray(plan.table * amp, dt=dt * second, name=TABLE)
            namespace[TABLE] = self.table
        duration = n_steps * dt * second
        if network_run is None:
            self.network.run(duration, namespace=namespace)
        else:
            network_run(self.network, duration, namespace)
        self.compiled = True
        return self.results(n_steps, dt)

    def results(self, n_steps, dt):
        """The recorded arrays of the last run, copied: t, v, spike times, spike indices, capped count."""
        if self.trace is not None:
            t = np.asarray(self.trace.t_, dtype=float).copy()
            v = np.asarray(self.trace.v_, dtype=float).copy()
        else:
            t, v = np.arange(n_steps) * dt, np.empty((0, 0))
        return (t, v, np.asarray(self.spikes.t_spike_, dtype=float).copy(),
                np.asarray(self.spikes.i[:], dtype=int).copy(),
                int(np.sum(self.group.n_capped_[:])))
