"""The course configuration `build.make_course` writes: the course id and the exchange folder are
the site's unless the instructor gives them (a hub's /etc/jupyter/nbgrader_config.py must win)."""

import runpy

import pytest

pytest.importorskip("nbgrader", reason="the course configuration needs the instructor extra (nbgrader)")
from traitlets.config import Config  # noqa: E402

from neurodyn_lab.grading import build  # noqa: E402


def _config_of(course):
    """The traitlets Config the course's nbgrader_config.py builds (as nbgrader loads it)."""
    c = Config()
    runpy.run_path(str(course / "nbgrader_config.py"), init_globals={"get_config": lambda: c})
    return c


def test_by_default_the_course_id_and_exchange_are_left_to_the_site(tmp_path):
    course = build.make_course(tmp_path / "course", notebooks=["01_step_current.ipynb"])
    c = _config_of(course)
    assert "course_id" not in c.CourseDirectory
    assert "Exchange" not in c or "root" not in c.Exchange
    assert c.CourseDirectory.root == str(course)


def test_course_id_and_exchange_root_are_written_when_given(tmp_path):
    course = build.make_course(tmp_path / "course", notebooks=["01_step_current.ipynb"], course_id="lif2026",
                               exchange_root=tmp_path / "exchange")
    c = _config_of(course)
    assert c.CourseDirectory.course_id == "lif2026"
    assert c.Exchange.root == str((tmp_path / "exchange").resolve())


def test_the_command_line_takes_them(tmp_path, capsys):
    assert build.main(["--course", str(tmp_path / "c"), "--course-id", "nd-1", "--exchange-root",
                       str(tmp_path / "x")]) == 0
    c = _config_of(tmp_path / "c")
    assert (c.CourseDirectory.course_id, c.Exchange.root) == ("nd-1", str((tmp_path / "x").resolve()))


@pytest.mark.parametrize("bad", ["", "two words", "../up", 3])
def test_a_course_id_that_is_not_a_name_is_refused_in_one_sentence(tmp_path, bad):
    with pytest.raises(ValueError, match=r"^course_id must be a name of letters.*such as 'lif2026', got"):
        build.make_course(tmp_path / "course", notebooks=["01_step_current.ipynb"], course_id=bad)
    assert not (tmp_path / "course").exists()
