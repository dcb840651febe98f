"""The function answers of a notebook graded in one sandboxed process (`sandbox.run_functions`):
the same results as one process each, what one answer does (exits, crashes, kills its process,
loops with the timer signal blocked, raises, changes a module, calls a closed form) costs only that
answer, and `autograde.grade_notebook` grades a notebook's function questions in one call. The
benchmark prints 02's function answers graded the old way (a process per answer) and in one batch,
in the same run.
"""

import re
import time
from pathlib import Path

import nbformat
import pytest
from brian2 import amp

pytest.importorskip("nbgrader", reason="the autograder needs the instructor extra (nbgrader)")
from neurodyn_lab import LIFParams  # noqa: E402
from neurodyn_lab.grading import QUESTIONS  # noqa: E402
from neurodyn_lab.grading import autograde  # noqa: E402
from neurodyn_lab.grading.autograde import _preamble  # noqa: E402
from neurodyn_lab.grading.bank import Bank  # noqa: E402
from neurodyn_lab.grading.codec import decode, encode  # noqa: E402
from neurodyn_lab.grading.confine import Confinement  # noqa: E402
from neurodyn_lab.grading.framework import Case, FunctionQuestion  # noqa: E402
from neurodyn_lab.grading.sandbox import run_function, run_functions  # noqa: E402

_PROBLEM = Confinement().problem()
needs_bwrap = pytest.mark.skipif(_PROBLEM is not None, reason=f"cannot confine here: {_PROBLEM}")
pytestmark = needs_bwrap

SOURCE = Path(__file__).resolve().parents[1] / "exercises" / "source"
KEY = b"a test key"
NEURONS = (LIFParams(), LIFParams.classic())
CASES = [[encode(p)] for p in NEURONS]
#: What an answer whose process ended gets (a second or two under load).
STOPPED = re.compile(r"the answer cell stopped its Python process after \d+ s")
PREAMBLE = "import numpy as np\nfrom brian2 import ms, mV, nA, Hz\nfrom neurodyn_lab import analysis"


def book_rheobase(p):
    """The book's rheobase, (v_threshold - v_rest) / R."""
    return (p.v_threshold - p.v_rest) / p.R


def job(source, name="rheobase", cases=CASES):
    return {"source": source, "name": name, "cases": cases}


HONEST = "def rheobase(params):\n    return (params.v_threshold - params.v_rest) / params.R"
# Uses the preamble's np: wrong if another answer's change to numpy reached it.
WITH_NUMPY = "def rheobase(params):\n    return np.abs(params.v_threshold - params.v_rest) / params.R"
CLOSED_FORM = "def rheobase(params):\n    return analysis.rheobase(params)"
# Built from pieces: only the stand-in in the process sees this one.
HIDDEN_CLOSED_FORM = ("def rheobase(params):\n    m = __import__('neurodyn_lab.anal' + 'ysis', fromlist=['x'])\n"
                      "    return getattr(m, 'rheo' + 'base')(params)")
# Changes numpy for whoever comes next, and leaves a name behind.
MEDDLES = "np.abs = lambda x: 0 * x\nhelper = 3\ndef rheobase(params):\n    return np.abs(params.R) * 1e-9 * amp / params.R"
USES_HELPER = "def rheobase(params):\n    return helper * (params.v_threshold - params.v_rest) / params.R"
EXITS = "import os\ndef rheobase(params):\n    os._exit(3)"
SEGFAULT = "import ctypes\ndef rheobase(params):\n    return ctypes.string_at(0)"
RAISES = "def rheobase(params):\n    raise ValueError('not today')"
BLOCKS_THE_TIMER = ("import signal\ndef rheobase(params):\n    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
                    "    while True:\n        pass")
# Stops the process that runs the answers: only the instructor's side's deadline ends that.
STOPS_ITS_PROCESS = "import os, signal\ndef rheobase(params):\n    os.kill(os.getppid(), signal.SIGSTOP)"
KILLS_ITS_PROCESS = "import os, signal\ndef rheobase(params):\n    os.kill(os.getppid(), signal.SIGKILL)"


def values(out):
    return [float(decode(r["value"]) / amp) for r in out["results"]]


def test_several_answers_in_one_process_give_the_same_results_as_one_each():
    sources = [HONEST, CLOSED_FORM, MEDDLES, WITH_NUMPY, USES_HELPER, HIDDEN_CLOSED_FORM, RAISES, HONEST]
    preamble = PREAMBLE + "\nfrom brian2 import amp"
    batch = run_functions([job(s) for s in sources], preamble=preamble, seconds=5)
    alone = [run_function(s, "rheobase", CASES, preamble=preamble, seconds=5) for s in sources]
    assert batch == alone
    book = [pytest.approx(float(book_rheobase(p) / amp)) for p in NEURONS]
    # Each answer's own record of closed forms, and nothing another answer changed or defined.
    assert [(out["closed_form_calls"], out["problem"]) for out in batch] == [
        ([], None), (["rheobase", "rheobase"], None), ([], None), ([], None), ([], None),
        (["rheobase", "rheobase"], None), ([], None), ([], None)]
    assert values(batch[0]) == values(batch[3]) == values(batch[7]) == book
    assert [r["error"] for r in batch[4]["results"]] == ["NameError (name 'helper' is not defined)"] * 2
    assert [r["error"] for r in batch[6]["results"]] == ["ValueError (not today)"] * 2


def test_an_answer_that_exits_crashes_raises_or_blocks_the_timer_costs_only_itself():
    sources = [HONEST, EXITS, HONEST, SEGFAULT, BLOCKS_THE_TIMER, RAISES, HONEST]
    start = time.monotonic()
    outs = run_functions([job(s) for s in sources], seconds=1)
    took = time.monotonic() - start
    book = [pytest.approx(float(book_rheobase(p) / amp)) for p in NEURONS]
    assert [values(outs[i]) for i in (0, 2, 6)] == [book] * 3
    assert [STOPPED.fullmatch(outs[i]["problem"]) is not None for i in (1, 3)] == [True, True], outs
    assert outs[4]["problem"] == "timeout"
    assert outs[5]["problem"] is None and len(outs[5]["results"]) == 2
    # The loop is ended after its two limits and a margin (2 * 1 s + 5 s), not the process's backstop.
    assert took < 30, took


def test_an_answer_that_kills_its_process_costs_only_itself_and_the_next_run_in_a_fresh_one():
    outs = run_functions([job(s) for s in (HONEST, KILLS_ITS_PROCESS, CLOSED_FORM, HONEST)],
                         preamble=PREAMBLE, seconds=5)
    assert outs[1]["results"] == outs[1]["closed_form_calls"] == [] and STOPPED.fullmatch(outs[1]["problem"]), outs
    book = [pytest.approx(float(book_rheobase(p) / amp)) for p in NEURONS]
    assert values(outs[0]) == values(outs[2]) == values(outs[3]) == book
    assert outs[2]["closed_form_calls"] == ["rheobase", "rheobase"] and outs[3]["closed_form_calls"] == []


@pytest.mark.slow
def test_a_process_stopped_during_an_answer_is_that_answers_timeout_and_the_next_run_in_a_fresh_one():
    # The backstop is a deadline per answer (2 * 1 s + 3 s here), so it grows with the number of answers.
    start = time.monotonic()
    outs = run_functions([job(s) for s in (HONEST, STOPS_ITS_PROCESS, HONEST)], seconds=1, backstop=3)
    took = time.monotonic() - start
    book = [pytest.approx(float(book_rheobase(p) / amp)) for p in NEURONS]
    assert outs[1] == {"results": [], "closed_form_calls": [], "problem": "timeout"}
    assert values(outs[0]) == values(outs[2]) == book
    assert 5 <= took < 90, took


def test_a_preamble_that_fails_is_every_answers_sentence_as_it_was_for_one():
    outs = run_functions([job(HONEST), job(HONEST)], preamble="import no_such_module_here", seconds=5)
    alone = run_function(HONEST, "rheobase", CASES, preamble="import no_such_module_here", seconds=5)
    assert outs == [alone, alone]
    assert alone["problem"] == "the answer cell raised ModuleNotFoundError (No module named 'no_such_module_here')"


def _function_question(qid, name):
    return FunctionQuestion(id=qid, title=qid, hint="use params.", name=name, example=f"your function {name}",
                            returns="a current, e.g. 0.5*nA", unit=amp,
                            cases=lambda v: [Case((LIFParams(),), "LIFParams()", book_rheobase(LIFParams()))],
                            hidden_cases=lambda key, student: [Case((p,), repr(p), book_rheobase(p))
                                                               for p in NEURONS])


def _notebook(answers):
    """A notebook with one answer cell and one check cell per (qid, name, source)."""
    from nbformat.v4 import new_code_cell, new_notebook

    cells = [new_code_cell("from brian2 import amp")]
    cells[0].metadata["nbgrader"] = {"grade_id": "setup", "locked": True, "grade": False, "solution": False}
    for qid, name, source in answers:
        grade_id = "q" + qid.replace(".", "_")
        answer, check = new_code_cell(source), new_code_cell(f"check({qid!r}, {name})")
        answer.metadata["nbgrader"] = {"grade_id": grade_id + "_answer", "solution": True, "locked": False,
                                       "grade": False}
        check.metadata["nbgrader"] = {"grade_id": grade_id, "grade": True, "locked": True, "solution": False,
                                      "points": 1}
        cells += [answer, check]
    return new_notebook(cells=cells)


def test_grade_notebook_runs_the_notebooks_function_answers_in_one_call(monkeypatch):
    calls = []

    def counted(jobs, **kwargs):
        calls.append(len(jobs))
        return run_functions(jobs, **kwargs)

    monkeypatch.setattr(autograde, "run_functions", counted)
    bank = Bank([_function_question("91.a", "first"), _function_question("91.b", "second"),
                 _function_question("91.c", "third")])
    nb = _notebook([("91.a", "first", HONEST.replace("rheobase", "first")),
                    ("91.b", "second", EXITS.replace("rheobase", "second")),
                    ("91.c", "third", HONEST.replace("rheobase", "third"))])
    rows, notes, cells = autograde.grade_notebook(nb, "s001", bank, KEY, seconds=5)
    assert calls == [3]
    assert [(r["question"], r["points"]) for r in rows] == [("91.a", 1), ("91.b", 0), ("91.c", 1)]
    assert STOPPED.fullmatch(rows[1]["message"][:-1]) and rows[1]["message"].endswith(" s."), rows[1]


def _answer_sources(path):
    """The solution notebook's answer cells by grade id (the solution code, as a correct student's)."""
    nb = nbformat.read(path, as_version=4)
    return nb, {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id", "").endswith("_answer")}


def test_benchmark_02s_function_answers_one_process_each_and_in_one_batch():
    """The same run: 02's function answers (the solution's) graded as before, a process per answer,
    then in one process; the same results, and the time of each."""
    nb, sources = _answer_sources(SOURCE / "02_fi_curve.ipynb")
    questions = [q for q in QUESTIONS.values() if isinstance(q, FunctionQuestion) and q.id.startswith("02.")]
    jobs = [job(sources["q" + q.id.replace(".", "_") + "_answer"], q.name,
                [[encode(a) for a in c.args] for c in q.hidden_cases(KEY, "s001")]) for q in questions]
    preamble = _preamble(nb)
    start = time.monotonic()
    alone = [run_function(j["source"], j["name"], j["cases"], preamble=preamble, seconds=30) for j in jobs]
    one_each = time.monotonic() - start
    start = time.monotonic()
    batch = run_functions(jobs, preamble=preamble, seconds=30)
    batched = time.monotonic() - start
    print(f"\n02's {len(jobs)} function answers: a process each {one_each:.1f} s, one process {batched:.1f} s "
          f"(ratio {one_each / batched:.2f}; load average {_load()})")
    assert batch == alone and all(out["problem"] is None and out["results"] for out in batch)
    for question, out in zip(questions, batch):
        cases = question.hidden_cases(KEY, "s001")
        # The solution's function raised for a case, alike in both runs (seen once, 3.13, 2026-12-04): say what.
        assert all("value" in r for r in out["results"]), (question.id, out["results"])
        got = [question.read_result(decode(r["value"]), "") for r in out["results"]]
        assert question.compare(got, cases, lambda failures, hint=question.hint: hint).passed, question.id
    assert batched < one_each


def _load():
    import os

    return " ".join(f"{x:.1f}" for x in os.getloadavg())

