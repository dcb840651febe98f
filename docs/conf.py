"""Sphinx configuration of the neurodyn_lab documentation.

Build with ``make docs`` (which runs ``sphinx-build -E -W --keep-going -n -b html docs docs/_build/html``).
The build is offline and keeps nothing between runs that could go stale:

- the course pages are the student notebooks of ``exercises/`` (never ``exercises/source/``; a
  notebook with nbgrader's solution markers stops the build, and ``tests/test_docs.py`` checks that
  no line of a solution is anywhere on the site), copied into ``docs/course/notebooks/`` at the
  start of every build and executed then
  (myst-nb, ``nb_execution_mode = "force"``), in a kernel of this Python with the panels in image
  mode; see ``docs/_ext/nbdocs_kernel.py`` for how a panel becomes a static figure;
- the API reference pages are written into ``docs/api/generated/`` at the start of every build
  from the package's public modules and their ``__all__`` (``docs/_ext/apipages.py``);
- MathJax is served from the site itself (sphinx-mathjax-offline), so no page loads a script or a
  style sheet from another host (``tests/test_docs.py`` checks this);
- intersphinx is not used: it would fetch the inventories of Brian2, NumPy, matplotlib and
  ipywidgets over the network. Names of those libraries in docstrings stay plain text.

``instructors.md`` and ``architecture.md`` are the one source of their pages (other engineers
edit them as Markdown); the site reads them where they are.
"""

import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

import apipages  # noqa: E402  (docs/_ext)

project = "neurodyn_lab"
author = "neurodyn_lab developers"
copyright = "2026, neurodyn_lab developers"
try:
    from neurodyn_lab import __version__ as release
except ImportError:  # the build then fails at the first autodoc directive, with the reason
    release = "unknown"
version = release

extensions = [
    "myst_nb",  # Markdown pages and the notebooks (includes myst_parser)
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.mathjax",  # served from _static/mathjax (see _copy_mathjax): no CDN
    "sphinx.ext.viewcode",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "**.ipynb_checkpoints", "README.md"]
templates_path = []
html_static_path = ["_static"]
html_css_files = ["neurodyn.css"]
html_theme = "sphinx_rtd_theme"
html_theme_options = {"navigation_depth": 3, "collapse_navigation": False}
html_title = f"neurodyn_lab {release}"
html_show_sourcelink = False
html_copy_source = False

# --- strictness: every cross reference must resolve (sphinx-build -n), every warning is an error (-W)
nitpicky = True
# `name` in a docstring links to the object of that name when there is one, and is emphasised
# otherwise (our docstrings also quote argument names that way), as in NumPy's docs. The pages of
# this site use explicit roles ({py:func}`...`), which must resolve.
default_role = "autolink"
nitpick_ignore_regex = [
    # Types of the libraries below are not in this site and intersphinx is off (offline build): a
    # reference to them stays text instead of failing the build.
    (r"py:.*", r"(brian2|numpy|np|matplotlib|ipywidgets|traitlets|IPython|pathlib|nbformat)(\..*)?"),
    (r"py:.*", r"(Quantity|Figure|Axes|ndarray|array_like|Path|VBox|Tab|Widget)"),
    # A private base class ("Bases: neurodyn_lab.panels._base.Panel") is not documented.
    (r"py:class", r"neurodyn_lab(\.\w+)*\._\w+(\.\w+)*"),
    # Base classes from nbgrader, jupyter_client, jupyter_server and the standard library, shown as "Bases: ..."
    # (intersphinx is off).
    (r"py:class", r"(nbgrader|jupyter_client|jupyter_server|collections)(\.\w+)+"),
]

# --- autodoc and numpydoc
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the docstrings say the types and units
autodoc_preserve_defaults = True  # signatures show "dt=0.1 * ms", not Brian2's "100. * usecond"
autosummary_generate = False  # apipages writes the pages; autosummary only draws the tables
numpydoc_show_class_members = False  # members are documented by autodoc below each class
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

# --- myst and the notebooks
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"  # execute every notebook on every build: no cached outputs
nb_execution_timeout = 180  # seconds per cell
nb_execution_raise_on_error = False  # a failing cell is a warning (mystnb.exec): listed, then the build fails
nb_execution_show_tb = True  # ... with the traceback in the log
nb_kernel_rgx_aliases = {".*": "neurodyn-docs"}  # whatever the notebook names: our kernel
nb_output_stderr = "warn"  # a notebook that writes to stderr (a warning, a Brian2 message) fails the build
nb_merge_streams = True
# No widget output on a static page: the kernel adds a static HTML rendering of each panel instead.
nb_mime_priority_overrides = [("*", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}  # would load require.js and the widget manager from a CDN
# The answer record check() puts beside its feedback (application/vnd.neurodyn-lab.check+json, for the
# instructor's autograder) has no renderer: myst-nb renders every part of a bundle before it picks
# text/html for the page, and warns about that part. The page shows the feedback, never the record.
suppress_warnings = ["mystnb.unknown_mime_type"]

# --- MathJax 3, from the files of the sphinx-mathjax-offline package (Apache-2.0, MathJax 3.2.2).
# Its own Sphinx extension is not used: it copies all 24 MB of MathJax and does not declare itself
# safe for parallel reading (sphinx -j). Only TeX input with CommonHTML output is served, plus what
# that component loads on demand (TeX extensions, fonts, the menu's accessibility tools).
mathjax_path = "mathjax/tex-chtml.js"
MATHJAX_UNUSED = {"tex-chtml-full.js", "tex-chtml-full-speech.js", "tex-mml-chtml.js", "tex-mml-svg.js",
                  "tex-svg.js", "tex-svg-full.js", "mml-chtml.js", "mml-svg.js", "node-main.js",
                  "latest.js"}  # latest.js would load MathJax from a CDN


def _mathjax_source():
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("MathJax is served from the package sphinx-mathjax-offline: pip install -e '.[docs]'")
    return Path(spec.origin).parent / "static" / "mathjax"


def _copy_mathjax(app, exc):
    if exc is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.copytree(_mathjax_source(), target, dirs_exist_ok=True,
                    ignore=lambda directory, names: [n for n in names if n in MATHJAX_UNUSED])


# --- the kernel the notebooks run in
KERNEL_ENV = {"NEURODYN_LAB_VIEW": "image", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def _kernel_dir():
    """A Jupyter data directory holding the one kernel spec the course notebooks run in.

    The kernel is this Python (so the docs run against the installed package, whatever kernel
    specs the machine has), with the panels in image mode and the static-panel extension loaded.
    """
    base = Path(tempfile.mkdtemp(prefix="neurodyn-docs-jupyter-"))
    spec = base / "kernels" / "neurodyn-docs"
    spec.mkdir(parents=True)
    pythonpath = os.pathsep.join(filter(None, [str(DOCS / "_ext"), os.environ.get("PYTHONPATH")]))
    import json

    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--InteractiveShellApp.extensions=['nbdocs_kernel']",
                 # The kernel's own log (e.g. "running over TCP without encryption" on loopback) is
                 # noise in the build log; what the notebook writes is not affected.
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": "neurodyn_lab docs",
        "language": "python",
        "env": {**KERNEL_ENV, "PYTHONPATH": pythonpath},
    }))
    return base


SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")


def _sync_notebooks():
    """Copy the student notebooks (exercises/*.ipynb, never exercises/source/) into course/notebooks/.

    A notebook that still holds nbgrader's solution markers is a solution, not a student copy: the
    build stops and names it rather than publish it.
    """
    target = DOCS / "course" / "notebooks"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for notebook in sorted((REPO / "exercises").glob("*.ipynb")):
        text = notebook.read_text(encoding="utf-8")
        marker = next((m for m in SOLUTION_MARKERS if m in text), None)
        if marker is not None:
            raise RuntimeError(f"exercises/{notebook.name} holds {marker!r}: the site shows the student notebooks, "
                               "made from exercises/source/ by `make exercises`; run it, or move the notebook there")
        shutil.copy2(notebook, target / notebook.name)


def compat_available():
    """Whether ``neurodyn_lab.compat.neurodynex3`` (the neurodynex3 layer) is part of the package."""
    try:
        return importlib.util.find_spec("neurodyn_lab.compat.neurodynex3") is not None
    except ImportError:  # no neurodyn_lab.compat at all
        return False


def _drop_unavailable_pages(app, docname, source):
    # The "Coming from neurodynex3" page documents neurodyn_lab.compat.neurodynex3: it is built
    # only when that package exists; otherwise its toctree line is dropped here.
    if docname == "guide/index" and not compat_available():
        source[0] = "\n".join(line for line in source[0].splitlines() if "from-neurodynex3" not in line)


def _resolve_short_names(app, env, node, contnode):
    """Resolve a docstring's `name` (the default role) that Sphinx's own lookup missed.

    Sphinx looks a bare name up in the current module and class only, so `LIFParams` in the
    grading module's docstring would not find ``neurodyn_lab.parameters.LIFParams``. A bare name
    that is the last part of exactly one documented object links to it; any other bare name (an
    argument, a field, an undocumented helper) stays text, as the default role "autolink" does.
    Dotted names and explicit roles ({py:func}`...`) are left to Sphinx and must resolve.
    """
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    domain = env.get_domain("py")
    if "." in target:
        # A name re-exported elsewhere (`neurodyn_lab.simulate`): link to where it is documented.
        documented = _documented_name(target)
        if documented in domain.objects:
            return domain.resolve_xref(env, node["refdoc"], app.builder, "obj", documented, node, contnode)
        return None
    if node.get("reftype") != "obj" or node.get("refexplicit"):
        return None
    matches = [name for name, _ in domain.objects.items() if name.rsplit(".", 1)[-1] == target]
    if len(matches) == 1:
        return domain.resolve_xref(env, node["refdoc"], app.builder, "obj", matches[0], node, contnode)
    return contnode


def _documented_name(dotted):
    """The defining module and name of the function or class that `dotted` names, or None."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        return f"{module}.{qualname}" if module and qualname else None
    return None


def _prepare(app):
    _sync_notebooks()
    apipages.write_pages(DOCS / "api" / "generated", "neurodyn_lab")


if not compat_available():
    exclude_patterns.append("guide/from-neurodynex3.md")

_jupyter = _kernel_dir()
os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(_jupyter), os.environ.get("JUPYTER_PATH")]))


def setup(app):
    app.connect("builder-inited", _prepare)
    app.connect("source-read", _drop_unavailable_pages)
    app.connect("missing-reference", _resolve_short_names)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", lambda app, exc: shutil.rmtree(_jupyter, ignore_errors=True))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
