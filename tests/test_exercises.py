"""The exercise notebooks, without running them (nbval runs them): one source, a generated student
version that is up to date and leaks no solution, one template, nbgrader metadata that matches the
question bank, the student's identity in the first code cell, and the numbers the prompts state taken
from the bank.

Running them: ``pytest --nbval-lax exercises`` (solution notebooks in strict mode, see
``exercises/conftest.py``).
"""

import re
from pathlib import Path

import nbformat
import pytest

from neurodyn_lab.grading import QUESTIONS, questions_of
from neurodyn_lab.grading.framework import Tolerance
from neurodyn_lab.grading.students import variant_for

build = pytest.importorskip("neurodyn_lab.grading.build", reason="the notebook builder needs nbgrader")

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
SOURCE = EXERCISES / "source"
NAMES = ["00_getting_started.ipynb", "01_step_current.ipynb", "02_fi_curve.ipynb", "03_sinusoidal_input.ipynb",
         "04_mystery_neuron.ipynb"]
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
                _grading(c)["grade_id"] for c in section if _grading(c)} <= {f"think_{number}_bonus"}:
            problems.append("a bonus section has graded cells")
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
    jobs = [job for job in grading.warm_up_jobs() if len(job) == 4]
    assert [float(job[3] / second) for job in jobs] == [1.6]
    engine.warm_up(jobs)
    noise = inputs.noise(1 * nA, 0.2 * nA, 5 * ms, seed=7)
    assert engine.structure_of([noise], 1.6, 1e-4) in engine.compiled_structures()
