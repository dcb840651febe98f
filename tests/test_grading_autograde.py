"""The instructor's side without a full nbgrader round: grading records for the collected student,
function answers in a separate process (hidden cases, time limit, closed forms caught at run time),
and the flags: only what the student wrote costs points (a provided cell run unchanged never does),
and a flag costs only the questions it could change. tests/test_nbgrader.py runs the real round.

The rules are tested on small notebooks with a bank of their own (`BANK`, question ids ``90.*``,
expected values from the book's closed forms): what is tested is which cells count and what the
report says, not the physics of the package's questions.
"""

import copy
from pathlib import Path

import nbformat
import pytest
from brian2 import Hz, amp, mV, nA, volt
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

pytest.importorskip("nbgrader", reason="the autograder needs the instructor extra (nbgrader)")
from neurodyn_lab import LIFParams  # noqa: E402
from neurodyn_lab.grading import QUESTIONS, build  # noqa: E402
from neurodyn_lab.grading.codec import decode, encode  # noqa: E402
from neurodyn_lab.grading.autograde import RULE_ANSWER, RULE_EARLIER, KeepAttempts, Shipped, answer_from_record, \
    grade_notebook  # noqa: E402
from neurodyn_lab.grading.bank import Bank  # noqa: E402
from neurodyn_lab.grading.feedback import RECORD_MIME, record_of  # noqa: E402
from neurodyn_lab.grading.framework import Case, FunctionQuestion, QuantityQuestion, Tolerance  # noqa: E402
from neurodyn_lab.grading.sandbox import run_function  # noqa: E402
from neurodyn_lab.grading.students import variant_for  # noqa: E402

SOURCE = Path(__file__).resolve().parents[1] / "exercises" / "source"
KEY = b"a test key"


def book_rheobase(p):
    """The book's rheobase, (v_threshold - v_rest) / R."""
    return (p.v_threshold - p.v_rest) / p.R


VALUES = [
    QuantityQuestion(id="90.a", title="a", hint="think again.", expected=lambda v: book_rheobase(v.neuron),
                     unit=amp, example="a current, e.g. 0.5*nA", tolerance=Tolerance(rel=0.01)),
    QuantityQuestion(id="90.b", title="b", hint="think again.", expected=lambda v: v.neuron.v_rest, unit=volt,
                     example="a voltage, e.g. -40*mV", tolerance=Tolerance(abs=0.2 * mV)),
]
FUNCTION_QUESTION = FunctionQuestion(id="90.f", title="f", hint="use params.", name="rheobase", example="your function rheobase",
                     returns="a current, e.g. 0.5*nA", unit=amp,
                     cases=lambda v: [Case((LIFParams(),), "LIFParams()", book_rheobase(LIFParams()))],
                     hidden_cases=lambda key, student: [Case((p,), repr(p), book_rheobase(p))
                                                        for p in (LIFParams(), LIFParams.classic())])
#: The two answers graded from their records; with the function question (a Python process per
#: grading, so only where it matters).
BANK, BANK_WITH_FUNCTION = Bank(VALUES), Bank(VALUES + [FUNCTION_QUESTION])

SETUP = "from brian2 import mV, nA\nfrom neurodyn_lab import analysis\nfrom neurodyn_lab.grading import check\n"
EXPLORE = "I_rh = analysis.rheobase(p)  # the closed form, shown for comparison\nprint(f'{I_rh / nA:.2f} nA')"
BONUS = "drive = 1.5 * I_rh\nprint(analysis.firing_rate(drive, p))"
FUNCTION = "def rheobase(params):\n    return (params.v_threshold - params.v_rest) / params.R"


def _cell(source, **nbgrader):
    cell = new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def shipped_notebook():
    """A notebook as the course ships it: set-up, a provided cell with a closed form before the
    questions, two answers graded from their records, a function, a bonus cell with closed forms."""
    cells = [new_markdown_cell("# 90"), _cell(SETUP, grade_id="setup_90", locked=True, grade=False, solution=False),
             _cell(EXPLORE)]
    for qid, placeholder in (("90.a", "answer = ...  # a current"), ("90.b", "answer = ...  # a voltage"),
                             ("90.f", "def rheobase(params):\n    return None")):
        name = "q" + qid.replace(".", "_")
        cells += [_cell(placeholder, grade_id=name + "_answer", solution=True, locked=False, grade=False),
                  _cell(f"check({qid!r}, {'rheobase' if qid == '90.f' else 'answer'})", grade_id=name, grade=True,
                        locked=True, solution=False, points=1)]
    cells += [_cell(BONUS), _cell("summary()", grade_id="q90_all_passed", grade=True, locked=True, points=0)]
    for index, cell in enumerate(cells):
        cell["id"] = f"nb90-{index}"
    return new_notebook(cells=cells)


def index_of(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def submission(student="s001", answers=None, named=None, edit=None, insert=()):
    """The shipped notebook as run by `student`: the answers' records in the check cells (correct
    ones by the book unless `answers` says otherwise), `edit` (cell index -> new source) and
    `insert` ((before index, source) pairs, a new cell each)."""
    nb = shipped_notebook()
    p = variant_for(student).neuron
    given = {"90.a": book_rheobase(p), "90.b": p.v_rest, "90.f": "function", **(answers or {})}
    for qid, answer in given.items():
        name = "q" + qid.replace(".", "_")
        check_cell = nb.cells[index_of(nb, name)]
        answer_cell = nb.cells[index_of(nb, name + "_answer")]
        if qid == "90.f":
            answer_cell.source = answer if answer != "function" else FUNCTION
            record = {"kind": "function", "name": "rheobase"}
        else:
            answer_cell.source = f"answer = {float(answer / amp if qid == '90.a' else answer / volt)!r} * " + \
                                 ("amp" if qid == "90.a" else "volt")
            record = record_of(answer)
        check_cell.outputs = [new_output("display_data", data={"text/plain": "x", RECORD_MIME: {
            "question": qid, "answer": record, "options": {}, "attempts": 1, "student": named or student}})]
    for index, source in (edit or {}).items():
        nb.cells[index].source = source
    for before, source in sorted(insert, reverse=True):
        cell = new_code_cell(source)
        cell["id"] = f"added-{before}"
        nb.cells.insert(before, cell)
    return nb


def grade(nb, student="s001", shipped=True, function=False):
    return grade_notebook(nb, student, BANK_WITH_FUNCTION if function else BANK, KEY, seconds=20,
                          shipped=Shipped([shipped_notebook()]) if shipped else None)


def points(rows):
    return {r["question"]: r["points"] for r in rows}


# ------------------------------------------------------------------------------------------------
# Which cells count
# ------------------------------------------------------------------------------------------------
def test_provided_cells_run_unchanged_cost_nothing_even_with_closed_forms_before_the_checks():
    rows, notes, cells = grade(submission(), function=True)
    assert points(rows) == {"90.a": 1, "90.b": 1, "90.f": 1}
    assert not any(r["flags"] or r["rule"] for r in rows) and not any("Flagged" in n for n in notes)
    # The report still lists what the provided cells do, and why it costs nothing.
    assert {(c["cell"], c["text"], c["counted"]) for c in cells} == {
        (3, "calls analysis.rheobase, the package's closed form", False),
        (10, "calls analysis.firing_rate, the package's closed form", False)}
    assert all(c["origin"] == "provided" and "provided this cell" in c["why"] for c in cells)


def test_without_the_shipped_copy_a_provided_closed_form_counts_against_the_later_checks():
    # What the shipped copy is for: without it the same notebook loses the questions the explore
    # cell comes before (the function is graded apart from the notebook's run; the bonus cell
    # comes after every check).
    rows, notes, cells = grade(submission(), shipped=False, function=True)
    assert points(rows) == {"90.a": 0, "90.b": 0, "90.f": 1}
    assert {r["rule"] for r in rows if r["question"] != "90.f"} == {RULE_EARLIER}
    assert any("cell 10" in n and "costs no points" in n for n in notes)


def test_layout_comments_and_changed_parameters_in_a_provided_cell_cost_nothing():
    nb = shipped_notebook()
    explore, bonus = 2, len(nb.cells) - 2
    layout = {explore: "I_rh = analysis.rheobase( p )\n\n# my note\nprint(f'{I_rh / nA:.2f} nA')"}
    rows, notes, cells = grade(submission(edit=layout))
    assert points(rows) == {"90.a": 1, "90.b": 1} and {c["origin"] for c in cells} == {"provided"}
    # The honest student who explores: other parameters, an extra print; the closed-form statements
    # are still the ones we shipped.
    explored = {explore: EXPLORE.replace("print(f'{I_rh / nA:.2f} nA')", "scale = 3\nprint(scale * I_rh)"),
                bonus: BONUS.replace("1.5 * I_rh", "2.5 * I_rh")}
    rows, notes, cells = grade(submission(edit=explored))
    assert points(rows) == {"90.a": 1, "90.b": 1}
    assert not any("Flagged" in n for n in notes)
    assert {(c["origin"], c["counted"]) for c in cells} == {("edited", False)}
    assert all(c["why"] == "the statement is one the course provided" for c in cells)


def test_a_closed_form_the_student_wrote_costs_only_the_questions_checked_after_it():
    nb = shipped_notebook()
    after_a = index_of(nb, "q90_a") + 1
    rows, notes, cells = grade(submission(insert=[(after_a, "v = p.R\nv = v * analysis.rheobase(p)")]))
    assert points(rows) == {"90.a": 1, "90.b": 0}
    b = next(r for r in rows if r["question"] == "90.b")
    assert b["rule"] == RULE_EARLIER and b["status"] == "invalid"
    assert b["flags"] == f"cell {after_a + 1} (a cell the student added), line 2: calls analysis.rheobase, the " \
                         "package's closed form"
    assert f"cell {after_a + 1} (a cell the student added), line 2" in b["message"] and "scores 0" in b["message"]
    assert f"Flagged: cell {after_a + 1} (a cell the student added), line 2: calls analysis.rheobase, the package's " \
           "closed form; it counts against 90.b." in notes
    # The same cell after every check changes nothing.
    rows, notes, cells = grade(submission(insert=[(len(nb.cells) - 1, "v = analysis.rheobase(p) * p.R")]))
    assert points(rows) == {"90.a": 1, "90.b": 1}
    assert any("costs no points" in n for n in notes) and cells[-1]["why"] == "changes no question"


def test_a_new_statement_in_an_edited_provided_cell_counts_from_that_cell_on():
    nb = shipped_notebook()
    rows, notes, cells = grade(submission(edit={2: EXPLORE + "\nfrom neurodyn_lab.grading import bank"}))
    assert points(rows) == {"90.a": 0, "90.b": 0}
    assert all(r["flags"].startswith("cell 3 (a provided cell the student edited), line 3: imports from "
                                     "neurodyn_lab.grading") for r in rows)
    counted = [c for c in cells if c["counted"]]
    assert len(counted) == 1 and counted[0]["why"] == "counts against 90.a, 90.b"
    assert len(nb.cells) == len(submission().cells)


def test_a_flag_in_an_answer_cell_costs_its_question_and_the_later_ones_graded_from_the_run():
    p = variant_for("s001").neuron
    rows, notes, cells = grade(submission(edit={index_of(shipped_notebook(), "q90_a_answer"): (
        f"answer = {float(book_rheobase(p) / amp)!r} * amp\nimport neurodyn_lab.grading as g\ng.check = print")}),
        function=True)
    assert points(rows) == {"90.a": 0, "90.b": 0, "90.f": 1}
    assert [r["rule"] for r in rows] == [RULE_ANSWER, RULE_EARLIER, ""]
    assert "touches the grading code" in rows[0]["message"]


def test_a_closed_form_in_a_function_answer_scores_zero_with_a_sentence():
    rows, notes, cells = grade(submission(answers={"90.f": "def rheobase(params):\n    import neurodyn_lab as nl\n"
                                                           "    return nl.analysis.rheobase(params)"}),
                               function=True)
    assert points(rows) == {"90.a": 1, "90.b": 1, "90.f": 0}
    assert rows[2]["rule"] == RULE_ANSWER and "closed form" in rows[2]["message"]


def test_a_cell_that_is_not_python_costs_at_most_its_own_question():
    nb = shipped_notebook()
    rows, notes, cells = grade(submission(insert=[(3, "this is not python")]))
    assert points(rows) == {"90.a": 1, "90.b": 1}
    broken = index_of(nb, "q90_b_answer")
    rows, notes, cells = grade(submission(edit={broken: "answer = (-70 * mV"}))
    assert points(rows) == {"90.a": 1, "90.b": 0}
    assert "not valid Python" in rows[1]["message"]


# ------------------------------------------------------------------------------------------------
# Records, the collected student, the separate process
# ------------------------------------------------------------------------------------------------
def test_records_are_graded_for_the_collected_student_and_outputs_rewritten():
    # s001's own numbers, handed in by s002: wrong for s002's neuron (by the book), and the note says
    # whose numbers the checks named.
    mine, theirs = variant_for("s001").neuron, variant_for("s002").neuron
    assert abs(book_rheobase(mine) / book_rheobase(theirs) - 1) > 0.01 and abs(mine.v_rest - theirs.v_rest) > 0.2 * mV
    nb = submission("s001")
    rows, notes, cells = grade(copy.deepcopy(nb), "s001")
    assert points(rows) == {"90.a": 1, "90.b": 1}
    copied = copy.deepcopy(nb)
    rows, notes, cells = grade(copied, "s002")
    assert points(rows) == {"90.a": 0, "90.b": 0}
    assert any("named student s001" in n for n in notes)
    check_cell = copied.cells[index_of(copied, "q90_a")]
    assert [o.output_type for o in check_cell.outputs] == ["display_data", "error"]
    assert "Hint: think again." in check_cell.outputs[1].evalue


def test_a_missing_record_scores_zero_with_a_sentence():
    nb = submission()
    nb.cells[index_of(nb, "q90_a")].outputs = []
    rows, notes, cells = grade(nb)
    assert rows[0]["points"] == 0 and "no answer was recorded" in rows[0]["message"]


@pytest.mark.parametrize("answer", [2.5 * nA, 40 * Hz, -3.2 * mV, 12.0, "low-pass", ..., [1, 2]])
def test_answers_survive_the_record(answer):
    rebuilt = answer_from_record(record_of(answer))
    if answer is ...:
        assert rebuilt is ...
    else:  # a list too: the readers reject it with their usual sentence
        assert rebuilt == answer


def _cases(*params):
    return [[encode(p)] for p in params]


def test_the_separate_process_calls_the_function_and_catches_closed_forms_at_run_time():
    p = LIFParams()
    honest = run_function(FUNCTION, "rheobase", _cases(p), seconds=5)
    assert honest["problem"] is None and honest["closed_form_calls"] == []
    assert decode(honest["results"][0]["value"]) / amp == pytest.approx(float(book_rheobase(p) / amp))
    # Built from pieces, so the source analysis cannot see it; the stand-in in the process does.
    sneaky = run_function("def rheobase(params):\n    m = __import__('neurodyn_lab.anal' + 'ysis', fromlist=['x'])\n"
                          "    return getattr(m, 'rheo' + 'base')(params)", "rheobase", _cases(p), seconds=5)
    assert sneaky["closed_form_calls"] == ["rheobase"]


def test_the_separate_process_stops_a_function_that_loops():
    out = run_function("def rheobase(params):\n    while True:\n        pass", "rheobase", _cases(LIFParams()),
                       seconds=1)
    assert out["problem"] == "timeout"


@pytest.mark.parametrize("question", [q for q in QUESTIONS.values() if isinstance(q, FunctionQuestion)],
                         ids=lambda q: q.id)
def test_hidden_cases_are_the_students_own_and_need_the_key(question):
    mine, again = question.hidden_cases(KEY, "s001"), question.hidden_cases(KEY, "s001")
    assert [c.arguments for c in mine] == [c.arguments for c in again]
    assert [c.arguments for c in mine] != [c.arguments for c in question.hidden_cases(KEY, "s002")]
    assert [c.arguments for c in mine] != [c.arguments for c in question.hidden_cases(b"another key", "s001")]
    shown = {c.arguments for c in question.cases(variant_for("s001"))}
    assert not shown & {c.arguments for c in mine}


def test_attempts_of_the_submission_reach_the_report():
    submitted = submission()
    submitted.cells[index_of(submitted, "q90_a")].outputs[0].data[RECORD_MIME]["attempts"] = 3
    nb, _ = KeepAttempts().preprocess(submitted, {})
    assert nb.metadata["neurodyn_lab"] == {"attempts": {"90.a": 3, "90.b": 1, "90.f": 1}, "named": ["s001"]}
    rows, notes, cells = grade_notebook(nb, "s001", BANK, KEY, attempts=nb.metadata["neurodyn_lab"]["attempts"],
                                        shipped=Shipped([shipped_notebook()]))
    assert rows[0]["attempts"] == 3


def test_the_flag_modules_show_no_line_of_a_solution():
    # Their docstrings and sources reach the documentation site (API pages, highlighted sources).
    import neurodyn_lab.grading.autograde as autograde
    import neurodyn_lab.grading.tamper as tamper

    texts = [Path(module.__file__).read_text(encoding="utf-8") for module in (tamper, autograde)]
    fragments = {line for path in SOURCE.glob("[0-9][0-9]_*.ipynb")
                 for line in build.solution_fragments(nbformat.read(path, as_version=4)) if len(line) > 12}
    assert fragments and not [line for line in fragments for text in texts if line in text]
