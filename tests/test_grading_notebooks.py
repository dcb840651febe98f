"""The student notebooks as two students on a hub see them: their own neurons, and no expected
answer on screen. Runs notebook 01 twice (about a minute)."""

import os
from pathlib import Path

import nbformat
import pytest
from brian2 import mV, ms, nA

from neurodyn_lab.grading import QUESTIONS
from neurodyn_lab.grading.students import variant_for

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]
nbclient = pytest.importorskip("nbclient")

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"


def _run(name, user, tmp_path):
    nb = nbformat.read(EXERCISES / name, as_version=4)
    env = {k: v for k, v in os.environ.items() if k not in ("NEURODYN_LAB_STRICT", "NBGRADER_EXECUTION",
                                                            "NEURODYN_LAB_AUTOGRADE_STUDENT")}
    env.update(JUPYTERHUB_USER=user, NEURODYN_LAB_HOME=str(tmp_path / user), MPLBACKEND="Agg")
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(EXERCISES)}})
    client.execute(env=env)
    return nb


def _texts(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            yield from (str(data.get(mime, "")) for mime in ("text/plain", "text/html", "text/markdown"))
            yield str(output.get("text", "")) + str(output.get("evalue", ""))


def _forms(value, unit):
    x = float(value / unit)
    forms = {f"{x:.3g}", f"{x:.4g}", f"{x:.2f}", f"{x:.3f}"}
    return {f for f in forms if len(f.lstrip("-").replace(".", "")) >= 3}


@pytest.fixture(scope="module")
def two_students(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hub")
    return {user: _run("01_step_current.ipynb", user, tmp_path) for user in ("s001", "s002")}


def test_two_students_see_two_different_neurons(two_students):
    shown = {user: next(t for t in _texts(nb) if "Your neuron (me.neuron)" in t) for user, nb in two_students.items()}
    assert "student s001 (your JupyterHub login)" in shown["s001"]
    assert "student s002 (your JupyterHub login)" in shown["s002"]
    lines = {user: next(line for line in text.splitlines() if "Your neuron" in line) for user, text in shown.items()}
    assert lines["s001"] != lines["s002"]
    p = variant_for("s001").neuron
    assert f"v_rest = {float(p.v_rest / mV):g} mV" in lines["s001"]


def test_no_expected_answer_of_their_own_neuron_is_on_screen(two_students):
    for user, nb in two_students.items():
        variant = variant_for(user)
        text = "\n".join(_texts(nb))
        for qid, unit in (("01.rheobase", nA), ("01.first_spike_time", ms), ("01.v_after_tau", mV)):
            expected = QUESTIONS[qid].expected(variant)
            leaked = [form for form in _forms(expected, unit) if form in text]
            assert not leaked, (user, qid, leaked)
        assert "not answered yet" in text  # the checks ran and said so
