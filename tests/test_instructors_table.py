"""The instructors' guide lists every graded question of the bank, in notebook order, with its points
and each notebook's total: the table an instructor plans a course with cannot drift from the bank."""

import re
from pathlib import Path

from neurodyn_lab.grading import QUESTIONS

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "instructors.md"
ENTRY = re.compile(r"`(\d\d\.\w+)` \((\d+(?:\.\d+)?)")


def rows():
    lines = GUIDE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| notebook | topic |"))
    found = {}
    for line in lines[start + 2:]:
        if not line.startswith("| `"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        found[cells[0].strip("`")[:2]] = cells[2]
    return found


def test_every_question_is_in_the_guide_with_its_points_in_order():
    table = rows()
    notebooks = sorted({q.notebook for q in QUESTIONS.values()})
    assert sorted(table) == notebooks
    for notebook in notebooks:
        questions = QUESTIONS.of(notebook)
        listed = [(qid, float(points)) for qid, points in ENTRY.findall(table[notebook])]
        assert listed == [(q.id, float(q.points)) for q in questions], notebook
        total = float(table[notebook].split(":", 1)[0])
        assert total == sum(q.points for q in questions), notebook


def test_the_check_finds_a_missing_question():
    table = rows()
    first = QUESTIONS.of("01")[0].id
    assert f"`{first}`" in table["01"]
    shortened = table["01"].replace(f"`{first}`", "`01.gone`", 1)
    assert [qid for qid, _ in ENTRY.findall(shortened)] != [q.id for q in QUESTIONS.of("01")]
