"""The exercise notebooks, without running them (nbval runs them): one source, a generated student
version that is up to date and leaks no solution, one template, nbgrader metadata that matches the
question bank, the student's identity in the first code cell, and the numbers the prompts state taken
from the bank. Nothing on screen gives an answer away: no number a student reads (cells, panel headers,
docstrings of what a notebook calls) passes a question, no text names a choice question's answer, no
closed form a question asks for is written out, and the cells a student may edit touch no closed form.

Running them: ``pytest --nbval-lax exercises`` (solution notebooks in strict mode, see
``exercises/conftest.py``).
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import nbformat
import pytest
from brian2 import Hz, Mohm, kHz, mV, ms, nA, pA, pcoulomb

from neurodyn_lab.grading import QUESTIONS, questions_of
from neurodyn_lab.grading.answers import Rejected
from neurodyn_lab.grading.framework import ChoiceQuestion, CountQuestion, FunctionQuestion, PhaseQuestion, \
    PredictionQuestion, Tolerance
from neurodyn_lab.grading.students import variant_for

build = pytest.importorskip("neurodyn_lab.grading.build", reason="the notebook builder needs nbgrader")

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
SOURCE = EXERCISES / "source"
NAMES = ["00_getting_started.ipynb", "01_step_current.ipynb", "02_fi_curve.ipynb", "03_sinusoidal_input.ipynb",
         "04_mystery_neuron.ipynb", "05_noise_variability.ipynb"]
#: The panel each notebook explores with, where one exists (00 is about the classic functions).
PANELS = {"01": "StepPanel(", "02": "FICurvePanel(", "03": "SinusPanel(", "04": "m.simulate("}


def _read(path):
    return nbformat.read(path, as_version=4)


def _grading(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.fixture(scope="module", params=NAMES)
def pair(request):
    return request.param, _read(SOURCE / request.param), _read(EXERCISES / request.param)


def test_every_notebook_has_a_source_and_a_student_version():
    assert sorted(p.name for p in SOURCE.glob("*.ipynb")) == NAMES
    assert sorted(p.name for p in EXERCISES.glob("*.ipynb")) == NAMES


def test_committed_student_notebooks_are_what_the_source_generates():
    assert build.stale(SOURCE, EXERCISES) == [], "run `make exercises` and commit exercises/*.ipynb"


def test_stale_detects_a_hand_edited_student_notebook(tmp_path):
    for name in NAMES[:2]:
        (tmp_path / name).write_text((EXERCISES / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / NAMES[1]).write_text((EXERCISES / NAMES[1]).read_text(encoding="utf-8").replace(
        "answer = ...", "answer = 2*nA", 1), encoding="utf-8")
    assert build.stale(SOURCE, tmp_path)[:2] == [NAMES[1], NAMES[2]]  # edited, then missing


def test_no_solution_or_hidden_test_leaks_into_the_student_notebook(pair):
    name, source, student = pair
    fragments = [f for f in build.solution_fragments(source) if len(f) >= 8]
    assert fragments, "a solution notebook without solutions?"
    text = "\n".join(cell.source for cell in student.cells)
    leaked = [f for f in fragments if f in text]
    assert not leaked, f"{name}: {leaked}"
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "assert_passed", "assert_all_passed"):
        assert marker not in text


def test_leak_detection_catches_a_leak():
    source = _read(SOURCE / NAMES[1])
    student = build.student_version(source)
    fragment = next(f for f in build.solution_fragments(source) if f.startswith("answer = (p.v_threshold"))
    assert fragment not in "\n".join(c.source for c in student.cells)
    student.cells[-1].source += "\n" + fragment
    assert fragment in "\n".join(c.source for c in student.cells)


def test_notebooks_are_stored_without_outputs(pair):
    name, source, student = pair
    for nb in (source, student):
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, name


def _discarded_displays(source):
    """Lines of a cell that make a picture or a panel only to drop it: a call to a result's ``.plot()`` or to a
    panel/figure maker as an expression statement that is not the cell's last (Jupyter shows the last
    expression's value only)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics: not our cells' style
        return []
    found = []
    for statement in body[:-1]:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            # A result's plot() takes no data (matplotlib's ax.plot(x, y) draws into a figure kept elsewhere).
            if (name == "plot" and not statement.value.args) or name.endswith("Panel") or name == "explore":
                found.append(statement.lineno)
    return found


def test_no_cell_makes_a_plot_it_does_not_show(pair):
    # 04's first mystery trace was `first.plot()` followed by `m.budget`: built, never shown (2026-12-03).
    name, source, student = pair
    for nb in (source, student):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                assert not _discarded_displays(cell.source), f"{name} cell {index}: {cell.source!r}"


def test_a_dropped_plot_is_found():
    assert _discarded_displays("r = run()\nr.plot()\nm.budget") == [2]
    assert _discarded_displays("StepPanel()\nx = 1") == [1]
    assert _discarded_displays("print(m.budget)\nr.plot()") == []
    assert _discarded_displays("fig = r.plot()\nfig") == []
    assert _discarded_displays("ax.plot(t, v)\nfig") == []


def test_student_answer_cells_keep_a_placeholder_and_no_nbgrader_metadata(pair):
    name, source, student = pair
    assert [c.id for c in source.cells] == [c.id for c in student.cells]
    for src, stu in zip(source.cells, student.cells):
        assert "nbgrader" not in stu.metadata
        if _grading(src).get("solution") and src.cell_type == "markdown":  # the Think! answers
            assert stu.source.splitlines()[-1] == "YOUR ANSWER HERE", stu.source
        elif _grading(src).get("solution"):
            assert "# YOUR CODE HERE" in stu.source
            assert stu.source.startswith("answer = ...") or stu.source.startswith("def "), stu.source
            compile(stu.source, name, "exec")  # still valid Python: "Run All" goes on


def _sections(nb):
    return [line for cell in nb.cells if cell.cell_type == "markdown" for line in cell.source.splitlines()
            if line.startswith("#")]


#: How an optional section's heading starts; it comes after Think! and before the summary.
BONUS = "## Bonus (optional): "


def test_every_notebook_follows_the_template(pair):
    name, source, student = pair
    number = name[:2]
    first = source.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {number} · ")
    learn = first.source.split("**What you will learn**", 1)[1].strip().split("\n\n")[0]
    assert len([line for line in learn.splitlines() if line.startswith("- ")]) == 3
    sections = [s for s in _sections(source) if s.startswith("## ")]
    core = [s for s in sections if not s.startswith(BONUS)]
    assert core == ["## A little theory", "## Explore", "## Questions", "## Think!", "## Summary"]
    assert sections == core[:4] + sections[4:-1] + core[-1:], "bonus sections go between Think! and Summary"
    theory = next(c.source for c in source.cells if c.source.startswith("## A little theory"))
    assert "$$" in theory  # the book's equation in LaTeX
    assert source.cells[-1].source.splitlines()[0] == "summary()"
    explore = "\n".join(c.source for c in source.cells[source.cells.index(
        next(c for c in source.cells if c.source.startswith("## Explore"))):])
    if number in PANELS:
        assert PANELS[number] in explore.split("## Questions")[0]


def test_every_question_is_asked_in_its_notebook_with_matching_points(pair):
    name, source, student = pair
    number = name[:2]
    grade_cells = [c for c in source.cells if _grading(c).get("grade")]
    checked = [re.match(r'check\("([^"]+)"', c.source).group(1) for c in grade_cells if c.source.startswith("check(")]
    assert checked == [q.id for q in questions_of(number)]
    for cell in grade_cells:
        meta = _grading(cell)
        if cell.source.startswith("check("):
            qid = re.match(r'check\("([^"]+)"', cell.source).group(1)
            assert meta["points"] == QUESTIONS[qid].points
            assert meta["grade_id"] == "q" + qid.replace(".", "_")
            assert cell.source.strip() == f'check("{qid}", answer)' or cell.source.strip().startswith(
                f'check("{qid}", ')  # the autograder grades the record, not a hidden test
            assert meta["locked"]
            previous = source.cells[source.cells.index(cell) - 1]
            assert _grading(previous).get("solution") and "### BEGIN SOLUTION" in previous.source
        elif cell.cell_type == "markdown":  # the Think! answers: 0 points, the model answers a rubric
            assert meta["points"] == 0 and meta["solution"]
            assert meta["grade_id"] in (f"think_{number}", f"think_{number}_bonus")
        else:
            assert meta["points"] == 0 and cell.source.strip() == "summary()"


def test_nbgrader_metadata_is_valid(pair):
    name, source, student = pair
    ids = [_grading(c)["grade_id"] for c in source.cells if _grading(c)]
    assert len(ids) == len(set(ids))
    for cell in source.cells:
        meta = _grading(cell)
        has_solution = "### BEGIN SOLUTION" in cell.source
        has_hidden = "### BEGIN HIDDEN TESTS" in cell.source
        if not meta:
            assert not has_solution and not has_hidden
            continue
        assert meta["schema_version"] == 3 and re.fullmatch(r"[A-Za-z0-9_]+", meta["grade_id"])
        assert meta["solution"] == has_solution and meta["locked"] == (not has_solution)
        assert not has_hidden  # nothing for a student to rebind: the autograder grades in its own process
        assert meta["grade"] == (cell.source.startswith("check(") or cell.source.strip() == "summary()"
                                 or cell.cell_type == "markdown")  # markdown: nbgrader's manually graded answer


def test_notebooks_end_with_the_summary_a_0_point_grade_cell(pair):
    name, source, student = pair
    assert source.cells[-1].source.strip() == "summary()" and _grading(source.cells[-1])["points"] == 0
    assert student.cells[-1].source.strip() == "summary()"


def test_the_first_code_cell_sets_the_student_and_the_next_shows_their_numbers(pair):
    name, source, student = pair
    code = [c for c in source.cells if c.cell_type == "code"]
    assert code[0].source.startswith("student_id = None  # your student id") and not _grading(code[0])
    setup = code[1]
    assert _grading(setup)["locked"] and "me = student(student_id)" in setup.source  # nbgrader restores it
    assert setup.source.rstrip().endswith(("me", "m"))  # "your neuron" on screen
    # a student's numbers come from their identity, never from a seed they choose; the only seed in
    # a notebook is that of a noise current (a bonus section's inputs.noise(..., seed=1))
    code_text = "\n".join(c.source for c in source.cells if c.cell_type == "code")
    assert "seed" not in re.sub(r"inputs\.noise\([^()]*\)", "", code_text)


def test_the_prompts_state_the_banks_numbers(pair):
    name, source, student = pair
    found = build.prompts(source)
    for question in questions_of(name[:2]):
        prompt = found[question.id].source
        if question.tolerance_text is not None:
            assert f"Tolerance: {question.tolerance_text}." in prompt, (question.id, prompt)
        for fragment in question.stated(variant_for(None)):
            assert fragment in prompt, (question.id, fragment, prompt)
        answer = source.cells[source.cells.index(found[question.id]) + 1]
        example = getattr(question, "example", "")
        if "e.g." in example:
            assert answer.source.startswith(f"answer = ...  # {example}")


def test_a_changed_tolerance_reaches_the_notebooks_text(tmp_path):
    from neurodyn_lab.grading.bank import Bank

    bank = Bank(QUESTIONS.values())
    bank.change("01.rheobase", tolerance=Tolerance(rel=0.05))
    source = _read(SOURCE / NAMES[1])
    changed = build.with_bank_numbers(source, bank)
    assert "Tolerance: ±5 %." in build.prompts(changed)["01.rheobase"].source
    assert "Tolerance: ±1 %." in build.prompts(source)["01.rheobase"].source
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / NAMES[1]).write_bytes((SOURCE / NAMES[1]).read_bytes())
    (tmp_path / NAMES[1]).write_bytes((EXERCISES / NAMES[1]).read_bytes())
    assert build.stale(tmp_path / "source", tmp_path) == []
    nbformat.write(changed, tmp_path / "source" / NAMES[1])  # a tolerance edited by hand is caught
    assert build.stale(tmp_path / "source", tmp_path) == [NAMES[1]]


def test_make_course_copies_the_chosen_notebooks_and_rejects_unknown_ones(tmp_path):
    course = build.make_course(tmp_path / "course", "week1", notebooks=[NAMES[1]])
    assert [p.name for p in (course / "source" / "week1").iterdir()] == [NAMES[1]]
    config = (course / "nbgrader_config.py").read_text()
    assert "sqlite:///" in config and "code_stub" in config and "# YOUR CODE HERE" in config
    assert "from neurodyn_lab.grading.autograde import configure" in config
    assert len((course / "neurodyn_lab_secret.key").read_text().strip()) == 64
    assert (course / "neurodyn_lab_secret.key").stat().st_mode & 0o077 == 0  # the instructor's only
    assert "def customise(bank)" in (course / "neurodyn_lab_questions.py").read_text()
    with pytest.raises(ValueError, match="01_step_current.ipynb"):
        build.make_course(tmp_path / "other", notebooks=["01_step.ipynb"])


#: The Think! prompts of a notebook (heading -> grade id suffix): the notebook's own, and a bonus
#: section's (one cell of them for all the bonus sections of a notebook).
THINKS = {"## Think!": "", "### Think! (bonus)": "_bonus"}


def _think(nb, heading="## Think!"):
    start = next((i for i, c in enumerate(nb.cells) if c.source.splitlines()[:1] == [heading]), None)
    if start is None:
        return None, None
    prompts = [line for line in nb.cells[start].source.splitlines() if line.startswith("- ")]
    return prompts, nb.cells[start + 1]


@pytest.mark.parametrize("heading", THINKS)
def test_every_think_prompt_has_a_model_answer_in_the_solution_only(pair, heading):
    name, source, student = pair
    prompts, answers = _think(source, heading)
    if heading != "## Think!" and prompts is None:
        assert not any(c.source.startswith(BONUS) for c in source.cells), "a bonus section without Think!"
        return
    assert prompts and answers.cell_type == "markdown"
    assert _grading(answers)["grade_id"] == f"think_{name[:2]}{THINKS[heading]}"
    assert "<!-- ### BEGIN SOLUTION -->" in answers.source and answers.source.rstrip().endswith(
        "<!-- ### END SOLUTION -->")
    model = build.solution_fragments(source)
    numbered = [line for line in answers.source.splitlines() if re.match(r"\d+\. ", line)]
    assert len(numbered) == len(prompts), (name, "one model answer per Think! prompt")
    assert all(line.strip() in model for line in numbered)
    student_prompts, student_answers = _think(student, heading)
    assert student_prompts == prompts  # the questions stay, the answers go
    assert "Model answers" not in student_answers.source and "YOUR ANSWER HERE" in student_answers.source
    text = "\n".join(cell.source for cell in student.cells)
    assert not [line for line in numbered if line.strip() in text] and "instructor notes" not in text


def _bonus_sections(nb):
    """The cells of each bonus section: from its heading to the next ``## `` heading."""
    sections, current = [], None
    for cell in nb.cells:
        heading = cell.source.splitlines()[:1] if cell.cell_type == "markdown" else []
        if heading and heading[0].startswith("## "):
            current = [] if heading[0].startswith(BONUS) else None
            if current is not None:
                sections.append(current)
        if current is not None:
            current.append(cell)
    return sections


def _minutes(text):
    found = re.search(r"about (\d+) minutes", text)
    return int(found.group(1)) if found else None


def _bonus_problems(nb, number):
    """What is wrong with the bonus sections of `nb` (a solution notebook): an empty list if nothing."""
    problems = []
    for heading in (s for s in _sections(nb) if "bonus" in s.lower()):
        if not (heading.startswith(BONUS) or heading == "### Think! (bonus)"):
            problems.append(f"a bonus heading not marked {BONUS!r}: {heading!r}")
    for section in _bonus_sections(nb):
        paragraphs = section[0].source.split("\n\n")
        first = paragraphs[1] if len(paragraphs) > 1 else ""
        if not first.startswith("This section is optional and not graded: you can skip it"):
            problems.append(f"the first sentence must say it is optional, not graded, and can be skipped: {first!r}")
        if not _minutes(first):
            problems.append("the first sentence must say how long the section takes ('about N minutes')")
        # no graded question: nothing checked, no points, only the 0-point Think! answers
        if [c for c in section if "check(" in c.source]:
            problems.append("a bonus section has a check(...) cell")
        if any(_grading(c).get("points", 0) for c in section) or not {
                _grading(c)["grade_id"] for c in section if _grading(c).get("grade")} <= {f"think_{number}_bonus"}:
            problems.append("a bonus section has graded cells")
        # read-only cells (the closed forms a bonus needs, see test_cells_a_student_may_edit_...) only
        if not all(_grading(c)["grade_id"].startswith(f"bonus_{number}_") for c in section
                   if _grading(c) and not _grading(c).get("grade")):
            problems.append(f"a bonus section's read-only cell is not named bonus_{number}_...")
    return problems


def test_every_bonus_heading_says_optional_and_not_graded(pair):
    name, source, student = pair
    assert _bonus_problems(source, name[:2]) == []
    assert [s for s in _sections(student) if "bonus" in s.lower()] == [
        s for s in _sections(source) if "bonus" in s.lower()]


def test_the_bonus_marking_test_catches_an_unmarked_or_graded_bonus():
    source = _read(SOURCE / "03_sinusoidal_input.ipynb")
    assert _bonus_sections(source) and not _bonus_sections(_read(SOURCE / "01_step_current.ipynb"))
    heading = next(c for c in source.cells if c.source.startswith(BONUS))
    text = heading.source
    heading.source = text.replace(BONUS, "## Bonus: ", 1)
    assert _bonus_problems(source, "03")  # not marked optional in the heading
    heading.source = text.replace("optional and not graded: you can skip it", "for the keen", 1)
    assert _bonus_problems(source, "03")  # the first sentence does not say so
    heading.source = text
    assert _bonus_problems(source, "03") == []
    cell = source.cells[source.cells.index(heading) + 1]
    cell.source += '\ncheck("03.filter_type", answer)'
    assert _bonus_problems(source, "03")  # a graded question in a bonus


def test_the_instructors_table_gives_each_bonus_its_minutes():
    lines = (EXERCISES.parent / "docs" / "instructors.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| notebook | set-up"))
    columns = [c.strip() for c in lines[start].strip("|").split("|")]
    bonus = columns.index("Bonus (optional)")
    for name in NAMES:
        row = next(line for line in lines[start:] if line.startswith(f"| `{name[:-6]}` |"))
        cell = [c.strip() for c in row.strip("|").split("|")][bonus]
        minutes = [_minutes(s[0].source) for s in _bonus_sections(_read(SOURCE / name))]
        assert cell == (str(sum(minutes)) if minutes else "–"), (name, cell, minutes)


def test_warm_up_compiles_the_model_of_the_noisy_runs_in_02():
    """A tabulated input's code depends on its table's length, so the warm-up must know 02's duration
    (else the first noisy run compiles on Binder: tests/test_binder_build.py sees that, slowly)."""
    from brian2 import ms, nA, second

    from neurodyn_lab import engine, grading, inputs

    text = (SOURCE / "02_fi_curve.ipynb").read_text()
    found = re.search(r"noise_duration = ([0-9.]+) \* ms", text)
    assert found, "02 no longer names noise_duration: update grading.NOISE_DURATION_02 and this test"
    assert float(found.group(1)) * ms == grading.NOISE_DURATION_02
    jobs = [job for job in grading.warm_up_jobs() if job[0].startswith("02")]
    assert [float(job[3] / second) for job in jobs] == [1.6]
    engine.warm_up(jobs)
    noise = inputs.noise(1 * nA, 0.2 * nA, 5 * ms, seed=7)
    assert engine.structure_of([noise], 1.6, 1e-4) in engine.compiled_structures()


# ------------------------------------------------------------------------------------------------
# Nothing on screen gives an answer away
# ------------------------------------------------------------------------------------------------
#: A number as a student reads it, with its unit: "2 nA", "$t_0 = 10$ ms", "2.5 * nA", "−70 mV",
#: "3.70 MΩ", "-30°", "9 spikes". Unit -> a brian2 unit, or how a plain number is answered.
_SHOWN_UNITS = {"kHz": kHz, "Hz": Hz, "pA": pA, "nA": nA, "mV/nA": Mohm, "mV": mV, "ms": ms, "MΩ": Mohm,
                "Mohm": Mohm, "MOhm": Mohm, "pC": pcoulomb, "pcoulomb": pcoulomb, "°": "degrees",
                "degrees": "degrees", "spikes": "count", "spike": "count"}
_SHOWN_NUMBER = re.compile(r"(?<![\w.])([-−]?\d+(?:\.\d+)?)\$?\s*(?:\\,|~|\*)?\s*("
                           + "|".join(re.escape(u) for u in sorted(_SHOWN_UNITS, key=len, reverse=True))
                           + r")(?![A-Za-z])")
#: Numbers on screen that a default-neuron answer happens to match, and why that is no statement of it.
_COINCIDENCES = {
    ("neurodyn_lab.panels.SinusPanel docstring", "20 Hz"):
        "the frequency slider's default; the default neuron's cut-off, 19.9 Hz, lies within ±2 % of it",
}


def _shown_numbers(text):
    """(as shown, kind, the answer a student would type) for each number with a unit in `text`."""
    for found in _SHOWN_NUMBER.finditer(text):
        number = float(found.group(1).replace("−", "-"))
        unit = _SHOWN_UNITS[found.group(2)]
        if unit == "count":
            if number.is_integer():
                yield found.group(0), "count", int(number)
        elif unit == "degrees":
            yield found.group(0), "degrees", number
        else:
            yield found.group(0), "quantity", number * unit


def _named_objects(nb):
    """The package's objects `nb`'s code names (imported from neurodyn_lab, or ``module.name`` of an
    imported module) by dotted name, without `analysis`: its closed forms are the answers themselves
    (a student who reads them has the formula, and the autograder flags their use)."""
    code = "\n".join(re.sub(r"^\s*[%!].*$", "", c.source, flags=re.M) for c in nb.cells if c.cell_type == "code")
    tree = ast.parse(code)
    names, objects = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("neurodyn_lab"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                names[alias.asname or alias.name] = objects[f"{node.module}.{alias.name}"] = getattr(module, alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                inspect.ismodule(names.get(node.value.id)) and hasattr(names[node.value.id], node.attr):
            module = names[node.value.id]
            objects[f"{module.__name__}.{node.attr}"] = getattr(module, node.attr)
    return {name: obj for name, obj in objects.items() if not name.startswith("neurodyn_lab.analysis")}


def _screen(nb, everything=True):
    """(where, text) for what a student of `nb` reads: every cell of the student notebook, and the
    docstrings (``name?``) of the package's objects its code names, with the header (title and intro) a
    panel shows. With ``everything=False`` only the docstrings of the classic functions and the panels:
    the rest of the API uses the default neuron, nobody's graded neuron, for its examples."""
    texts = [(f"cell {i}", cell.source) for i, cell in enumerate(nb.cells)]
    for name, obj in _named_objects(nb).items():
        if not everything and not name.startswith(("neurodyn_lab.lif", "neurodyn_lab.panels")):
            continue
        texts.append((f"{name} docstring", inspect.getdoc(obj) or ""))
        if isinstance(obj, type):
            texts += [(f"{name}.{field}", getattr(obj, field)) for field in ("title", "intro")
                      if isinstance(getattr(obj, field, None), str)]
    return texts


def _shared(question):
    """Whether every student has the same expected value (the classic neuron, the kind of filter)."""
    expected = getattr(question, "expected", None)
    if expected is None:
        return False
    values = {repr(expected(variant_for(s))) for s in (None, "s001", "s002", "s1234567")}
    return len(values) == 1


def _kind(question):
    return {CountQuestion: "count", PhaseQuestion: "degrees"}.get(type(question), "quantity")


def _numbers_given_away(student, number):
    """(question id, where, number as shown) for each number on the screen of the student notebook
    `student` that, typed as the answer, passes one of notebook `number`'s questions for the default
    neuron (no student id)."""
    variant = variant_for(None)
    leaks = []
    for question in questions_of(number):
        if isinstance(question, (FunctionQuestion, ChoiceQuestion, PredictionQuestion)):
            continue  # (any plausible prediction earns its point: a number on screen gives nothing away)
        for where, text in _screen(student, everything=_shared(question)):
            for shown, kind, answer in _shown_numbers(text):
                if kind != _kind(question) or (where, shown) in _COINCIDENCES:
                    continue
                try:
                    passed = question.grade(answer, variant).passed
                except Rejected:  # another dimension
                    continue
                if passed:
                    leaks.append((question.id, where, shown))
    return leaks


@pytest.mark.parametrize("name", NAMES)
def test_no_number_on_screen_is_an_answer(name):
    """For every graded question of the notebook, no number in its cells, in its panels' headers or in
    the docstrings of what it calls passes as the answer of the default neuron (or, for the classic
    neuron's answers, which every student shares, of anything the notebook calls)."""
    assert _numbers_given_away(_read(EXERCISES / name), name[:2]) == []


def test_the_screen_check_catches_a_number_that_is_an_answer():
    assert _shown_numbers("is $1$ nA, or −63.7 mV; 9 spikes at -78.7°") is not None
    assert [(s, k) for s, k, _ in _shown_numbers("is $1$ nA, or −63.7 mV; 9 spikes at -78.7°")] == [
        ("1$ nA", "quantity"), ("−63.7 mV", "quantity"), ("9 spikes", "count"), ("-78.7°", "degrees")]
    nb = _read(EXERCISES / NAMES[0])
    screen = dict(_screen(nb))
    assert "neurodyn_lab.lif.LIF_Step docstring" in screen and "neurodyn_lab.analysis.rheobase docstring" not in screen
    assert _numbers_given_away(nb, "00") == []
    nb.cells[2].source += "\nThe classic neuron's rheobase is 1 nA, and `LIF_Step()` fires 9 spikes."
    assert _numbers_given_away(nb, "00") == [("00.classic_rheobase", "cell 2", "1 nA"),
                                             ("00.classic_step_spikes", "cell 2", "9 spikes")]
    assert _shared(QUESTIONS["00.classic_rheobase"]) and _shared(QUESTIONS["03.filter_type"])
    assert not _shared(QUESTIONS["01.rheobase"]) and not _shared(QUESTIONS["03.phase_at_your_frequency"])


def _choice_pattern(choice):
    return re.compile(re.escape(choice).replace(r"\-", r"[-\s_]?"), re.I)


def test_no_text_on_screen_names_the_answer_of_a_choice_question():
    """"low-pass" is every student's answer to 03.filter_type: it appears on no notebook's screen and in
    no question's title or hint, except in the prompt that lists every choice."""
    for question in (q for q in QUESTIONS.values() if isinstance(q, ChoiceQuestion)):
        answer = question.expected(variant_for(None))
        pattern = _choice_pattern(answer)
        for name in NAMES:
            for where, text in _screen(_read(EXERCISES / name)):
                if pattern.search(text) and not all(_choice_pattern(c).search(text) for c in question.choices):
                    pytest.fail(f"{name}, {where} names {answer!r}, the answer of {question.id}")
        for other in QUESTIONS.values():
            assert not pattern.search(other.title + " " + other.hint), other.id


def test_the_choice_check_catches_the_answer_in_a_panel_header(monkeypatch):
    from neurodyn_lab.panels import SinusPanel

    monkeypatch.setattr(SinusPanel, "intro", "Below threshold the membrane is a low-pass filter.")
    screen = dict(_screen(_read(EXERCISES / "03_sinusoidal_input.ipynb")))
    assert _choice_pattern("low-pass").search(screen["neurodyn_lab.panels.SinusPanel.intro"])


def test_no_other_package_is_named_in_what_students_read():
    """neurodynex3 means nothing to a student: not in the student notebooks, the panels' headers, or the
    titles, hints and mistake hints of the questions (the feedback)."""
    from neurodyn_lab import panels

    for name in NAMES:
        text = "\n".join(cell.source for cell in _read(EXERCISES / name).cells)
        assert "neurodynex" not in text.lower(), name
    for panel in (panels.StepPanel, panels.SinusPanel, panels.FICurvePanel, panels.FrequencyResponsePanel):
        assert "neurodynex" not in (panel.title + panel.intro).lower(), panel
    for question in QUESTIONS.values():
        texts = [question.title, question.hint] + [m.hint for m in getattr(question, "mistakes", ())]
        assert not [t for t in texts if "neurodynex" in t.lower()], question.id


def test_one_name_for_your_neuron():
    """`me` is the student's numbers, `p = me.neuron` their neuron in 01-03, `m` the mystery neuron in 04;
    no notebook promises `me.neuron` where it does not use it."""
    for name in NAMES:
        nb = _read(SOURCE / name)
        setup = next(c.source for c in nb.cells if _grading(c).get("grade_id", "").startswith("setup_"))
        intro = nb.cells[0].source
        if name[:2] in ("01", "02", "03", "05"):
            assert "p = me.neuron  # your neuron" in setup and "`p = me.neuron`" in intro, name
        else:
            assert "p = " not in setup and "`me.neuron`" not in intro.replace("`p = me.neuron`", ""), name
        if name[:2] == "04":
            assert "m = mystery_neuron()" in setup and "`m = mystery_neuron()`" in intro
        student_text = "\n".join(c.source for c in _read(EXERCISES / name).cells if c.cell_type == "markdown")
        assert "your neuron `p3`" not in student_text and "neuron `p3`" not in student_text, name


def _editable_shipped_cells(source):
    """The code cells a student may edit that we ship with content: unlocked, and not an answer cell."""
    return [c for c in source.cells if c.cell_type == "code" and not _grading(c).get("locked")
            and not _grading(c).get("solution")]


def test_cells_a_student_may_edit_touch_no_closed_form_or_grading_code(pair):
    """An honest student who edits an explore cell never looks like a cheat: every closed form of
    `analysis` a provided cell needs sits in a locked (read-only) cell, which nbgrader restores; the
    editable cells call only simulate, inputs and plotting (and the helpers of the locked cells)."""
    from neurodyn_lab.grading.tamper import findings

    name, source, student = pair
    for cell in _editable_shipped_cells(source):
        assert findings(cell.source) == [], (name, cell.id, findings(cell.source))
    for cell in student.cells:  # the answer cells' placeholders too
        if cell.cell_type == "code" and cell.id not in {c.id for c in source.cells if _grading(c).get("locked")}:
            assert findings(cell.source) == [], (name, cell.id)
    for cell in source.cells:
        if cell.cell_type == "code" and _grading(cell).get("locked") and not _grading(cell).get("grade"):
            assert _grading(cell)["grade_id"].startswith(("setup_", "bonus_")), cell.id
            if _grading(cell)["grade_id"].startswith("bonus_"):  # read-only in the package's copy too
                assert cell.metadata.get("editable") is False and cell.metadata.get("deletable") is False


def test_the_editable_cell_check_catches_a_closed_form_in_an_explore_cell():
    from neurodyn_lab.grading.tamper import findings

    source = _read(SOURCE / "02_fi_curve.ipynb")
    tools = next(c for c in source.cells if _grading(c).get("grade_id") == "bonus_02_tools")
    assert "analysis.rheobase" in tools.source and tools.metadata["nbgrader"]["locked"]
    try_it = next(c for c in source.cells if c.id == "nb02-bonus-try")
    assert try_it in _editable_shipped_cells(source)
    try_it.source += "\nI_rh = analysis.rheobase(p)"
    assert findings(try_it.source)


def test_retired_question_ids_appear_nowhere():
    """Renamed or removed ids (bank.RETIRED_IDS) are used by no notebook and named in the documents
    only where they say what became of them; a course file that still changes one is told which id
    to use."""
    from neurodyn_lab.grading.bank import RETIRED_IDS, Bank

    repo = EXERCISES.parent
    notebooks = [*SOURCE.glob("*.ipynb"), *EXERCISES.glob("*.ipynb")]
    documents = [p for p in (repo / "docs").rglob("*.md") if "_build" not in p.parts] + [repo / "README.md"]
    for old, new in RETIRED_IDS.items():
        assert old not in QUESTIONS and (new is None or new in QUESTIONS)
        grade_id = "q" + old.replace(".", "_")
        for path in notebooks:
            text = path.read_text(encoding="utf-8")
            assert old not in text and f'"{grade_id}' not in text, (old, path)
        for path in documents:
            paragraphs = path.read_text(encoding="utf-8").split("\n\n")
            assert all("RETIRED_IDS" in p for p in paragraphs if old in p), (old, path)
        with pytest.raises(KeyError, match=re.escape(repr(new)) if new else "was removed"):
            Bank(QUESTIONS.values()).change(old, tolerance=Tolerance(rel=0.1))


#: The closed forms that questions ask a student to derive, as a notebook or docstring would write them
#: (LaTeX or code), with an example of each: the theory stops one step short of them.
_DERIVED_FORMS = {
    "02.rate_function": (r"\\?ln\s*(\\frac\{|\(+)\s*R\s*\*?\s*I\s*-\s*\(\s*v_(\\text\{)?reset",
                         r"$T(I) = t_\text{ref} + \tau \ln\frac{RI - (v_\text{reset} - v_\text{rest})}{RI - x}$"),
    "02.max_rate": (r"(?<![\d.])1\s*/\s*t_(\\text\{)?ref", r"The limit is then $1/t_\text{ref} \approx 333$ Hz"),
    "03.cutoff_frequency": (r"1\s*/\s*\(\s*2\s*\\?(pi|π)\s*\\?(tau|τ)|\\frac\{1\}\{2\s*\\pi\s*\\tau\}",
                            "the dashed line marks the cut-off frequency ``1 / (2 pi tau)``"),
    "01.min_charge": (r"C\s*\(\s*v_(\\text\{)?th(reshold)?\}?\s*-", r"is about $C (v_\text{th} - v_\text{rest})$"),
}


@pytest.mark.parametrize("qid", _DERIVED_FORMS)
def test_no_closed_form_a_question_asks_for_is_written_out(qid):
    pattern, example = _DERIVED_FORMS[qid]
    assert re.search(pattern, example)  # the pattern finds what it is meant to find
    assert qid in QUESTIONS
    for name in NAMES:
        for where, text in _screen(_read(EXERCISES / name), everything=False):
            found = re.search(pattern, text)
            assert not found, (name, where, found and found.group(0))
