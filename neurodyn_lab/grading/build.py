"""Generate the student notebooks from the solution notebooks, and set up an nbgrader course.

The notebooks are authored once, in ``exercises/source/``, as valid nbgrader source: answer cells
are "solution" cells whose solution sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
check cells are locked "autograder test" cells (``check("01.rheobase", answer)``) that the
instructor's autograder (`autograde`) grades. The tolerances the prompts state are written from the
question bank (`with_bank_numbers`). The student version (``exercises/*.ipynb``) is made with
nbgrader's own preprocessors, as ``nbgrader generate_assignment`` would: solution regions become a
``# YOUR CODE HERE`` line (the cell keeps its ``answer = ...`` placeholder, so "Run All" goes on),
hidden tests are removed, outputs cleared, and the nbgrader metadata dropped.

Usage::

    python -m neurodyn_lab.grading.build            # regenerate exercises/*.ipynb (make exercises)
    python -m neurodyn_lab.grading.build --check    # exit 1 if they differ from what the source gives
    python -m neurodyn_lab.grading.build --course DIR [--assignment lif]
                                                    # an nbgrader course directory with the source;
                                                    # its feedback carries the worked solutions once
                                                    # the assignment's due date has passed
                                                    # (`solutions.WorkedSolutions`)

Needs nbgrader (the ``instructor`` or ``test`` extra).
"""

import argparse
import copy
import re
import secrets
import sys
from pathlib import Path

import nbformat

from .autograde import SECRET_FILE
from .bank import COURSE_FILE, QUESTIONS, load_bank

__all__ = ["student_version", "build", "stale", "solution_fragments", "make_course", "prompts", "with_bank_numbers",
           "SOURCE", "OUT", "CODE_STUB", "NBGRADER_CONFIG", "COURSE_FILE_TEMPLATE"]

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
SOURCE = EXERCISES / "source"
OUT = EXERCISES

#: What replaces a solution region. nbgrader's default also raises NotImplementedError, which would
#: stop "Run All" in a student notebook; the placeholder before the region keeps the cell valid.
CODE_STUB = "# YOUR CODE HERE"

#: The nbgrader configuration of a course using these notebooks (`make_course` writes it).
NBGRADER_CONFIG = '''\
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.root = {root!r}
{course_id}
{exchange}
c.CourseDirectory.db_url = {db_url!r}
# Solutions become this line; the answer cell keeps its "answer = ..." placeholder, so an unanswered
# notebook still runs top to bottom (nbgrader's default stub raises NotImplementedError).
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
c.Execute.timeout = 300
# A notebook's kernel is killed once its cells have run (nothing in it is saved at exit; a sandboxed
# one dies with its bwrap): 0.3-0.5 s less per submission than asking it to shut down (2026-12-03).
c.Execute.shutdown_kernel = "immediate"
# neurodyn_lab grades in this process, after nbgrader has executed a notebook, for the student it was
# collected from; it writes neurodyn_lab_reports/grading_report.csv (see docs/instructors.md).
from neurodyn_lab.grading.autograde import configure  # noqa: E402
configure(c, {root!r})
# `nbgrader generate_feedback` adds each question's worked solution and the student's own expected value
# below its check, once the gradebook's due date (extensions included) has passed. Before it, or without
# a due date, the feedback has none; "now" once you know the deadline has passed, "never" to leave them out.
from neurodyn_lab.grading.solutions import configure_feedback  # noqa: E402
configure_feedback(c)
c.WorkedSolutions.release = "after_deadline"
c.WorkedSolutions.questions_file = {questions!r}
'''

#: A course file of question changes, written (commented out) into a new course directory.
COURSE_FILE_TEMPLATE = '''\
"""This course's changes to the neurodyn_lab question bank (read by the autograder; set the environment
variable NEURODYN_LAB_QUESTIONS to this file's path on the hub so students get the same feedback).

Examples of what customise(bank) can do:

    bank.change("04.v_threshold", tolerance=Tolerance(abs=2 * mV), hint="...")
    bank.change("03.filter_type", max_attempts=1)   # checks with feedback for a choice question
    bank.add(QuantityQuestion(id="01.my_question", ...))   # then add its cells to the source notebook

Run `python -m neurodyn_lab.grading.build --course .` again afterwards: it writes the new tolerances
into the notebooks' text.
"""
from brian2 import Hz, Mohm, mV, ms, nA  # noqa: F401
from neurodyn_lab.grading.framework import QuantityQuestion, Tolerance  # noqa: F401


def customise(bank):
    pass
'''

_BEGIN, _END = "### BEGIN SOLUTION", "### END SOLUTION"
_BEGIN_HIDDEN, _END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _preprocessors():
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

    return [ClearSolutions(code_stub={"python": CODE_STUB}), ClearHiddenTests(), ClearOutput()]


def student_version(nb):
    """The student notebook for the solution notebook `nb` (a new NotebookNode; `nb` is unchanged)."""
    nb = copy.deepcopy(nb)
    resources = {}
    for preprocessor in _preprocessors():
        nb, resources = preprocessor.preprocess(nb, resources)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("celltoolbar", None)
    nbformat.validate(nb)
    return nb


def _sources(source):
    notebooks = sorted(Path(source).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no exercise notebooks (NN_name.ipynb) in {source}")
    return notebooks


_TOLERANCE = re.compile(r"Tolerance: (.+?)\.(?=\s|$)")


def prompts(nb):
    """The prompt of each question of `nb`: question id -> the markdown cell just before its answer
    cell (grade id ``qNN_name_answer``)."""
    ids = {"q" + qid.replace(".", "_") + "_answer": qid for qid in QUESTIONS}
    found = {}
    for before, cell in zip(nb.cells, nb.cells[1:]):
        qid = ids.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if qid is not None and before.cell_type == "markdown":
            found[qid] = before
    return found


_PLACEHOLDER = re.compile(r"^answer = \.\.\.  # .*$", re.M)


def with_bank_numbers(nb, bank=QUESTIONS):
    """A copy of `nb` whose prompts state the tolerances of `bank` and whose answer placeholders give its examples.

    Prompts say ``Tolerance: ±1 %``; placeholders read ``answer = ...  # a current, e.g. 0.5*nA``.
    The bank is the one source of these numbers; the notebooks' text is generated from it."""
    nb = copy.deepcopy(nb)
    for qid, cell in prompts(nb).items():
        question = bank.get(qid)
        if question is not None and question.tolerance_text is not None:
            text = f"Tolerance: {question.tolerance_text}."
            cell.source = _TOLERANCE.sub(lambda m, text=text: text, cell.source)
    ids = {"q" + qid.replace(".", "_") + "_answer": qid for qid in bank}
    for cell in nb.cells:
        question = bank.get(ids.get(cell.metadata.get("nbgrader", {}).get("grade_id"), ""))
        example = getattr(question, "example", None)
        if example and "e.g." in example and cell.cell_type == "code":
            text = f"answer = ...  # {example}"
            cell.source = _PLACEHOLDER.sub(lambda m, text=text: text, cell.source, count=1)
    return nb


def _text(nb):
    return nbformat.writes(nb) + "\n"


def _student_text(path):
    return _text(student_version(with_bank_numbers(nbformat.read(path, as_version=4))))


def build(source=SOURCE, out=OUT):
    """Write the tolerances of the bank into the prompts of every ``NN_*.ipynb`` in `source`, and its
    student version to `out`; return the student notebooks' paths."""
    written = []
    for path in _sources(source):
        synced = _text(with_bank_numbers(nbformat.read(path, as_version=4)))
        if path.read_text(encoding="utf-8") != synced:
            path.write_text(synced, encoding="utf-8")
        target = Path(out) / path.name
        target.write_text(_student_text(path), encoding="utf-8")
        written.append(target)
    return written


def stale(source=SOURCE, out=OUT):
    """Names of the notebooks whose source does not state the bank's tolerances, or whose student
    version in `out` is missing or differs from what `source` gives."""
    differing = []
    for path in _sources(source):
        target = Path(out) / path.name
        if path.read_text(encoding="utf-8") != _text(with_bank_numbers(nbformat.read(path, as_version=4))) or \
                not target.exists() or target.read_text(encoding="utf-8") != _student_text(path):
            differing.append(path.name)
    return differing


def _regions(source, begin, end):
    inside, lines = False, []
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line.strip())
    return lines


def solution_fragments(nb):
    """The lines of `nb`'s solution and hidden-test regions that appear nowhere else in it: none of
    them may appear in a student notebook."""
    hidden, outside = set(), set()
    for cell in nb.cells:
        regions = _regions(cell.source, _BEGIN, _END) + _regions(cell.source, _BEGIN_HIDDEN, _END_HIDDEN)
        hidden.update(line for line in regions if line and not line.startswith("#"))
        skip = False
        for line in cell.source.splitlines():
            if _BEGIN in line or _BEGIN_HIDDEN in line:
                skip = True
            elif _END in line or _END_HIDDEN in line:
                skip = False
            elif not skip:
                outside.add(line.strip())
    return sorted(hidden - outside)


def _course_lines(course_id, exchange_root):
    """The course id and exchange lines of ``nbgrader_config.py``: set when given, else left to the
    site configuration (a hub's ``/etc/jupyter/nbgrader_config.py``), which a line here would override."""
    if course_id is None:
        id_line = ("# c.CourseDirectory.course_id: from the site configuration (make_course(course_id=...) or "
                   "--course-id sets it here)")
    else:
        if not isinstance(course_id, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", course_id):
            raise ValueError(f"course_id must be a name of letters, digits, '.', '_' or '-', such as 'lif2026', "
                             f"got {course_id!r}")
        id_line = f"c.CourseDirectory.course_id = {course_id!r}"
    if exchange_root is None:
        exchange_line = "# c.Exchange.root: from the site configuration (--exchange-root sets it here)"
    else:
        exchange_line = f"c.Exchange.root = {str(Path(exchange_root).expanduser().resolve())!r}"
    return id_line, exchange_line


def make_course(course, assignment="lif", notebooks=None, source=SOURCE, course_id=None, exchange_root=None):
    """Set up an nbgrader course directory: ``nbgrader_config.py`` (sqlite gradebook, our
    autograder), a secret key, a course file of question changes (kept if it exists), and
    ``source/<assignment>/`` with the chosen solution notebooks, their prompts stating the course's
    tolerances.

    Parameters
    ----------
    course : path
        The course directory (created if missing).
    assignment : str
        The assignment's name, e.g. ``"lif"``.
    notebooks : list of str, optional
        Notebook names, e.g. ``["01_step_current.ipynb"]``; default all.
    course_id : str, optional
        nbgrader's course id, e.g. ``"lif2026"``. Default: not set here, so the site configuration
        (on a hub, ``/etc/jupyter/nbgrader_config.py``) decides; nbgrader's exchange needs one of them.
    exchange_root : path, optional
        nbgrader's exchange folder. Default: the site configuration's (nbgrader's own default
        ``/srv/nbgrader/exchange`` where there is none).

    Returns
    -------
    Path
        The course directory.
    """
    id_line, exchange_line = _course_lines(course_id, exchange_root)
    course = Path(course).resolve()
    target = course / "source" / assignment
    target.mkdir(parents=True, exist_ok=True)
    config = course / "nbgrader_config.py"
    config.write_text(NBGRADER_CONFIG.format(root=str(course), db_url=f"sqlite:///{course / 'gradebook.db'}",
                                             stub=CODE_STUB, course_id=id_line, exchange=exchange_line,
                                             questions=str(course / COURSE_FILE)),
                      encoding="utf-8")
    secret = course / SECRET_FILE
    if not secret.exists():  # the function questions' hidden test cases are drawn from it; keep it private
        secret.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        secret.chmod(0o600)
    questions = course / COURSE_FILE
    if not questions.exists():
        questions.write_text(COURSE_FILE_TEMPLATE, encoding="utf-8")
    bank = load_bank(questions)
    available = {path.name: path for path in _sources(source)}
    unknown = sorted(set(notebooks or ()) - set(available))
    if unknown:
        raise ValueError(f"notebooks must be names of exercise notebooks, e.g. ['01_step_current.ipynb'], "
                         f"got {unknown[0]!r} (available: {', '.join(available)})")
    for name, path in available.items():
        if notebooks is None or name in notebooks:
            nb = nbformat.read(path, as_version=4)
            nbformat.write(with_bank_numbers(nb, bank), target / name)
    return course


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m neurodyn_lab.grading.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default=str(SOURCE), help="solution notebooks (default: exercises/source)")
    parser.add_argument("--out", default=str(OUT), help="where the student notebooks go (default: exercises)")
    parser.add_argument("--check", action="store_true", help="only report student notebooks that are out of date")
    parser.add_argument("--course", help="set up an nbgrader course directory here instead")
    parser.add_argument("--assignment", default="lif", help="assignment name for --course (default: lif)")
    parser.add_argument("--course-id", help="nbgrader course id for --course (default: the site configuration's)")
    parser.add_argument("--exchange-root", help="nbgrader exchange folder for --course (default: the site "
                                                "configuration's)")
    args = parser.parse_args(argv)
    if args.course:
        course = make_course(args.course, args.assignment, source=args.source, course_id=args.course_id,
                             exchange_root=args.exchange_root)
        print(f"nbgrader course in {course}: cd there and run `nbgrader generate_assignment {args.assignment}`; give "
              f"it a due date (`nbgrader db assignment add {args.assignment} --duedate=...`): the feedback carries "
              f"the worked solutions once it has passed")
        return 0
    if args.check:
        differing = stale(args.source, args.out)
        if differing:
            print(f"out of date (run `make exercises`): {', '.join(differing)}")
            return 1
        print("student notebooks are up to date")
        return 0
    for path in build(args.source, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
