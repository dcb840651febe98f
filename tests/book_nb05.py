"""The book's answers to notebook 05's questions (see tests/test_nbgrader.py, `book_values`), and an
independent simulation of the LIF neuron with a noisy input (tests/test_nb05_noise.py uses it too).

Never the package's answers: the Poisson process with dead time from its closed form (each interval
is t_ref plus an exponential interval of mean 1/rate: std 1/rate, mean t_ref + 1/rate), the noisy
experiments from `simulate_lif`, a NumPy simulation written here from the book's equation (exact
for an input held constant over each time step), driven by the stated noise current's samples (the
stimulus the question gives, not an answer).
"""

import functools

import numpy as np
from brian2 import Hz, second

from neurodyn_lab import inputs
from neurodyn_lab.grading.questions.nb05 import (ABOVE_05, BELOW_05, POISSON_RATE_05, SIGMA_05, TAU_NOISE_05,
                                                  TRIAL_DURATION_05, TRIALS_05)

FUNCTION_BODIES = {
    "isi_cv": ("intervals = np.diff(np.asarray(spike_times))\n"
               "return float(np.std(intervals) / np.mean(intervals))"),
}

#: The package has no CV of its own to call: the attack calls the closed forms it has (the sandbox
#: flags any of them in a function answer).
CLOSED_FORM_CALLS = {
    "isi_cv": ("from neurodyn_lab import LIFParams\n"
               "intervals = np.diff(np.asarray(spike_times))\n"
               "return float(closed.rheobase(LIFParams()) / closed.rheobase(LIFParams())) * "
               "float(np.std(intervals) / np.mean(intervals))"),
}

#: Figure questions: the plot a student draws from the book, leaving the Figure in ``fig``. The Poisson
#: process at 50 Hz: its 20 000 intervals drawn here, counted in 1 ms bins, with the count the
#: exponential density r exp(-r T) gives a bin of width w among n intervals, n r w exp(-r T).
FIGURE_CODE = {
    "05.poisson_histogram": """
import matplotlib.pyplot as plt
intervals_ms = np.random.default_rng(11).exponential(20.0, 20000)  # mean 1/(50 Hz) = 20 ms
counts, edges = np.histogram(intervals_ms, bins=np.linspace(0, 100, 101))
fig, ax = plt.subplots()
ax.plot((edges[:-1] + edges[1:]) / 2, counts, ".")
T_ms = np.linspace(0, 100, 400)
ax.plot(T_ms, 20000 * 0.05 * 1.0 * np.exp(-0.05 * T_ms))  # r = 0.05 per ms, w = 1 ms
ax.set_xlabel("T [ms]")
ax.set_ylabel("intervals per bin")
""",
}

DT = 1e-4  # s, the course's time step


def simulate_lif(p, currents, dt=DT):
    """Spike times (s) of LIF neurons `p`, one per row of `currents` (amp, held constant over each
    step of `dt`), from rest: each step v relaxes exactly towards v_rest + R I with time constant
    tau; a threshold crossing is timed by the same exact solution within the step, then v stays at
    v_reset for t_ref (which may end within a step) and relaxes again."""
    currents = np.atleast_2d(np.asarray(currents, dtype=float))
    trials, steps = currents.shape
    v_rest, v_reset, theta = float(p.v_rest), float(p.v_reset), float(p.v_threshold)
    R, tau, t_ref = float(p.R), float(p.tau), float(p.t_ref)
    v = np.full(trials, v_rest)
    free_at = np.full(trials, -1.0)  # when the refractory period ends
    spikes = [[] for _ in range(trials)]
    for k in range(steps):
        t = k * dt
        target = v_rest + R * currents[:, k]
        start = np.clip(free_at - t, 0.0, dt)  # the part of the step that is refractory
        end = target + (v - target) * np.exp(-(dt - start) / tau)
        crossing = end > theta
        if crossing.any():
            i = np.flatnonzero(crossing)
            when = t + start[i] + tau * np.log((target[i] - v[i]) / (target[i] - theta))
            for n, s in zip(i, when):
                spikes[n].append(s)
            free_at[i] = when + t_ref
            rest = np.clip(t + dt - free_at[i], 0.0, dt)
            end[i] = target[i] + (v_reset - target[i]) * np.exp(-rest / tau)
        v = end
    return [np.array(s) for s in spikes]


def stated_noise(p, mean_factor, trials=TRIALS_05, duration=TRIAL_DURATION_05):
    """The samples (amp) of the stated experiment's noise currents, one row per seed 0, 1, ...: mean
    and sigma as multiples of the rheobase (v_threshold - v_rest) / R."""
    rheobase = (p.v_threshold - p.v_rest) / p.R
    steps = int(round(float(duration / second) / DT))
    return np.array([inputs.noise(mean_factor * rheobase, SIGMA_05 * rheobase, TAU_NOISE_05, seed=k)
                     .first_samples(steps)[:steps] for k in range(trials)])


@functools.lru_cache(maxsize=64)
def stated_trains(p, mean_factor):
    """The spike trains (s) of the stated experiment of neuron `p` (independent simulation)."""
    return simulate_lif(p, stated_noise(p, mean_factor))


def pooled_cv(trains):
    intervals = np.concatenate([np.diff(t) for t in trains])
    return float(np.std(intervals) / np.mean(intervals))


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    p = v.neuron
    total = TRIALS_05 * float(TRIAL_DURATION_05 / second)
    return {
        "CV of the Poisson process with dead time": 1 / (1 + float(POISSON_RATE_05 * p.t_ref)),
        "noisy rate below the rheobase": sum(len(t) for t in stated_trains(p, BELOW_05)) / total * Hz,
        "CV of mean-driven firing": pooled_cv(stated_trains(p, ABOVE_05)),
        "the more irregular regime": "noise-driven",
    }


__all__ = ["FUNCTION_BODIES", "CLOSED_FORM_CALLS", "FIGURE_CODE", "values", "simulate_lif", "stated_noise", "stated_trains",
           "pooled_cv"]
