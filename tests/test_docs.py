"""The documentation site: it builds offline with no warning, and its pages render in a real browser.

`built_site` runs the same command as ``make docs`` once per session (about 2-3 minutes: it executes
the five course notebooks and the user guide's pages). A failure prints every warning with its
file and line; run ``make docs`` to see the same output. The browser tests open the built pages
from the file system in headless Debian chromium, so nothing is served and nothing is fetched.
"""

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
HTML = DOCS / "_build" / "html"

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from labdriver import CHROMIUM, CHROMIUM_ARGS, chromium_available  # noqa: E402
from own_loop import run_in_own_loop  # noqa: E402

pytestmark = pytest.mark.slow

# The command of `make docs` (Makefile): -E fresh environment, -n every reference must resolve,
# -W --keep-going every warning is an error and all of them are listed.
BUILD = [sys.executable, "-m", "sphinx", "-j", "auto", "-E", "-W", "--keep-going", "-n", "-b", "html",
         "-d", str(DOCS / "_build" / "doctrees"), str(DOCS), str(HTML)]


def _require(module, what):
    try:
        __import__(module)
    except ImportError:
        message = f"{what} is not installed: pip install -e '.[docs]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def built_site():
    _require("sphinx", "Sphinx")
    _require("myst_nb", "myst-nb")
    shutil.rmtree(DOCS / "_build", ignore_errors=True)  # nothing from an earlier build survives
    run = subprocess.run(BUILD, cwd=REPO, capture_output=True, text=True, timeout=900)
    problems = [line for line in (run.stdout + run.stderr).splitlines()
                if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line) and "[IPKernelApp]" not in line]
    if run.returncode != 0 or problems:
        tail = "\n".join((run.stdout + run.stderr).splitlines()[-15:])
        pytest.fail(f"the docs build failed (exit {run.returncode}); `make docs` shows the same:\n"
                    + "\n".join(problems) + f"\n--- last lines of the log ---\n{tail}", pytrace=False)
    return HTML


def _course_pages(html_dir):
    return sorted((html_dir / "course" / "notebooks").glob("*.html"))


class _Assets(HTMLParser):
    """Every script src, stylesheet href and image src of a page."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or ""):
            self.urls.append(attrs["href"])
        elif tag in ("img", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])


class _Text(HTMLParser):
    """The text of a page, as a reader sees it (highlighted code comes out as its source lines)."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def _page_text(path):
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def _solution_lines(notebook):
    """The lines inside the solution and hidden-test regions of a source notebook's cells."""
    import json

    lines, inside = [], False
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for line in "".join(cell["source"]).splitlines():
            stripped = line.strip()
            if stripped in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
                inside = True
            elif stripped in ("### END SOLUTION", "### END HIDDEN TESTS"):
                inside = False
            elif inside and len(stripped) > 12:
                lines.append(stripped)
    return lines


def test_every_student_notebook_is_a_page_and_no_solution_is(built_site):
    students = sorted(p.stem for p in (REPO / "exercises").glob("*.ipynb"))
    pages = {p.stem: p for p in _course_pages(built_site)}
    assert students and sorted(pages) == students
    # The solutions (exercises/source/) never reach the site: no line of a solution or hidden test.
    leaked = []
    for source in sorted((REPO / "exercises" / "source").glob("*.ipynb")):
        secret = _solution_lines(source)
        assert secret, f"{source.name} has no solution region: is the marker test still right?"
        text = _page_text(pages[source.stem])
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, source.name
        leaked += [f"{source.stem}: {line}" for line in secret if line in text]
    assert not leaked, "\n".join(leaked)


def test_every_figure_became_an_image(built_site):
    # A figure without an image representation shows as its repr, "<Figure size 700x300 with 1 Axes>".
    # The pages whose code ran (the API pages quote that repr in a docstring).
    pages = _course_pages(built_site) + sorted((built_site / "guide").glob("*.html"))
    shown_as_text = [str(p.relative_to(built_site)) for p in pages if "Figure size" in _page_text(p)]
    assert not shown_as_text, shown_as_text
    assert sum(1 for _ in (built_site / "_images").glob("*.png")) >= 8


def test_pages_load_nothing_from_other_hosts(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    offenders = []
    for page in pages:
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(built_site)}: {url}" for url in parser.urls
                      if re.match(r"^(https?:)?//", url)]
    assert not offenders, "\n".join(offenders)
    assert (built_site / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_api_reference_documents_every_public_name(built_site):
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import apipages
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    modules, pages, _ = apipages.homes("neurodyn_lab")
    assert {"neurodyn_lab.simulation", "neurodyn_lab.analysis", "neurodyn_lab.panels"} <= set(modules)
    html = {m: (built_site / "api" / "generated" / f"{m}.html") for m in modules}
    missing = []
    for modname, names in pages.items():
        text = html[modname].read_text(encoding="utf-8") if html[modname].exists() else ""
        missing += [f"{modname}.{n}" for n in names if f'id="{modname}.{n}"' not in text]
    assert sum(len(n) for n in pages.values()) > 40 and not missing, missing


def _render(pages):
    """Open each page in headless chromium; return what each one shows."""
    from playwright.async_api import async_playwright

    async def main():
        found = {}
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
                                               timeout=60_000)
            try:
                page = await browser.new_page()
                failed = []
                page.on("requestfailed", lambda request: failed.append(request.url))
                for path in pages:
                    await page.goto(path.as_uri(), wait_until="load")
                    if await page.locator(".math").count():
                        await page.wait_for_selector("mjx-container", timeout=30_000)
                    found[path.name] = {
                        "h1": await page.locator("h1").first.inner_text(),
                        "images": await page.evaluate(
                            "() => [...document.querySelectorAll('[role=main] img')]"
                            ".filter(i => i.complete && i.naturalWidth > 50).length"),
                        "formulas": await page.locator("mjx-container").count(),
                        "unrendered_tex": await page.evaluate(
                            "() => [...document.querySelectorAll('.math')].filter("
                            "m => !m.querySelector('mjx-container')).length"),
                        "failed_requests": list(failed),
                    }
                    failed.clear()
            finally:
                await browser.close()
        return found

    return run_in_own_loop(main, timeout=180)


@pytest.fixture(scope="session")
def rendered(built_site):
    if not chromium_available():
        message = f"Debian chromium is not installed ({CHROMIUM}): apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    _require("playwright", "playwright")
    index = built_site / "index.html"
    course = built_site / "course" / "notebooks" / "01_step_current.html"
    return _render([index, course])


def test_index_renders_in_chromium(rendered):
    index = rendered["index.html"]
    assert index["h1"].startswith("neurodyn_lab")
    assert index["failed_requests"] == []


def test_course_page_renders_heading_figure_and_formula(rendered):
    page = rendered["01_step_current.html"]
    assert "step current" in page["h1"].lower()
    assert page["images"] >= 2  # the panel's static figure and result.plot()
    assert page["formulas"] >= 3 and page["unrendered_tex"] == 0  # MathJax ran, from the site itself
    assert page["failed_requests"] == []
