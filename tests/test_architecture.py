"""The package's shape, read from its source: layers, import cycles and private names.

Layers, lowest first (docs/architecture.md): parameters -> inputs -> engine -> plotting ->
results/simulation/analysis -> the classic functions and the neurodynex3 layer -> panels -> grading
-> the command line. `plotting` draws arrays and anything shaped like a recording, and knows nothing
of `results`; the results' ``plot()`` methods call it. A module imports only from its own layer or the
layers below it; no two modules import each other, directly or round a longer circle (a function-level
import counts: it is a circle that only shows later); and no module reaches another module's
underscored names (``from .x import _y``), except a package's own ``__init__`` gathering its
private modules' public names and the fence modules that exist to touch a dependency's internals.

The imports are read with `ast` (nothing is imported), so a test here fails on the line that breaks
the rule, with the module and the name.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "neurodyn_lab"

#: Layer of each top-level module or subpackage of neurodyn_lab (lower imports nothing higher).
LAYERS = {
    "_config": 0, "_validation": 0,
    "parameters": 1,
    "inputs": 2,
    "engine": 3,
    "plotting": 4,
    "results": 5, "simulation": 5, "analysis": 5,
    "lif": 6, "compat": 6,
    "panels": 7,
    "grading": 8,
    "cli": 9, "__main__": 9, "jupyter_nodelay": 9, "": 9,  # "" is the package's own __init__
}


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def all_modules():
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = all_modules()


def imports_of(name, path):
    """(line, imported module, imported name or None) of every import of neurodyn_lab in `path`."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("neurodyn_lab"):
                continue
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                if submodule in MODULES:  # `from . import x` imports the module x
                    found.append((node.lineno, submodule, None))
                else:
                    found.append((node.lineno, module, alias.name))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, None) for a in node.names if a.name.startswith("neurodyn_lab"))
    return found


def layer_of(module):
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    return LAYERS.get(top)


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if layer_of(m) is None)
    assert not missing, f"modules with no layer in tests/test_architecture.py LAYERS: {missing}"


def test_no_module_imports_a_higher_layer():
    wrong = []
    for name, path in MODULES.items():
        for line, module, _ in imports_of(name, path):
            if module == "neurodyn_lab" and layer_of(name) < LAYERS[""]:
                wrong.append(f"{name}:{line} imports the package itself (neurodyn_lab), the top layer")
            elif (layer_of(module) or 0) > (layer_of(name) or 0):
                wrong.append(f"{name}:{line} imports {module} (layer {layer_of(module)} > {layer_of(name)})")
    assert not wrong, "\n".join(wrong)


def _graph():
    graph = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for _, module, _ in imports_of(name, path):
            if module in MODULES and module != name:
                graph[name].add(module)
    return graph


def _cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _package_edges_removed(graph):
    """The graph without the edges from a package's __init__ to its own submodules: an __init__
    that gathers its submodules' names is how a package has a public face, and is not a circle
    unless a submodule also imports the __init__ (that edge stays)."""
    return {v: {w for w in ws if not w.startswith(v + ".")} for v, ws in graph.items()}


def test_there_are_no_import_circles():
    cycles = _cycles(_package_edges_removed(_graph()))
    assert not cycles, "import circles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


#: Modules whose job is to touch other modules' private names.
FENCES = {"neurodyn_lab.engine._fastpath", "neurodyn_lab.panels._ipympl"}


def test_no_module_imports_another_modules_private_names():
    wrong = []
    for name, path in MODULES.items():
        for line, module, imported in imports_of(name, path):
            if imported is None or not imported.startswith("_") or imported.startswith("__"):
                continue
            own_package = path.name == "__init__.py" and module.startswith(name + ".")
            if not own_package and name not in FENCES:
                wrong.append(f"{name}:{line} imports {imported} from {module}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module, source, expected", [
    ("neurodyn_lab.x", "from .engine import _core", ["neurodyn_lab.engine._core"]),
    ("neurodyn_lab.panels.step", "from ..results import LIFResult", ["neurodyn_lab.results"]),
    ("neurodyn_lab.panels.step", "from . import _base", ["neurodyn_lab.panels._base"]),
    ("neurodyn_lab.panels.step", "import numpy\nfrom brian2 import ms", []),
])
def test_imports_are_read_relative_to_their_package(tmp_path, module, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source)
    assert [m for _, m, _ in imports_of(module, path)] == expected


#: Modules that touch the environment for another reason than reading the package's configuration
#: (which only `_config` reads).
ENVIRONMENT_USERS = {
    "neurodyn_lab._config": "reads the package's configuration, once",
    "neurodyn_lab.engine.shared_cache": "CC, CXX and CYTHON_CACHE_DIR are inputs of Brian2's own cache key and folder",
    "neurodyn_lab.grading.sandbox": "builds the environment of the process that runs a function answer",
    "neurodyn_lab.grading.confine": "builds the environment of the sandboxed kernel",
}


def test_only_config_reads_the_environment():
    wrong = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            reads = (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")
                     and isinstance(node.value, ast.Name) and node.value.id == "os")
            if reads and name not in ENVIRONMENT_USERS:
                wrong.append(f"{name}:{node.lineno} reads os.{node.attr}: read neurodyn_lab._config.settings() instead")
    assert not wrong, "\n".join(wrong)
