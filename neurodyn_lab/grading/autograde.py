"""The instructor's autograder: nbgrader preprocessors that grade in the instructor's process.

nbgrader executes each submitted notebook; our preprocessors run around its ``Execute`` step
(the course configuration `build.make_course` writes lists them):

- `KeepAttempts` (before nbgrader clears the submitted outputs) keeps the attempt counts and the
  student ids named in the student's own check records;
- `AsStudent` (before ``Execute``) names the student the submission was collected from, so the
  notebook's experiments run on that student's neuron (unless the notebook names another id,
  which the report shows);
- `GradeAnswers` (after ``Execute``) grades every check cell here, not in the student's kernel:
  it computes the expected values for the collected student, compares them with the answers the
  checks recorded, runs function answers in a separate process with a time limit on inputs drawn
  from the course's secret key, reads what the student wrote (answer cells, cells they added or
  edited; never a cell the course shipped, compared with the course's source and release
  notebooks) for anything that touches the grading code (`tamper`, rules in `grade_notebook`),
  and rewrites each check cell's output (a clean output for a passed question, an error for a
  failed one) so nbgrader's own scoring gives the points. It writes a report per submission
  (JSON) and for the course (``grading_report.csv``) in the course's report folder, naming each
  flagged cell and the rule that cost points, and puts the same notes into the feedback.

Needs nbgrader (the ``instructor`` extra).
"""

import ast
import csv
import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import nbformat

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Unicode

from .answers import Rejected
from .codec import decode, encode
from .bank import COURSE_FILE, load_bank
from .feedback import RECORD_MIME, SYMBOLS
from .figures import FigureRecord
from .framework import FunctionQuestion, PredictionQuestion, Verdict, assess
from .sandbox import run_functions
from .students import canonical_id, variant_for
from .tamper import Finding, findings, normalised, statements, without_magics

__all__ = ["KeepAttempts", "AsStudent", "GradeAnswers", "grade_notebook", "GradedNotebook", "Shipped",
           "answer_from_record", "configure", "REPORT_CSV", "SECRET_FILE", "REPORT_DIR", "RULE_ANSWER", "RULE_EARLIER"]

#: The course-wide report, in the report folder.
REPORT_CSV = "grading_report.csv"
#: In the course directory: the secret key, and the report folder.
SECRET_FILE = "neurodyn_lab_secret.key"
REPORT_DIR = "neurodyn_lab_reports"

def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _records(cell):
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if RECORD_MIME in data and isinstance(data[RECORD_MIME], dict):
            yield data[RECORD_MIME]


def answer_from_record(record):
    """The answer a check recorded (`codec.decode`), rebuilt for the question's readers (a Quantity,
    number, text, ``...``, or a stand-in that the readers reject with the usual sentence); a figure's
    record (`figures.describe`) as the `figures.FigureRecord` a `FigureQuestion` judges."""
    if isinstance(record, dict) and record.get("kind") == "figure":
        try:
            return FigureRecord.from_record(record)
        except ValueError:
            return decode({"kind": "other", "description": "a figure record that could not be read"})
    return decode(record)


def _question_ids(bank):
    return {"q" + qid.replace(".", "_"): qid for qid in bank}


def _preamble(nb):
    """The import statements of the notebook's locked cells (the instructor's own code), without
    the grading code and the panels."""
    lines = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type != "code" or not meta.get("locked") or meta.get("grade"):
            continue
        try:
            tree = ast.parse(without_magics(cell.source))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.startswith(("neurodyn_lab.grading", "neurodyn_lab.panels")) for m in modules):
                    continue
                lines.append(ast.unparse(node))
    return "\n".join(lines)


def _case_args(case):
    return [encode(arg) for arg in case.args]


def _function_jobs(questions, key, student):
    """Each function question's hidden cases and job for `sandbox.run_functions` (qid -> (cases, job)),
    or the error that drawing its cases raised (our bug, reported on that question alone)."""
    jobs = {}
    for qid, (question, source) in questions.items():
        try:
            cases = question.hidden_cases(key, student or "default")
            jobs[qid] = (cases, {"source": without_magics(source), "name": question.name,
                                 "cases": [_case_args(c) for c in cases]})
        except Exception as error:
            jobs[qid] = error
    return jobs


def _function_outs(questions, key, student, preamble, seconds):
    """Run the notebook's function answers (qid -> (question, answer source)) in one sandboxed
    process: qid -> (cases, `run_function`'s result), or the exception to report on that question."""
    jobs = _function_jobs(questions, key, student)
    ready = [qid for qid, job in jobs.items() if not isinstance(job, Exception)]
    outs = {qid: job for qid, job in jobs.items() if isinstance(job, Exception)}
    if ready:
        try:
            results = run_functions([jobs[qid][1] for qid in ready], preamble=preamble, seconds=seconds)
        except Exception as error:  # e.g. confine.Unavailable: each function question says so
            results = [error] * len(ready)
        for qid, result in zip(ready, results):
            outs[qid] = result if isinstance(result, Exception) else (jobs[qid][0], result)
    return outs


def _function_verdict(question, cases, out, seconds):
    if out.get("closed_form_calls"):
        names = ", ".join(sorted(set(out["closed_form_calls"])))
        return Verdict("invalid", f"your function calls the package's closed form ({names}) instead of computing "
                                  "the answer itself, so it scores 0.")
    if out.get("problem") == "timeout":
        return Verdict("invalid", f"your function was stopped after {seconds:g} s on the autograder's test cases: "
                                  "does it loop for ever or simulate for very long?")
    if out.get("problem"):
        return Verdict("invalid", f"{out['problem']}.")
    values = []
    for case, result in zip(cases, out.get("results", [])):
        call = f"{question.name}({case.arguments})"
        if "error" in result:
            return Verdict("invalid", f"your function raised {result['error']} when called as {call}.")
        # The same reading as in the student's kernel (FunctionQuestion.call): one implementation.
        try:
            values.append(question.read_result(decode(result.get("value")), call))
        except Rejected as rejected:
            return Verdict(rejected.status, rejected.message)
    if len(values) != len(cases):
        return Verdict("invalid", "your function did not return a value for every test case.")
    verdict = question.compare(values, cases, lambda failures: next(
        (m.hint for m in question.mistakes if _safe(m.applies, failures, cases)), question.hint))
    return Verdict(verdict.status, verdict.text.replace("test cases", "of the autograder's test cases", 1))


def _safe(applies, failures, cases):
    try:
        return bool(applies(None, failures, cases))
    except Exception:
        return False


def _verdict(question, record, answer_source, function_out, student, seconds, wrong_before=0, predictions=()):
    """The question's verdict; a function question's from its result (`_function_outs`: (cases,
    result), or the exception its grading raised)."""
    if isinstance(question, FunctionQuestion):
        if answer_source is None:
            return Verdict("invalid", "no answer cell was found for this question.")
        if isinstance(function_out, Exception):
            raise function_out
        return _function_verdict(question, *function_out, seconds)
    if record is None:
        return Verdict("invalid", "no answer was recorded: the check cell did not run to its end (an error "
                                  "before it, or check was changed).")
    options = {name: answer_from_record(value) for name, value in (record.get("options") or {}).items()}
    try:  # `assess`: the verdict and the teaching sentences the student's kernel showed
        return assess(question, answer_from_record(record.get("answer")), variant_for(student), options,
                      wrong_before=wrong_before, predictions=predictions)
    except Rejected as problem:
        return Verdict(problem.status, problem.message)


#: Kinds of flags that reach nothing: a cell that is not valid Python does not run.
_INERT = {"unreadable"}

#: Where an editable code cell came from, in the report's words.
_ORIGINS = {"answer": "the answer cell of {question}", "provided": "a cell the course provided, unchanged",
            "edited": "a provided cell the student edited", "added": "a cell the student added"}

#: The two rules by which a flag costs points (the report's ``rule`` column).
RULE_ANSWER = "flag in its answer cell"
RULE_EARLIER = "flag in a student-written cell before its check"


class Shipped:
    """What the course shipped in a notebook: its code cells other than answer cells (by normalised
    source, see `tamper.normalised`), every statement in them, and their cell ids.

    Parameters
    ----------
    notebooks : list of NotebookNode
        The course's versions of the notebook: its source (solution) notebook and/or its release.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> shipped = Shipped([new_notebook(cells=[new_code_cell("I_rh = analysis.rheobase(p)  # the bonus")])])
    >>> shipped.origin(new_code_cell("I_rh = analysis.rheobase(p)"))
    'provided'
    >>> shipped.origin(new_code_cell("I_rh = 2 * analysis.rheobase(p)"))
    'added'
    """

    def __init__(self, notebooks=()):
        self.cells, self.statements, self.ids = set(), set(), set()
        for nb in notebooks:
            for cell in nb.cells:
                if cell.cell_type != "code" or _nbgrader(cell).get("solution"):
                    continue
                self.cells.add(normalised(cell.source))
                self.statements |= statements(cell.source)
                if cell.get("id"):
                    self.ids.add(cell["id"])

    def origin(self, cell):
        """``"provided"`` (the same code as a shipped cell), ``"edited"`` (a shipped cell's id, other
        code) or ``"added"``, for an editable cell that is not an answer cell."""
        if normalised(cell.source) in self.cells:
            return "provided"
        return "edited" if cell.get("id") in self.ids else "added"


@dataclass(frozen=True)
class _Flag:
    cell: int  # index in the notebook
    origin: str  # "answer", "edited", "added" or "provided"
    question: object  # the question of an answer cell, else None
    finding: Finding
    counted: bool
    why: str = ""  # why an uncounted flag costs nothing

    @property
    def where(self):
        return (f"cell {self.cell + 1} ({_ORIGINS[self.origin].format(question=self.question)}), "
                f"line {self.finding.line}")

    @property
    def text(self):
        return f"{self.where}: {self.finding.text}"


def _flags(nb, answer_cells, shipped):
    """Every finding of the editable code cells, with whether it counts (see `grade_notebook`)."""
    question_of = {index: qid for qid, index in answer_cells.items()}
    flags = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or _nbgrader(cell).get("locked"):
            continue  # nbgrader restored the locked cells from the source
        found = findings(cell.source)
        if not found:
            continue
        if index in question_of:
            flags += [_Flag(index, "answer", question_of[index], f, True) for f in found]
            continue
        origin = shipped.origin(cell)
        for f in found:
            if origin == "provided":
                why = "the course provided this cell and it was run unchanged"
            elif f.kind in _INERT:
                why = "the cell does not run"
            elif f.statement in shipped.statements:
                why = "the statement is one the course provided"
            else:
                why = ""
            flags.append(_Flag(index, origin, None, f, not why, why))
    return flags


def _flagged_verdict(own, earlier):
    """The verdict that replaces a question's own when a flag counts against it, and the rule."""
    if own:
        kinds = {f.finding.kind for f in own}
        if "closed form" in kinds:
            return Verdict("invalid", "your answer uses the package's closed form (neurodyn_lab.analysis) instead "
                                      "of working it out, so it scores 0."), RULE_ANSWER
        if kinds <= _INERT:
            return Verdict("invalid", f"your answer cell is not valid Python (line {own[0].finding.line}), so its "
                                      "answer could not be graded: it scores 0."), RULE_ANSWER
        return Verdict("invalid", "your answer cell touches the grading code "
                                  f"({'; '.join(f.finding.text for f in own)}), so it scores 0; your instructor will "
                                  "look at it."), RULE_ANSWER
    first = earlier[0]
    return Verdict("invalid", f"{first.where} runs before this question's check and {first.finding.text}, which "
                              "could change this answer, so it scores 0; your instructor will look at it."), RULE_EARLIER


def _error_output(text):
    return new_output("error", ename="NotPassed", evalue=text, traceback=[text])


def _shown(text, html_text=None):
    data = {"text/plain": text}
    if html_text:
        data["text/html"] = html_text
    return new_output("display_data", data=data)


class GradedNotebook(NamedTuple):
    """What `grade_notebook` returns: the report rows (one dict per question), the notes (the
    feedback's lines), and the flagged cells (one dict per editable cell with findings, counted or
    not, for the report)."""

    rows: list
    notes: list
    cells: list


def _graded_cells(nb, ids):
    """(index, cell, question id or None) of each graded code cell: a check cell, or the summary's."""
    for index, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if cell.cell_type == "code" and meta.get("grade"):
            yield index, cell, ids.get(meta.get("grade_id"))


def grade_notebook(nb, student, bank, key, seconds=10.0, attempts=None, named=None, shipped=None,
                   wrong_before=None):
    """Grade `nb` (after nbgrader executed it) for `student`: rewrite the check cells' outputs and
    return the report (`GradedNotebook`).

    Only what the student wrote is read for flags (`tamper`): answer cells, and cells the student
    added or edited. A cell whose code is that of a cell the course shipped (`shipped`; comments
    and layout aside) never costs a point, nor does a statement the course shipped inside an
    edited cell (changing a parameter of a provided cell is not a flag). A counted flag costs

    - its own question, in an answer cell (`RULE_ANSWER`);
    - every question graded from the notebook's run whose check cell comes after it, as long as
      that question would pass (`RULE_EARLIER`): the notebook runs top to bottom, so a cell can
      change only the answers checked after it. Function questions are graded apart from the
      notebook's run (their answer cell alone), so only their own cell counts for them.

    A cell that is not valid Python costs only its own question (it does not run).

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (nbgrader's autograded copy).
    student : str
        The student the submission was collected from.
    bank : Bank
        The questions (the package's, with the course file's changes).
    key : bytes
        The course's secret key (draws the function questions' test cases).
    seconds : float
        Time limit for a function answer.
    attempts : dict, optional
        Attempts per question id, from the student's own records (`KeepAttempts`).
    named : list of str, optional
        Student ids the submission's own records name.
    shipped : Shipped, optional
        What the course shipped in this notebook; without it every editable cell counts as the
        student's.
    wrong_before : dict, optional
        Wrong answers per question id before the last one, from the student's own records
        (`KeepAttempts`): the feedback then shows the direction hint the student saw.
    """
    student = canonical_id(student)
    ids = _question_ids(bank)
    preamble = _preamble(nb)
    answer_cells = {}
    for index, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id", "")
        if cell.cell_type == "code" and not meta.get("locked") and grade_id.endswith("_answer") \
                and grade_id[: -len("_answer")] in ids:
            answer_cells[ids[grade_id[: -len("_answer")]]] = index
    flags = _flags(nb, answer_cells, shipped if shipped is not None else Shipped())
    counted = [f for f in flags if f.counted]
    named = set(named or []) | {r.get("student") for cell in nb.cells for r in _records(cell)}
    others = sorted({n for n in named if isinstance(n, str) and n != student})

    # The function answers first, all in one sandboxed process (imports once, each answer on its own).
    functions = {qid: (bank[qid], nb.cells[answer_cells[qid]].source) for _, _, qid in _graded_cells(nb, ids)
                 if qid is not None and isinstance(bank[qid], FunctionQuestion) and answer_cells.get(qid) is not None}
    function_outs = _function_outs(functions, key, student, preamble, seconds)

    rows, summary_cell, against, predicted = [], None, {}, {}
    for index, cell, qid in _graded_cells(nb, ids):
        meta = _nbgrader(cell)
        if qid is None:
            if float(meta.get("points", 0) or 0) == 0:
                summary_cell = cell
            continue
        question = bank[qid]
        records = [r for r in _records(cell) if r.get("question") == qid]
        record = records[-1] if records else None
        answer_index = answer_cells.get(qid)
        answer_source = nb.cells[answer_index].source if answer_index is not None else None
        about = [(bank[pid], value) for pid, value in predicted.items() if bank[pid].about == qid]
        try:
            verdict = _verdict(question, record, answer_source, function_outs.get(qid), student, seconds,
                               _count((wrong_before or {}).get(qid)), about)
        except Exception as error:  # our bug: the instructor must see it, the student gets 0 for now
            verdict = Verdict("error", f"the autograder could not grade this answer ({type(error).__name__}: "
                                       f"{error}); your instructor will look at it.")
        own = [f for f in counted if f.cell == answer_index]
        earlier = [] if isinstance(question, FunctionQuestion) else [
            f for f in counted if f.cell < index and f.cell != answer_index and f.finding.kind not in _INERT]
        rule = ""
        if own or (earlier and verdict.passed):
            verdict, rule = _flagged_verdict(own, earlier)
        if isinstance(question, PredictionQuestion) and verdict.passed:
            predicted[qid] = answer_from_record(record.get("answer"))
        for flag in own + earlier:
            against.setdefault(flag, []).append(qid)
        points = float(meta.get("points", question.points))
        text = f"{SYMBOLS[verdict.status if verdict.status in SYMBOLS else 'error']} {qid}: {verdict.text}"
        cell.outputs = [_shown(text)] + ([] if verdict.passed else [_error_output(text)])
        rows.append({"question": qid, "status": verdict.status, "points": points if verdict.passed else 0.0,
                     "max_points": points, "attempts": (attempts or {}).get(qid, ""),
                     "flags": "; ".join(f.text for f in own + earlier), "rule": rule, "message": verdict.text})
    lines = [f"Autograded for student {student}: {sum(r['points'] for r in rows):g} of "
             f"{sum(r['max_points'] for r in rows):g} points."]
    if others:
        lines.append(f"Note: this notebook's checks named student {', '.join(others)}; it was graded for {student}, "
                     "the student it was collected from.")
    for flag in counted:
        questions = against.get(flag)
        lines.append(f"Flagged: {flag.text}; " + (f"it counts against {', '.join(questions)}." if questions else
                                                 "no question checked after it can be changed by it, so it costs "
                                                 "no points."))
    if summary_cell is not None:
        table = "\n".join(f"{SYMBOLS.get(r['status'], '·')} {r['question']}: {r['points']:g}/{r['max_points']:g}"
                          for r in rows)
        summary_cell.outputs = [_shown("\n".join(lines) + "\n" + table)]
    cells = [{"cell": f.cell + 1, "origin": f.origin, "question": f.question, "line": f.finding.line,
              "kind": f.finding.kind, "text": f.finding.text, "counted": f.counted,
              "why": f.why or (f"counts against {', '.join(against[f])}" if f in against else "changes no question"),
              } for f in flags]
    return GradedNotebook(rows, lines, cells)


def _count(value):
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _secret(path):
    try:
        return Path(path).read_bytes().strip()
    except OSError:
        return b""


class KeepAttempts(NbGraderPreprocessor):
    """Before nbgrader clears the submitted outputs: keep the attempt count of each question, the
    student ids the student's own check records name, and the wrong answers before the last one (for
    the same direction hint as the student saw), in the notebook's metadata."""

    def preprocess(self, nb, resources):
        attempts, named, wrong_before = {}, set(), {}
        for cell in nb.cells:
            for record in _records(cell):
                qid = record.get("question")
                if isinstance(qid, str):
                    try:
                        attempts[qid] = max(int(record.get("attempts") or 0), int(attempts.get(qid, 0)))
                    except (TypeError, ValueError):
                        pass
                    wrong_before[qid] = _count(record.get("misses_before"))  # the last check's
                if isinstance(record.get("student"), str):
                    named.add(record["student"])
        nb.metadata["neurodyn_lab"] = {"attempts": attempts, "named": sorted(named)}
        nb.metadata["neurodyn_lab_misses"] = wrong_before  # wrong answers before the last, per question
        return nb, resources


class AsStudent(NbGraderPreprocessor):
    """Before nbgrader's Execute: the notebook's kernel uses the collected student's numbers (named in
    the resources; `confine.ConfinedExecute` gives them to that kernel's environment alone)."""

    def preprocess(self, nb, resources):
        resources.setdefault("neurodyn_lab", {})["student"] = canonical_id(resources["nbgrader"]["student"])
        return nb, resources


class GradeAnswers(NbGraderPreprocessor):
    """After nbgrader's Execute: grade the check cells for the collected student (see the module)."""

    report_dir = Unicode("", help="Folder for the grading reports (JSON per submission, grading_report.csv)."
                         ).tag(config=True)
    secret_file = Unicode("", help="File with the course's secret key (draws the function questions' "
                                   "test cases).").tag(config=True)
    questions_file = Unicode("", help="The course file of question changes (neurodyn_lab_questions.py)."
                             ).tag(config=True)
    function_time_limit = Float(10.0, help="Seconds a function answer may run on the test cases.").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        student = canonical_id(info["student"])
        bank = load_bank(self.questions_file or None)
        key = _secret(self.secret_file) if self.secret_file else b""
        if not key:
            self.log.warning("neurodyn_lab: no course secret (GradeAnswers.secret_file); the function questions' "
                             "test cases are then the same every year")
            key = b"neurodyn_lab: no course secret"
        kept = nb.metadata.get("neurodyn_lab", {})
        graded = grade_notebook(nb, student, bank, key, self.function_time_limit, attempts=kept.get("attempts"),
                                named=kept.get("named"), shipped=self._shipped(info),
                                wrong_before=nb.metadata.get("neurodyn_lab_misses"))
        for line in graded.notes[1:]:
            self.log.warning("neurodyn_lab %s/%s: %s", student, info.get("notebook"), line)
        if self.report_dir:
            self._report(Path(self.report_dir), info, student, graded)
        return nb, resources

    def _shipped(self, info):
        """The course's source and release versions of the notebook being graded (in the course
        directory, out of the submission's reach)."""
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        notebooks = []
        for step in (coursedir.source_directory, coursedir.release_directory):
            path = Path(coursedir.format_path(step, ".", info["assignment"])) / f"{info['notebook']}.ipynb"
            if path.is_file():
                notebooks.append(nbformat.read(path, as_version=4))
        if not notebooks:
            self.log.warning("neurodyn_lab: no source or release copy of %s/%s in the course directory; every "
                             "editable cell of the submission counts as the student's", info["assignment"],
                             info["notebook"])
        return Shipped(notebooks)

    def _report(self, folder, info, student, graded):
        target = folder / str(info.get("assignment")) / student / f"{info.get('notebook')}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"student": student, "assignment": info.get("assignment"),
                                      "notebook": info.get("notebook"), "graded_at":
                                          datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                                      "questions": graded.rows, "notes": graded.notes, "flagged_cells": graded.cells},
                                     indent=1), encoding="utf-8")
        fields = ["assignment", "student", "notebook", "question", "status", "points", "max_points", "attempts",
                  "flags", "rule", "message"]
        with open(folder / REPORT_CSV, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            for path in sorted(folder.glob("*/*/*.json")):
                report = json.loads(path.read_text(encoding="utf-8"))
                for row in report["questions"]:
                    writer.writerow({"assignment": report["assignment"], "student": report["student"],
                                     "notebook": report["notebook"], **{k: row.get(k, "") for k in fields[3:]}})


def configure(c, course):
    """Add our preprocessors to nbgrader's configuration `c` for the course directory `course` (the
    ``nbgrader_config.py`` that `build.make_course` writes calls this).

    `KeepAttempts` goes first in the sanitizing step, `AsStudent` just before ``Execute`` and
    `GradeAnswers` just after it; nbgrader's own preprocessors keep their order. ``Execute`` runs
    each kernel in a sandbox that cannot see the course (`confine.ConfinedExecute`).
    """
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from .confine import ConfinedExecute, hidden_paths_of

    course = Path(course)
    sanitize = list(Autograde.class_traits()["sanitize_preprocessors"].default())
    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    at = steps.index(Execute)
    c.Autograde.sanitize_preprocessors = [KeepAttempts] + sanitize
    c.Autograde.autograde_preprocessors = steps[:at] + [AsStudent, ConfinedExecute, GradeAnswers] + steps[at + 1:]
    c.Confinement.course = str(course)
    c.Confinement.hidden_paths = hidden_paths_of(c)
    c.GradeAnswers.report_dir = str(course / REPORT_DIR)
    c.GradeAnswers.secret_file = str(course / SECRET_FILE)
    questions = course / COURSE_FILE
    c.GradeAnswers.questions_file = str(questions) if questions.exists() else ""
