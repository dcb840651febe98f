"""Notebook 04 as a real experiment: every question's expected value against the hidden parameters
(read as a determined student reads them, by wrapping the simulation) and against experiments and
fits of our own, independent of the notebook's solution and of its fit tool.

- The reference experiment (`reference`): its own plan (long rest, a 14-step bisection on 300 ms
  runs, the settled voltage of the largest silent step for the threshold, a long subthreshold step
  fitted by a profile over tau with an analytic Jacobian, the held samples after spikes for the
  reset, a profile over t_ref with the rise after it solved linearly), its uncertainties from the
  stated noise (1 mV), never from the package. Its estimates pass for several students, with
  uncertainties well inside what the questions accept.
- The solution notebook's code, run here for many students: every question passes, within a few
  seconds of the 10 s budget, and its errors, divided by its uncertainties, scatter as they should.
- The questions' ends: an honest value one uncertainty off passes, 4 uncertainties is the edge, a
  guess with the largest uncertainty accepted passes for few neurons, a larger or an absurdly small
  uncertainty never; no message contains a hidden value.
- The concept questions against the physics: the spread of a mean of 4 times as many noisy samples,
  and two neurons that differ in v_rest and R but fire at the same times.
"""

import re

import matplotlib
import nbformat
import numpy as np
import pytest
from brian2 import Hz, Mohm, mV, ms, nA, pA, second

from neurodyn_lab import LIFParams, inputs, simulate
from neurodyn_lab.grading import QUESTIONS, build, grade, mystery, student
from neurodyn_lab.grading.mystery import BUDGET, NOISE, RANGES, Lab, MysteryNeuron
from neurodyn_lab.grading.questions.nb04 import EstimateQuestion
from neurodyn_lab.grading.students import variant_for

from test_grading_mystery import fresh_lab, hidden_parameters  # noqa: F401 (fresh_lab: an autouse fixture)
from test_grading_students import clean  # noqa: F401 (an autouse fixture: no ids, attempts in tmp_path)

SIGMA = float(NOISE / mV)  # the stated noise, in mV
UNITS = {"v_rest": mV, "R": Mohm, "tau": ms, "v_threshold": mV, "v_reset": mV, "t_ref": ms}
#: Students of the nbgrader round and a few more.
STUDENTS = ["s2026001", "s2026002", "s2026004", "s2026005", "s11", "s1234567"]


# ------------------------------------------------------------------------------------------------
# The reference experiment
# ------------------------------------------------------------------------------------------------
def _mV(result):
    return np.asarray(result.t / ms), np.asarray(result.v / mV)


def _profile(candidates, rss):
    """The candidate with the least RSS and the half width of {chi2 <= min + 1} (chi2 = RSS/sigma^2)."""
    chi2 = np.array([rss(x) for x in candidates]) / SIGMA ** 2
    best = int(np.argmin(chi2))
    inside = candidates[chi2 <= chi2[best] + 1]
    return candidates[best], (inside.max() - inside.min()) / 2


def reference(student_id):
    """Our own estimates {name: (value, uncertainty)} in mV, MOhm, ms, from our own experiments."""
    m = MysteryNeuron(student_id, lab=Lab(budget=60 * second))
    found = {}
    _, v = _mV(m.simulate(inputs.zero(), 500 * ms))
    found["v_rest"] = (v.mean(), SIGMA / np.sqrt(v.size))
    low, high = 0.0, 1.0  # nA
    for _ in range(14):
        middle = (low + high) / 2
        if m.simulate(inputs.step(middle * nA), 300 * ms).spike_count:
            high = middle
        else:
            low = middle
    # R and tau: a long step at 80 % of the largest silent current; for each tau, v_rest and R are a
    # linear least-squares problem; tau from the profile, the covariance from the analytic Jacobian.
    I, t_on, t_off = 0.8 * low, 50.0, 450.0
    t, v = _mV(m.simulate(inputs.step(I * nA, t_on * ms, t_off * ms), 600 * ms))
    on, off = np.clip(t - t_on, 0, None), np.clip(t - t_off, 0, None)

    def shape(tau):
        return np.exp(-off / tau) - np.exp(-on / tau)

    def solve(tau):
        design = np.column_stack([np.ones_like(t), I * shape(tau)])
        coefficients, *_ = np.linalg.lstsq(design, v, rcond=None)
        return coefficients, np.sum((v - design @ coefficients) ** 2)

    coarse, _ = _profile(np.arange(2, 40, 0.05), lambda tau: solve(tau)[1])
    tau, _ = _profile(np.arange(coarse - 0.1, coarse + 0.1, 0.0005), lambda tau: solve(tau)[1])
    (v0, R), _ = solve(tau)
    J = np.column_stack([np.ones_like(t), I * shape(tau),
                         R * I * (off * np.exp(-off / tau) - on * np.exp(-on / tau)) / tau ** 2])
    errors = SIGMA * np.sqrt(np.diag(np.linalg.inv(J.T @ J)))
    found["R"], found["tau"] = (R, errors[1]), (tau, errors[2])
    # The threshold: where the largest silent step settles (after 10 tau at most), within R (high - low).
    settled = m.simulate(inputs.step(low * nA), 600 * ms)
    assert settled.spike_count == 0
    t, v = _mV(settled)
    tail = v[t >= 300]
    found["v_threshold"] = (tail.mean() + R * (high - low) / 2,
                            np.hypot(SIGMA / np.sqrt(tail.size), R * (high - low) / 2))
    # Reset and refractory period: a strong step; samples by their time since the spike before.
    I_strong = 8 * high
    strong = m.simulate(inputs.step(I_strong * nA), 400 * ms)
    t, v = _mV(strong)
    spikes = np.asarray(strong.spike_times / ms)
    pairs = list(zip(spikes[:-1], spikes[1:]))
    lags = np.concatenate([t[(t > a) & (t <= b)] - a for a, b in pairs])
    values = np.concatenate([v[(t > a) & (t <= b)] for a, b in pairs])
    held = values[lags <= 0.95]  # t_ref is at least 1 ms
    found["v_reset"] = (held.mean(), SIGMA / np.sqrt(held.size))

    def rss_t_ref(t_ref, tau):
        # v = v_inf (1 - E) + v_reset E, E = exp(-max(lag - t_ref, 0)/tau): linear in v_inf, v_reset
        E = np.exp(-np.clip(lags - t_ref, 0, None) / tau)
        design = np.column_stack([1 - E, E])
        coefficients, *_ = np.linalg.lstsq(design, values, rcond=None)
        return np.sum((values - design @ coefficients) ** 2)

    coarse, _ = _profile(np.arange(0.5, min(6.0, np.diff(spikes).min()), 0.01), lambda x: rss_t_ref(x, tau))
    fine = np.arange(coarse - 0.05, coarse + 0.05, 0.0002)
    t_ref, width = _profile(fine, lambda x: rss_t_ref(x, tau))
    # tau's own uncertainty moves t_ref too: add the shift in quadrature.
    shifts = [abs(_profile(fine, lambda x, s=s: rss_t_ref(x, tau + s * errors[2]))[0] - t_ref) for s in (-1, 1)]
    found["t_ref"] = (t_ref, np.hypot(max(width, 0.0002), max(shifts)))
    return found


def _as_answer(name, value, uncertainty):
    return value * UNITS[name], uncertainty * UNITS[name]


@pytest.mark.parametrize("student_id", STUDENTS)
def test_our_own_experiment_passes_every_question_with_room_to_spare(student_id):
    truth = hidden_parameters(student_id)
    variant = variant_for(student_id)
    for name, (value, uncertainty) in reference(student_id).items():
        question = QUESTIONS[f"04.{name}"]
        answer = _as_answer(name, value, uncertainty)
        pull = (value - float(getattr(truth, name) / UNITS[name])) / uncertainty
        assert abs(pull) < 3, (student_id, name, value, uncertainty, pull)  # our reference is honest
        verdict = question.grade(answer, variant)
        assert verdict.passed, (student_id, name, answer, verdict.text)
        # A careful uncertainty sits well inside what the question accepts.
        largest = max(question.tolerance.rel * abs(value), float(question.tolerance.abs / UNITS[name]))
        smallest = max(question.smallest.rel * abs(value), float(question.smallest.abs / UNITS[name]))
        assert 3 * smallest < uncertainty < largest / 2, (student_id, name, uncertainty, smallest, largest)


# ------------------------------------------------------------------------------------------------
# The solution notebook's code, for many students
# ------------------------------------------------------------------------------------------------
def _solution_cells():
    """(grade id or None, code) of the solution notebook's code cells from the set-up to the last
    answer, as a student runs them (magics and the summary left out)."""
    nb = nbformat.read(build.SOURCE / "04_mystery_neuron.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("grade") or cell.source.startswith("student_id"):
            continue
        code = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        cells.append((meta.get("grade_id"), code))
    return cells


def run_solution(student_id):
    """{question id: the solution's answer} and the budget it spent, for `student_id`."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mystery.set_default_lab(Lab())
    namespace = {"student_id": student_id}
    answers = {}
    for grade_id, code in _solution_cells():
        exec(compile(code, f"04 {grade_id}", "exec"), namespace)  # noqa: S102 (our own solution notebook)
        if grade_id and grade_id.endswith("_answer"):
            qid = "04." + grade_id[len("q04_"):-len("_answer")]
            answers[qid] = namespace["answer"]
    plt.close("all")
    return answers, namespace["m"].budget.spent


def test_the_solution_passes_for_many_students_within_the_budget():
    pulls = {name: [] for name in UNITS}
    for k in range(24):
        student_id = f"s{7000 + k}"
        answers, spent = run_solution(student_id)
        assert spent <= 5 * second < BUDGET, spent  # a sensible plan leaves room for mistakes and repeats
        truth = hidden_parameters(student_id)
        for qid, answer in answers.items():
            result = QUESTIONS[qid].grade(answer, variant_for(student_id))
            assert result.passed, (student_id, qid, answer, result.text)
            name = qid.split(".", 1)[1]
            if name in UNITS:
                value, uncertainty = (float(x / UNITS[name]) for x in answer)
                pulls[name].append((value - float(getattr(truth, name) / UNITS[name])) / uncertainty)
    # Its uncertainties mean what they say: errors / uncertainties scatter like a standard normal (the
    # threshold's is conservative: half the bracket counted as a standard error).
    for name, values in pulls.items():
        values = np.array(values)
        assert abs(values.mean()) < 0.6 and 0.3 < values.std() < 1.5, (name, values.mean(), values.std())


# ------------------------------------------------------------------------------------------------
# The questions' ends
# ------------------------------------------------------------------------------------------------
ESTIMATES = [q for q in QUESTIONS.of("04") if isinstance(q, EstimateQuestion)]


def _careful(question, truth):
    """A careful student's uncertainty for this question's parameter (as book_nb04 gives it)."""
    name = question.id.split(".", 1)[1]
    value = getattr(truth, name)
    return {"v_rest": 0.03 * mV, "R": 0.003 * value, "tau": 0.01 * value, "v_threshold": 0.06 * mV,
            "v_reset": 0.03 * mV, "t_ref": 0.02 * ms}[name]


@pytest.mark.parametrize("student_id", ["s2026001", "s5", None])
def test_the_edges_of_an_estimate(student_id):
    truth = hidden_parameters(student_id)
    variant = variant_for(student_id)
    for q in ESTIMATES:
        name = q.id.split(".", 1)[1]
        true, u = getattr(truth, name), _careful(q, truth)
        assert q.grade((true + u, u), variant).passed and q.grade((true - 3.9 * u, u), variant).passed
        assert not q.grade((true + 4.1 * u, u), variant).passed and not q.grade((true - 4.1 * u, u), variant).passed
        largest = max(q.tolerance.rel * abs(true), q.tolerance.abs)
        smallest = max(q.smallest.rel * abs(true), q.smallest.abs)
        too_wide, too_narrow = q.grade((true, largest * 1.01), variant), q.grade((true, smallest * 0.99), variant)
        assert not too_wide.passed and "larger than a careful experiment" in too_wide.text
        assert not too_narrow.passed and "smaller than any recording" in too_narrow.text
        assert q.grade((true, largest * 0.99), variant).passed and q.grade((true, smallest * 1.01), variant).passed
        for kind, wrong in (("prefix", (true * 1000, u * 1000 if q.tolerance.rel else u)), ("sign", (-true, u))):
            text = q.grade(wrong, variant).text
            assert ("unit prefix" if kind == "prefix" else "sign") in text, (q.id, kind, text)


def test_a_guess_with_the_largest_uncertainty_accepted_passes_for_few_neurons():
    middle = {"v_rest": -67.5 * mV, "R": 175 * Mohm, "tau": 17.5 * ms, "t_ref": 3 * ms,
              "v_threshold": -50 * mV, "v_reset": -72.5 * mV}
    neurons = [f"s{9000 + k}" for k in range(80)]
    for q in ESTIMATES:
        name = q.id.split(".", 1)[1]
        guess = middle[name]
        largest = max(q.tolerance.rel * abs(guess), q.tolerance.abs)
        passed = sum(q.grade((guess, largest), variant_for(s)).passed for s in neurons)
        assert passed <= 0.25 * len(neurons), (q.id, passed)
        # ... and a wider error bar is never believed, however right the value.
        for s in neurons[:5]:
            true = getattr(hidden_parameters(s), name)
            assert not q.grade((true, 1.5 * max(q.tolerance.rel * abs(true), q.tolerance.abs)), variant_for(s)).passed


def _forms(value, unit):
    x = float(value / unit)
    return {f for f in (f"{x:g}", f"{x:.1f}", f"{x:.2f}", f"{x:.3g}", f"{x:.4g}") if len(f.lstrip("-")) >= 3}


def test_no_message_contains_a_hidden_value():
    truth = hidden_parameters("777")
    student("777")
    for q in ESTIMATES:
        name = q.id.split(".", 1)[1]
        true, u = getattr(truth, name), _careful(q, truth)
        forms = _forms(true, UNITS[name])
        # (A value the student gives is echoed in some sentences: their own input, never the hidden one.)
        off = true * 1.3
        for answer in ((off, u), (true * 0.7, u), (true + 10 * u, u), (true, 100 * u), (true, u / 1e6),
                       (off, ...), off, (off, u, u), (off, 3 * second), (off, -u)):
            message = grade(q.id, answer).message
            assert not [f for f in forms if f in message], (q.id, message)


@pytest.mark.parametrize("answer, status, fragments", [
    ((-65 * mV, 0.1 * mV), None, []),
    (-65 * mV, "invalid", ["give your value and its uncertainty as a pair", "e.g. (-20*mV, 0.1*mV)", "-65 mV"]),
    ((-65 * mV,), "invalid", ["give two things", "you gave 1"]),
    ((-65 * mV, ...), "unanswered", ["give the uncertainty of your value too"]),
    ((-65 * mV, 0.1 * ms), "invalid", ["the uncertainty:", "a time", "asks for a voltage"]),
    ((-65, 0.1 * mV), "invalid", ["has no unit"]),
    ((-65 * mV, -0.1 * mV), "invalid", ["the uncertainty must be positive", "-0.1 mV"]),
    ((-65 * mV, 0 * mV), "invalid", ["the uncertainty must be positive"]),
    ((-65 * mV, np.nan * mV), "invalid", ["the uncertainty:", "not a finite number"]),
    ("-65 mV", "invalid", ["as a pair", "the text '-65 mV'"]),
    (..., "unanswered", ["not answered yet"]),
])
def test_bad_answers_get_one_clear_sentence(answer, status, fragments):
    result = grade("04.v_rest", answer)
    if status is None:
        assert result.status in ("correct", "wrong")
        return
    assert result.status == status, result.message
    for fragment in fragments:
        assert fragment in result.message, result.message
    assert "\n" not in result.message


def test_the_prompts_state_each_questions_rule_and_the_numbers_on_screen_pass_no_question():
    source = nbformat.read(build.SOURCE / "04_mystery_neuron.ipynb", as_version=4)
    found = build.prompts(source)
    for q in ESTIMATES:
        assert f"within {q.k:g} of your uncertainties" in found[q.id].source
    # A number with a unit on the student's screen (the ranges' ends, the examples), typed with the
    # largest uncertainty accepted, is a guess: it passes for few neurons, as a guess at the middle does.
    student_nb = nbformat.read(build.OUT / "04_mystery_neuron.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in student_nb.cells)
    units = {"mV": mV, "ms": ms, "MΩ": Mohm, "Mohm": Mohm}
    shown = re.findall(r"(?<![\w.])([-−]?\d+(?:\.\d+)?)\s*\*?\s*(mV|ms|MΩ|Mohm)(?![A-Za-z])", text)
    numbers = {(float(x.replace("−", "-")), units[u]) for x, u in shown}
    assert len(numbers) > 10
    for q in ESTIMATES:
        unit = units[re.search(r"\*(\w+),", q.example).group(1)]
        for x in (x for x, u in numbers if u == unit):
            answer = (x * unit, max(q.tolerance.rel * abs(x * unit), q.tolerance.abs))
            passed = [s for s in [None] + [f"s{9000 + k}" for k in range(40)] if q.grade(answer, variant_for(s)).passed]
            assert len(passed) <= 10, (q.id, x, passed)


# ------------------------------------------------------------------------------------------------
# The concept questions against the physics
# ------------------------------------------------------------------------------------------------
def test_four_times_the_samples_halve_the_spread_of_the_mean():
    m = MysteryNeuron("s3", lab=Lab(budget=60 * second))
    short = [np.mean(np.asarray(m.simulate(inputs.zero(), 5 * ms).v / mV)) for _ in range(120)]
    long = [np.mean(np.asarray(m.simulate(inputs.zero(), 20 * ms).v / mV)) for _ in range(120)]
    ratio = np.std(long) / np.std(short)
    assert 0.4 < ratio < 0.6  # half as large (0.5), with the scatter of 120 repeats
    assert QUESTIONS["04.averaging"].expected(None) == "half as large"


def test_spike_times_alone_tell_tau_and_t_ref_only():
    a = LIFParams(v_rest=-70 * mV, v_reset=-75 * mV, v_threshold=-55 * mV, R=100 * Mohm, tau=12 * ms, t_ref=2 * ms)
    # Another v_rest and R, with the same (v_th - v_rest)/R and (v_reset - v_rest)/R: the same spikes.
    b = a.replace(v_rest=-62 * mV, R=200 * Mohm, v_threshold=-62 * mV + 2 * 15 * mV, v_reset=-62 * mV - 2 * 5 * mV)
    # (With u = (v - v_rest)/R both read tau du/dt = -u + I, u firing at 0.15 nA, reset to -0.05 nA.)
    for current in (0.2 * nA, 0.4 * nA, inputs.step(300 * pA, 10 * ms, 60 * ms) + inputs.sinusoid(50 * pA, 40 * Hz)):
        spikes_a = simulate(current, 150 * ms, params=a).spike_times
        spikes_b = simulate(current, 150 * ms, params=b).spike_times
        assert len(spikes_a) > 2 and np.allclose(np.asarray(spikes_a), np.asarray(spikes_b), atol=1e-9)
    # tau or t_ref changed: other spike times.
    for other in (a.replace(tau=13 * ms), a.replace(t_ref=2.5 * ms)):
        mine, theirs = (np.asarray(simulate(0.4 * nA, 150 * ms, params=x).spike_times / ms) for x in (a, other))
        assert len(mine) != len(theirs) or np.abs(mine - theirs).max() > 0.1
    assert QUESTIONS["04.spikes_only"].expected(None) == "tau and t_ref"
    assert all(q.notebook == "04" for q in ESTIMATES) and len(ESTIMATES) == len(RANGES)


# ------------------------------------------------------------------------------------------------
# Predict, then measure: the rate at 1.5 times the rheobase
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student_id", ["s2026001", "s2026004", "s11"])
def test_the_rate_question_against_the_book_and_our_own_measurement(student_id):
    from book_common import interval

    truth = hidden_parameters(student_id)
    variant = variant_for(student_id)
    question = QUESTIONS["04.rate"]
    rheobase = (truth.v_threshold - truth.v_rest) / truth.R
    book = 1 / interval(1.5 * rheobase, truth)
    assert 15 * Hz < book < 200 * Hz  # several spikes in a few hundred ms for every neuron in the ranges
    assert question.grade(book * 1.019, variant).passed and question.grade(book * 0.981, variant).passed
    assert not question.grade(book * 1.021, variant).passed and not question.grade(book * 0.979, variant).passed
    # Our own measurement: a bisection for the rheobase, then the intervals between spikes.
    m = MysteryNeuron(student_id, lab=Lab())
    low, high = 0.0, 1.0
    for _ in range(14):
        middle = (low + high) / 2
        low, high = (low, middle) if m.simulate(inputs.step(middle * nA), 300 * ms).spike_count else (middle, high)
    spikes = np.asarray(m.simulate(inputs.step(1.5 * (low + high) / 2 * nA), 600 * ms).spike_times / ms)
    measured = 1000 / np.diff(spikes).mean() * Hz
    assert abs(float(measured / book) - 1) < 0.005
    assert question.grade(measured, variant).passed
    # Counting spikes over the run (the first latency included) is the mistake the hint names.
    counted = len(spikes) / (600 * ms)
    assert abs(float(counted / book) - 1) > 0.02 or question.grade(counted, variant).passed


def test_the_rate_feedback_says_how_the_prediction_compared_never_the_rate(kernel_env):
    from neurodyn_lab.grading import check

    from book_common import interval

    truth = hidden_parameters("s2026002")
    student("s2026002")
    book = 1 / interval(1.5 * (truth.v_threshold - truth.v_rest) / truth.R, truth)
    assert check("04.predict_rate", book * 2.5).passed  # any plausible prediction earns its point
    result = check("04.rate", book)
    assert result.passed and "Your prediction (04.predict_rate) was too large, by a factor of about 2 to 5" in \
        result.message, result.message
    shown = f"{float(book / Hz):.3g}"
    assert shown not in result.message and f"{float(2.5 * book / Hz):.3g}" not in result.message
    assert not check("04.predict_rate", 3 * nA).passed  # a prediction of another kind earns nothing
