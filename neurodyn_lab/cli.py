"""The ``neurodyn-lab`` command: put the student notebooks somewhere of the student's own and open
JupyterLab on them, without ever writing over work that is already there.

    neurodyn-lab lab [DIR]    copy the notebooks into DIR (default ./neurodyn-lab-work), start JupyterLab
    neurodyn-lab copy [DIR]   copy only
    neurodyn-lab warmup       compile the models the panels use, so no student waits for a compile
    neurodyn-lab --version

Example::

    $ neurodyn-lab copy ~/course
    copied 00_getting_started.ipynb
    kept your 01_step_current.ipynb (it differs from this version; `--update` puts the new one beside it)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

DEFAULT_DIR = "neurodyn-lab-work"
FIRST_NOTEBOOK = "00_getting_started.ipynb"


class CLIError(Exception):
    """A problem the user can fix; printed as one sentence, without a traceback."""


# --------------------------------------------------------------------------------------------
# Where the student notebooks are


def _package_dir() -> Path:
    return Path(__file__).resolve().parent


def notebook_source() -> Path:
    """Return the folder holding the student notebooks this installation ships.

    A wheel carries them in ``neurodyn_lab/notebooks/`` (setup.py copies ``exercises/*.ipynb``
    there at build time). An editable install or a plain checkout has no such copy, so the
    repository's ``exercises/`` folder is used instead.

    >>> sorted(p.name for p in notebook_source().glob("*.ipynb"))[0]
    '00_getting_started.ipynb'
    """
    packaged = _package_dir() / "notebooks"
    if any(packaged.glob("*.ipynb")):
        return packaged
    repo = _package_dir().parent
    exercises = repo / "exercises"
    # Only a checkout of this project counts: never pick up some unrelated "exercises" folder.
    if (repo / "pyproject.toml").is_file() and any(exercises.glob("*.ipynb")):
        return exercises
    raise CLIError(
        f"this installation of neurodyn_lab ships no notebooks (looked in {packaged} and "
        f"{exercises}); reinstall it from a wheel or a full checkout"
    )


def student_notebooks() -> list[Path]:
    """The student notebooks, in course order (their names start with the lesson number)."""
    return sorted(notebook_source().glob("*.ipynb"))


# --------------------------------------------------------------------------------------------
# Copying without overwriting


@dataclass(frozen=True)
class CopyAction:
    """What happened to one notebook: ``copied``, ``kept``, ``unchanged``, ``updated`` or
    ``blocked`` (something that is not a notebook file has its name; nothing was written).

    >>> CopyAction("01.ipynb", "blocked", what="a folder").message()
    '01.ipynb not copied: a folder has that name in the destination (nothing was written; move it away and run again)'
    """

    name: str
    action: str
    written: str | None = None  # the file name written, if any
    what: str | None = None  # for "blocked": what holds the name

    def message(self) -> str:
        if self.action == "copied":
            return f"copied {self.name}"
        if self.action == "unchanged":
            return f"{self.name} is already this version"
        if self.action == "kept":
            return (
                f"kept your {self.name} (it differs from this version; "
                f"`--update` puts the new one beside it)"
            )
        if self.action == "updated":
            return f"kept your {self.name}; the new version is {self.written}"
        if self.action == "blocked":
            return (f"{self.name} not copied: {self.what} has that name in the destination "
                    f"(nothing was written; move it away and run again)")
        raise ValueError(f"unknown action {self.action!r}")


def _not_a_notebook_file(path: Path) -> str | None:
    """What holds `path` if it is not a regular file (or a symlink to one): None if it is a file or free."""
    if path.is_symlink() and not path.exists():
        return f"a symbolic link to {os.readlink(path)}, which does not exist,"
    if not path.exists() or path.is_file():
        return None
    if path.is_dir():
        return "a folder"
    import stat

    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    return "something that is not a file"


def resolve_directory(directory: Path | str) -> Path:
    """The folder the user means: ``~`` expanded (also when the shell did not, as in ``"~/x"``), absolute.

    >>> resolve_directory("~/course") == Path.home() / "course"
    True
    """
    return Path(os.path.abspath(Path(directory).expanduser()))


def prepare_directory(directory: Path) -> Path:
    """Create `directory` if only it is missing, and check that it is a writable folder."""
    directory = resolve_directory(directory)
    if directory.is_symlink() and not directory.exists():
        raise CLIError(f"{directory} is a symbolic link to {os.readlink(directory)}, which does not exist; "
                       f"create that folder or choose another place")
    if directory.exists() and not directory.is_dir():
        raise CLIError(f"{directory} exists but is not a folder; choose another place")
    if not directory.exists():
        parent = directory.absolute().parent
        if not parent.is_dir():
            raise CLIError(
                f"cannot create {directory}: the folder {parent} does not exist "
                f"(create it first, or choose another place)"
            )
        try:
            directory.mkdir()
        except PermissionError:
            raise CLIError(f"cannot create {directory}: no permission to write in {parent}") from None
        except OSError as exc:
            raise CLIError(f"cannot create {directory}: {exc.strerror or exc}") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise CLIError(f"cannot write in {directory}: permission denied; choose another place")
    return directory


def _write_new(path: Path, data: bytes) -> None:
    # "x" fails if the file appeared meanwhile: even a race never overwrites a student's file.
    with open(path, "xb") as f:
        f.write(data)


def _free_update_name(directory: Path, name: str, data: bytes) -> tuple[str, bool]:
    """A name beside `name` for the new version: X.new.ipynb, then X.new-2.ipynb, ...

    Returns (name, already_there): already_there is True when a file of that name already holds
    exactly this version, so nothing needs writing.
    """
    stem, suffix = name[: -len(".ipynb")], ".ipynb"
    for i in range(1, 1000):
        candidate = f"{stem}.new{suffix}" if i == 1 else f"{stem}.new-{i}{suffix}"
        target = directory / candidate
        if not os.path.lexists(target):
            return candidate, False
        if target.is_file() and target.read_bytes() == data:
            return candidate, True
    raise CLIError(f"too many new versions of {name} in {directory}; tidy them up first")


def copy_notebooks(directory: Path | str, update: bool = False) -> list[CopyAction]:
    """Copy the student notebooks into `directory`, never overwriting a file.

    An existing notebook is kept. With ``update=True`` a notebook that differs from the shipped
    version gets the new version written beside it as ``NAME.new.ipynb``.

    >>> import tempfile
    >>> [a.message() for a in copy_notebooks(tempfile.mkdtemp())][0]
    'copied 00_getting_started.ipynb'
    """
    directory = prepare_directory(Path(directory))
    actions = []
    for source in student_notebooks():
        data = source.read_bytes()
        target = directory / source.name
        try:
            blocker = _not_a_notebook_file(target)
            if blocker is not None:  # a folder, FIFO or dangling link: never read, never written over
                actions.append(CopyAction(source.name, "blocked", what=blocker))
            elif not target.exists():
                _write_new(target, data)
                actions.append(CopyAction(source.name, "copied", source.name))
            elif target.is_file() and target.read_bytes() == data:
                actions.append(CopyAction(source.name, "unchanged"))
            elif not update:
                actions.append(CopyAction(source.name, "kept"))
            else:
                new_name, already_there = _free_update_name(directory, source.name, data)
                if not already_there:
                    _write_new(directory / new_name, data)
                actions.append(CopyAction(source.name, "updated", new_name))
        except PermissionError:
            raise CLIError(f"cannot write in {directory}: permission denied; choose another place") from None
        except FileExistsError:
            # Someone created the file between our check and our write: keep theirs.
            actions.append(CopyAction(source.name, "kept"))
        except OSError as exc:
            raise CLIError(f"cannot copy {source.name} into {directory}: {exc.strerror or exc}") from None
    return actions


# --------------------------------------------------------------------------------------------
# JupyterLab


#: Jupyter's option that makes the kernel websocket send each message at once (TCP_NODELAY, see
#: `neurodyn_lab.jupyter_nodelay`): a panel's update no longer waits about 40 ms per message.
NODELAY_OPTION = ("--ServerApp.kernel_websocket_connection_class="
                  "neurodyn_lab.jupyter_nodelay.NoDelayWebsocketConnection")


def jupyter_lab_command(directory: Path, jupyter_args: Sequence[str] = ()) -> list[str]:
    """The command that starts JupyterLab in `directory`, opening the first notebook.

    The server's kernel websocket sends without Nagle's delay (`NODELAY_OPTION`) unless the user
    chose a connection class or a kernel gateway (which has its own) in `jupyter_args`.
    """
    import importlib.util

    if importlib.util.find_spec("jupyterlab") is None:
        raise CLIError(
            f"JupyterLab is not installed in this Python ({sys.executable}); "
            f"install it with: pip install 'neurodyn_lab[lab]'"
        )
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={directory}"]
    if (directory / FIRST_NOTEBOOK).is_file():
        command.append(str(directory / FIRST_NOTEBOOK))
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in jupyter_args:
        # Containers and course machines often run as root, where JupyterLab refuses to start.
        command.append("--allow-root")
    chosen = any(arg.startswith(("--ServerApp.kernel_websocket_connection_class", "--gateway-url",
                                 "--GatewayClient.url")) for arg in jupyter_args)
    if not chosen and importlib.util.find_spec("jupyter_server.services.kernels.connection.channels"):
        # Without that module (a jupyter_server that moved it) JupyterLab starts with its own class.
        command.append(NODELAY_OPTION)
    return command + list(jupyter_args)


def run_lab(directory: Path, jupyter_args: Sequence[str] = ()) -> int:
    directory = resolve_directory(directory)
    command = jupyter_lab_command(directory, jupyter_args)
    print(f"starting JupyterLab in {directory} (stop it with Ctrl-C)", flush=True)
    if os.name == "posix":
        # Become JupyterLab: Ctrl-C and signals from a supervisor reach it directly.
        os.chdir(directory)
        os.execv(command[0], command)
    import subprocess

    return subprocess.call(command, cwd=directory)


# --------------------------------------------------------------------------------------------
# Warm-up


def _progress(done: int, total: int, label: str, elapsed: float, stream) -> None:
    width = 24
    filled = round(width * done / total) if total else width
    bar = "#" * filled + "-" * (width - filled)
    line = f"[{bar}] {done}/{total} {label} ({elapsed:.1f} s)"
    if stream.isatty():
        stream.write("\r\033[K" + line + ("\n" if done == total else ""))
    else:
        stream.write(line + "\n")
    stream.flush()


def warm_up_jobs() -> list:
    """Every layer's warm-up jobs: the panels', the graded exercises' and the classic API's.

    Each layer declares what it runs (``warm_up_jobs()`` returning ``(label, currents, record_v)``
    tuples); this command only combines them.
    """
    import importlib

    jobs = []
    for name in ("neurodyn_lab.panels", "neurodyn_lab.grading", "neurodyn_lab.lif"):
        jobs.extend(importlib.import_module(name).warm_up_jobs())
    return jobs


def run_warmup(stream=None, shared=None) -> float:
    """Compile every model the panels, exercises and classic API use (`neurodyn_lab.engine.warm_up`
    on the layers' `warm_up_jobs`), with a progress bar on `stream` (stderr by default); return
    the seconds taken.

    With `shared` (a folder), compile into that folder instead of this user's own cache and make it
    a shared compile cache for a hub: readable by everyone, writable by its owner only, with a
    manifest naming this interpreter (kernels started by another interpreter path cannot use it,
    see `neurodyn_lab.engine.shared_cache`)."""
    stream = sys.stderr if stream is None else stream
    if shared is not None:
        shared = resolve_directory(shared)
        shared.mkdir(parents=True, exist_ok=True)
        if not os.access(shared, os.W_OK):
            raise CLIError(f"--shared needs a folder you can write, such as /opt/neurodyn-lab/cache; {shared} is "
                           "not writable by you")
        import brian2

        brian2.prefs.codegen.runtime.cython.cache_dir = str(shared)
        stream.write(f"compiling the models the panels and exercises use into the shared cache {shared} "
                     f"for {sys.executable} ...\n")
    else:
        stream.write("compiling the models the panels and exercises use (once per installation) ...\n")
    stream.flush()
    start = time.perf_counter()
    from neurodyn_lab import engine

    def progress(done, total, label):
        _progress(done, total, label, time.perf_counter() - start, stream)

    engine.warm_up(warm_up_jobs(), progress=progress)
    if shared is not None:
        from neurodyn_lab.engine import shared_cache

        count = shared_cache.publish(shared)
        stream.write(f"{count} compiled models in {shared}, readable by every user; kernels use them when "
                     f"NEURODYN_LAB_SHARED_CACHE={shared} is in their environment (c.Spawner.environment)\n")
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# The command line


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("neurodyn_lab")
    except PackageNotFoundError:
        import neurodyn_lab

        return getattr(neurodyn_lab, "__version__", "unknown")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurodyn-lab",
        description=(
            "Interactive leaky integrate-and-fire exercises (Neuronal Dynamics, chapter 1). "
            "Copies the student notebooks into a folder of yours and opens JupyterLab there. "
            "Your own files are never overwritten."
        ),
        epilog=(
            "examples:\n"
            "  neurodyn-lab lab                 copy into ./neurodyn-lab-work and open JupyterLab\n"
            "  neurodyn-lab lab ~/course        the same, in ~/course\n"
            "  neurodyn-lab copy --update       put new versions beside notebooks you have edited\n"
            "  neurodyn-lab lab -- --port 9999  pass options after -- on to JupyterLab\n"
            "  neurodyn-lab warmup              compile the simulations ahead of class\n"
            "  neurodyn-lab warmup --shared /opt/neurodyn-lab/cache   the same, once for every user of a hub"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"neurodyn-lab {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add_dir_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "directory",
            nargs="?",
            default=DEFAULT_DIR,
            metavar="DIR",
            help=f"folder for your notebooks (default: ./{DEFAULT_DIR}; created if missing)",
        )
        p.add_argument(
            "--update",
            action="store_true",
            help="for a notebook you already have, write the new version beside it as NAME.new.ipynb",
        )

    lab = commands.add_parser(
        "lab",
        help="copy the notebooks into DIR and start JupyterLab there",
        description="Copy the student notebooks into DIR (never overwriting a file) and start "
        "JupyterLab there. Options after -- go to JupyterLab unchanged.",
    )
    add_dir_options(lab)
    copy = commands.add_parser(
        "copy",
        help="copy the notebooks into DIR, nothing else",
        description="Copy the student notebooks into DIR. An existing file is never overwritten.",
    )
    add_dir_options(copy)
    warmup = commands.add_parser(
        "warmup",
        help="compile the models the panels use (a minute, once per installation)",
        description="Run each model the panels use once, so that Brian2's compiled code is "
        "cached and no student waits for a compile.",
    )
    warmup.add_argument(
        "--shared",
        metavar="DIR",
        help="compile into DIR, a cache every user of a hub reads (run it with the interpreter the "
        "kernels run, as the administrator; then set NEURODYN_LAB_SHARED_CACHE=DIR for the kernels)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``neurodyn-lab``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Everything after "--" belongs to JupyterLab.
    jupyter_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, jupyter_args = argv[:cut], argv[cut + 1 :]
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    if jupyter_args and args.command != "lab":
        parser.error("options after -- are for JupyterLab and only go with `lab`")
    try:
        if args.command in ("lab", "copy"):
            # One resolved path for copying, printing and starting JupyterLab: a literal "~" (quoted,
            # so the shell left it) means the home folder everywhere, not only when copying.
            directory = resolve_directory(args.directory)
            actions = copy_notebooks(directory, update=args.update)
            for action in actions:
                print(action.message())
            if args.command == "lab":
                return run_lab(directory, jupyter_args)
            print(f"your notebooks are in {directory}")
            return 1 if any(a.action == "blocked" for a in actions) else 0
        if args.command == "warmup":
            seconds = run_warmup(shared=args.shared)
            print(f"warm-up done in {seconds:.1f} s: the panels' models are compiled and cached")
            return 0
    except CLIError as exc:
        print(f"neurodyn-lab: error: {exc}", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
