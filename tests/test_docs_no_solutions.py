"""The search for solutions on the docs site finds them: the rules of `solution_leaks` on the real
source notebooks, a leak in every kind of file a site has, and a small real Sphinx build (autodoc,
viewcode, numpydoc, MyST; about 1 s) whose docstring, source and page quote a solution.

The whole site is searched in ``tests/test_docs.py`` (it needs the full docs build).
"""

import json
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import solution_leaks  # noqa: E402
from solution_leaks import normal_code  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted((REPO / "exercises" / "source").glob("*.ipynb"))
STUDENTS = sorted((REPO / "exercises").glob("*.ipynb"))

# A small course of one question, written here: the solution notebook and its student copy.
SOLUTION_CODE = "answer = (p.v_threshold - p.v_rest) / p.R"
FUNCTION_BODY = "interval = params.t_ref + params.tau * np.log(params.R * I / (params.R * I - gap))"
MODEL_ANSWER = ("*Why late.* For $w \\ll \\tau$ the jump depends only on the charge that the pulse brings, "
                "whatever its width $w$,\n   so halving the width changes nothing.")


def _cell(cell_type, source, **nbgrader):
    cell = {"cell_type": cell_type, "metadata": {"nbgrader": nbgrader} if nbgrader else {}, "source": source}
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def _notebook(cells):
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _course(tmp_path):
    """(source notebook, student notebook) of a one-question course, as files."""
    source = _notebook([
        _cell("markdown", "# Step current\n\nThe rheobase is the smallest constant current that fires the neuron."),
        _cell("code", "import numpy as np\nfrom brian2 import ms, mV, nA\n\np = me.neuron  # your neuron"),
        _cell("code", "answer = ...  # a current, e.g. 0.5*nA\n### BEGIN SOLUTION\n"
                      "import math  # an import is no secret\n"
                      "# Setting the steady state equal to the threshold:\n"
                      f"{SOLUTION_CODE}\nplt.show()\n### END SOLUTION", solution=True, grade=False),
        _cell("code", "def firing_rate(I, params):\n    \"\"\"The rate.\"\"\"\n    ### BEGIN SOLUTION\n"
                      f"    {FUNCTION_BODY}\n    return 1 / interval\n    ### END SOLUTION",
              solution=True, grade=False),
        _cell("code", "check(\"01.rheobase\", answer)\n### BEGIN HIDDEN TESTS\n"
                      "assert abs(answer - expected_rheobase(p)) < tolerance_of(answer)\n### END HIDDEN TESTS",
              grade=True, solution=False, points=1),
        _cell("markdown", "**Your thoughts**:\n<!-- ### BEGIN SOLUTION -->\n" + MODEL_ANSWER
                          + "\n<!-- ### END SOLUTION -->", solution=True, grade=True, points=0),
        _cell("markdown", "The model answer of a cell without markers: the whole cell is the secret, "
                          "nbgrader replaces all of it with its prompt.", solution=True, grade=True, points=0),
    ])
    student = _notebook([
        source["cells"][0], source["cells"][1],
        _cell("code", "answer = ...  # a current, e.g. 0.5*nA\n# YOUR CODE HERE", solution=True, grade=False),
        _cell("code", "def firing_rate(I, params):\n    \"\"\"The rate.\"\"\"\n    # YOUR CODE HERE",
              solution=True, grade=False),
        _cell("code", "check(\"01.rheobase\", answer)", grade=True, solution=False, points=1),
        _cell("markdown", "**Your thoughts**:\nYOUR ANSWER HERE", solution=True, grade=True, points=0),
        _cell("markdown", "YOUR ANSWER HERE", solution=True, grade=True, points=0),
    ])
    (tmp_path / "source").mkdir()
    paths = tmp_path / "source" / "01.ipynb", tmp_path / "01.ipynb"
    for path, notebook in zip(paths, (source, student)):
        path.write_text(json.dumps(notebook), encoding="utf-8")
    return paths


@pytest.fixture
def secrets(tmp_path):
    source, student = _course(tmp_path)
    return solution_leaks.secrets_of([source], [student])


def test_secrets_are_the_solution_regions_without_what_students_have(secrets):
    assert set(secrets.code) == {normal_code(SOLUTION_CODE), normal_code(FUNCTION_BODY),
                                 normal_code("assert abs(answer - expected_rheobase(p)) < tolerance_of(answer)")}
    # Not secret: the placeholder and the def line (in the student copy), the import, the comment,
    # plt.show() and "return 1 / interval" (fewer than three operands).
    assert {"the jump depends only on the charge that", "the pulse brings whatever its width so halving",
            "nbgrader replaces all of it with its prompt"} <= set(secrets.prose)
    assert not any("tau" in run.split() for run in secrets.prose)  # formulas are left out
    assert "the rheobase is the smallest constant current that" not in secrets.prose  # the student has it


def test_the_rules_on_single_lines():
    assert normal_code("answer = ( p.v_threshold-p.v_rest )/p.R") == normal_code(SOLUTION_CODE)
    assert normal_code("return  x") == "return x"
    for trivial in ("plt.show()", "else:", "answer = high", "return 0 * Hz", "import numpy as np",
                    "from brian2 import ms, mV", 'ax.set_xlabel("frequency of the input (Hz)")', ""):
        assert solution_leaks.is_trivial(trivial), trivial
    for secret in ("answer = 1 / p.t_ref", "answer = rest.v[-1]", 'answer = "low-pass" if slow > fast else x',
                   'f"{p.tau / p.R * (p.v_threshold - p.v_rest) / pC:.2f} pC")'):
        assert not solution_leaks.is_trivial(secret), secret
    assert solution_leaks.code_lines(["    x = a + b  # why", "    # only a comment", "", "    y = '#' + c"]) \
        == ["x = a + b  ", "y = '#' + c"]


def test_the_real_source_notebooks_have_secrets_in_every_notebook():
    secrets = solution_leaks.secrets_of(SOURCES, STUDENTS)
    where = {s.where.split(" ")[0] for s in list(secrets.code.values()) + list(secrets.prose.values())}
    assert where == {p.name for p in SOURCES}, "a source notebook without a solution region the rules find"
    assert all(not solution_leaks.is_trivial(line) for line in secrets.code)
    public_lines, _ = solution_leaks.public_text(STUDENTS)
    assert not set(secrets.code) & public_lines


def _site(tmp_path, leaky):
    """A built site with one file of each kind; `leaky` puts a secret in each."""
    site = tmp_path / "site"
    (site / "_modules").mkdir(parents=True)
    code = ('<span class="n">answer</span> <span class="o">=</span> <span class="p">(</span>'
            '<span class="n">p</span><span class="o">.</span><span class="n">v_threshold</span> '
            '<span class="o">-</span> <span class="n">p</span><span class="o">.</span><span class="n">v_rest</span>'
            '<span class="p">)</span> <span class="o">/</span> <span class="n">p</span><span class="o">.</span>'
            '<span class="n">R</span>') if leaky else '<span class="n">answer</span>'
    (site / "_modules" / "mod.html").write_text(f"<html><pre>&gt;&gt;&gt; {code}\n</pre></html>", encoding="utf-8")
    alt = "the interval is" + (f" {FUNCTION_BODY}" if leaky else " t_ref + tau ln(...)")
    (site / "page.html").write_text(f'<p>A figure: <img alt="{alt}" src="x.png"></p>', encoding="utf-8")
    prose = ("For \\(w \\ll \\tau\\) the <em>jump</em> depends only on the charge that the pulse\n"
             "brings, whatever its width \\(w\\), so halving the width changes nothing.") if leaky else "No model answer."
    (site / "model.html").write_text(f"<p>{prose}</p>", encoding="utf-8")
    copied = _notebook([_cell("code", [SOLUTION_CODE.replace("p.R", "p.R" if leaky else "p.C") + "\n", "x = 1\n"])])
    (site / "copy.ipynb").write_text(json.dumps(copied), encoding="utf-8")
    inventory = b"# Sphinx inventory version 2\n# Project: x\n# Version: 1\n# The remainder is zlib.\n"
    entry = f"{'leak' if leaky else 'mod'} py:function 1 mod.html#$ {SOLUTION_CODE if leaky else '-'}\n"
    (site / "objects.inv").write_bytes(inventory + zlib.compress(entry.encode()))
    (site / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    return site


def test_a_leak_is_found_in_every_kind_of_file(tmp_path, secrets):
    clean = _site(tmp_path / "clean", leaky=False)
    assert solution_leaks.leaks_in_site(clean, secrets) == []
    leaks = solution_leaks.leaks_in_site(_site(tmp_path / "leaky", leaky=True), secrets)
    files = {line.split(":")[0] for line in leaks}
    assert files == {"_modules/mod.html", "page.html", "model.html", "copy.ipynb", "objects.inv"}, leaks
    assert any("(prose)" in line and line.startswith("model.html") for line in leaks)


def test_a_line_is_found_only_whole(secrets):
    found = solution_leaks.leaks_in
    assert found(">>> answer = (p.v_threshold - p.v_rest) / p.R  # here", secrets)
    assert not found("my_answer = (p.v_threshold - p.v_rest) / p.R", secrets)  # another name
    assert not found("answer = (p.v_threshold - p.v_rest) / p.R_leak", secrets)
    assert not found("answer = (p.v_threshold - p.v_rest)", secrets)


def test_a_real_sphinx_build_of_a_leaky_docstring_is_caught(tmp_path, secrets):
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    pytest.importorskip("numpydoc")
    package, src, out = tmp_path / "package", tmp_path / "src", tmp_path / "out"
    package.mkdir()
    src.mkdir()
    (package / "leaky.py").write_text(
        f'"""A module whose example gives an answer away.\n\nExamples\n--------\n>>> {SOLUTION_CODE}\n"""\n\n\n'
        "def rate(I, params):\n"
        '    """The rate of a neuron (Hz).\n\n    Examples\n    --------\n    >>> rate(1, 2)\n    1.0\n    """\n'
        f"    {FUNCTION_BODY}\n    return 1 / interval\n", encoding="utf-8")
    (package / "clean.py").write_text('"""A module without a secret."""\n\n\ndef f(x):\n    """Twice `x`."""\n'
                                      "    return 2 * x\n", encoding="utf-8")
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(package)!r})\n"
        'extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.viewcode", "numpydoc"]\n'
        'myst_enable_extensions = ["dollarmath"]\nnumpydoc_show_class_members = False\n', encoding="utf-8")
    (src / "index.md").write_text(
        "# Test\n\n```{toctree}\napi\n```\n\n" + MODEL_ANSWER.replace("\n   ", "\n") + "\n", encoding="utf-8")
    (src / "api.rst").write_text("API\n===\n\n.. automodule:: leaky\n   :members:\n\n"
                                 ".. automodule:: clean\n   :members:\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", str(src), str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    leaks = solution_leaks.leaks_in_site(out, secrets)
    by_file = {}
    for line in leaks:
        by_file.setdefault(line.split(":")[0], set()).add(line.split(" (")[1].split(")")[0])
    assert by_file.get("api.html") == {"code"}, leaks  # the docstring example (the body is not shown)
    assert by_file.get("_modules/leaky.html") == {"code"}, leaks  # the example and the body
    assert by_file.get("index.html") == {"prose"}, leaks  # the model answer, formulas rendered
    assert sum(FUNCTION_BODY.split()[0] in line for line in leaks if line.startswith("_modules/leaky")) == 1
    assert not any(line.startswith("_modules/clean") for line in leaks)
    shutil.rmtree(out)


# --------------------------------------------------------------------------------------------
# Answers every student shares
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared():
    """The two questions every student answers alike today, and the default numbers."""
    from neurodyn_lab.grading.bank import QUESTIONS
    from neurodyn_lab.grading.students import variant_for

    return [QUESTIONS["00.classic_rheobase"], QUESTIONS["03.filter_type"]], variant_for(None)


def test_every_shared_question_has_a_subject():
    from neurodyn_lab.grading.bank import QUESTIONS
    from neurodyn_lab.grading.students import variant_for

    variants = [variant_for(None), variant_for("s1"), variant_for("s2")]
    ids = {q.id for q in solution_leaks.shared_questions(QUESTIONS, variants)}
    assert ids <= set(solution_leaks.SUBJECTS), "a new shared question: add its subject to SUBJECTS"
    assert "01.rheobase" not in ids  # each student's neuron has its own


@pytest.mark.parametrize("sentence", [
    "Step amplitude [nA]; the classic neuron's rheobase is 1 nA.",
    "The rheobase of LIFParams.classic() is 1.00 nA, as the formula says.",
    "LIF_Step fires above 1000 pA, its threshold current.",
    "Below threshold the membrane is a low-pass filter.",
    "The membrane acts as a Low Pass filter of the input.",
    "sinusoidal input: the membrane as a lowpass filter",
])
def test_a_shared_answer_in_a_sentence_with_its_subject_is_found(shared, sentence):
    questions, default = shared
    assert solution_leaks.answer_leaks(f"Intro.\n{sentence} Next one.", questions, default, solution_leaks.SUBJECTS)


@pytest.mark.parametrize("sentence", [
    "A 1 nA step for 50 ms. The rheobase is where the rate starts.",  # another sentence
    "The rheobase of the default neuron is 2 nA.",  # not the classic neuron's value
    "float(time_to_first_spike(1 * nA) / ms)  # at or below the rheobase: never",  # another neuron
    "Which filter is the membrane: low-pass, high-pass, band-pass or band-stop?",  # all choices: a prompt
    "Case, spaces and hyphens do not matter (\"Low pass\").",  # no subject
])
def test_a_value_without_its_subject_or_another_value_is_not(shared, sentence):
    questions, default = shared
    found = solution_leaks.answer_leaks(sentence, questions, default, solution_leaks.SUBJECTS)
    assert not found, found


def test_numbers_and_choices_are_found_where_a_lookbehind_finds_them():
    # answer_leaks checks the character before a match itself (solution_leaks._after; a lookbehind
    # makes re test every position of a whole site): the same matches as the lookbehind patterns.
    import re

    number = re.compile(r"(?<![\w.])" + solution_leaks._NUMBER_UNIT.pattern)
    text = "a-1 nA, x12 nA, 1.5.3 nA, (-2.5*mV), 3ms, 4 msec, 10°; xlow-pass LOW PASS low--pass 1lowpass Low-pass"
    found = [m.span() for m in solution_leaks._after(solution_leaks._NUMBER_UNIT, solution_leaks._NUMBER_GLUED, text)]
    assert found == [m.span() for m in number.finditer(text)] and len(found) == 4
    choice = [m.span() for m in solution_leaks._after(solution_leaks._choice_body("low-pass"),
                                                      solution_leaks._WORD_CHAR, text)]
    assert choice == [m.span() for m in solution_leaks._choice_pattern("low-pass").finditer(text)] and len(choice) == 2


def test_a_sentence_ends_where_a_table_cell_or_a_paragraph_does(shared):
    questions, default = shared
    table = ("<table><tr><td>00.classic_step_spikes</td><td>spikes of LIF_Step(I_amp=1 nA)</td></tr>"
             "<tr><td>00.classic_rheobase</td><td>rheobase of the classic neuron</td></tr></table>"
             "<p>The classic neuron</p><p>has a rheobase.</p>")
    assert solution_leaks.answer_leaks(solution_leaks.html_text(table), questions, default,
                                       solution_leaks.SUBJECTS) == []
    leak = "<p>LIF_Step: the <em>classic</em> neuron's rheobase is\n<code>1 nA</code> exactly</p>"
    assert solution_leaks.answer_leaks(solution_leaks.html_text(leak), questions, default, solution_leaks.SUBJECTS)


def test_the_docs_build_refuses_a_student_notebook_with_solution_markers(tmp_path):
    # docs/conf.py stops before reading a page: a solution copied into exercises/ is never published.
    pytest.importorskip("myst_nb")
    shutil.copytree(REPO / "docs", tmp_path / "docs",
                    ignore=shutil.ignore_patterns("_build", "__pycache__", "notebooks", "generated"))
    (tmp_path / "exercises").mkdir()
    leaked = _notebook([_cell("code", f"answer = ...\n### BEGIN SOLUTION\n{SOLUTION_CODE}\n### END SOLUTION")])
    (tmp_path / "exercises" / "01_step_current.ipynb").write_text(json.dumps(leaked), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", str(tmp_path / "docs"),
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    assert "exercises/01_step_current.ipynb holds '### BEGIN SOLUTION'" in run.stdout + run.stderr
    assert not (tmp_path / "docs" / "course" / "notebooks" / "01_step_current.ipynb").exists()
