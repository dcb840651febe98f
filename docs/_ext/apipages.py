"""Write the API reference pages: one page per public module, every public name documented once.

A module is public when no part of its dotted name starts with an underscore. Its public names are
its ``__all__`` (or, without one, the functions and classes defined in it whose names do not start
with an underscore). Each name is documented on the page of the shallowest public module below the
top-level package that lists it, which is where a user imports it from (``neurodyn_lab.panels``
rather than ``neurodyn_lab.panels.step``); autodoc then records the defining module as the
canonical name, so references to either resolve. The top-level package's page lists its
re-exports and links to them.

The pages are regenerated on every build (conf.py calls `write_pages` before Sphinx reads the
sources), so a new module or a new name appears without editing the docs, and a removed one leaves
no stale page behind.
"""

import importlib
import inspect
import pkgutil
import shutil
from pathlib import Path

# Importable only with an optional extra, and documented elsewhere: the notebook builder is the
# instructors' tool (docs/instructors.md); `python -m neurodyn_lab` is the command (cli).
SKIP_MODULES = {"neurodyn_lab.__main__"}


def public_modules(package):
    """Dotted names of the package and its public submodules, sorted."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if any(part.startswith("_") for part in info.name.split(".")) or info.name in SKIP_MODULES:
            continue
        names.append(info.name)
    return sorted(names)


def public_names(module):
    """The names a module offers: ``__all__``, or its own public functions and classes."""
    if hasattr(module, "__all__"):
        return [n for n in module.__all__ if not n.startswith("__")]
    return [
        name for name, obj in vars(module).items()
        if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", None) == module.__name__
    ]


def homes(package):
    """Map each module to the names documented on its page (each name on one page only)."""
    modules = {name: importlib.import_module(name) for name in public_modules(package)}
    home_of = {}
    # Shallowest first; the top-level package only re-exports, so it is considered last.
    order = sorted((m for m in modules if m != package), key=lambda m: (m.count("."), m)) + [package]
    for modname in order:
        module = modules[modname]
        for name in public_names(module):
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                continue
            key = _identity(obj, modname, name)
            home_of.setdefault(key, (modname, name))
    pages = {m: [] for m in modules}
    for modname, name in home_of.values():
        pages[modname].append(name)
    return modules, pages, home_of


def _identity(obj, modname, name):
    # A re-exported object is the same object in both modules (a function, a class, a dict such
    # as PRESETS). Small immutable values (a number, a string) may be equal by chance, so they are
    # told apart by the module and name that hold them.
    if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
        return ("value", modname, name)
    return ("obj", id(obj))


def _directive(obj):
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "autoexception"
        return "autoclass"
    if callable(obj):
        return "autofunction"
    return "autodata"


def _foreign_bases(cls, package):
    """The classes in `cls`'s MRO that are not ours: members defined by them are not listed."""
    return ",".join(dict.fromkeys(base.__name__ for base in cls.__mro__[1:]
                                  if not base.__module__.startswith(package)))


def _foreign_members(cls, package):
    """Methods another library wrote into our class (matplotlib gives every Artist subclass its own
    ``set``): their docstrings are that library's, in its own Sphinx dialect."""
    return sorted(name for name, member in vars(cls).items()
                  if callable(member) and not name.startswith("_")
                  and not (getattr(member, "__module__", None) or package).startswith(package))


def _data_entry(name, obj, package):
    """A constant: its ``#:`` comment as the description, never its value or its type's docstring.

    (autodata would print the value, e.g. the whole question bank, and a constant without a comment
    would get the docstring of its type, e.g. Brian2's Quantity.)
    """
    import sys

    from sphinx.pycode import ModuleAnalyzer

    comment = []
    holders = [m for m, module in sorted(sys.modules.items())
               if m.split(".")[0] == package and getattr(module, name, None) is obj]
    for modname in holders:
        try:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
        except Exception:  # no source (a compiled module): no comment
            continue
        comment = [line for line in docs.get(("", name), []) if line.strip()]
        if comment:
            break
    return [f".. py:data:: {name}", ""] + [f"   {line}" for line in comment] + [""]


def module_page(modname, module, names, package, home_of):
    title = f"``{modname}``"
    lines = [title, "=" * len(title), "", f".. automodule:: {modname}", "   :no-members:", ""]
    documented = [n for n in names if not inspect.ismodule(getattr(module, n))]
    if documented:
        lines += [f".. currentmodule:: {modname}", "", ".. autosummary::", "   :nosignatures:", ""]
        lines += [f"   {n}" for n in documented]
        lines.append("")
        for name in documented:
            obj = getattr(module, name)
            directive = _directive(obj)
            if directive == "autodata":
                lines += _data_entry(name, obj, package)
                continue
            lines.append(f".. {directive}:: {name}")
            if directive == "autoclass":
                lines.append(f"   :inherited-members: {_foreign_bases(obj, package)}")
                generated = _foreign_members(obj, package)
                if generated:
                    lines.append(f"   :exclude-members: {', '.join(generated)}")
            lines.append("")
    elsewhere = []
    for name in public_names(module):
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            elsewhere.append(f"- :py:mod:`{obj.__name__}`")
            continue
        if name in documented:
            continue
        home = home_of.get(_identity(obj, modname, name))
        if home is not None and home[0] != modname:
            elsewhere.append(f"- :py:obj:`{name} <{home[0]}.{home[1]}>`")
    if elsewhere:
        lines += ["Also available here", "-------------------", ""] + elsewhere + [""]
    return "\n".join(lines)


def write_pages(target, package):
    """Write one reStructuredText page per public module of `package` into `target` (emptied first)."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    modules, pages, home_of = homes(package)
    for modname, module in modules.items():
        if not pages[modname] and not hasattr(module, "__path__"):
            continue  # a module whose names are all documented where they are imported from
        text = module_page(modname, module, pages[modname], package, home_of)
        (target / f"{modname}.rst").write_text(text, encoding="utf-8")
    return sorted(modules)
