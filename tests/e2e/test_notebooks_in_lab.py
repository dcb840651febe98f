"""Every student notebook, opened in a real JupyterLab in chromium and run top to bottom."""

import pytest

from labdriver import STUDENT_NOTEBOOKS


def test_the_student_notebooks_exist():
    assert STUDENT_NOTEBOOKS[:1] == ["00_getting_started.ipynb"], STUDENT_NOTEBOOKS
    assert len(STUDENT_NOTEBOOKS) >= 5


@pytest.mark.parametrize("name", STUDENT_NOTEBOOKS)
def test_notebook_runs_in_jupyterlab_without_errors(name, ran_notebook, artifacts):
    nb = ran_notebook(name)
    nb.screenshot(artifacts / f"{name.removesuffix('.ipynb')}.png")
    errors = nb.error_outputs()
    assert errors == [], f"{name}: error output in cell(s): {errors}"
    code = [c for c in nb.cells() if c["type"] == "code" and c["source"].strip()]
    not_run = [i for i, c in enumerate(code) if c["count"] is None]
    assert not not_run, f"{name}: code cells {not_run} did not run"
    assert nb.widget_errors() == [], f"{name}: a widget failed to display: {nb.widget_errors()}"
    page_errors = [line for line in nb.console if line.startswith("pageerror")]
    assert page_errors == [], f"{name}: uncaught errors in the page: {page_errors}"
    panels = nb.page.locator(".neurodyn-lab-panel").count()
    if "panels." in " ".join(c["source"] for c in code) and "Panel(" in " ".join(c["source"] for c in code):
        assert panels >= 1, f"{name} creates a panel, but none is on screen"
