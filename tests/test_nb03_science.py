"""Notebook 03's science (issue 19): the student's measure(t, v, I, frequency), the recordings it is
checked and graded on, the Bode plot from a short pulse, and the concept questions, against the book's
closed forms (/work/shared/reference/book-formulas.md) and our own integration of the membrane
equation, never the package's answers.

- the recordings (`sine_trace`) against a fine Runge-Kutta integration written here, for several
  neurons, amplitudes, frequencies and start phases;
- every case's expected (gain, phase) against R/sqrt(1 + (2 pi f tau)^2) and -atan(2 pi f tau), for
  several students and keys;
- the book's measure (tests/book_nb03.py, the body the round's students type) passes the student's
  cases and the autograder's hidden ones, in the kernel and through the sandboxed process; the usual
  wrong ones fail, each with its hint and never an expected value;
- the book's measure on Brian2 simulations (`simulate`) gives the closed form from 10 Hz to 1 kHz:
  the Bode points the notebook draws are right;
- the notebook's Fourier sum over a short pulse's recording gives the closed form within 2 %;
- the concept questions' answers are the book's for several students.
"""

import math

import numpy as np
import pytest
from brian2 import Hz, Mohm, mV, ms, nA, ohm, second

from neurodyn_lab import LIFParams, inputs, simulate
from neurodyn_lab.grading import QUESTIONS
from neurodyn_lab.grading.answers import Rejected
from neurodyn_lab.grading.questions.common import secret_neurons
from neurodyn_lab.grading.questions.nb03 import TRACE_NOISE_03, sine_trace
from neurodyn_lab.grading.sandbox import run_function
from neurodyn_lab.grading.codec import decode, encode
from neurodyn_lab.grading.students import variant_for

import book_nb03

STUDENTS = [None, "s001", "s2026001", "s1234567", "s2026005"]
KEYS = [b"k" * 32, bytes(range(32)), b"another instructor's key"]
MEASURE = QUESTIONS["03.measure_function"]
PREAMBLE = "import numpy as np\nfrom brian2 import ms, mV, nA, Mohm, Hz"


def book_gain(f, p):
    """R / sqrt(1 + (2 pi f tau)^2), in ohm (the book)."""
    return float(p.R / ohm) / math.sqrt(1 + (2 * math.pi * float(f / Hz) * float(p.tau / second)) ** 2)


def book_phase(f, p):
    """-atan(2 pi f tau), in degrees (the book)."""
    return -math.degrees(math.atan(2 * math.pi * float(f / Hz) * float(p.tau / second)))


def book_measure():
    """The book's measure, as the round's students type it (tests/book_nb03.py)."""
    body = "\n".join("    " + line for line in book_nb03.FUNCTION_BODIES["measure"].splitlines())
    namespace = {}
    exec(PREAMBLE + "\ndef measure(t, v, I, frequency):\n" + body, namespace)  # noqa: S102 (our own text)
    return namespace["measure"]


def rk4_trace(p, i0, f, start_phase_deg, t):
    """Our own integration of tau dv/dt = -(v - v_rest) + R I0 sin(2 pi f t + phase) from rest:
    classical Runge-Kutta with 20 substeps per sample (SI floats)."""
    tau, R, v_rest = float(p.tau / second), float(p.R / ohm), float(p.v_rest / mV) * 1e-3
    omega, theta = 2 * math.pi * f, math.radians(start_phase_deg)

    def slope(time, v):
        return (-(v - v_rest) + R * i0 * math.sin(omega * time + theta)) / tau

    v, out, h = v_rest, [v_rest], (t[1] - t[0]) / 20
    for k in range(len(t) - 1):
        time = t[k]
        for _ in range(20):
            a = slope(time, v)
            b = slope(time + h / 2, v + h / 2 * a)
            c = slope(time + h / 2, v + h / 2 * b)
            d = slope(time + h, v + h * c)
            v += h / 6 * (a + 2 * b + 2 * c + d)
            time += h
        out.append(v)
    return np.array(out)


NEURONS = [LIFParams(), LIFParams().replace(tau=20 * ms, R=5 * Mohm, v_rest=-60 * mV),
           LIFParams().replace(tau=3 * ms, R=40 * Mohm)]


@pytest.mark.parametrize("p, i0, f, start", [(NEURONS[0], 0.5, 50.0, 0.0), (NEURONS[1], 0.2, 7.0, 120.0),
                                             (NEURONS[2], 0.05, 400.0, -75.0)])
def test_the_recordings_are_the_membrane_equations_solution(p, i0, f, start):
    t, v, I = sine_trace(p, i0 * nA, f * Hz, start)
    t_s = np.asarray(t / second)
    reference = rk4_trace(p, i0 * 1e-9, f, start, t_s[:1500])
    swing = book_gain(f * Hz, p) * i0 * 1e-9
    assert np.max(np.abs(np.asarray(v[:1500] / mV) * 1e-3 - reference)) < 1e-4 * swing
    assert np.allclose(np.asarray(I / nA), i0 * np.sin(2 * math.pi * f * t_s + math.radians(start)))
    assert t_s[-1] >= max(10 * float(p.tau / second), 8 / f) - 1e-4  # the second half is the steady state


def test_the_noise_is_measurement_noise_of_the_stated_size():
    p = NEURONS[0]
    t, clean, _ = sine_trace(p, 0.5 * nA, 50 * Hz, 0.0)
    _, noisy, _ = sine_trace(p, 0.5 * nA, 50 * Hz, 0.0, noise=TRACE_NOISE_03, seed=3)
    swing = book_gain(50 * Hz, p) * 0.5e-9
    residual = np.asarray((noisy - clean) / mV) * 1e-3
    assert abs(np.std(residual) / swing - TRACE_NOISE_03) < 0.1 * TRACE_NOISE_03
    _, again, _ = sine_trace(p, 0.5 * nA, 50 * Hz, 0.0, noise=TRACE_NOISE_03, seed=3)
    assert np.array_equal(np.asarray(noisy), np.asarray(again))  # the same recording in kernel and autograder


def _cases_and_neurons():
    """Every case of several students and keys, with the neuron it was made of: the student's own, or
    the hidden neurons drawn from the key (two recordings each)."""
    for student in STUDENTS:
        variant = variant_for(student)
        yield from ((case, variant.neuron) for case in MEASURE.cases(variant))
    for key in KEYS:
        for student in STUDENTS[1:3]:
            neurons = secret_neurons(key, f"03.measure_function\0{student}", 3)
            yield from ((case, neurons[k // 2]) for k, case in enumerate(MEASURE.hidden_cases(key, student)))


def test_every_cases_expected_pair_is_the_books_closed_form_of_the_recorded_neuron():
    found = list(_cases_and_neurons())
    assert len(found) == 4 * len(STUDENTS) + 6 * len(KEYS) * 2
    for case, p in found:
        t, v, I, f = case.args
        gain, phase = case.expected
        assert float(gain / ohm) == pytest.approx(book_gain(f, p), rel=1e-9)
        assert phase == pytest.approx(book_phase(f, p), abs=1e-9)
        # The recording is of that neuron: our own integration of its first 40 ms, within the noise.
        i0 = float(np.max(np.abs(I)) / nA) * 1e-9
        reference = rk4_trace(p, i0, float(f / Hz), case.start_phase, np.asarray(t[:400] / second))
        residual = np.asarray(v[:400] / mV) * 1e-3 - reference
        assert np.std(residual) < 1.5 * TRACE_NOISE_03 * float(gain / ohm) * i0
        assert 5 <= float(f / Hz) <= 500


@pytest.mark.parametrize("student", STUDENTS)
def test_the_books_measure_passes_the_students_cases(student):
    result = MEASURE.grade(book_measure(), variant_for(student))
    assert result.status == "correct", result.text


@pytest.mark.parametrize("key", KEYS)
def test_the_books_measure_passes_the_hidden_cases(key):
    measure = book_measure()
    for student in ("s001", "s2026001"):
        cases = MEASURE.hidden_cases(key, student)
        results = [MEASURE.read_result(measure(*c.args), "measure(...)") for c in cases]
        assert MEASURE.compare(results, cases, lambda failures: "hint").status == "correct"


def test_the_hidden_cases_go_through_the_sandboxed_process_as_the_autograder_sends_them():
    # What autograde does: the cases' arguments encoded, the answer cell run in its own process, each
    # result decoded and read by the question (one implementation in kernel and autograder).
    cases = MEASURE.hidden_cases(KEYS[0], "s2026001")
    body = "\n".join("    " + line for line in book_nb03.FUNCTION_BODIES["measure"].splitlines())
    for source, status in (("def measure(t, v, I, frequency):\n" + body, "correct"),
                           ("def measure(t, v, I, frequency):\n" + body.replace("return gain,", "return 1.1 * gain,"),
                            "wrong")):
        out = run_function(source, "measure", [[encode(a) for a in c.args] for c in cases], preamble=PREAMBLE,
                           seconds=20)
        assert out["problem"] is None and not out["closed_form_calls"], out
        results = [MEASURE.read_result(decode(r["value"]), "measure(...)") for r in out["results"]]
        assert MEASURE.compare(results, cases, lambda failures: "hint").status == status


def _fit(t, x, f):
    omega_t = 2 * np.pi * float(f / Hz) * np.asarray(t / second)
    design = np.column_stack([np.sin(omega_t), np.cos(omega_t), np.ones_like(omega_t)])
    (a, b, _), *_ = np.linalg.lstsq(design, x, rcond=None)
    return math.hypot(a, b), math.atan2(b, a)


def peak_to_peak(t, v, I, frequency):
    steady = t >= t[-1] / 2
    amplitude_v = (np.max(v[steady]) - np.min(v[steady])) / 2
    return amplitude_v / np.max(I), book_measure()(t, v, I, frequency)[1]


def phase_from_zero(t, v, I, frequency):
    # Ignores the current's own phase: right only for a current that starts at phase 0.
    steady = t >= t[-1] / 2
    _, phase_v = _fit(t[steady], np.asarray(v[steady] / mV), frequency)
    return book_measure()(t, v, I, frequency)[0], math.degrees(phase_v)


def radians(t, v, I, frequency):
    gain, phase = book_measure()(t, v, I, frequency)
    return gain, math.radians(phase)


def lead(t, v, I, frequency):
    gain, phase = book_measure()(t, v, I, frequency)
    return gain, -phase


def swing(t, v, I, frequency):
    gain, phase = book_measure()(t, v, I, frequency)
    return 2 * gain, phase


@pytest.mark.parametrize("student", ["s001", "s2026002"])
@pytest.mark.parametrize("function, hint", [
    (peak_to_peak, "noise lifts the highest samples"), (phase_from_zero, "relative to the current's own phase"),
    (radians, "look like radians"), (lead, "sign of the phase"), (swing, "half the peak-to-peak")])
def test_a_usual_mistake_fails_with_its_hint_and_no_expected_value(student, function, hint):
    variant = variant_for(student)
    result = MEASURE.grade(function, variant)
    assert result.status == "wrong" and hint in result.text, result.text
    for case in MEASURE.cases(variant):
        gain, phase = case.expected
        assert f"{float(gain / Mohm):.3g}" not in result.text and f"{phase:.3g}" not in result.text


@pytest.mark.parametrize("answer, words", [
    (lambda t, v, I, f: None, "returned None"),
    (lambda t, v, I, f: 40 * Mohm, "must return a pair (gain, phase)"),
    (lambda t, v, I, f: (40, -30), "the gain"),
    (lambda t, v, I, f: (40 * mV, -30), "the gain"),
    (lambda t, v, I, f: (40 * Mohm, -30 * ms), "the phase"),
])
def test_a_result_of_the_wrong_kind_gets_one_sentence(answer, words):
    with pytest.raises(Rejected) as rejected:
        MEASURE.grade(answer, variant_for(None))
    assert rejected.value.status in ("invalid", "unanswered") and words in rejected.value.message
    assert "\n" not in rejected.value.message


def test_read_result_takes_a_pair_and_nan_is_wrong():
    assert MEASURE.read_result([2 * Mohm, np.float64(-30)], "m") == (2e6, -30.0)
    gain, phase = MEASURE.read_result((float("nan") * Mohm, float("nan")), "m")
    assert math.isnan(gain) and math.isnan(phase)
    case = MEASURE.cases(variant_for(None))[0]
    assert MEASURE.compare([(gain, phase)], [case], lambda failures: "hint").status == "wrong"
    with pytest.raises(Rejected):
        MEASURE.read_result((1, 2, 3), "m")


@pytest.mark.parametrize("student", ["s001", "s2026001", "s1234567"])
def test_the_books_measure_on_brian2_simulations_is_the_closed_form(student):
    # The Bode points the notebook draws with the student's measure: simulate() from rest for 800 ms.
    p, measure = variant_for(student).neuron, book_measure()
    for f in np.geomspace(10, 1000, 5) * Hz:
        run = simulate(inputs.sinusoid(0.5 * nA, f), 800 * ms, params=p)
        gain, phase = measure(run.t, run.v, run.I, f)
        assert float(gain / ohm) == pytest.approx(book_gain(f, p), rel=0.01)
        assert phase == pytest.approx(book_phase(f, p), abs=1.0)


@pytest.mark.parametrize("student", [None, "s001", "s2026001"])
def test_the_fourier_transform_of_a_short_pulse_is_the_closed_form(student):
    # The notebook's cell: a 0.1 ms pulse of 1 nA at t = 0, h(t) dt from the recording, the sum at each
    # frequency with times from the pulse's middle.
    p, width = variant_for(student).neuron, 0.1 * ms
    kick = simulate(inputs.pulse(amplitude=1 * nA, duration=width), 200 * ms, params=p)
    h_dt = np.asarray((kick.v - p.v_rest) / (1 * nA * width) * kick.dt / ohm)
    t_s = np.asarray((kick.t - width / 2) / second)
    for f in np.geomspace(10, 1000, 13):
        H = np.sum(h_dt * np.exp(-2j * np.pi * f * t_s))
        assert abs(H) == pytest.approx(book_gain(f * Hz, p), rel=0.02)
        assert math.degrees(np.angle(H)) == pytest.approx(book_phase(f * Hz, p), abs=1.0)


@pytest.mark.parametrize("student", STUDENTS)
def test_the_concept_questions_answers_are_the_books(student):
    variant, values = variant_for(student), book_nb03.values(student, variant_for(student))
    p = variant.neuron
    assert QUESTIONS["03.cutoff_of_p2"].grade(values["cut-off frequency of p2"], variant).passed
    # R does not move the cut-off: p's own cut-off and a product R*tau kept are told so
    fc = 1 / (2 * math.pi * p.tau)
    assert "does R move the cut-off" in QUESTIONS["03.cutoff_of_p2"].grade(fc, variant).text
    assert QUESTIONS["03.gain_per_decade"].grade(values["gain factor per decade far above f_c"], variant).passed
    # the book's slope: the gain's ratio over a decade far above f_c
    ratio = book_gain(1e4 * Hz, p) / book_gain(1e5 * Hz, p)
    assert round(ratio) == values["gain factor per decade far above f_c"]
    assert QUESTIONS["03.phase_far_above_cutoff"].grade(values["phase far above f_c (degrees)"], variant).passed
    assert book_phase(1e7 * Hz, p) == pytest.approx(values["phase far above f_c (degrees)"], abs=0.01)
    assert not QUESTIONS["03.phase_far_above_cutoff"].grade(-45.0, variant).passed


def _bode_namespace(student):
    """The notebook's variables when a student reaches the Bode plot: their neuron, the 13 frequencies,
    and the gains and phases the book's measure gives on Brian2 simulations (the notebook's cell)."""
    import matplotlib

    matplotlib.use("Agg")
    p, measure = variant_for(student).neuron, book_measure()
    frequencies = np.geomspace(10, 1000, 13) * Hz
    gains, phases = [], []
    for f in frequencies:
        run = simulate(inputs.sinusoid(0.5 * nA, f), 800 * ms, params=p)
        gain, phase = measure(run.t, run.v, run.I, f)
        gains.append(float(gain / Mohm))
        phases.append(phase)
    namespace = {"p": p, "frequencies": frequencies, "gain_Mohm": np.array(gains), "phase_deg": np.array(phases)}
    exec(PREAMBLE, namespace)  # noqa: S102 (our own text)
    return namespace


def _figure(namespace, code=None):
    exec(code or book_nb03.FIGURE_CODE["03.bode_plot"], namespace)  # noqa: S102 (our own text)
    return namespace["fig"]


@pytest.mark.parametrize("student", [None, "s2026001", "s1234567"])
def test_the_books_bode_plot_passes_and_each_missing_piece_is_named(student):
    import matplotlib.pyplot as plt

    question, variant = QUESTIONS["03.bode_plot"], variant_for(student)
    namespace = _bode_namespace(student)
    try:
        assert question.grade(_figure(namespace), variant).passed
        fig = _figure(namespace)  # without the closed-form gain line
        fig.axes[0].lines[1].remove()
        verdict = question.grade(fig, variant)
        assert not verdict.passed and "closed-form gain" in verdict.text and "is not on the plot" in verdict.text
        fig = _figure(namespace)  # a linear frequency axis
        fig.axes[0].set_xscale("linear")
        assert "should be logarithmic" in question.grade(fig, variant).text
        fig = _figure(namespace)  # the closed form of another neuron (R instead of the gain: no filter)
        fig.axes[1].lines[1].set_ydata(np.zeros(200))
        assert "closed-form phase" in question.grade(fig, variant).text
        fig = _figure(namespace)  # no unit on the gain axis
        fig.axes[0].set_ylabel("gain")
        assert "names no unit" in question.grade(fig, variant).text
    finally:
        plt.close("all")


@pytest.mark.parametrize("student", [None, "s2026001", "s1234567"])
def test_the_prediction_of_gains_is_compared_with_the_books_gains(student):
    variant = variant_for(student)
    prediction = QUESTIONS["03.predict_gains"]
    book = book_nb03.PREDICTIONS["03.predict_gains"](student, variant)
    assert prediction.grade(book, variant).passed
    truth = prediction.truth(variant)
    for f, gain in book:
        assert truth(float(f / Hz)) == pytest.approx(float(gain / ohm), rel=1e-9)
        assert truth(float(f / Hz)) == pytest.approx(book_gain(f, variant.neuron), rel=1e-9)
    # a flat guess (R at every frequency) is too large far above the cut-off, and the feedback says so
    flat = [(f, variant.neuron.R) for f, _ in book]
    sentence = prediction.compared(flat, QUESTIONS["03.gain_at_50Hz"], None, variant, {})
    assert "too large" in sentence and "0 too small" in sentence and "by more than a factor of" in sentence
    with pytest.raises(Rejected, match="at least 3"):
        prediction.grade(book[:2], variant)
