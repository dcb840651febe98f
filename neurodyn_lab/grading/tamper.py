"""Reading a student's cell for things that touch the grading code (the autograder's flags).

The autograder never trusts the student's kernel to decide a grade, so none of these can raise a
score; they are flagged so the instructor sees them, and they cost the points of the questions they
could affect (`autograde` decides which: only what the student wrote counts, never a cell or a
statement the course shipped). The analysis reads the source (it does not run it): imports of the
grading package, the engine or the introspection modules, rebinding the names
check/summary/QUESTIONS, reaching into functions and frames (``__globals__``, ``__closure__``,
``f_locals``, ...), dynamic access (``getattr``, ``eval``, ``__import__``) and the closed forms of
`neurodyn_lab.analysis`.

Each finding names the statement it is in (``Finding.statement``, the statement's code without
comments or layout), so a statement the course shipped can be told from one the student wrote
(`statements`); `normalised` does the same for a whole cell.

Examples
--------
>>> [f.text for f in findings("import neurodyn_lab.grading as g\\ng.check = print")]
['imports neurodyn_lab.grading', 'rebinds .check']
>>> [f.text for f in findings("closed = analysis\\nrate = closed.firing_rate(drive, q)")]
["calls analysis.firing_rate, the package's closed form"]
>>> findings("rates = [float(r) for r in measured]")
[]
>>> shipped = "drive = 1.5 * I_rh\\nprint(analysis.firing_rate(drive, q))"
>>> edited = "drive = 2.5 * I_rh  # a parameter changed\\nprint(analysis.firing_rate(drive, q))"
>>> [f.statement in statements(shipped) for f in findings(edited)]
[True]
>>> normalised(edited) == normalised(shipped), normalised("x = 1  # a comment") == normalised("x = 1")
(False, True)
"""

import ast
from dataclasses import dataclass, field

from .sandbox import CLOSED_FORMS

__all__ = ["Finding", "findings", "without_magics", "normalised", "statements"]

#: Names the grading code gives the notebook; rebinding one changes what a check cell calls.
_GRADING_NAMES = {"check", "summary", "grade", "student", "mystery_neuron", "QUESTIONS", "questions_of",
                  "assert_passed", "assert_all_passed", "CheckResult", "reset", "strict_mode"}
#: Modules whose import in an answer cell is a flag: the grading package, the engine (its arrays
#: hold the last parameters), and introspection.
_MODULES = {
    "neurodyn_lab.grading": "grading", "neurodyn_lab.engine": "engine", "importlib": "introspection",
    "inspect": "introspection", "gc": "introspection", "ctypes": "introspection", "unittest.mock": "grading",
    "builtins": "introspection", "types": "introspection",
}
_DUNDERS = {"__globals__", "__closure__", "__code__", "__builtins__", "__wrapped__", "__func__", "__self__",
            "__subclasses__", "__dict__", "__getattribute__", "cell_contents", "f_locals", "f_globals", "f_back",
            "f_code", "tb_frame", "tb_next", "gi_frame", "cr_frame", "co_consts"}
_DYNAMIC = {"getattr", "setattr", "delattr", "vars", "globals", "locals", "eval", "exec", "compile", "__import__",
            "breakpoint", "open"}


@dataclass(frozen=True)
class Finding:
    """One flag: `kind` (``"grading"``, ``"engine"``, ``"introspection"``, ``"dynamic"``,
    ``"closed form"`` or ``"unreadable"``), the line, one sentence for the instructor, and the
    statement it is in (normalised as in `statements`; empty for an unreadable cell)."""

    kind: str
    line: int
    text: str
    statement: str = field(default="", repr=False, compare=False)


def without_magics(source):
    """`source` with IPython magics and shell lines (``%...``, ``!...``) turned into comments."""
    return "\n".join("# " + line if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _key(node):
    # The code of a statement or module without comments, blank lines or layout.
    return ast.dump(node, annotate_fields=False)


def normalised(source):
    """`source` (a cell) without comments, blank lines, layout and IPython magics: two cells that run
    the same code give the same text (for a cell that is not valid Python, its stripped lines)."""
    try:
        return _key(ast.parse(without_magics(source)))
    except SyntaxError:
        return "\n".join(line.rstrip() for line in source.strip().splitlines())


def statements(source):
    """The statements of `source` at every depth (a loop and each statement in its body), each
    normalised as in `normalised`; an empty set for a cell that is not valid Python."""
    try:
        tree = ast.parse(without_magics(source))
    except SyntaxError:
        return set()
    return {_key(node) for node in ast.walk(tree) if isinstance(node, ast.stmt)}


def _with_statements(tree):
    """Every node of `tree` with the innermost statement it belongs to."""
    pending = [(tree, None)]
    while pending:
        node, statement = pending.pop()
        yield node, statement
        for child in ast.iter_child_nodes(node):
            pending.append((child, child if isinstance(child, ast.stmt) else statement))


def _analysis_names(tree):
    """Names the module `neurodyn_lab.analysis` goes by in `tree`: ``analysis``, the names it is
    imported as, and names it is assigned to (``an = analysis``)."""
    names = {"analysis"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname for a in node.names if a.name == "neurodyn_lab.analysis" and a.asname}
        elif isinstance(node, ast.ImportFrom) and node.module == "neurodyn_lab":
            names |= {a.asname for a in node.names if a.name == "analysis" and a.asname}
    changed = True
    while changed:  # an = analysis; b = an
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and (isinstance(node.value, ast.Name) and node.value.id in names or
                                                 isinstance(node.value, ast.Attribute) and node.value.attr == "analysis"):
                new = {t.id for t in node.targets if isinstance(t, ast.Name)} - names
                names |= new
                changed = changed or bool(new)
    return names


def _module_kind(name):
    for module, kind in _MODULES.items():
        if name == module or name.startswith(module + "."):
            return kind
    return None


def findings(source):
    """The flags of one cell's `source`, in line order (an empty list for an honest answer)."""
    try:
        tree = ast.parse(without_magics(source))
    except SyntaxError as error:
        return [Finding("unreadable", error.lineno or 0, "the cell is not valid Python, so it could not be "
                                                           "checked for changes to the grading code")]
    found = []
    # Names a closed form was imported under, anywhere in the cell (used before or after the import).
    closed_form_names = {alias.asname or alias.name for node in ast.walk(tree)
                         if isinstance(node, ast.ImportFrom) and node.module == "neurodyn_lab.analysis"
                         for alias in node.names if alias.name in CLOSED_FORMS}
    analysis_names = _analysis_names(tree)
    statement_of = {id(node): statement for node, statement in _with_statements(tree)}

    def add(kind, node, text):
        statement = statement_of.get(id(node))
        found.append(Finding(kind, getattr(node, "lineno", 0), text, _key(statement) if statement else ""))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                kind = _module_kind(alias.name)
                if kind:
                    add(kind, node, f"imports {alias.name}")
                if alias.name == "neurodyn_lab.analysis" or alias.name.startswith("neurodyn_lab.analysis"):
                    add("closed form", node, "imports neurodyn_lab.analysis (the package's closed forms)")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [alias.name for alias in node.names]
            kind = _module_kind(module)
            if kind:
                add(kind, node, f"imports from {module}")
            if module == "neurodyn_lab":
                for name in names:
                    if name in ("grading", "engine"):
                        add(name, node, f"imports neurodyn_lab.{name}")
                    elif name in _GRADING_NAMES:
                        add("grading", node, f"imports {name} from neurodyn_lab")
                    elif name == "analysis":
                        add("closed form", node, "imports neurodyn_lab.analysis (the package's closed forms)")
            if module == "neurodyn_lab.analysis":
                picked = [n for n in names if n in CLOSED_FORMS or n == "*"]
                if picked:
                    add("closed form", node, f"imports the closed form {', '.join(picked)} from neurodyn_lab.analysis")
        elif isinstance(node, ast.Attribute):
            if node.attr in _DUNDERS:
                add("introspection", node, f"reaches into {node.attr}")
            elif node.attr in CLOSED_FORMS and (
                    isinstance(node.value, ast.Name) and node.value.id in analysis_names
                    or isinstance(node.value, ast.Attribute) and node.value.attr == "analysis"):
                add("closed form", node, f"calls analysis.{node.attr}, the package's closed form")
            elif node.attr == "modules" and isinstance(node.value, ast.Name) and node.value.id == "sys":
                add("introspection", node, "reaches into sys.modules")
            elif node.attr in _GRADING_NAMES and isinstance(node.ctx, (ast.Store, ast.Del)):
                add("grading", node, f"rebinds .{node.attr}")
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node.value
            while isinstance(base, (ast.Attribute, ast.Subscript)) and not (
                    isinstance(base, ast.Attribute) and base.attr in _GRADING_NAMES):
                base = base.value
            name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
            if name in _GRADING_NAMES:
                add("grading", node, f"edits {name} (the question bank)" if name == "QUESTIONS" else f"edits {name}")
        elif isinstance(node, ast.Name):
            if node.id in _GRADING_NAMES and isinstance(node.ctx, (ast.Store, ast.Del)):
                add("grading", node, f"rebinds {node.id}")
            elif node.id in _DYNAMIC and isinstance(node.ctx, ast.Load):
                add("dynamic", node, f"uses {node.id}(), which can reach the grading code by name")
            elif node.id in closed_form_names and isinstance(node.ctx, ast.Load):
                add("closed form", node, f"calls {node.id}, the package's closed form")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in _GRADING_NAMES:
                add("grading", node, f"defines its own {node.name}")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                if name in _GRADING_NAMES:
                    add("grading", node, f"rebinds {name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if "grading" in text or "neurodyn_lab.engine" in text or any(d in text for d in _DUNDERS):
                add("dynamic", node, "names the grading code in a string")
    unique = {}
    for finding in sorted(found, key=lambda f: (f.line, f.text)):
        unique.setdefault((finding.kind, finding.line, finding.text), finding)
    return list(unique.values())
