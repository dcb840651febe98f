"""No module-level mutable state in the package (issue 17, item 2).

State lives in objects a caller can construct: the engine (`engine.default_engine()` is the one a
notebook shares), the panels' `Display` (`panels._view.default_display()`), the grading session;
configuration is read once by `_config.settings()`. A module may hold a class or a constant built
once on first use, like an import, and says so in a comment on the line before it.

The scan reads the source (it imports nothing), so it covers every module, also those that need
optional dependencies.
"""

import ast
import warnings
from pathlib import Path

import pytest

import neurodyn_lab
from neurodyn_lab.panels import _canvas, _view

PACKAGE = Path(neurodyn_lab.__file__).parent

#: module (relative path) -> names allowed to be assigned at module level by a `global` statement
#: or lazily: each is a constant built once (a class made on first use, like an import).
LAZY_CONSTANTS = {
    "panels/_canvas.py": {"_widget_class"},
    "grading/solutions.py": {"_worked_class"},
}
#: The process's defaults, each an object a test or a second user constructs for itself instead.
DEFAULT_OBJECTS = {
    "engine/_core.py": {"_DEFAULT"},  # the default engine
    "panels/_view.py": {"_DEFAULT"},  # the panels' default Display
}
#: Registries kept elsewhere for now, each with its reason. None: which panels each cell of a kernel
#: made is the Display's (`panels._view.Display.cells`), no longer a module's registry by shell.
KNOWN_ELSEWHERE: dict = {}
#: functions cached for the process: the one configuration object, read once.
CACHED_FUNCTIONS = {"_config.py": {"settings"}}

_EMPTY_CONTAINERS = {"set", "dict", "list", "defaultdict", "OrderedDict", "WeakKeyDictionary",
                     "WeakValueDictionary", "WeakSet", "deque", "Counter"}


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if ".ipynb_checkpoints" not in p.parts)


def _called_name(node):
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return None


def _decorator_name(node):
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)


def findings(path, root=PACKAGE):
    """What in `path` looks like module-level mutable state: (line, what) pairs, in line order."""
    rel = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:  # module level only: a function's or a class's own containers are its own
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        empty = (isinstance(value, (ast.List, ast.Set)) and not value.elts) or (
            isinstance(value, ast.Dict) and not value.keys) or (
            _called_name(value) in _EMPTY_CONTAINERS and not value.args and not value.keywords)
        for target in targets:
            name = getattr(target, "id", None)
            if empty and name not in DEFAULT_OBJECTS.get(rel, set()) | KNOWN_ELSEWHERE.get(rel, set()):
                found.append((node.lineno, f"{name} = an empty container filled later"))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name not in CACHED_FUNCTIONS.get(rel, set()):
            # a module function's cache is the process's (a method's would be its object's)
            found += [(node.lineno, f"@{_decorator_name(d)} on {node.name}") for d in node.decorator_list
                      if _decorator_name(d) in ("lru_cache", "cache")]
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found += [(node.lineno, f"global {name}") for name in node.names
                      if name not in LAZY_CONSTANTS.get(rel, set())]
    return sorted(found)


def test_no_module_level_mutable_state_in_the_package():
    found = {path.relative_to(PACKAGE).as_posix(): f for path in _modules() if (f := findings(path))}
    assert not found, f"module-level state (move it into an object that owns it): {found}"


def test_each_lazy_constant_says_why_it_may_stay():
    for rel, names in LAZY_CONSTANTS.items():
        lines = (PACKAGE / rel).read_text(encoding="utf-8").splitlines()
        for name in names:
            at = next(i for i, line in enumerate(lines) if line.startswith(f"{name} = None"))
            assert "constant built once" in lines[at - 1], f"{rel}: {name} without its one-line reason"


def test_the_scan_finds_what_it_looks_for(tmp_path):
    # A scan that finds nothing in anything would pass the test above for nothing.
    source = ("import functools\n_warned = set()\n_seen = {}\n_checked = None\n"
              "def f():\n    global _checked\n    _checked = True\n"
              "@functools.lru_cache(maxsize=8)\ndef g(x):\n    return x\n")
    module = tmp_path / "panels" / "bad.py"
    module.parent.mkdir()
    module.write_text(source)
    assert [what for _, what in findings(module, root=tmp_path)] == [
        "_warned = an empty container filled later", "_seen = an empty container filled later", "global _checked",
        "@lru_cache on g"]


def _broken():
    raise ImportError("No module named 'anywidget'")


def test_the_canvas_self_check_keeps_nothing_and_each_display_warns_once():
    assert _canvas.self_check(_broken) == _canvas.self_check(_broken) == "ImportError: No module named 'anywidget'"
    first, second = _view.Display(canvas_class=_broken), _view.Display(canvas_class=_broken)
    for display in (first, second):  # each display (a kernel) says it once, whatever the other said
        with pytest.warns(RuntimeWarning, match="browser-drawn view does not work here") as record:
            assert display.resolve("canvas") == "image"
            assert display.resolve("canvas") == "image"
        assert len(record) == 1
    assert "does not work" in repr(first)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first.warn_once("canvas", "said already")  # the topic was warned: silent


def test_a_display_refuses_a_wrong_view_in_one_sentence():
    with pytest.raises(ValueError, match=r"^view must be one of 'auto', 'canvas', 'ipympl', 'image', got "):
        _view.Display(view="svg")
    assert _view.Display(view="image").resolve(None) == "image"
