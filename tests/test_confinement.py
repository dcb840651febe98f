"""Students' code runs where it cannot reach the course (`neurodyn_lab.grading.confine`).

The real nbgrader round with an attack: a course with notebook 01 (`build.make_course`), two
submissions, an honest one (the solution notebook's code in every answer cell) and an attack whose
first answer cell reads ``../../../neurodyn_lab_secret.key``, lists ``../../../submitted/``, writes
into the course root and into the honest student's folder, opens the gradebook for writing and
connects to a loopback port this test listens on. `nbgrader autograde` (honest first, then the
attack) and `generate_feedback`: the key is in no feedback and no autograded notebook, nothing is
written outside the submission's folder, the gradebook's rows of the honest student and the honest
submission are unchanged, the connection never arrives, the honest student has full marks, and
the kernel ran as uid 65534 with Brian2's Cython models from the instructor's cache (read-only).
Then the control, on the same course: without bwrap (``when_unavailable = "warn"``) the same
attack succeeds, so those assertions can fail; the two autograde times give the sandbox's cost.

A function answer's process (`sandbox.run_function`) gets the same sandbox; without bwrap the
default (``"refuse"``) grades nothing and says why in one sentence. The round takes a few minutes.
"""

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

pytest.importorskip("nbgrader", reason="the autograder needs the instructor extra (nbgrader)")
from traitlets.config import Application, Config  # noqa: E402

from neurodyn_lab.grading import build  # noqa: E402
from neurodyn_lab.grading.autograde import REPORT_DIR, SECRET_FILE  # noqa: E402
from neurodyn_lab.grading.confine import Confinement, Unavailable  # noqa: E402
from neurodyn_lab.grading.sandbox import run_function  # noqa: E402
from neurodyn_lab.grading.codec import decode, encode  # noqa: E402
from neurodyn_lab.parameters import LIFParams  # noqa: E402
from brian2 import amp  # noqa: E402

_PROBLEM = Confinement().problem()
needs_bwrap = pytest.mark.skipif(_PROBLEM is not None, reason=f"cannot confine here: {_PROBLEM}")
the_round = [pytest.mark.slow, pytest.mark.notebooks, needs_bwrap]

NOTEBOOK = "01_step_current.ipynb"
ASSIGNMENT = "lif"
SOURCE = Path(__file__).resolve().parents[1] / "exercises" / "source"
MARK = "neurodyn-attack-7f3a"
#: A neuron for function answers, as `autograde` passes it (SI values).
PARAMS = encode(LIFParams())  # the default neuron, as the autograder sends it


def _env(tmp_path):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")  # nbgrader runs `alembic`
    for name in ("NEURODYN_LAB_STRICT", "JUPYTERHUB_USER", "NEURODYN_LAB_AUTOGRADE_STUDENT"):
        env.pop(name, None)
    env["NEURODYN_LAB_HOME"] = str(tmp_path / "home")
    return env


def _nbgrader(course, tmp_path, *args, ok=True):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=1800)
    if ok:
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _solutions():
    """Grade id of each answer cell -> the solution notebook's code for it (what an honest, correct
    student typed)."""
    nb = nbformat.read(SOURCE / NOTEBOOK, as_version=4)
    markers = ("### BEGIN SOLUTION", "### END SOLUTION")
    return {cell.metadata["nbgrader"]["grade_id"]: "\n".join(
        line for line in cell.source.splitlines() if not any(marker in line for marker in markers))
        for cell in nb.cells if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")}


def _attack(course, port):
    """The attack, for an answer cell: everything a student might try, reported on one output line."""
    honest = course / "submitted" / "honest" / ASSIGNMENT
    return f'''
import json, os, socket
from brian2 import ms, nA
from neurodyn_lab import inputs, simulate
simulate(inputs.step(2 * nA, start=10 * ms, end=60 * ms), 100 * ms)   # the model the test compiled
report = {{"uid": os.getuid(), "cwd": os.getcwd()}}
def attempt(name, action):
    try:
        report[name] = action()
    except Exception as error:
        report[name] = "failed: " + type(error).__name__
for prefix, where in (("rel", "../../.."), ("abs", {str(course)!r})):
    attempt(prefix + "_key", lambda: open(where + "/{SECRET_FILE}").read())
    attempt(prefix + "_submitted", lambda: os.listdir(where + "/submitted"))
    attempt(prefix + "_write_root", lambda: open(where + "/{MARK}-root.txt", "w").write("x"))
    attempt(prefix + "_write_other", lambda: open(where + "/submitted/honest/{ASSIGNMENT}/{MARK}.txt", "w").write("x"))
    attempt(prefix + "_gradebook", lambda: open(where + "/gradebook.db", "r+b").close() or "opened for writing")
attempt("write_other_abs", lambda: open({str(honest / (MARK + "-abs.txt"))!r}, "w").write("x"))
attempt("network", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=5).close() or "connected")
attempt("write_own", lambda: open("{MARK}-own.txt", "w").write("x"))
report["cython"] = sorted({{line.split()[-1] for line in open("/proc/self/maps") if "_cython_magic_" in line}})
print("ATTACK-REPORT " + json.dumps(report))
'''


class _Listener:
    """A loopback TCP port that counts the connections it receives."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.server.settimeout(0.2)  # so that close() ends the loop
        while not self.closed:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self):
        self.closed = True
        self.thread.join(timeout=5)
        self.server.close()


@pytest.fixture(scope="module")
def listener():
    port = _Listener()
    yield port
    port.close()


def _files(course):
    """Every file of the course: relative path -> sha256."""
    return {str(p.relative_to(course)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(course.rglob("*")) if p.is_file()}


def _scores(course):
    """Each student's submission as the gradebook holds it: score, max_score, timestamp and every grade.

    Read here with nbgrader's own Gradebook rather than by `nbgrader export`, which reads the same rows
    (and fewer: no grade per cell) and took 20 s a run as a command (2026-12-03, load average 5)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {submission.student.id: {
            "score": submission.score, "max_score": submission.max_score, "timestamp": str(submission.timestamp),
            "grades": sorted((notebook.name, grade.name, grade.auto_score, grade.manual_score, grade.extra_credit)
                             for notebook in submission.notebooks for grade in notebook.grades)}
            for submission in gradebook.find_assignment(ASSIGNMENT).submissions}


def _report(course):
    nb = nbformat.read(course / "autograded" / "attack" / ASSIGNMENT / NOTEBOOK, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            match = re.search(r"ATTACK-REPORT (\{.*\})", output.get("text", ""))
            if match:
                return json.loads(match.group(1))
    raise AssertionError("the attack printed no report: " + json.dumps([c.get("outputs") for c in nb.cells])[-2000:])


def _seen_by_students(course):
    """Feedback pages and autograded notebooks: path -> text."""
    paths = sorted((course / "feedback").rglob("*.html")) + sorted((course / "autograded").rglob("*.ipynb"))
    return {str(p.relative_to(course)): p.read_text(encoding="utf-8") for p in paths}


def _autograde(course, tmp_path, student):
    start = time.perf_counter()
    done = _nbgrader(course, tmp_path, "autograde", ASSIGNMENT, "--student", student, "--force")
    return time.perf_counter() - start, done.stdout + done.stderr


@pytest.fixture(scope="module")
def confined(tmp_path_factory, listener):
    """The round as `build.make_course` sets it up: the sandbox on."""
    from brian2 import ms, nA

    from neurodyn_lab import inputs, simulate

    # The model the attack runs, compiled into the instructor's cache (as `neurodyn-lab warmup` does).
    simulate(inputs.step(2 * nA, start=10 * ms, end=60 * ms), 100 * ms)
    tmp_path = tmp_path_factory.mktemp("round")
    course = build.make_course(tmp_path / "course", ASSIGNMENT, notebooks=[NOTEBOOK])
    _nbgrader(course, tmp_path, "generate_assignment", ASSIGNMENT, "--force")
    release = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    solutions = _solutions()
    first = next(gid for gid, code in solutions.items() if not re.search(r"^def ", code, re.M))
    for student in ("honest", "attack"):
        nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
        answers = dict(solutions, **({first: solutions[first] + "\n" + _attack(course, listener.port)}
                                     if student == "attack" else {}))
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and meta.get("grade_id") in answers:
                cell.source = answers[meta["grade_id"]]
        nb.cells.append(new_code_cell("print('a cell the student added')"))
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / NOTEBOOK)
        (folder / "timestamp.txt").write_text("2025-01-06 09:00:00.000000 UTC")
    honest_seconds, _ = _autograde(course, tmp_path, "honest")
    before, scores_before = _files(course), _scores(course)
    connections = listener.connections
    attack_seconds, _ = _autograde(course, tmp_path, "attack")
    connections = listener.connections - connections
    after, scores_after = _files(course), _scores(course)
    _nbgrader(course, tmp_path, "generate_feedback", ASSIGNMENT, "--force")
    return {"course": course, "tmp_path": tmp_path, "before": before, "after": after,
            "scores_before": scores_before, "scores_after": scores_after, "connections": connections,
            "report": _report(course), "key": (course / SECRET_FILE).read_text().strip(),
            "seconds": {"honest": honest_seconds, "attack": attack_seconds}, "seen": _seen_by_students(course)}


@pytest.fixture(scope="module")
def unconfined(confined, listener):
    """The control, on the same course afterwards: bwrap missing, the instructor chose 'warn'."""
    course, tmp_path = confined["course"], confined["tmp_path"]
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as handle:
        handle.write('c.Confinement.bwrap = "/nonexistent/bwrap"\nc.Confinement.when_unavailable = "warn"\n')
    connections = listener.connections
    seconds, logs = _autograde(course, tmp_path, "attack")
    _nbgrader(course, tmp_path, "generate_feedback", ASSIGNMENT, "--force")
    return {"course": course, "report": _report(course), "key": confined["key"], "logs": logs,
            "connections": listener.connections - connections, "seconds": {"attack": seconds},
            "seen": _seen_by_students(course)}


@pytest.fixture(scope="module")
def refused(unconfined, listener):
    """The default on a machine without bwrap, on the same course last: nothing is graded."""
    course, tmp_path = unconfined["course"], unconfined["course"].parent
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as handle:
        handle.write('c.Confinement.when_unavailable = "refuse"\n')
    connections = listener.connections
    done = _nbgrader(course, tmp_path, "autograde", ASSIGNMENT, "--student", "attack", "--force", ok=False)
    return {"done": done, "connections": listener.connections - connections}


class TestTheRound:
    pytestmark = the_round

    def test_the_key_reaches_no_feedback_and_no_graded_notebook(self, confined):
        seen = confined["seen"]
        assert any(path.startswith("feedback/attack/") for path in seen), sorted(seen)
        assert not [path for path, text in seen.items() if confined["key"] in text]
        for name in ("rel_key", "abs_key", "rel_submitted", "abs_submitted"):
            assert str(confined["report"][name]).startswith("failed"), (name, confined["report"])

    def test_nothing_is_written_outside_the_submissions_folder(self, confined):
        before, after = confined["before"], confined["after"]
        changed = {path for path in set(before) | set(after) if before.get(path) != after.get(path)}
        # What nbgrader and our grader write for the attack's submission: its graded copy, its
        # report, the course report and the gradebook (row by row in the next test).
        expected = re.compile(rf"^(autograded/attack/|{REPORT_DIR}/|gradebook\.db$)")
        assert changed and all(expected.match(path) for path in changed), sorted(changed)
        assert not [path for path in after if MARK in path], "the attack wrote into the course"
        for name in ("rel_write_root", "abs_write_root", "rel_write_other", "abs_write_other", "write_other_abs",
                     "rel_gradebook", "abs_gradebook"):
            assert str(confined["report"][name]).startswith("failed"), (name, confined["report"])
        assert confined["report"]["write_own"] == 1  # its private copy of its folder is writable, as in the lab

    def test_the_gradebook_and_the_other_submission_are_unchanged(self, confined):
        before, after = confined["before"], confined["after"]
        honest = [path for path in before if path.startswith(("submitted/honest/", "autograded/honest/"))]
        assert honest and all(after.get(path) == before[path] for path in honest)
        assert confined["scores_before"]["honest"] == confined["scores_after"]["honest"]

    def test_the_attacks_network_connection_never_arrives(self, confined):
        assert confined["connections"] == 0
        assert str(confined["report"]["network"]).startswith("failed"), confined["report"]

    def test_the_honest_student_gets_full_marks_in_the_sandbox(self, confined):
        row = confined["scores_after"]["honest"]
        assert row["max_score"] > 0 and row["score"] == row["max_score"], row

    def test_the_kernel_runs_as_nobody_with_the_instructors_compiled_models(self, confined):
        report = confined["report"]
        assert report["uid"] == 65534 and report["cwd"] == "/home/student/work", report
        # Brian2's Cython target, its modules loaded from the instructor's cache, read-only: not
        # numpy, not a private compile.
        assert report["cython"], report
        assert all(path.startswith("/run/neurodyn_lab/cython-cache/") for path in report["cython"]), report

    def test_without_the_sandbox_the_same_attack_succeeds(self, unconfined):
        """The control: each assertion above can fail."""
        report, course = unconfined["report"], unconfined["course"]
        assert report["rel_key"].strip() == unconfined["key"] and "honest" in report["rel_submitted"], report
        assert unconfined["connections"] >= 1
        assert [path for path, text in unconfined["seen"].items() if path.startswith("feedback/attack/")
                and unconfined["key"] in text]
        assert (course / "submitted" / "honest" / ASSIGNMENT / f"{MARK}.txt").exists()
        assert report["uid"] != 65534 and not str(report["rel_gradebook"]).startswith("failed")
        assert "UNCONFINED" in unconfined["logs"]

    def test_without_bwrap_the_default_refuses_to_grade_in_one_sentence(self, refused):
        done = refused["done"]
        assert done.returncode != 0 and refused["connections"] == 0
        sentence = re.search(r"neurodyn_lab refuses to run the notebook in \S+ unconfined: [^\n]*",
                             done.stdout + done.stderr)
        assert sentence and sentence.group(0).endswith("to grade without a sandbox."), done.stderr[-3000:]
        assert "/nonexistent/bwrap is not installed (Debian: apt-get install bubblewrap)" in sentence.group(0)

    def test_the_sandbox_costs_little_per_submission(self, confined, unconfined):
        """A loose bound (the CPU is shared): a sandbox that compiled Brian2's models anew, or copied
        much, would cost a minute per submission."""
        seconds = {"confined": confined["seconds"], "unconfined": unconfined["seconds"]}
        print(f"\nnbgrader autograde of one submission of {NOTEBOOK} (s): {seconds}")
        assert confined["seconds"]["attack"] < 2 * unconfined["seconds"]["attack"] + 20, seconds


@needs_bwrap
@pytest.mark.notebooks
def test_nbgraders_timeout_and_the_memory_limit_stop_a_cell_and_the_notebook_goes_on(tmp_path):
    """nbgrader's Execute, confined: a cell that loops for ever is interrupted at the cell timeout (as a
    message: a signal to the process group would stop bwrap and the kernel), one that takes more
    memory than allowed gets a MemoryError; the next cells run in the same kernel."""
    from nbgrader.preprocessors import Execute

    from neurodyn_lab.grading.confine import ConfinedExecute

    nb = nbformat.v4.new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("while True:\n    pass"),
                                         new_code_cell("big = bytearray(3 * 2**30)"), new_code_cell("print(x + 1)")])
    config = Config()
    config.Confinement.memory_limit_mb = 2048
    # The looping cell burns a core until the timeout: 3 s, not more (the other cells take well under a
    # second each in a started kernel, 2026-12-03, load average 5).
    preprocessor = ConfinedExecute(timeout=3, config=config)
    assert isinstance(preprocessor, Execute)
    nb, _ = preprocessor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    outputs = [[o.get("ename") or o.get("text") for o in cell.outputs] for cell in nb.cells]
    assert outputs[1] and outputs[1][0] in ("KeyboardInterrupt", "CellTimeoutError"), outputs
    assert outputs[2] == ["MemoryError"] and outputs[3] == ["2\n"], outputs


# --------------------------------------------------------------------------------------------
# Function answers, the policy, the masks
# --------------------------------------------------------------------------------------------
def _a_course(tmp_path):
    course = tmp_path / "course"
    (course / "submitted" / "s002").mkdir(parents=True)
    (course / SECRET_FILE).write_text("the course key\n")
    return course


@needs_bwrap
def test_a_function_answer_runs_in_the_same_sandbox(tmp_path, listener):
    course = _a_course(tmp_path)
    written = tmp_path / f"{MARK}-function.txt"
    # The function counts its successful attacks (in amperes, so that the grader reports the number).
    source = f"""def rheobase(params):
    import os, socket
    from brian2 import amp
    attacks = (lambda: open({str(course / SECRET_FILE)!r}).read(),
               lambda: os.listdir({str(course / "submitted")!r}),
               lambda: open({str(written)!r}, "w").write("x"),
               lambda: socket.create_connection(("127.0.0.1", {listener.port}), timeout=5).close())
    done = 0
    for attack in attacks:
        try:
            attack()
            done += 1
        except Exception:
            pass
    return done * amp"""
    connections = listener.connections
    out = run_function(source, "rheobase", [[PARAMS]], confinement=Confinement(course=str(course)))
    assert [decode(r["value"]) for r in out["results"]] == [0 * amp], out
    assert not written.exists() and listener.connections == connections
    # The control: unconfined, the same function succeeds in every attack.
    unconfined = Confinement(bwrap="/nonexistent/bwrap", when_unavailable="warn")
    out = run_function(source, "rheobase", [[PARAMS]], confinement=unconfined)
    assert [decode(r["value"]) for r in out["results"]] == [4 * amp], out
    assert written.exists() and listener.connections == connections + 1


@needs_bwrap
def test_an_honest_function_answer_passes_in_the_sandbox():
    out = run_function("def rheobase(params):\n    return (params.v_threshold - params.v_rest) / params.R",
                       "rheobase", [[PARAMS]], confinement=Confinement())
    assert out["closed_form_calls"] == [] and out["problem"] is None, out
    assert [float(decode(r["value"]) / amp) for r in out["results"]] == [pytest.approx(2e-9)]


def test_without_bwrap_the_default_refuses_in_one_sentence():
    with pytest.raises(Unavailable, match=r"^neurodyn_lab refuses to run a function answer unconfined: "
                                          r"/nonexistent/bwrap is not installed \(Debian: apt-get install "
                                          r"bubblewrap\); .*when_unavailable = 'warn'.*\.$"):
        run_function("def f(params):\n    return 1", "f", [[PARAMS]],
                     confinement=Confinement(bwrap="/nonexistent/bwrap"))


def test_the_collected_student_reaches_that_kernel_only(tmp_path):
    # AsStudent names the student in the resources; ConfinedExecute gives them to the kernel it starts
    # (sandboxed or, here, unconfined by the instructor's choice), never to this process's environment.
    from traitlets.config import Config

    from neurodyn_lab.grading.autograde import AsStudent
    from neurodyn_lab.grading.confine import ConfinedExecute
    from neurodyn_lab.grading.students import AUTOGRADE_STUDENT

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"import os\nprint(os.environ.get({AUTOGRADE_STUDENT!r}))")])
    config = Config()
    config.Confinement.bwrap = "/nonexistent/bwrap"
    config.Confinement.when_unavailable = "warn"
    resources = {"nbgrader": {"student": "s7"}, "metadata": {"path": str(tmp_path)}}
    nb, resources = AsStudent().preprocess(nb, resources)
    before = os.environ.get(AUTOGRADE_STUDENT)
    nb, _ = ConfinedExecute(config=config, timeout=120).preprocess(nb, resources)
    assert nb.cells[0].outputs[0]["text"].strip() == "s7", nb.cells[0].outputs
    assert os.environ.get(AUTOGRADE_STUDENT) == before


def test_without_bwrap_warn_runs_unconfined_with_one_warning(caplog):
    confinement = Confinement(bwrap="/nonexistent/bwrap", when_unavailable="warn")
    with caplog.at_level("WARNING"):
        out = run_function("def f(params):\n    return 0", "f", [[PARAMS]], confinement=confinement)
    assert [decode(r["value"]) for r in out["results"]] == [0]
    warned = [r.getMessage() for r in caplog.records if "UNCONFINED" in r.getMessage()]
    assert len(warned) == 1 and "/nonexistent/bwrap is not installed" in warned[0], warned


def test_run_function_takes_the_running_nbgraders_configuration(tmp_path):
    config = Config()
    config.Confinement.course = str(tmp_path)
    config.Confinement.when_unavailable = "warn"
    assert not Application.initialized(), "another test left a Jupyter application behind"
    app = Application.instance(config=config)
    try:
        confinement = Confinement.of_running_app()
        assert (confinement.course, confinement.when_unavailable) == (str(tmp_path), "warn")
    finally:
        Application.clear_instance()
    assert Confinement.of_running_app().course == ""
    assert app.config.Confinement.course == str(tmp_path)


@needs_bwrap
def test_a_course_under_a_readable_folder_is_masked(tmp_path):
    """Should the course lie inside a folder the sandbox mounts (a venv, a data folder), it is masked."""
    course = _a_course(tmp_path)
    sandbox = Confinement(course=str(course), readable_paths=[str(tmp_path)]).sandbox()
    assert sandbox.verify() is None
    python = sys.executable
    done = subprocess.run(sandbox.command([python, "-c", f"import os; print(sorted(os.listdir({str(tmp_path)!r})), "
                                                         f"os.listdir({str(course)!r}))"]),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "['course'] []", done.stdout + done.stderr


@needs_bwrap
def test_a_sandbox_that_would_show_a_hidden_path_refuses_to_start():
    """The check inside the sandbox: a hidden path it can see (here under the system's /usr, which
    is not masked) stops it before anything runs, for kernels and function answers alike."""
    confinement = Confinement(hidden_paths=["/usr/share"])
    assert "/usr/share is visible inside the sandbox" in confinement.sandbox().verify()
    with pytest.raises(Unavailable, match="its sandbox failed its check"):
        run_function("def f(params):\n    return 0", "f", [[PARAMS]], confinement=confinement)


@needs_bwrap
def test_the_course_file_of_questions_is_readable_and_nothing_else_of_the_course(tmp_path):
    """The kernel reads the course's question changes when its environment names them (students
    have that file too), at a path of its own; the course around it stays invisible."""
    course = _a_course(tmp_path)
    (course / "neurodyn_lab_questions.py").write_text("def customise(bank):\n    pass\n")
    env = {"NEURODYN_LAB_QUESTIONS": str(course / "neurodyn_lab_questions.py")}
    sandbox = Confinement(course=str(course)).sandbox()
    probe = ("import os; path = os.environ['NEURODYN_LAB_QUESTIONS']; "
             f"print(path, open(path).read().count('customise'), os.path.exists({str(course)!r}))")
    done = subprocess.run(sandbox.command([sys.executable, "-c", probe], env=env), capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["/run/neurodyn_lab/questions.py", "1", "False"], done.stdout + done.stderr
