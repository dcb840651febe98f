"""The book's answers to notebook 01's questions (see tests/test_nbgrader.py, `book_values`)."""

import math

from neurodyn_lab.grading.bank import CHARGE_01, PULSE_01, STEP_01

FUNCTION_BODIES = {
    "predict_dv": ("n = len(current)\n"
                   "dv = np.convolve(current / nA, kernel / (mV / pcoulomb))[:n] * (dt / ms)\n"
                   "return dv * mV"),
}

#: The package's own answer called from a function answer (an attack), by the function's name: for
#: predict_dv, the membrane's frequency response (analysis.gain and analysis.phase of a neuron
#: rebuilt from the kernel) applied to the current's spectrum, which is right and uses the closed forms.
CLOSED_FORM_CALLS = {
    "predict_dv": (
        'from brian2 import Hz, ohm, second, volt\n'
        'from neurodyn_lab import LIFParams\n'
        'k, d = np.asarray(kernel, dtype=float), float(dt / second)\n'
        'tau = d / np.log(k[1] / k[2])\n'
        'neuron = LIFParams(R=k[1] * d / (1 - np.exp(-d / tau)) * ohm, tau=tau * second)\n'
        'size = len(current) + int(20 * tau / d)\n'
        'f = np.fft.rfftfreq(size, d)\n'
        'f[0] = 1e-9  # the package wants positive frequencies\n'
        'w = 2 * np.pi * np.fft.rfftfreq(size)\n'
        'held = np.ones(len(f), dtype=complex)\n'
        'held[1:] = (1 - np.exp(-1j * w[1:])) / (1j * w[1:])\n'
        'H = np.asarray(closed.gain(f * Hz, neuron) / ohm) * np.exp(1j * np.radians(closed.phase(f * Hz, neuron))) * held\n'
        'return np.fft.irfft(np.fft.rfft(np.asarray(current, dtype=float), size) * H, size)[:len(current)] * volt'
    ),
}

#: The pulse train of 01.train_limit as the notebook states it: five 2 ms pulses, one every 5 ms.
TRAIN_WIDTH_MS, TRAIN_PERIOD_MS, TRAIN_COUNT = 2.0, 5.0, 5


def values(student, v):
    """name -> value for `student` (their `Variant` `v`)."""
    p = v.neuron
    to_threshold = p.v_threshold - p.v_rest
    w = PULSE_01["duration"]
    step = STEP_01["amplitude"]
    tau_ms = float(p.tau) * 1e3
    # The book's pulse response, R A (1 - exp(-w/tau)) at a pulse's end, decaying with tau after it:
    # the train's peak is at the last pulse's end, the earlier pulses' responses summed.
    per_amp = p.R * (1 - math.exp(-TRAIN_WIDTH_MS / tau_ms)) * sum(
        math.exp(-m * TRAIN_PERIOD_MS / tau_ms) for m in range(TRAIN_COUNT))
    return {
        "rheobase": to_threshold / p.R,
        "first spike time": STEP_01["start"] + p.tau * math.log(float(p.R * step / (p.R * step - to_threshold))),
        "v one tau after a step": p.v_rest + p.R * CHARGE_01["amplitude"] * (1 - math.exp(-1)),
        "threshold charge of a pulse": to_threshold / p.R * w / (1 - math.exp(-float(w / p.tau))),
        "first spike as the current nears the rheobase": "later and later",
        "jump of a pulse half as wide": "grows slightly",
        "capacitance C = tau / R": p.tau / p.R,
        "largest silent amplitude of the pulse train": to_threshold / per_amp,
        "what breaks superposition": "spike and reset",
    }
