"""Questions of notebook 01 step current: rheobase, charging curve, a short pulse's threshold charge,
and the membrane as a linear filter (its impulse response, a prediction by convolution, and where
superposition breaks)."""

import math

import numpy as np
from brian2 import Quantity, amp, coulomb, farad, get_dimensions, mV, ms, nA, pcoulomb, second, volt

from ... import analysis
from ..answers import Rejected, describe_answer
from ..framework import Case, ChoiceQuestion, FunctionQuestion, Mistake, PredictionQuestion, QuantityQuestion, \
    Tolerance, Verdict, near, si
from .common import OTHER_A, OTHER_B, label, secret_neurons, secret_numbers, text
from ...parameters import LIFParams

__all__ = ["QUESTIONS", "STEP_01", "CHARGE_01", "PULSE_01", "KERNEL_PULSE_01", "TRAIN_01", "ArrayFunctionQuestion",
           "kernel_of", "linear_response", "train_samples"]

STEP_01 = dict(amplitude=3 * nA, start=10 * ms)  # 01.first_spike_time
CHARGE_01 = dict(amplitude=1 * nA, start=10 * ms)  # 01.v_after_tau
PULSE_01 = dict(duration=0.1 * ms, start=10 * ms)  # 01.min_charge: the pulse's width and start
#: The short pulse whose response, per unit charge, is the impulse response (01.capacitance).
KERNEL_PULSE_01 = dict(charge=5 * pcoulomb, duration=0.1 * ms, start=0 * ms)
#: The pulse train of 01.train_limit: `count` pulses of `width`, one every `period`, from `start`,
#: sampled every `dt` for `samples` samples (the notebook builds it from sample indices).
TRAIN_01 = dict(width=2 * ms, period=5 * ms, count=5, start=10 * ms, dt=0.1 * ms, samples=1000)


def _first_spike(v):
    return STEP_01["start"] + analysis.time_to_first_spike(STEP_01["amplitude"], v.neuron)


def _v_after_tau(v):
    p = v.neuron
    return p.v_rest + p.R * CHARGE_01["amplitude"] * (1 - math.exp(-1))


def _min_charge(v):
    # The pulse of width w lifts v from rest by R I (1 - exp(-w/tau)) with I = q/w: that must reach v_threshold.
    # (In the Dirac limit w << tau this is C (v_threshold - v_rest) with C = tau/R.)
    p, w = v.neuron, PULSE_01["duration"]
    return (p.v_threshold - p.v_rest) / p.R * w / (1 - math.exp(-si(w / p.tau)))


# ------------------------------------------------------------------------------------------------
# The membrane as a linear filter
# ------------------------------------------------------------------------------------------------
def kernel_of(p, dt, samples):
    """The impulse response of neuron `p` as a one-`dt` pulse of unit charge at t = 0 measures it,
    sampled every `dt`: 0 at t = 0, then (R/dt)(1 - exp(-dt/tau)) exp(-(k - 1) dt/tau) (volt per coulomb).

    For dt << tau this is the book's kernel (1/C) exp(-t/tau), one sample later.

    Examples
    --------
    >>> from brian2 import ms
    >>> from neurodyn_lab import LIFParams
    >>> k = kernel_of(LIFParams(), 0.1 * ms, 3)
    >>> float(k[0]), round(float(k[1] * LIFParams().tau / LIFParams().R), 3)  # about 1/C
    (0.0, 0.994)
    """
    d, tau, R = si(dt), si(p.tau), si(p.R)
    k = np.arange(int(samples))
    values = np.where(k >= 1, R / d * (1 - math.exp(-d / tau)) * np.exp(-(k - 1) * d / tau), 0.0)
    return Quantity(values, dim=get_dimensions(volt / coulomb))


def linear_response(current, dt, p):
    """The depolarisation v - v_rest of neuron `p` without threshold, from rest, for `current` held
    constant over each step `dt` (the exact solution of tau dv/dt = -(v - v_rest) + R I, step by step),
    sampled at the start of each step: one value per sample of `current`.

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import mV, ms, nA
    >>> from neurodyn_lab import LIFParams
    >>> dv = linear_response(np.ones(2000) * nA, 0.1 * ms, LIFParams())
    >>> round(float(dv[-1] / mV), 3)  # R I after many tau
    10.0
    """
    d, tau, R = si(dt), si(p.tau), si(p.R)
    a = math.exp(-d / tau)
    values = np.asarray(current / amp, dtype=float)
    out = np.zeros(len(values))
    for n in range(1, len(values)):
        out[n] = a * out[n - 1] + R * (1 - a) * values[n - 1]
    return out * volt


def train_samples(amplitude=1 * nA):
    """The pulse train of 01.train_limit (`TRAIN_01`) with pulses of `amplitude`, as samples every dt.

    Examples
    --------
    >>> from brian2 import nA
    >>> I = train_samples(1 * nA)
    >>> len(I), round(float(sum(I) / nA))  # five pulses of 20 samples
    (1000, 100)
    """
    n = np.arange(TRAIN_01["samples"])
    first, every, wide = (int(round(si(TRAIN_01[k] / TRAIN_01["dt"]))) for k in ("start", "period", "width"))
    on = (n >= first) & (n < first + every * TRAIN_01["count"]) & ((n - first) % every < wide)
    return amplitude * on.astype(float)


def _train_limit(v):
    # The train's peak is at the last pulse's end: each pulse lifts v by R A (1 - exp(-w/tau)), and the
    # earlier ones have decayed by exp(-m P / tau) by then. The neuron stays silent while that peak
    # stays below v_threshold.
    p, w, period = v.neuron, TRAIN_01["width"], TRAIN_01["period"]
    summed = sum(math.exp(-m * si(period / p.tau)) for m in range(TRAIN_01["count"]))
    return (p.v_threshold - p.v_rest) / (p.R * (1 - math.exp(-si(w / p.tau))) * summed)


def _one_pulse_limit(v):
    p = v.neuron
    return (p.v_threshold - p.v_rest) / (p.R * (1 - math.exp(-si(TRAIN_01["width"] / p.tau))))


def _case(current, dt, p, what, kernel_samples, variant=None):
    kernel = kernel_of(p, dt, kernel_samples)
    arguments = (f"<{what}, {len(current)} samples>, dt={text(dt, ms, 'ms').replace(' ', '*')}, "
                 f"<the kernel of {label(p, variant)}, {kernel_samples} samples>")
    return Case((current, dt, kernel), arguments, linear_response(current, dt, p))


def _kernel_samples(p, dt, scale):
    # Long enough that the kernel's tail beyond it is below 1e-4 of its peak (10 tau), or longer.
    return int(math.ceil(si(p.tau / dt) * 10 * scale))


def _predict_cases(variant):
    p, d = variant.neuron, TRAIN_01["dt"]
    n = np.arange(600)
    return [
        _case(train_samples(1 * nA), d, p, "the pulse train of 1 nA", 2000, variant),
        _case(0.5 * nA * ((n >= 50) & (n < 400)), d, p, "a 0.5 nA step from 5 ms to 40 ms", 600, variant),
        _case((0.2 + 0.3 * np.sin(2 * np.pi * 40 * np.arange(2400) * 0.05e-3)) * nA, 0.05 * ms, LIFParams(),
              "0.2 nA + a 0.3 nA sinusoid at 40 Hz", 1700),  # a kernel shorter than the current
        _case(np.linspace(0, 1.5, 400) * nA, 0.2 * ms, OTHER_A, "a ramp from 0 to 1.5 nA over 80 ms", 1100),
        _case(-0.4 * nA * ((n >= 100) & (n < 200)), d, OTHER_B, "a step of -0.4 nA from 10 ms to 20 ms", 600),
    ]


def _hidden_predict_cases(key, student):
    neurons = secret_neurons(key, f"01.predict_dv\0{student}", 4)
    u = secret_numbers(key, f"01.predict_dv inputs\0{student}", 40)
    cases = []
    for i, p in enumerate(neurons):
        a = u[10 * i: 10 * i + 10]
        dt = (0.05, 0.1, 0.2)[int(a[0] * 3)] * ms
        count = 300 + int(a[1] * 600)
        n = np.arange(count)
        amplitude = round(0.2 + 1.3 * a[2], 3)
        on, off = int(count * 0.1 * a[3]), int(count * (0.4 + 0.5 * a[4]))
        kind = i % 4
        if kind == 0:  # a step, and a second one on top
            second_on = on + int((off - on) * a[5])
            values = amplitude * ((n >= on) & (n < off)) + round(0.8 * a[6], 3) * (n >= second_on)
            what = f"a {amplitude:g} nA step from sample {on} to {off}, and {round(0.8 * a[6], 3):g} nA from {second_on}"
        elif kind == 1:  # a sinusoid on an offset
            freq = round(5 + 95 * a[5], 1)
            values = round(0.5 * a[6], 3) + amplitude * np.sin(2 * np.pi * freq * n * si(dt))
            what = f"{round(0.5 * a[6], 3):g} nA + a {amplitude:g} nA sinusoid at {freq:g} Hz"
        elif kind == 2:  # a pulse train
            width, period = 2 + int(a[5] * 20), 25 + int(a[6] * 40)
            values = amplitude * ((n >= on) & ((n - on) % period < width))
            what = f"pulses of {amplitude:g} nA, {width} samples every {period}, from sample {on}"
        else:  # piecewise constant, a new value every few samples (a rough, noisy-looking current)
            block = 5 + int(a[5] * 30)
            levels = secret_numbers(key, f"01.predict_dv levels\0{student}", count // block + 1)
            values = amplitude * (2 * np.array(levels)[n // block] - 0.6)
            what = f"a current around {0.4 * amplitude:g} nA that jumps every {block} samples"
        samples = max(_kernel_samples(p, dt, 1), int(count * (0.5 + a[7])))
        cases.append(_case(np.asarray(values, dtype=float) * nA, dt, p, what, samples))
    return cases


class ArrayFunctionQuestion(FunctionQuestion):
    """A function question whose function returns an array (a voltage trace): a case passes when its
    largest error is at most `rel` of the largest size the expected trace reaches.

    Each `Case.expected` is a Quantity array; the function must return one value per expected value,
    as a Quantity of `unit`'s kind.

    Examples
    --------
    >>> from neurodyn_lab.grading.students import variant_for
    >>> question = next(q for q in QUESTIONS if q.id == "01.predict_dv")
    >>> def predict_dv(current, dt, kernel):
    ...     return np.convolve(current / nA, kernel / (mV / pcoulomb))[:len(current)] * (dt / ms) * mV
    >>> question.grade(predict_dv, variant_for(None)).status
    'correct'
    >>> question.grade(lambda current, dt, kernel: np.ones(3) * mV, variant_for(None)).text[:49]
    'your function returned 3 values for a current of '
    """

    def read_result(self, result, call):
        if result is None:
            raise Rejected("unanswered", f"not answered yet: {call} returned None; write the body of the "
                                         "function and return the result.")
        if isinstance(result, (list, tuple)) and result and all(isinstance(r, Quantity) for r in result):
            try:
                result = Quantity(result)
            except Exception:  # mixed units: reported below
                pass
        if not isinstance(result, Quantity) or get_dimensions(result) != get_dimensions(self.unit) \
                or np.ndim(result) != 1:
            plain = isinstance(result, np.ndarray) and not isinstance(result, Quantity)
            raise Rejected("invalid", f"{call} gave {describe_answer(result)}: your function must return "
                                      f"{self.returns}" + (" (np.convolve drops the units: multiply the plain "
                                                           "numbers by their unit)." if plain else "."))
        return np.asarray(result, dtype=float)  # SI

    def compare(self, results, cases, hint_for):
        failures, hints = [], []
        for case, values in zip(cases, results):
            expected = np.asarray(case.expected, dtype=float)
            values = np.asarray(values, dtype=float)
            if values.shape != expected.shape:
                return Verdict("invalid", f"your function returned {np.size(values)} values for a current of "
                                          f"{len(expected)} samples, e.g. for {case.label(self.name)}: return one "
                                          "value per sample of the current.")
            size = float(np.max(np.abs(expected)))
            if np.all(np.isfinite(values)) and np.max(np.abs(values - expected)) <= self.rel * size + 1e-15:
                continue
            failures.append(case)
            hints.append(_scale_hint(values, expected, size, self.rel))
        if not failures:
            return Verdict("correct", f"correct for all {len(cases)} test cases (within ±{self.rel * 100:g} % of the "
                                      "largest depolarisation).")
        where = f"{len(failures)} of {len(cases)} test cases are not right, e.g. {failures[0].label(self.name)}."
        return Verdict("wrong", f"{where} Hint: {next((h for h in hints if h), None) or hint_for(failures)}")


def _scale_hint(values, expected, size, rel):
    """A hint for a trace of the right shape but the wrong size or sign (never a value), else None."""
    if not np.all(np.isfinite(values)) or size == 0:
        return None
    scale = float(np.dot(values, expected) / np.dot(expected, expected))
    if scale == 0 or np.max(np.abs(values - scale * expected)) > rel * size * abs(scale):
        return None
    if scale < 0:
        return "your trace has the right shape but the wrong sign."
    return (f"your trace has the right shape but is {'too large' if scale > 1 else 'too small'} by a factor of "
            f"about {scale if scale > 1 else 1 / scale:.2g}: did you multiply the sum by dt, and convert the units?")


_NEAR_RHEOBASE_CHOICES = ("later and later", "towards a fixed time", "earlier and earlier")
_HALVED_WIDTH_CHOICES = ("grows slightly", "shrinks slightly", "falls to half", "rises to double")
_BREAKS_CHOICES = ("spike and reset", "kernel too short", "time step too coarse", "input too fast")

#: The notebook's questions, in order.
QUESTIONS = [
    QuantityQuestion(
        id="01.rheobase", title="rheobase of your neuron",
        expected=lambda v: analysis.rheobase(v.neuron), unit=amp, example="a current, e.g. 0.5*nA",
        tolerance=Tolerance(rel=0.01),
        hint="set the steady state v_rest + R·I equal to v_threshold and solve for I, with your neuron's "
             "parameters (me.neuron).",
    ),
    PredictionQuestion(
        id="01.predict_first_spike", title="your prediction of the first spike's time (3 nA step at 10 ms)",
        about="01.first_spike_time", unit=second, example="a time on the simulation clock, e.g. 50*ms",
        plausible=(STEP_01["start"], 1 * second),
        hint="commit your own guess of the first spike's time on the simulation clock (after the step starts at "
             "10 ms) before the panel shows it: write it with its unit.",
    ),
    QuantityQuestion(
        id="01.first_spike_time", title="time of the first spike (3 nA step at 10 ms)",
        expected=_first_spike, unit=second, example="a time, e.g. 5*ms", tolerance=Tolerance(abs=0.2 * ms),
        stated=lambda v: (text(STEP_01["amplitude"], nA, "nA"), f"$t_0 = {si(STEP_01['start'] / ms):g}$ ms"),
        mistakes=(Mistake(lambda value, e, v: near(value, e - si(STEP_01["start"]), 0.02),
                          "that looks like the time since the step began; the question asks for the time on "
                          "the simulation clock, which starts at 0."),),
        hint="simulate the step on your neuron and read result.spike_times[0], or solve v(t) = v_threshold "
             "for the charging curve; remember that the step begins at 10 ms.",
    ),
    ChoiceQuestion(
        id="01.near_rheobase", title="the first spike as the current nears the rheobase", max_attempts=2,
        expected=lambda v: _NEAR_RHEOBASE_CHOICES[0], choices=_NEAR_RHEOBASE_CHOICES,
        hint="in the time you solved for in question 2, let R·I come down towards v_threshold − v_rest: what "
             "does the logarithm do? Try it in the panel with amplitudes just above your rheobase.",
    ),
    QuantityQuestion(
        id="01.v_after_tau", title="v one τ after a 1 nA step starts",
        expected=_v_after_tau, unit=volt, example="a voltage, e.g. -40*mV", tolerance=Tolerance(abs=0.2 * mV),
        stated=lambda v: (text(CHARGE_01["amplitude"], nA, "nA"), f"$t_0 = {si(CHARGE_01['start'] / ms):g}$ ms"),
        mistakes=(Mistake(lambda value, e, v: near(value, e - si(v.neuron.v_rest), 0.02),
                          "that is the depolarisation v − v_rest; the question asks for the membrane voltage "
                          "v itself."),
                  Mistake(lambda value, e, v: near(value, si(v.neuron.v_rest + v.neuron.R * CHARGE_01["amplitude"]),
                                                   0.01),
                          "that is the steady state, reached only after many τ; after one τ the voltage has "
                          "covered a fraction 1 − 1/e of the way.")),
        hint="evaluate v(t) = v_rest + R·I·(1 − exp(−(t − t0)/τ)) at t − t0 = τ, or read the simulated v one τ "
             "after the step starts.",
    ),
    QuantityQuestion(
        id="01.min_charge", title="threshold charge of a 0.1 ms pulse for your neuron (every larger charge fires it)",
        expected=_min_charge, unit=coulomb, example="a charge, e.g. 100*nA*ms", tolerance=Tolerance(rel=0.02),
        stated=lambda v: (text(PULSE_01["duration"], ms, "ms"), f"{si(PULSE_01['start'] / ms):g} ms"),
        mistakes=(Mistake(lambda value, e, v: near(value, si(v.neuron.tau / v.neuron.R * (
                      v.neuron.v_threshold - v.neuron.v_reset)), 0.02),
                          "the neuron starts at rest, v_rest, not at v_reset."),
                  Mistake(lambda value, e, v: near(value, si(analysis.rheobase(v.neuron) * PULSE_01["duration"]), 0.02),
                          "the rheobase times the pulse's width is far too little: a short pulse must lift v to "
                          "the threshold at once, by q/C."),),
        hint="a short pulse of charge q lifts v at once by q/C, with C = τ/R; it fires if that jump reaches "
             "the threshold from rest. Or bisect on the charge in simulations of inputs.pulse.",
    ),
    ChoiceQuestion(
        id="01.halved_width", title="the jump of a pulse half as wide, with the same charge", max_attempts=2,
        expected=lambda v: _HALVED_WIDTH_CHOICES[0], choices=_HALVED_WIDTH_CHOICES,
        hint="the jump at the pulse's end is R·I·(1 − exp(−w/τ)) with I = q/w: compare it for w = 0.1 ms and "
             "w = 0.05 ms at the same q (or simulate both), and compare both with q/C.",
    ),
    QuantityQuestion(
        id="01.capacitance", title="your neuron's capacitance, from its impulse response",
        expected=lambda v: v.neuron.tau / v.neuron.R, unit=farad, example="a capacitance, e.g. 3*nfarad",
        tolerance=Tolerance(rel=0.02),
        stated=lambda v: (text(KERNEL_PULSE_01["charge"], pcoulomb, "pC"),),
        mistakes=(Mistake(lambda value, e, v: value < 0,
                          "the kernel is the depolarisation v − v_rest per unit charge: subtract v_rest before "
                          "you divide by q."),),
        hint="the kernel is the response v − v_rest divided by the pulse's charge q; just after the pulse it is "
             "1/C: take the inverse of its largest value.",
    ),
    ArrayFunctionQuestion(
        id="01.predict_dv", title="your predict_dv(current, dt, kernel)", points=2, name="predict_dv",
        cases=_predict_cases, hidden_cases=_hidden_predict_cases, example="your function predict_dv",
        returns="a voltage array (one value per sample of the current), e.g. dv * mV", unit=volt, rel=0.01,
        hint="Δv at sample n is the sum over k of kernel[k] · current[n − k] · dt, for k from 0 to n and k within "
             "the kernel; np.convolve(a, b) gives these sums (its first len(current) values). It works on plain "
             "numbers: divide current and kernel by their units, and give the result its unit.",
    ),
    QuantityQuestion(
        id="01.train_limit", title="largest amplitude of the pulse train that keeps your neuron silent",
        expected=_train_limit, unit=amp, example="a current, e.g. 0.5*nA", tolerance=Tolerance(rel=0.02),
        stated=lambda v: (text(TRAIN_01["width"], ms, "ms"), text(TRAIN_01["period"], ms, "ms")),
        mistakes=(Mistake(lambda value, e, v: near(value, si(analysis.rheobase(v.neuron)), 0.02),
                          "that is the rheobase, the amplitude a current needs when it lasts; these pulses last "
                          "only 2 ms each."),
                  Mistake(lambda value, e, v: near(value, si(_one_pulse_limit(v)), 0.02),
                          "that amplitude would reach the threshold with a single pulse; the five pulses add up, "
                          "so less is needed.")),
        hint="below threshold the response is linear: the predicted peak for amplitude A is A times the peak of "
             "your prediction for 1 nA. The neuron stays silent while that peak stays below v_threshold − v_rest. "
             "Or bisect on A in simulations.",
    ),
    ChoiceQuestion(
        id="01.superposition_breaks", title="why the prediction fails above that amplitude", max_attempts=2,
        expected=lambda v: _BREAKS_CHOICES[0], choices=_BREAKS_CHOICES,
        hint="the convolution is exact for a linear membrane; which part of the model is not linear, and when "
             "does it act? Compare the two traces at the time they part.",
    ),
]
