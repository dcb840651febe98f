"""The book's answers to notebook 03's questions (see tests/test_nbgrader.py, `book_values`)."""

import math

from brian2 import Hz

from neurodyn_lab.grading.bank import GAIN_FREQUENCY_03

#: measure(t, v, I, frequency) as a student writes it from the theory: a least-squares fit of the
#: steady state (the second half) by cos, sin and a constant, for the voltage and for the current; the
#: complex amplitudes' ratio is the gain and its angle the phase.
FUNCTION_BODIES = {
    "measure": ("keep = t >= t[-1] / 2\n"
                "w_t = 2 * np.pi * float(frequency / Hz) * np.asarray(t[keep] / ms) / 1000\n"
                "columns = np.stack([np.cos(w_t), np.sin(w_t), np.ones(len(w_t))], axis=1)\n"
                "c_v = np.linalg.lstsq(columns, np.asarray(v[keep] / mV), rcond=None)[0]\n"
                "c_i = np.linalg.lstsq(columns, np.asarray(I[keep] / nA), rcond=None)[0]\n"
                "ratio = complex(c_v[0], -c_v[1]) / complex(c_i[0], -c_i[1])\n"
                "gain = abs(ratio) * Mohm\n"
                "phase = float(np.degrees(np.angle(ratio)))\n"
                "return gain, phase"),
}

#: The package's closed forms called from the function answer: measure() is not given the neuron, so
#: the attack takes the notebook's `p` where there is one (the student's kernel) and the default else.
CLOSED_FORM_CALLS = {
    "measure": "p = globals().get('p')\nreturn closed.gain(frequency, p), closed.phase(frequency, p)",
}

#: Figure questions: the Bode plot a student draws from the book, with the notebook's measured
#: `gain_Mohm` and `phase_deg` at `frequencies`, and the book's R / sqrt(1 + (2 pi f tau)^2) and
#: -atan(2 pi f tau) on a finer grid, written out here; the Figure is left in ``fig``.
FIGURE_CODE = {
    "03.bode_plot": """
import matplotlib.pyplot as plt
f_measured = np.asarray(frequencies / Hz)
f_fine = np.geomspace(10, 1000, 200)
omega_tau = 2 * np.pi * f_fine * float(p.tau / ms) * 1e-3
fig, (top, bottom) = plt.subplots(2, 1)
top.plot(f_measured, gain_Mohm, "s")
top.plot(f_fine, float(p.R / Mohm) / np.sqrt(1 + omega_tau ** 2))
top.set_xscale("log")
top.set_yscale("log")
top.set_xlabel("f [Hz]")
top.set_ylabel("|V|/I0 [mV/nA]")
bottom.plot(f_measured, phase_deg, "s")
bottom.plot(f_fine, -np.degrees(np.arctan(omega_tau)))
bottom.set_xscale("log")
bottom.set_xlabel("f [Hz]")
bottom.set_ylabel("phase [deg]")
""",
}


def _book_gain(f, p):
    return p.R / math.sqrt(1 + float(2 * math.pi * f * p.tau) ** 2)


#: Predictions of several points: the book's gains at 10 Hz, 100 Hz and 1 kHz.
PREDICTIONS = {
    "03.predict_gains": lambda student, v: [(f * Hz, _book_gain(f * Hz, v.neuron)) for f in (10, 100, 1000)],
}


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    p = v.neuron
    return {
        "filter": "low-pass",
        "cut-off frequency": 1 / (2 * math.pi * p.tau),
        "gain at the stated frequency": _book_gain(GAIN_FREQUENCY_03, p),
        "phase at your frequency (degrees)": -math.degrees(math.atan(float(2 * math.pi * v.phase_frequency * p.tau))),
        "frequency of gain R/2": math.sqrt(3) / (2 * math.pi * p.tau),
        # p2 = p.replace(R=2 * p.R, tau=p.tau / 2): only tau sets the cut-off.
        "cut-off frequency of p2": 1 / (2 * math.pi * (p.tau / 2)),
        # Far above f_c the gain is R / (2 pi f tau): ten times the frequency, a tenth of the gain.
        "gain factor per decade far above f_c": 10,
        # -atan(2 pi f tau) -> -90 degrees as f grows without bound.
        "phase far above f_c (degrees)": -90.0,
    }
