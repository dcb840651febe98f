"""Recorded runs shaped like the Brian2 monitors neurodynex3 returns.

`StateRecord` stands for a ``StateMonitor(neuron, ["v"], record=True)`` of one neuron and
`SpikeRecord` for a ``SpikeMonitor(neuron)``: the same attribute names, shapes, dtypes and units
(``t`` in second, ``v`` in volt, ``count`` and ``i`` as int32 arrays). They hold plain arrays, not
Brian2 objects, so any number of them can live side by side and none is bound to a network.

Examples
--------
>>> import numpy as np
>>> from brian2 import ms, mV
>>> from neurodyn_lab.compat.neurodynex3.monitors import SpikeRecord, StateRecord
>>> state = StateRecord(np.arange(3) * 0.1 * ms, np.array([-70.0, -69.0, -68.0]) * mV)
>>> state.v.shape, state[0].v[-1], state.v[0][-1]
((1, 3), -68. * mvolt, -68. * mvolt)
>>> spikes = SpikeRecord(np.array([0.2]) * ms)
>>> int(spikes.count[0]), len(spikes.t), spikes.i
(1, 1, array([0], dtype=int32))
"""

import numpy as np
from brian2 import Quantity, second, volt

__all__ = ["StateRecord", "StateRecordView", "SpikeRecord"]


def _frozen(array):
    array = np.array(array, dtype=float)  # a copy: a record never changes after the run
    array.setflags(write=False)
    return array


class _Times:
    """Recorded times, read-only: ``t`` with its unit, ``t_`` in seconds (as Brian2's monitors)."""

    @property
    def t(self):
        return Quantity(self._t, dim=second.dim)

    @property
    def t_(self):
        return self._t


class StateRecord(_Times):
    """The membrane potential of one neuron, recorded at the start of every time step.

    Attributes
    ----------
    t : Quantity (second), shape (n,)
        Recorded times ``0, dt, ..., (n - 1) dt``.
    v : Quantity (volt), shape (1, n)
        ``v[0]`` is the trace, as in ``StateMonitor(..., record=True)``.
    t_, v_ : ndarray
        The same without units (seconds, volts). ``v`` and ``v_`` are fresh copies at each
        access, as a StateMonitor's are; ``t`` and ``t_`` are read-only.
    record_variables : list of str
        ``["v"]``.
    record : ndarray of int
        The recorded neuron indices, ``[0]``.
    """

    record_variables = ["v"]

    def __init__(self, t, v):
        self._t = _frozen(np.asarray(t / second))
        self._v = _frozen(np.asarray(v / volt)).reshape(1, -1)
        if self._v.shape[1] != len(self._t):
            raise ValueError(f"v must have one value per time, got {self._v.shape[1]} values for {len(self._t)} times")
        self.record = np.array([0])

    @property
    def v(self):
        # A fresh copy at each access, as StateMonitor.v gives: changing it changes no record.
        return Quantity(self._v.copy(), dim=volt.dim)

    @property
    def v_(self):
        return self._v.copy()

    @property
    def n_indices(self):
        return 1

    def __getitem__(self, item):
        """``record[0]``: the recording of neuron 0, like ``StateMonitor[0]``."""
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (int, np.integer)):
            raise TypeError(f"a state record is indexed by a neuron number such as state_monitor[0], got {item!r}")
        if item != 0:
            raise IndexError(f"only neuron 0 was recorded (use state_monitor[0]), got index {item}")
        return StateRecordView(self)

    def __repr__(self):
        dt_ms = (self._t[1] - self._t[0]) * 1e3 if len(self._t) > 1 else float("nan")
        return f"<StateRecord of v: {len(self._t)} samples at dt={dt_ms:g} ms (shaped like a brian2 StateMonitor)>"


class StateRecordView:
    """``state_monitor[0]``: ``.t`` and ``.v`` (and ``.t_``, ``.v_``) of neuron 0, one-dimensional."""

    def __init__(self, record):
        self._record = record

    @property
    def t(self):
        return self._record.t

    @property
    def t_(self):
        return self._record.t_

    @property
    def v(self):
        return Quantity(self._record.v_[0], dim=volt.dim)

    @property
    def v_(self):
        return self._record.v_[0]

    def __repr__(self):
        return "<StateRecordView of neuron 0>"


class SpikeRecord(_Times):
    """The spikes of one neuron (index 0), like a Brian2 ``SpikeMonitor``.

    Attributes
    ----------
    t : Quantity (second)
        Spike times: the start of the time step in which v crossed the threshold.
    i : ndarray of int32
        The neuron index of each spike (all 0).
    count : ndarray of int32, shape (1,)
        Spikes per neuron; ``count[0]`` is the number of spikes.
    num_spikes : int
    t_ : ndarray
        Spike times in seconds, without units.
    """

    def __init__(self, spike_times):
        self._t = _frozen(np.asarray(spike_times / second)).reshape(-1)
        self._i = np.zeros(len(self._t), dtype=np.int32)
        self._i.setflags(write=False)
        self._count = np.array([len(self._t)], dtype=np.int32)
        self._count.setflags(write=False)

    @property
    def i(self):
        return self._i

    @property
    def count(self):
        return self._count

    @property
    def num_spikes(self):
        return int(len(self._t))

    @property
    def it(self):
        """The pair (i, t)."""
        return self.i, self.t

    @property
    def it_(self):
        """The pair ``(i, t_)``."""
        return self.i, self.t_

    def spike_trains(self):
        """``{0: spike times}``, like ``SpikeMonitor.spike_trains()``."""
        return {0: self.t}

    def __repr__(self):
        return f"<SpikeRecord of {len(self._t)} spike{'s' if len(self._t) != 1 else ''} (shaped like a brian2 SpikeMonitor)>"
