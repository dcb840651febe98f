"""The book's answers to notebook 02's questions (see tests/test_nbgrader.py, `book_values`), and an
Euler loop of our own (`euler_spikes`, `euler_trace`): the reference the Euler questions are tested
against, written here independently of the package and of the question bank."""

import math

import numpy as np
from brian2 import Hz, ms, nA

from neurodyn_lab.grading.bank import RATE_CURRENT_02, T_REF_02

from book_common import interval

EULER_DT = 0.1 * ms  # the notebook's euler_lif default time step
EULER_DURATION = 300 * ms  # and its default duration

FUNCTION_BODIES = {
    "firing_rate": ("to_threshold = params.v_threshold - params.v_rest\n"
                    "to_reset = params.v_reset - params.v_rest\n"
                    "if params.R * I <= to_threshold:\n"
                    "    return 0 * Hz\n"
                    "interval = params.t_ref + params.tau * np.log((params.R * I - to_reset) / (params.R * I - to_threshold))\n"
                    "return 1 / interval"),
    # The notebook's recipe, in Quantities (slower than floats, as a student may well write it) and
    # spike times rather than step numbers.
    "euler_lif": ("v = params.v_rest\n"
                  "hold = int(round(float(params.t_ref / dt)))\n"
                  "held = 0\n"
                  "times = []\n"
                  "for n in range(int(round(float(duration / dt)))):\n"
                  "    if held:\n"
                  "        held = held - 1\n"
                  "        continue\n"
                  "    v = v + dt / params.tau * (params.v_rest - v + params.R * I)\n"
                  "    if v >= params.v_threshold:\n"
                  "        times.append((n + 1) * dt)\n"
                  "        v = params.v_reset\n"
                  "        held = hold\n"
                  "if len(times) < 2:\n"
                  "    return 0 * Hz\n"
                  "return (len(times) - 1) / (times[-1] - times[0])"),
    "measure_rate": ("duration = 500 * ms\n"
                     "run = simulate(inputs.step(I, start=0 * ms, end=None), duration, params=params)\n"
                     "return run.spike_count / duration"),
}

#: The package's own answer called from a function answer (an attack), by the function's name. There
#: is no Euler loop in `analysis`: that attack imports the question bank's closed form of it (and
#: `analysis`, as every attack of this kind does).
CLOSED_FORM_CALLS = {
    "firing_rate": "return closed.firing_rate(I, params)",
    "euler_lif": "from neurodyn_lab.grading.questions.nb02 import euler_rate\nreturn euler_rate(I, params)",
    "measure_rate": "return closed.firing_rate(I, params)",
}


#: Figure questions: the f-I plot a student draws from the book, with the notebook's measured `my_rates`
#: at `currents` (from their measure_rate) as points and the book's rate of p3 (t_ref = 3 ms) written out
#: as a line; the Figure is left in ``fig``.
FIGURE_CODE = {
    "02.fi_plot": """
import matplotlib.pyplot as plt
I_nA = np.asarray(currents / nA)
p_3 = p.replace(t_ref=3 * ms)
RI = float(p_3.R / Mohm) * I_nA  # mV
to_threshold, to_reset = float((p_3.v_threshold - p_3.v_rest) / mV), float((p_3.v_reset - p_3.v_rest) / mV)
with np.errstate(all="ignore"):
    T_ms = float(p_3.t_ref / ms) + float(p_3.tau / ms) * np.log((RI - to_reset) / (RI - to_threshold))
book = np.where(RI > to_threshold, 1000 / T_ms, 0.0)
fig, ax = plt.subplots()
ax.plot(I_nA, np.asarray(my_rates / Hz), "o")
ax.plot(I_nA, book)
ax.set_xlabel("I [nA]")
ax.set_ylabel("f [Hz]")
""",
}

#: Predictions of several points: the book's rates of the student's neuron at 1, 3 and 8 nA.
PREDICTIONS = {
    "02.predict_rates": lambda student, v: [(I * nA, _book_rate(I * nA, v.neuron)) for I in (1, 3, 8)],
}


def _book_rate(current, p):
    return 0 * Hz if p.R * current <= p.v_threshold - p.v_rest else 1 / interval(current, p)


def euler_spikes(I, p, dt=EULER_DT, duration=EULER_DURATION, v0=None):
    """Spike times (s) of our own forward-Euler loop: from v0 (default v_rest), v += dt/tau (v_rest - v
    + R I), a spike when v >= v_threshold, then v_reset held for round(t_ref/dt) steps."""
    tau, dt_s = float(p.tau), float(dt)
    v_rest, v_reset, v_th, drive = float(p.v_rest), float(p.v_reset), float(p.v_threshold), float(p.R * I)
    v = v_rest if v0 is None else float(v0)
    hold, held, times = int(round(float(p.t_ref) / dt_s)), 0, []
    for n in range(int(round(float(duration) / dt_s))):
        if held:
            held -= 1
            continue
        v += dt_s / tau * (v_rest - v + drive)
        if v >= v_th:
            times.append((n + 1) * dt_s)
            v, held = v_reset, hold
    return np.array(times)


def euler_rate(I, p, dt=EULER_DT, duration=EULER_DURATION, v0=None):
    """One over the mean interval of `euler_spikes` (0 Hz with fewer than two spikes)."""
    times = euler_spikes(I, p, dt, duration, v0)
    return 0 * Hz if len(times) < 2 else (len(times) - 1) / (times[-1] - times[0]) * Hz


def euler_gain_ratio(p, frequency=1000 * Hz, dt=EULER_DT, amplitude=0.5 * nA):
    """Our Euler loop's gain for a sinusoid below threshold (least-squares amplitude of the last 20 of
    100 ms), over the book's gain R / sqrt(1 + (2 pi f tau)^2)."""
    dt_s, omega = float(dt), 2 * math.pi * float(frequency)
    t = np.arange(int(round(0.1 / dt_s))) * dt_s
    v = np.zeros(len(t))  # relative to v_rest
    drive = float(p.R * amplitude) * np.sin(omega * t)
    for n in range(len(t) - 1):
        v[n + 1] = v[n] + dt_s / float(p.tau) * (drive[n] - v[n])
    last = t > t[-1] - 0.020
    fit = np.linalg.lstsq(np.column_stack([np.sin(omega * t[last]), np.cos(omega * t[last]),
                                           np.ones(last.sum())]), v[last], rcond=None)[0]
    book = float(p.R) / math.sqrt(1 + (omega * float(p.tau)) ** 2)
    return math.hypot(fit[0], fit[1]) / float(amplitude) / book


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    p = v.neuron
    to_threshold = p.v_threshold - p.v_rest
    p3 = p.replace(t_ref=T_REF_02)
    x = math.exp(float(p3.t_ref / p3.tau))  # the current whose interval is 2 t_ref: tau ln(...) = t_ref
    ratio = euler_gain_ratio(p)
    # Without t_ref the book's interval is tau ln((RI - dr)/(RI - dth)) ~ tau (dth - dr)/(RI): it
    # shrinks a hundredfold from 100 to 10^4 times the rheobase, so the rate has no bound.
    p0 = p.replace(t_ref=0 * ms)
    rheobase = to_threshold / p.R
    unbounded = interval(100 * rheobase, p0) > 50 * interval(1e4 * rheobase, p0)
    # Just above the rheobase the interval grows like tau ln(1/eps): the rate's slope from eps = 1e-6
    # to 1e-3 above it is larger than from 1e-3 to 1e-1 by orders of magnitude (an infinite slope).
    def rate(eps):
        return 1 / interval(rheobase * (1 + eps), p)
    near_slope = (rate(1e-3) - rate(1e-6)) / (rheobase * (1e-3 - 1e-6))
    far_slope = (rate(1e-1) - rate(1e-3)) / (rheobase * (1e-1 - 1e-3))
    return {
        "maximal rate": 1 / p.t_ref,
        "rate at the stated current": 1 / interval(RATE_CURRENT_02, p),
        "half-maximal current of p3": (x * to_threshold - (p.v_reset - p.v_rest)) / (p.R * (x - 1)),
        "Euler's largest rate at dt = 0.1 ms": euler_rate(1e6 * nA, p),
        "without t_ref the rate is": "unbounded" if unbounded else "saturates",
        "the rate leaves 0 at the rheobase": "vertically" if near_slope > 10 * far_slope else "linearly",
        "Euler's gain at 1 kHz, dt = 0.1 ms": ("overestimates" if ratio > 1.001 else
                                               "underestimates" if ratio < 0.999 else "matches"),
    }
