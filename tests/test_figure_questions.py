"""Plots the questions ask for are checked (issue 19, item 6): `FigureQuestion` reads a matplotlib
Figure or Axes into a description (labels, scales, points) that the check cell records, and decides
on that description, in the kernel and again in the autograder's process: axis labels naming a
unit, the scales asked for, the student's data, and the closed-form overlay within tolerance. One
sentence says what is missing; anything that is not a figure gets one sentence too; a faked
description earns nothing.

The overlay of 00.step_trace_plot is checked against the book's charging curve written out here,
v(t) = v_rest + R I (1 - exp(-(t - t0)/tau)) for the classic neuron (v_rest 0 mV, R 1 MOhm, tau 1 ms,
threshold 1 mV), until the first spike tau ln(R I / (R I - v_th)) after t0 = 20 ms.
"""

import json
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from brian2 import mV, ms  # noqa: E402

from neurodyn_lab.grading import check, student  # noqa: E402
from neurodyn_lab.grading.answers import Rejected  # noqa: E402
from neurodyn_lab.grading.bank import QUESTIONS, Bank  # noqa: E402
from neurodyn_lab.grading.feedback import RECORD_MIME  # noqa: E402
from neurodyn_lab.grading.figures import Axis, Curve, FigureRecord, describe  # noqa: E402
from neurodyn_lab.grading.framework import FigureQuestion, Plot  # noqa: E402
from neurodyn_lab.grading.students import variant_for  # noqa: E402
from neurodyn_lab.lif import LIF_Step, plot_data  # noqa: E402

from test_grading_students import clean  # noqa: E402,F401 (autouse: no ids, attempts in tmp_path)

QID = "00.step_trace_plot"
STUDENTS = [None, "s001", "s2026001", "s2026004"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def book_charging(amplitude_nA, points=80, scale=1.0, shift_ms=0.0):
    """The book's charging curve of the classic neuron for a step of `amplitude_nA` (t in ms, v in
    mV: R = 1 MOhm, so R I in mV is I in nA; tau = 1 ms; threshold 1 mV)."""
    first = math.log(amplitude_nA / (amplitude_nA - 1.0))
    since = np.linspace(0, first, points)
    return 20 + since + shift_ms, scale * amplitude_nA * (1 - np.exp(-since))


def book_figure(student_id, *, trace_of=None, overlay=None, xlabel="time (ms)", ylabel="v (mV)", in_seconds=False):
    """The plot 00 asks for, drawn from the book: the student's step trace and the charging curve."""
    amplitude = variant_for(student_id).classic_amplitude
    rec = LIF_Step(I_amp=variant_for(trace_of).classic_amplitude if trace_of else amplitude, do_plot=False)
    fig, ax = plt.subplots()
    factor = 1e-3 if in_seconds else 1.0
    ax.plot(np.asarray(rec.t / ms) * factor, rec.v[0] / mV, label="simulation")
    t, v = overlay if overlay is not None else book_charging(amplitude)
    ax.plot(np.asarray(t) * factor, v, "--", label="closed form")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


# ------------------------------------------------------------------------------------------------
# 00.step_trace_plot against the book, several students
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("student_id", STUDENTS)
def test_the_books_plot_passes_for_every_student_in_any_unit_the_labels_name(student_id):
    student(student_id)
    assert check(QID, book_figure(student_id)).passed
    assert check(QID, book_figure(student_id).axes[0]).passed  # an Axes too
    assert check(QID, book_figure(student_id, xlabel="t [s]", in_seconds=True)).passed
    assert check(QID, book_figure(student_id, xlabel=r"$t$ / ms", ylabel=r"$V_m$ ($\mathrm{mV}$)")).passed


@pytest.mark.parametrize("student_id", ["s001", "s2026001"])
def test_what_is_missing_or_wrong_gets_one_sentence(student_id):
    student(student_id)
    amplitude = variant_for(student_id).classic_amplitude
    other = "s2026004" if variant_for("s2026004").classic_amplitude != amplitude else "s2026005"
    t, v = book_charging(amplitude)
    cases = [
        (dict(xlabel=""), "the x axis has no label: write what it shows and its unit, e.g. ax.set_xlabel('time (ms)')"),
        (dict(ylabel="membrane potential"), "the y axis label 'membrane potential' names no unit of a voltage"),
        (dict(xlabel="time (mV)"), "the x axis label 'time (mV)' names no unit of a time"),
        (dict(trace_of=other), "a line is where your step's voltage trace should be, but it does not follow it"),
        (dict(overlay=(t, 1.05 * v)), "a line is where the closed-form charging curve should be, but it does not "
                                      "follow it (within 2 %)"),
        (dict(overlay=book_charging(amplitude, shift_ms=1.0)), "the closed-form charging curve"),
        (dict(overlay=(t[:10], v[:10])), "the closed-form charging curve is not on the plot"),  # too short
        (dict(xlabel="time (s)"), "your step's voltage trace is not on the plot (in the units your labels name)"),
    ]
    for changes, fragment in cases:
        result = check(QID, book_figure(student_id, **changes))
        assert result.status == "wrong" and result.points == 0, (changes, result.message)
        assert fragment in result.message, (changes, result.message)
        assert "\n" not in result.message and result.message.count(". ") <= 2, result.message
        assert f"{amplitude:g} nA" not in result.message


def test_only_the_trace_without_the_overlay_is_told_to_add_the_closed_form():
    fig, ax = plt.subplots()
    rec = LIF_Step(I_amp=variant_for(None).classic_amplitude, do_plot=False)
    ax.plot(rec.t / ms, rec.v[0] / mV)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("v (mV)")
    message = check(QID, fig).message
    assert "the closed-form charging curve is not on the plot" in message and "compute v(t)" in message


def test_the_classic_plot_data_figure_with_an_overlay_passes_its_shared_time_axis_counts():
    amplitude = variant_for(None).classic_amplitude
    plot_data(LIF_Step(I_amp=amplitude, do_plot=False))
    fig = plt.gcf()
    fig.axes[0].plot(*book_charging(amplitude), "--")
    assert not fig.axes[0].get_xlabel()  # the time axis is labelled below, on the current's axes
    assert check(QID, fig).passed, check(QID, fig).message


@pytest.mark.parametrize("answer, status, fragment", [
    (..., "unanswered", "not answered yet: draw your plot, make its Figure your answer"),
    (None, "invalid", "the answer is None: pass your matplotlib Figure, e.g. fig (from plt.subplots())"),
    ("fig", "invalid", "not the text 'fig'"),
    ({"kind": "figure", "axes": []}, "invalid", "not a dict of 2 items"),
    (3 * mV, "invalid", "not 3 mV"),
])
def test_anything_that_is_not_a_figure_gets_one_sentence(answer, status, fragment):
    result = check(QID, answer)
    assert result.status == status and fragment in result.message, result.message


def test_the_lines_plot_returned_and_an_empty_figure_are_told_what_to_pass():
    fig, ax = plt.subplots()
    lines = ax.plot([1, 2, 3], [1, 2, 3])
    assert "not the lines that plot() returned" in check(QID, lines).message
    assert "not the lines that plot() returned" in check(QID, ax.lines).message
    assert "your figure has no axes" in check(QID, plt.figure()).message


# ------------------------------------------------------------------------------------------------
# Scales, several axes, legends, scatter points (a Bode plot's kind of question)
# ------------------------------------------------------------------------------------------------
def _lowpass(v):
    return lambda f: 10e6 / np.sqrt(1 + (2 * np.pi * f * 0.01) ** 2)  # 10 MOhm, tau 10 ms (SI: ohm vs Hz)


BODE = FigureQuestion(id="90.bode", title="a Bode plot", hint="draw it.", plots=(
    Plot(Axis("frequency", "log"), Axis("resistance", "log"), curves=(
        Curve("your measured gains", follows=_lowpass, rel=0.1, kinds=("points",), min_points=4, cover=0.5,
              domain=lambda v: (1.0, 1000.0), missing="scatter your measured gains."),
        Curve("the closed-form gain", follows=_lowpass, rel=0.01, kinds=("line",), cover=0.9,
              domain=lambda v: (1.0, 1000.0), missing="plot R / sqrt(1 + (2 pi f tau)^2)."),
    ), legend=True),
    Plot(Axis("frequency", "log"), Axis("phase")),
))


def bode(*, yscale="log", legend=True, second=True, noisy=0.05, unit="MΩ", factor=1e-6):
    f = np.geomspace(1, 1000, 40)
    measured = np.geomspace(1, 1000, 8)
    fig, axes = plt.subplots(2 if second else 1, 1, sharex=True, squeeze=False)  # the lower one's x label
    ax = axes[0, 0]
    ax.scatter(measured, _lowpass(None)(measured) * factor * (1 + noisy * np.cos(measured)), label="measured")
    ax.plot(f, _lowpass(None)(f) * factor, label="closed form")
    ax.set_xscale("log")
    ax.set_yscale(yscale)
    ax.set_ylabel(f"gain ({unit})")
    if legend:
        ax.legend()
    if second:
        axes[1, 0].plot(f, -np.degrees(np.arctan(2 * np.pi * f * 0.01)))
        axes[1, 0].set_xscale("log")
        axes[1, 0].set_xlabel("frequency (Hz)")
        axes[1, 0].set_ylabel("phase (°)")
    else:
        ax.set_xlabel("frequency (Hz)")
    return fig


def test_a_bode_plot_in_any_unit_of_gain_passes_and_each_missing_piece_is_named():
    v = variant_for(None)
    assert BODE.grade(bode(), v).passed
    assert BODE.grade(bode(unit="mV/nA"), v).passed
    assert BODE.grade(bode(unit="GΩ", factor=1e-9), v).passed
    for figure, fragment in ((bode(yscale="linear"), "the y axis should be logarithmic: ax.set_yscale('log')"),
                             (bode(legend=False), "add a legend that names each curve"),
                             (bode(second=False), "your figure has 1 axes, but the question asks for 2"),
                             (bode(noisy=0.5), "your measured gains"),
                             (bode(unit="mV"), "names no unit of a resistance")):
        verdict = BODE.grade(figure, v)
        assert verdict.status == "wrong" and fragment in verdict.text, verdict.text


def test_several_plots_name_the_axes_that_misses_something():
    fig = bode()
    fig.axes[1].set_ylabel("phase")
    assert "the second axes: the y axis label 'phase' names no unit of a phase" in BODE.grade(fig, variant_for(None)).text


def test_axis_specs_reject_what_they_do_not_know_in_one_sentence():
    with pytest.raises(ValueError, match="shows must be one of time, voltage"):
        Axis("speed")
    with pytest.raises(ValueError, match="scale must be 'linear', 'log' or None, got 'symlog'"):
        Axis("time", "symlog")


# ------------------------------------------------------------------------------------------------
# The record and the autograder: the same reading, decided out of the student's reach
# ------------------------------------------------------------------------------------------------
autograde = pytest.importorskip("neurodyn_lab.grading.autograde", reason="the autograder needs nbgrader")


def test_the_record_carries_the_figures_description_and_nothing_of_the_verdict():
    result = check(QID, book_figure(None))
    record = result.record
    assert record["answer"]["kind"] == "figure" and record["answer"]["axes"][0]["xlabel"] == "time (ms)"
    assert RECORD_MIME in result._bundle()
    text = json.dumps(record)
    assert "correct" not in text and "passed" not in text
    assert len(text) < 200_000  # a 100 ms trace at 0.1 ms: 1000 points


def test_a_long_trace_is_thinned_to_at_most_max_points():
    fig, ax = plt.subplots()
    ax.plot(np.arange(50_000), np.arange(50_000))
    described = describe(fig)["axes"][0]["lines"][0]
    assert len(described["x"]) == 2000 and described["x"][0] == 0 and described["x"][-1] == 49_999


@pytest.mark.parametrize("student_id", ["s001", "s2026004"])
def test_the_autograder_judges_the_recorded_description_as_the_kernel_did(student_id):
    student(student_id)
    for figure in (book_figure(student_id), book_figure(student_id, ylabel="v"), book_figure(student_id, trace_of=(
            "s2026001" if student_id != "s2026001" else "s001"))):
        shown = check(QID, figure)
        again = json.loads(json.dumps(shown.record))  # through the notebook file
        answer = autograde.answer_from_record(again["answer"])
        assert isinstance(answer, FigureRecord)
        verdict = QUESTIONS[QID].grade(answer, variant_for(student_id))
        assert (verdict.status, verdict.text) == (shown.status, shown.detail)


def _graded(record, student_id="s001"):
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    answer = new_code_cell("answer = fig", metadata={"nbgrader": {"grade_id": "q00_step_trace_plot_answer",
                                                                  "solution": True, "locked": False, "grade": False}})
    checked = new_code_cell(f"check({QID!r}, answer)", metadata={"nbgrader": {
        "grade_id": "q00_step_trace_plot", "grade": True, "locked": True, "solution": False, "points": 1}})
    if record is not None:
        checked.outputs = [new_output("display_data", data={"text/plain": "x", RECORD_MIME: record})]
    rows = autograde.grade_notebook(new_notebook(cells=[answer, checked]), student_id, Bank([QUESTIONS[QID]]),
                                    b"key").rows
    return rows[0]


def test_in_the_autograder_a_figure_scores_from_its_record_for_the_collected_student():
    student("s001")
    record = json.loads(json.dumps(check(QID, book_figure("s001")).record))
    assert _graded(record, "s001")["points"] == 1
    other = next(s for s in ("s2026001", "s2026004", "s2026005") if variant_for(s).classic_amplitude !=
                 variant_for("s001").classic_amplitude)
    row = _graded(record, other)  # the same figure handed in by a student whose step differs
    assert row["points"] == 0 and "your step's voltage trace should be, but it does not follow" in row["message"]


def test_a_faked_figure_record_earns_nothing():
    student("s001")
    real = json.loads(json.dumps(check(QID, book_figure("s001")).record))
    # A hand-made description passed as a dict: recorded as a dict, not a figure.
    handed = json.loads(json.dumps(check(QID, real["answer"]).record))
    assert handed["answer"]["kind"] != "figure"
    fakes = [
        handed,
        dict(real, answer={"kind": "figure", "axes": "everything"}),
        dict(real, answer={"kind": "figure", "axes": [{"xlabel": "time (ms)", "ylabel": "v (mV)", "lines": [
            {"kind": "line", "x": [1, 2], "y": [1]}]}]}),
        dict(real, answer={"kind": "figure", "axes": [dict(real["answer"]["axes"][0], lines=[])]}),
        dict(real, status="correct", points=1, answer={"kind": "unanswered"}),
        None,
    ]
    for fake in fakes:
        row = _graded(fake)
        assert row["points"] == 0 and row["status"] != "correct", (fake if fake is None else fake["answer"], row)


def test_the_figure_record_reader_rejects_what_is_not_a_description():
    for bad in (None, {"kind": "figure"}, {"kind": "dict", "axes": []}, [1, 2]):
        with pytest.raises(ValueError, match="not the record of a figure"):
            FigureRecord.from_record(bad)
    with pytest.raises(Rejected, match="your figure has no axes"):
        QUESTIONS[QID].grade(FigureRecord(()), variant_for(None))


def test_a_plot_of_dates_or_words_is_read_without_an_error():
    import datetime

    fig, (dates, words) = plt.subplots(1, 2)
    dates.plot([datetime.date(2026, 1, d) for d in (1, 2, 3)], [1, 2, 3])
    words.plot(["a", "b"], [1, 2])
    for ax in (dates, words):
        ax.set_xlabel("time (ms)")
        ax.set_ylabel("v (mV)")
    result = check(QID, fig)
    assert result.status == "wrong" and "your step's voltage trace is not on the plot" in result.message
