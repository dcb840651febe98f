"""Results: what a simulation or a measurement produced, saved as CSV and plotted.

- `Recording`: traces and spikes of one run (`simulate` returns its subclass `LIFResult`; a mystery
  neuron's experiments are Recordings without parameters).
- `LIFResult`: a Recording and the neuron's parameters.
- `FICurve`: firing rate per constant current (e.g. from `analysis.fi_curve`).
- `FrequencyResponse`: gain and phase per frequency (e.g. from `analysis.frequency_response`).

Every result has ``to_csv(path)``, written by the one writer `write_table` (a new file only: an
existing file is never overwritten), and ``plot()``, drawn by `neurodyn_lab.plotting`.

Examples
--------
>>> import numpy as np, tempfile, os
>>> from brian2 import nA, ms
>>> from neurodyn_lab import analysis, LIFParams
>>> currents = np.linspace(0, 6, 4) * nA
>>> curve = FICurve(currents, analysis.fi_curve(currents, duration=200 * ms), LIFParams(), 200 * ms)
>>> path = curve.to_csv(os.path.join(tempfile.mkdtemp(), "fi.csv"))
>>> open(path).read().splitlines()[1]
'I_nA,rate_Hz'
"""

import csv
import os
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Mohm, Quantity, mV, ms, nA, second

from ._validation import as_quantity, describe
from .inputs import Current
from .parameters import LIFParams
from .plotting import BodeAxes, FICurveAxes, new_figure, plot_result

__all__ = ["Recording", "LIFResult", "FICurve", "FrequencyResponse", "write_table"]


def write_table(path, header_lines, columns, rows, formats=None):
    """Write a CSV table to a new file: comment lines (starting with ``#``), a header row, then the rows.

    Mode "x": if `path` exists (even as a dangling symbolic link) FileExistsError is raised and
    nothing is written. `formats` gives a format spec per column (default ``.6g`` for floats).

    Examples
    --------
    >>> import tempfile, os
    >>> path = write_table(os.path.join(tempfile.mkdtemp(), "t.csv"), ["demo"], ["x", "y"], [(1.0, 2.5)])
    >>> print(open(path).read().strip())
    # demo
    x,y
    1,2.5
    >>> write_table(path, [], ["x"], [])
    Traceback (most recent call last):
    ...
    FileExistsError: [Errno 17] File exists: ...
    >>> write_table(123, [], ["x"], [])
    Traceback (most recent call last):
    ...
    TypeError: path must be a file name such as 'result.csv' or pathlib.Path('result.csv'), got 123.
    """
    if isinstance(path, bool) or not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"path must be a file name such as 'result.csv' or pathlib.Path('result.csv'), "
                        f"got {describe(path, unitless=True)}.")
    formats = formats or [".6g"] * len(columns)
    with open(os.fspath(path), "x", newline="") as handle:
        for line in header_lines:
            handle.write(f"# {line}\n")
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([format(x, f) if isinstance(x, (float, np.floating)) else x for x, f in zip(row, formats)])
    return path


@dataclass(frozen=True, eq=False)
class Recording:
    """What a run recorded: traces and spikes, and the input that produced them.

    Attributes
    ----------
    t : Quantity (second)
        Recorded times, one per time step, from 0.
    v : Quantity (volt)
        Membrane potential at `t`.
    I : Quantity (amp)
        Input current at `t`.
    spike_times : Quantity (second)
        Times of the spikes: when v crossed the threshold, timed exactly within the time step.
    current : inputs.Current
    duration, dt : Quantity (second)
    """

    t: Quantity
    v: Quantity
    I: Quantity
    spike_times: Quantity
    current: Current
    duration: Quantity
    dt: Quantity

    @property
    def spike_count(self):
        """Number of spikes (int)."""
        return int(len(self.spike_times))

    @property
    def firing_rate(self):
        """Spike count divided by the duration (Hz)."""
        return self.spike_count / self.duration

    def v_at(self, t):
        """The membrane potential at time `t` (a Quantity, or an array of them), linearly
        interpolated between the recorded time steps.

        Examples
        --------
        >>> from brian2 import nA, ms, mV
        >>> from neurodyn_lab import simulate, inputs
        >>> r = simulate(inputs.step(1 * nA, 0 * ms, None), 100 * ms)
        >>> round(float(r.v_at(40 * ms) / mV), 1)  # book: -70 + 10 (1 - exp(-40/8)) = -60.07 mV
        -60.1
        >>> r.v_at(150 * ms)
        Traceback (most recent call last):
        ...
        ValueError: t must be within the recorded run, 0 ms to 99.9 ms (e.g. t=20*ms), got 150 ms
        """
        t_s = np.asarray(as_quantity("t", t, second, "a time such as 20*ms", allow_array=True) / second, dtype=float)
        recorded = np.asarray(self.t / second)
        last_ms = float(recorded[-1] * 1e3) if recorded.size else 0.0
        outside = (t_s < recorded[0]) | (t_s > recorded[-1]) if recorded.size else np.ones(np.shape(t_s), bool)
        if np.any(outside):
            bad = float(np.ravel(t_s)[np.argmax(np.ravel(outside))] * 1e3)
            raise ValueError(f"t must be within the recorded run, 0 ms to {last_ms:g} ms (e.g. t=20*ms), "
                             f"got {bad:g} ms")
        values = np.interp(t_s, recorded, np.asarray(self.v / mV))
        return values * mV

    def plot(self, title=None, *, xlim=None, ylim=None):
        """A matplotlib Figure of v (spike markers; the threshold when known) above I.

        Parameters
        ----------
        title : str, optional
        xlim : (Quantity, Quantity), optional
            The time range to show, e.g. ``(10*ms, 30*ms)``.
        ylim : (Quantity, Quantity), optional
            The voltage range of the v axis, e.g. ``(-70*mV, -45*mV)``.

        Examples
        --------
        >>> from brian2 import nA, ms, mV
        >>> from neurodyn_lab import simulate, inputs
        >>> fig = simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms).plot(xlim=(5 * ms, 30 * ms))
        >>> fig.axes[0].get_xlim() == (5, 30)
        True
        >>> simulate(inputs.step(3 * nA, 10 * ms, 60 * ms), 100 * ms).plot(ylim=(-70, -40))
        Traceback (most recent call last):
        ...
        TypeError: ylim must be two voltages such as (-70*mV, -45*mV), got -70 (a bare number, without a unit) first
        """
        return plot_result(self, title=title, xlim=xlim, ylim=ylim)

    def _csv_title(self):
        return f"neurodyn_lab {type(self).__name__}; current: {self.current!r}"

    def to_csv(self, path):
        """Write t [ms], v [mV], I [nA] and a spike marker per row to a new file `path`.

        The spike times are also listed in a comment line at the top.

        Raises
        ------
        FileExistsError
            If `path` exists already (nothing is written).
        """
        spike_ms = np.asarray(self.spike_times / ms)
        steps = np.floor(spike_ms / float(self.dt / ms) + 1e-9).astype(int)
        marker = np.zeros(len(self.t), dtype=int)
        marker[steps[(steps >= 0) & (steps < len(marker))]] = 1
        columns = (np.asarray(self.t / ms), np.asarray(self.v / mV), np.asarray(self.I / nA))
        rows = ((float(t), float(v), float(i), int(s)) for t, v, i, s in zip(*columns, marker))
        return write_table(
            path,
            [self._csv_title(), f"spike_times_ms: {', '.join(f'{s:.4f}' for s in spike_ms)}"],
            ["t_ms", "v_mV", "I_nA", "spike"], rows, formats=[".4f", ".6f", ".6f", "d"],
        )


@dataclass(frozen=True, eq=False)
class LIFResult(Recording):
    """The outcome of `simulate`: a `Recording` and the neuron's parameters.

    Attributes
    ----------
    t, v, I, spike_times, current, duration, dt
        See `Recording`.
    params : LIFParams
    """

    params: LIFParams = None

    def _csv_title(self):
        return f"neurodyn_lab LIFResult; {self.params!r}; current: {self.current!r}"

    def __repr__(self):
        return (
            f"<LIFResult: {float(self.duration / ms):g} ms at dt={float(self.dt / ms):g} ms, "
            f"{self.spike_count} spike{'s' if self.spike_count != 1 else ''} "
            f"({float(self.firing_rate / Hz):.1f} Hz); input {self.current!r}>"
        )


def _column(values, unit):
    return [float(x) for x in np.asarray(values / unit)] if values is not None else None


@dataclass(frozen=True, eq=False)
class FICurve:
    """Firing rate against constant current: simulated `rates` and, optionally, `predicted` ones.

    Build one from `analysis.fi_curve`: ``FICurve(currents, analysis.fi_curve(currents, p), p, duration)``.

    Attributes
    ----------
    currents : Quantity (amp)
    rates : Quantity (hertz)
    params : LIFParams
    duration : Quantity (second)
        Simulated time per current.
    predicted : Quantity (hertz) or None
        A closed form's rates at the same currents (the f-I panel fills it for the named presets only).
    """

    currents: Quantity
    rates: Quantity
    params: LIFParams
    duration: Quantity
    predicted: Quantity = None

    def to_csv(self, path):
        """Write I [nA], rate [Hz] (and the predicted rate) to a new file `path`."""
        columns = [_column(self.currents, nA), _column(self.rates, Hz)]
        names = ["I_nA", "rate_Hz"]
        if self.predicted is not None:
            columns.append(_column(self.predicted, Hz))
            names.append("predicted_rate_Hz")
        return write_table(
            path, [f"neurodyn_lab f-I curve; {self.params!r}; duration {float(self.duration / ms):g} ms"],
            names, zip(*columns),
        )

    def plot(self):
        """A Figure of the rates against current (and the predicted curve, if any).

        Examples
        --------
        >>> import numpy as np
        >>> from brian2 import nA, Hz, ms
        >>> from neurodyn_lab import LIFParams
        >>> fig = FICurve(np.array([1, 3]) * nA, np.array([0, 90]) * Hz, LIFParams(), 500 * ms).plot()
        >>> fig.axes[0].get_xlabel()
        'constant current I (nA)'
        """
        fig = new_figure((7, 4.2))
        book = (self.currents, self.predicted) if self.predicted is not None else None
        FICurveAxes(fig).show(self.currents, self.rates, book=book)
        return fig


@dataclass(frozen=True, eq=False)
class FrequencyResponse:
    """Gain and phase of the membrane potential per frequency, measured (and optionally predicted).

    Build one from `analysis.frequency_response`:
    ``FrequencyResponse(f, *analysis.frequency_response(f, 0.5*nA, p), p, 0.5*nA)``.

    Attributes
    ----------
    frequencies : Quantity (hertz)
    gain : Quantity (ohm)
    phase : ndarray
        Degrees.
    params : LIFParams
    amplitude : Quantity (amp)
    predicted_gain : Quantity (ohm) or None
    predicted_phase : ndarray or None
    """

    frequencies: Quantity
    gain: Quantity
    phase: np.ndarray
    params: LIFParams
    amplitude: Quantity
    predicted_gain: Quantity = None
    predicted_phase: np.ndarray = None

    def to_csv(self, path):
        """Write f [Hz], gain [MOhm] and phase [degrees] (and the predicted ones) to a new file."""
        columns = [_column(self.frequencies, Hz), _column(self.gain, Mohm), [float(x) for x in self.phase]]
        names = ["f_Hz", "gain_Mohm", "phase_deg"]
        if self.predicted_gain is not None:
            columns += [_column(self.predicted_gain, Mohm), [float(x) for x in self.predicted_phase]]
            names += ["predicted_gain_Mohm", "predicted_phase_deg"]
        return write_table(
            path, [f"neurodyn_lab frequency response; {self.params!r}; amplitude {float(self.amplitude / nA):g} nA"],
            names, zip(*columns),
        )

    def plot(self):
        """A Bode plot: gain and phase against frequency on a log axis (and the predicted curves, if any).

        Examples
        --------
        >>> import numpy as np
        >>> from brian2 import Hz, Mohm, nA
        >>> from neurodyn_lab import LIFParams
        >>> r = FrequencyResponse(np.array([10, 100]) * Hz, np.array([9, 1.5]) * Mohm, np.array([-27., -79.]),
        ...                       LIFParams(), 0.5 * nA)
        >>> r.plot().axes[1].get_ylabel()
        'phase (degrees)'
        """
        fig = new_figure((7, 4.8))
        freqs = np.asarray(self.frequencies / Hz)
        book = None
        if self.predicted_gain is not None:
            book = (self.frequencies, self.predicted_gain, self.predicted_phase)
        BodeAxes(fig, (float(freqs.min()) / 1.5, float(freqs.max()) * 1.5)).show(self.frequencies, self.gain,
                                                                                  self.phase, book=book)
        return fig
