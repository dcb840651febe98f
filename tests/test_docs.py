"""The documentation site: it builds offline with no warning, shows no line of a solution, and its
pages render in a real browser.

`built_site` runs the command of ``make docs`` once per session, on a copy of ``docs/`` in a
temporary directory (the build writes its generated pages into its source tree: a copy keeps two
runs, or a run and an engineer's ``make docs``, from writing into the same files; ``exercises``
in the copy is the repository's own). It takes 50-58 s with load average 2 and about 150 s with load
average 6 on the 2 cores (2026-12-03): it executes the six course notebooks and the user guide's five
pages (each in a kernel of its own: about 2 s of each is the kernel's start, imports and shutdown),
and autodoc, the navigation of every page and the highlighted sources take the rest. A failure prints every warning with
its file and line; run ``make docs`` to see the same output. The browser tests open the built pages
from the file system in headless Debian chromium, so nothing is served and nothing is fetched.

What counts as a line of a solution, and how the whole site is searched for one, is in
``tests/solution_leaks.py``; ``tests/test_docs_no_solutions.py`` shows the search finds a leak.
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

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
from labdriver import CHROMIUM, CHROMIUM_ARGS, chromium_available  # noqa: E402
from own_loop import run_in_own_loop  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import solution_leaks  # noqa: E402

pytestmark = pytest.mark.slow


def build_command(docs, out):
    """The command of `make docs` (Makefile) for the sources `docs` into `out`: -E fresh environment,
    -n every reference must resolve, -W --keep-going every warning is an error and all are listed."""
    return [sys.executable, "-m", "sphinx", "-j", "auto", "-E", "-W", "--keep-going", "-n", "-b", "html",
            "-d", str(out / "doctrees"), str(docs), str(out / "html")]


def _require(module, what):
    try:
        __import__(module)
    except ImportError:
        message = f"{what} is not installed: pip install -e '.[docs]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    _require("sphinx", "Sphinx")
    _require("myst_nb", "myst-nb")
    root = tmp_path_factory.mktemp("site")
    docs = root / "docs"
    shutil.copytree(DOCS, docs, ignore=shutil.ignore_patterns("_build", "__pycache__", ".ipynb_checkpoints"))
    (root / "exercises").symlink_to(REPO / "exercises", target_is_directory=True)  # conf.py: REPO/exercises
    out = root / "build"
    run = subprocess.run(build_command(docs, out), cwd=REPO, capture_output=True, text=True, timeout=900)
    problems = [line for line in (run.stdout + run.stderr).splitlines()
                if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line) and "[IPKernelApp]" not in line]
    if run.returncode != 0 or problems:
        tail = "\n".join((run.stdout + run.stderr).splitlines()[-15:])
        pytest.fail(f"the docs build failed (exit {run.returncode}); `make docs` shows the same:\n"
                    + "\n".join(problems) + f"\n--- last lines of the log ---\n{tail}", pytrace=False)
    return out / "html"


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


def test_every_student_notebook_is_a_page(built_site):
    students = sorted(p.stem for p in (REPO / "exercises").glob("*.ipynb"))
    pages = {p.stem: p for p in _course_pages(built_site)}
    assert students and sorted(pages) == students


@pytest.fixture(scope="session")
def site_text(built_site):
    """`solution_leaks.site_texts` of the built site, read once for the tests below (4-5 s a reading)."""
    return list(solution_leaks.site_texts(built_site))


def test_the_site_shows_no_line_of_a_solution(built_site, site_text):
    # Every file of the site: the pages, the API pages (docstrings), the highlighted sources
    # (_modules/), the search index, any copied notebook or download.
    sources = sorted((REPO / "exercises" / "source").glob("*.ipynb"))
    students = sorted((REPO / "exercises").glob("*.ipynb"))
    secrets = solution_leaks.secrets_of(sources, students)
    assert len(secrets.code) > 30 and len(secrets.prose) > 300, "are the solution markers still found?"
    files = [relative for relative, _ in site_text]
    assert {"index.html", "searchindex.js", "api/generated/neurodyn_lab.grading.html"} <= set(files)
    assert any(f.startswith("_modules/neurodyn_lab/") for f in files)
    leaks = solution_leaks.leaks_in_site(built_site, secrets, site_text)
    assert not leaks, "lines of the solutions (exercises/source) on the site:\n" + "\n".join(leaks)
    # No page made from a notebook carries nbgrader's markers (the instructors' guide explains them).
    for relative, text in site_text:
        if relative.startswith("course/") or relative.endswith(".ipynb"):
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, relative


def test_the_site_states_no_answer_every_student_shares(site_text):
    from neurodyn_lab.grading.bank import QUESTIONS
    from neurodyn_lab.grading.students import variant_for

    default = variant_for(None)
    shared = solution_leaks.shared_questions(QUESTIONS, [default, variant_for("s1"), variant_for("s2")])
    assert {q.id for q in shared} <= set(solution_leaks.SUBJECTS), "a new shared question: add its subject"
    leaks = [f"{relative}: {qid}: {sentence}"
             for relative, text in site_text if not relative.startswith("_modules/")
             for qid, sentence in solution_leaks.answer_leaks(text, shared, default, solution_leaks.SUBJECTS)]
    assert not leaks, "answers every student shares, stated on the site:\n" + "\n".join(leaks)


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
