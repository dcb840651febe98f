"""Running students' code where it cannot reach the course: a bubblewrap sandbox for the autograder.

During ``nbgrader autograde`` each submission's kernel (`ConfinedExecute`, `ConfinedKernelManager`)
and the process of each notebook's function answers (`sandbox.run_functions`) run inside Debian's bubblewrap
(``bwrap``, package ``bubblewrap``). What the sandboxed process sees:

- read-only: the system (``/usr`` and the loader's files of ``/etc``), the kernel's Python (its
  prefixes and site-packages), the neurodyn_lab package, and the instructor's compiled Brian2
  models (linked from a private cache folder, so a model missing there is compiled privately and
  thrown away, never written back);
- its own: a private home ``/home/student`` and ``/tmp`` (each a size-limited tmpfs), and a copy of
  its submission folder in ``/home/student/work``, the kernel's working directory;
- nothing else: the course directory (secret key, gradebook, reports, every submission) is not
  mounted (and masked should it lie under a mounted folder), nor is the instructor's home; the
  environment is an allow-list; no network (a network namespace of its own: the kernel talks to
  nbgrader over Unix sockets in a private folder, jupyter_client's ``ipc`` transport); its own
  process, IPC and host-name namespaces; uid 65534, no capabilities, no new user namespaces;
  limits on memory (address space), file size and CPU time. The process group and the pid
  namespace end with the kernel: nothing it started outlives it.

Before a kernel starts, the same sandbox runs a check that none of the hidden paths is visible
inside; it refuses to start otherwise. Where ``bwrap`` is missing or cannot make namespaces here,
`Confinement.when_unavailable` decides: ``"refuse"`` (the default: the submission is not graded,
with one sentence saying why) or ``"warn"`` (graded unconfined, with one warning sentence per
submission). Nothing is ever run unconfined silently.

Configure it in ``nbgrader_config.py`` (``autograde.configure`` sets the course), e.g.::

    c.Confinement.memory_limit_mb = 4096
    c.Confinement.when_unavailable = "refuse"

Check a machine with ``python -m neurodyn_lab.grading.confine [COURSE]``.

Uses public APIs only: nbgrader's ``Execute`` and jupyter_client's ``AsyncKernelManager``
(``start_kernel``, ``format_kernel_cmd``, ``shutdown_kernel``, the ``transport``/``ip``/
``connection_file`` traits, the kernel spec's ``interrupt_mode``). The instructor's compiled models
are where `neurodyn_lab.engine.shared_cache.own_cache_dir` says Brian2 keeps them.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer, List, Unicode
from traitlets.config import Application, LoggingConfigurable

from ..engine.shared_cache import own_cache_dir
from .students import AUTOGRADE_STUDENT

__all__ = ["Confinement", "Sandbox", "Unavailable", "ConfinedKernelManager",
           "ConfinedExecute", "SANDBOX_HOME", "SANDBOX_WORK"]

#: Inside the sandbox: the private home (tmpfs) and the kernel's working directory (a copy of the
#: submission folder).
SANDBOX_HOME = "/home/student"
SANDBOX_WORK = SANDBOX_HOME + "/work"
_SUBMISSION = "/run/neurodyn_lab/submission"  # the submission folder, read-only (copied to SANDBOX_WORK)
_CACHE = "/run/neurodyn_lab/cython-cache"  # the instructor's compiled models, read-only
_QUESTIONS = "/run/neurodyn_lab/questions.py"  # the course file of question changes, if the kernel is told
_PRIVATE_CACHE = SANDBOX_HOME + "/.cython/brian_extensions"

#: Files of /etc that the loader, the C compiler (Brian2's Cython target) and matplotlib read.
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime")
#: The environment inside: these names pass from the kernel's environment; everything else (tokens,
#: PYTHONPATH, the instructor's paths) is dropped. JPY_PARENT_PID is 1 inside: the kernel's parent is
#: the pid namespace's init (the host's pid would make ipykernel exit at once).
_ENV_NAMES = ("LANG", "LANGUAGE", "TZ", "CC", "CXX", "MPLBACKEND", "PYTHONHASHSEED", "OMP_NUM_THREADS",
              "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "PYDEVD_DISABLE_FILE_VALIDATION")
_ENV_PREFIXES = ("LC_", "NBGRADER_", "NEURODYN_LAB_", "JPY_")
_ENV_DROPPED = ("JPY_PARENT_PID", "NEURODYN_LAB_HOME", "NEURODYN_LAB_QUESTIONS", "NEURODYN_LAB_SHARED_CACHE")


class Unavailable(RuntimeError):
    """Students' code cannot be confined on this machine, and the configuration refuses to grade
    it unconfined."""


# Run by the sandbox's Python before the real command (stdlib only, started with -I -S): the limits,
# Brian2's preferences, the private cache of links, the copy of the submission, the check that no
# hidden path is visible; then exec. Arguments: a JSON job, then the command.
_BOOTSTRAP = r'''
import json, os, resource, shutil, sys
job = json.loads(sys.argv[1])
for name, value in job["limits"].items():
    resource.setrlimit(getattr(resource, name), (value, value))
for path in job["hidden"]:
    try:
        visible = bool(os.listdir(path)) if os.path.isdir(path) else os.path.getsize(path) > 0
    except OSError:
        visible = False
    if visible:
        sys.stderr.write("neurodyn_lab sandbox: %s is visible inside the sandbox; refusing to run\n" % path)
        sys.exit(70)
if job["check"]:
    sys.exit(0)
home = os.environ["HOME"]
os.makedirs(os.path.join(home, ".brian"), exist_ok=True)
with open(os.path.join(home, ".brian", "user_preferences"), "w") as handle:
    handle.write(job["brian_preferences"])
private = job["private_cache"]
os.makedirs(private, exist_ok=True)
if job["cache"] and os.path.isdir(job["cache"]):
    for name in os.listdir(job["cache"]):
        source = os.path.join(job["cache"], name)
        if not name.endswith(".lock") and os.path.isfile(source):
            os.symlink(source, os.path.join(private, name))
if job["copy"]:
    try:
        shutil.copytree(job["copy"], job["cwd"], symlinks=True, dirs_exist_ok=True)
    except (OSError, shutil.Error) as error:
        sys.stderr.write("neurodyn_lab sandbox: the submission folder was not copied whole (%s)\n" % str(error)[:200])
os.makedirs(job["cwd"], exist_ok=True)
os.chdir(job["cwd"])
os.execv(sys.argv[2], sys.argv[2:])
'''

# Asked of the kernel's Python (unconfined, no student code): where it and its packages live.
_LAYOUT = r'''
import importlib.util, json, sys
spec = importlib.util.find_spec("neurodyn_lab")
print(json.dumps({"executable": sys.executable, "path": sys.path,
                  "prefixes": sorted({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}),
                  "package": list(spec.submodule_search_locations) if spec else []}))
'''

#: Brian2's preferences inside: the private cache, and no file lock (one process per sandbox).
_BRIAN_PREFERENCES = ("codegen.runtime.cython.cache_dir = {cache!r}\n"
                      "codegen.runtime.cython.multiprocess_safe = False\n")


def hidden_paths_of(c):
    """The paths of nbgrader's configuration `c` that students' code must not see besides the course
    directory: a sqlite gradebook and the exchange folder (where every student's submission waits).

    Examples
    --------
    >>> from traitlets.config import Config
    >>> c = Config()
    >>> c.CourseDirectory.db_url = "sqlite:////srv/grades/gradebook.db"
    >>> hidden_paths_of(c)
    ['/srv/grades/gradebook.db', '/srv/nbgrader/exchange']
    """
    paths = []
    db_url = c.CourseDirectory.get("db_url", "") if "CourseDirectory" in c else ""
    if isinstance(db_url, str) and db_url.startswith("sqlite:///"):
        paths.append(os.path.abspath(db_url[len("sqlite:///"):]))
    root = c.Exchange.get("root", "") if "Exchange" in c else ""
    paths.append(os.path.abspath(root) if isinstance(root, str) and root else "/srv/nbgrader/exchange")
    return paths


def _under(path, folder):
    path, folder = os.path.normpath(path), os.path.normpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class Sandbox:
    """One kernel's (or one function run's) sandbox: what it may read, which paths it must not see,
    and its limits. Made by `Confinement.sandbox`; `command` wraps a command line in it.

    Parameters
    ----------
    bwrap : str
        The bwrap program.
    readable : list of str
        Folders (and files) mounted read-only at their own paths: the Python and the package.
    hidden : list of str
        Paths that must not be visible inside (the course directory first).
    cache : str or None
        The instructor's compiled Brian2 models, mounted read-only.
    limits : dict
        ``resource`` limit names (``"RLIMIT_AS"``, ...) -> value.
    tmp_bytes : int
        Size of each private tmpfs (home and /tmp).
    python : str
        The Python that runs the bootstrap inside (the kernel's).
    """

    def __init__(self, bwrap, readable, hidden, cache=None, limits=None, tmp_bytes=512 * 2**20, python=None):
        self.bwrap = bwrap
        self.readable = _outermost(readable)
        self.hidden = [os.path.realpath(h) for h in hidden if h]
        self.cache = cache
        self.limits = dict(limits or {})
        self.tmp_bytes = int(tmp_bytes)
        self.python = python or sys.executable

    def command(self, argv, *, env=None, folder=None, writable=(), files=(), check=False):
        """`argv` as a bwrap command line that runs it in this sandbox.

        Parameters
        ----------
        argv : list of str
            The command (its program must be the sandbox's Python or under a readable folder).
        env : dict, optional
            The environment it would have had: only the allow-listed names pass.
        folder : str, optional
            A folder copied into the private working directory ``/home/student/work``.
        writable : sequence of (str, str)
            ``(host path, path inside)`` mounted read-write (the kernel's socket folder, a result file).
        files : sequence of (str, str)
            ``(host path, path inside)`` mounted read-only.
        check : bool
            Only check that no hidden path is visible (exit status 0), do not run `argv`.
        """
        args = [self.bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--uid", "65534", "--gid",
                "65534", "--hostname", "sandbox", "--die-with-parent"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            host = "/" + name
            if os.path.islink(host):
                args += ["--symlink", os.readlink(host), host]
            elif os.path.isdir(host):
                args += ["--ro-bind", host, host]
        args += ["--ro-bind", "/usr", "/usr"]
        for name in _ETC:
            args += ["--ro-bind-try", "/etc/" + name, "/etc/" + name]
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--size", str(self.tmp_bytes), "--tmpfs", "/tmp",
                 "--size", str(self.tmp_bytes), "--tmpfs", SANDBOX_HOME]
        for path in self.readable:
            args += ["--ro-bind", path, path]
        # A hidden path under a readable folder is masked (an empty folder, or an empty file); a
        # readable folder inside a hidden one is mounted again on top of the mask. (One under the
        # system's folders is not: the check below then refuses to run.)
        masked = [h for h in self.hidden if any(_under(h, r) for r in self.readable)]
        for path in masked:
            args += (["--tmpfs", path] if os.path.isdir(path) else ["--ro-bind", "/dev/null", path])
        for path in self.readable:
            if any(_under(path, m) and path != m for m in masked):
                args += ["--ro-bind", path, path]
        if self.cache and os.path.isdir(self.cache):
            args += ["--ro-bind", self.cache, _CACHE]
        if folder:
            args += ["--ro-bind", os.fspath(folder), _SUBMISSION]
        for host, inside in writable:
            args += ["--bind", os.fspath(host), inside]
        env = env if env is not None else os.environ
        for host, inside in list(files) + _named_by(env):
            args += ["--ro-bind", os.fspath(host), inside]
        # The root is bwrap's tmpfs, without a size limit: read-only once everything is mounted.
        args += ["--remount-ro", "/"]
        inner = inner_environment(env, self.python)
        args += ["--chdir", SANDBOX_HOME, "--clearenv"]
        for name, value in sorted(inner.items()):
            args += ["--setenv", name, value]
        job = {"limits": self.limits, "hidden": self.hidden, "check": bool(check),
               "brian_preferences": _BRIAN_PREFERENCES.format(cache=_PRIVATE_CACHE),
               "private_cache": _PRIVATE_CACHE, "cache": _CACHE if self.cache else None,
               "copy": _SUBMISSION if folder else None, "cwd": SANDBOX_WORK}
        return args + ["--", self.python, "-I", "-S", "-c", _BOOTSTRAP, json.dumps(job), *argv]

    def verify(self, **kwargs):
        """Run the sandbox's own check (no hidden path visible); return None, or what went wrong."""
        try:
            done = subprocess.run(self.command(["true"], check=True, **kwargs), stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bwrap could not run ({error})"
        if done.returncode != 0:
            return (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return None


def _outermost(paths):
    """Existing absolute paths without those inside another one of them, sorted."""
    kept = []
    for path in sorted({os.path.normpath(os.path.realpath(p)) for p in paths if p and os.path.isabs(p)},
                       key=lambda p: (p.count(os.sep), p)):
        if os.path.exists(path) and not any(_under(path, k) for k in kept):
            kept.append(path)
    return sorted(kept)


def _named_by(env):
    """What the kernel's environment names and the sandbox mounts read-only: the course file of
    question changes (which students have too), and a hub's shared compile cache."""
    mounts = []
    if os.path.isfile(env.get("NEURODYN_LAB_QUESTIONS", "")):
        mounts.append((env["NEURODYN_LAB_QUESTIONS"], _QUESTIONS))
    if os.path.isdir(env.get("NEURODYN_LAB_SHARED_CACHE", "")):
        mounts.append((env["NEURODYN_LAB_SHARED_CACHE"], os.path.realpath(env["NEURODYN_LAB_SHARED_CACHE"])))
    return mounts


def inner_environment(env, python):
    """The environment inside the sandbox: the allow-listed names of `env`, and the sandbox's own
    home, paths and identity.

    Examples
    --------
    >>> inner = inner_environment({"JUPYTERHUB_API_TOKEN": "x", "NBGRADER_EXECUTION": "autograde",
    ...                            "JPY_PARENT_PID": "7"}, "/venv/bin/python")
    >>> sorted(inner)
    ['HOME', 'JPY_PARENT_PID', 'LOGNAME', 'NBGRADER_EXECUTION', 'NEURODYN_LAB_HOME', 'PATH', 'TMPDIR', 'USER']
    """
    inner = {name: str(value) for name, value in env.items()
             if (name in _ENV_NAMES or name.startswith(_ENV_PREFIXES)) and name not in _ENV_DROPPED}
    if os.path.isfile(env.get("NEURODYN_LAB_QUESTIONS", "")):
        inner["NEURODYN_LAB_QUESTIONS"] = _QUESTIONS
    if os.path.isdir(env.get("NEURODYN_LAB_SHARED_CACHE", "")):
        inner["NEURODYN_LAB_SHARED_CACHE"] = os.path.realpath(env["NEURODYN_LAB_SHARED_CACHE"])
    inner.update({"HOME": SANDBOX_HOME, "JPY_PARENT_PID": "1", "USER": "student", "LOGNAME": "student",
                  "TMPDIR": "/tmp", "NEURODYN_LAB_HOME": SANDBOX_HOME + "/.neurodyn_lab",
                  "PATH": os.pathsep.join([os.path.dirname(python), "/usr/local/bin", "/usr/bin", "/bin"])})
    return inner


class Confinement(LoggingConfigurable):
    """The instructor's settings for confining students' code (``c.Confinement.*`` in
    ``nbgrader_config.py``), and the sandboxes made from them.

    Examples
    --------
    >>> Confinement(when_unavailable="warn", memory_limit_mb=2048).memory_limit_mb
    2048
    """

    when_unavailable = Enum(["refuse", "warn"], "refuse", help=(
        "Where bwrap is missing or cannot make namespaces: 'refuse' grades nothing (one sentence says why), "
        "'warn' grades unconfined with one warning per submission.")).tag(config=True)
    bwrap = Unicode("bwrap", help="The bubblewrap program (Debian: apt-get install bubblewrap).").tag(config=True)
    course = Unicode("", help="The course directory: never visible to students' code.").tag(config=True)
    hidden_paths = List(Unicode(), help=(
        "More paths students' code must never see (a gradebook or exchange outside the course directory)."
    )).tag(config=True)
    readable_paths = List(Unicode(), help="More folders students' code may read (e.g. shared data).").tag(config=True)
    memory_limit_mb = Integer(4096, help="Address space of each sandboxed process (MiB).").tag(config=True)
    disk_limit_mb = Integer(512, help="Size of the private home and of /tmp, and of the largest file (MiB)."
                            ).tag(config=True)
    cpu_time_limit = Integer(3600, help="CPU seconds of each sandboxed process (nbgrader's cell timeout "
                                        "applies first).").tag(config=True)
    cython_cache = Unicode("", help=(
        "The instructor's compiled Brian2 models (default: Brian2's cache folder of this process)."
    )).tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._problem = None
        self._probed = False

    @classmethod
    def of_running_app(cls):
        """A Confinement from the configuration of the running Jupyter application (nbgrader's, which
        read ``nbgrader_config.py``), or the defaults outside one."""
        if Application.initialized():
            app = Application.instance()
            return cls(config=app.config, parent=app)
        return cls()

    def problem(self):
        """None when bwrap can make a sandbox here, else what is missing (one sentence fragment)."""
        if not self._probed:
            self._probed = True
            program = shutil.which(self.bwrap)
            if program is None:
                self._problem = f"{self.bwrap} is not installed (Debian: apt-get install bubblewrap)"
            else:
                try:
                    done = subprocess.run([program, "--unshare-all", "--unshare-user", "--disable-userns", "--uid",
                                           "65534", "--gid", "65534", "--ro-bind", "/", "/", "--", "/bin/true"],
                                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
                    if done.returncode != 0:
                        self._problem = (f"{program} cannot make a sandbox here ("
                                         f"{(done.stderr.strip().splitlines() or ['no message'])[-1]}; "
                                         "user namespaces may be disabled)")
                except (OSError, subprocess.TimeoutExpired) as error:
                    self._problem = f"{program} could not run ({error})"
        return self._problem

    def sandbox(self, python=None, what="students' code"):
        """The sandbox for `python` (the kernel's interpreter), or None where bwrap cannot run and
        `when_unavailable` is ``"warn"`` (after one warning). Raises `Unavailable` where it is
        ``"refuse"``."""
        python = python or sys.executable
        problem = self.problem()
        if problem is None:
            try:
                layout = json.loads(subprocess.run([python, "-I", "-c", _LAYOUT], stdin=subprocess.DEVNULL,
                                                   capture_output=True, text=True, timeout=60, check=True).stdout)
            except (OSError, ValueError, subprocess.SubprocessError) as error:
                problem = f"the kernel's Python {python} did not say where its packages are ({error})"
        if problem is not None:
            if self.when_unavailable == "refuse":
                raise Unavailable(f"neurodyn_lab refuses to run {what} unconfined: {problem}; install bubblewrap, "
                                  "or set c.Confinement.when_unavailable = 'warn' in nbgrader_config.py to grade "
                                  "without a sandbox.")
            self.log.warning("neurodyn_lab: running %s UNCONFINED (it can read and change the course directory, "
                             "the secret key and other submissions): %s.", what, problem)
            return None
        prefixes = layout["prefixes"]
        # Site-packages and the standard library, not folders such as a source checkout on sys.path
        # (which would show the solution notebooks): of those, only the package itself.
        readable = [p for p in layout["path"] if p and (any(_under(p, x) for x in prefixes)
                                                         or os.path.basename(p) in ("site-packages", "dist-packages"))]
        readable += prefixes + layout["package"] + list(self.readable_paths)
        readable.append(os.path.dirname(os.path.realpath(layout["executable"])))
        if "/" in {os.path.realpath(p) for p in readable if p}:
            raise Unavailable(f"neurodyn_lab refuses to run {what}: its sandbox would show the whole file system "
                              f"(the kernel's Python {python} or Confinement.readable_paths names /).")
        hidden = [self.course] + list(self.hidden_paths)
        cache = self.cython_cache or os.fspath(own_cache_dir())
        limits = {"RLIMIT_AS": self.memory_limit_mb * 2**20, "RLIMIT_FSIZE": self.disk_limit_mb * 2**20,
                  "RLIMIT_CPU": self.cpu_time_limit, "RLIMIT_CORE": 0}
        return Sandbox(shutil.which(self.bwrap), readable, hidden, cache=cache, limits=limits,
                       tmp_bytes=self.disk_limit_mb * 2**20, python=python)


# --------------------------------------------------------------------------------------------
# nbgrader's Execute with the confined kernel
# --------------------------------------------------------------------------------------------
class ConfinedKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, with the kernel started in a `Sandbox` (``c.Confinement``
    settings) that sees a private copy of the notebook's folder; the kernel is reached over Unix
    sockets (``ipc``) in a private folder, since it has no network."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.confinement = Confinement(parent=self)
        self._sandbox = None
        self._private = None
        self._env = None

    async def start_kernel(self, **kw):
        folder = kw.get("cwd")
        python = self._python()
        sandbox = self.confinement.sandbox(python, what=f"the notebook in {folder or 'this folder'}")
        if sandbox is not None:
            self._private = tempfile.TemporaryDirectory(prefix="ndl-sandbox-")
            sockets = os.path.join(self._private.name, "s")
            os.mkdir(sockets, 0o700)
            self.transport = "ipc"
            self.connection_file = os.path.join(sockets, "kernel.json")
            self.ip = os.path.join(sockets, "k")
            self._env = dict(kw.get("env") or os.environ)
            self._sandbox = (sandbox, {"folder": folder, "writable": [(sockets, sockets)], "env": self._env})
            problem = sandbox.verify(**{k: v for k, v in self._sandbox[1].items() if k != "writable"})
            if problem is not None:
                self.cleanup_private()
                raise Unavailable(f"neurodyn_lab refuses to start the kernel: its sandbox failed its check "
                                  f"({problem}).")
            cache = sandbox.cache
            if not cache or not os.path.isdir(cache) or not any(n.endswith(".so") for n in os.listdir(cache)):
                self.log.warning("neurodyn_lab: no compiled Brian2 models in %s: each submission compiles its own "
                                 "in its sandbox; run `neurodyn-lab warmup` as this user before autograding.", cache)
            kw["cwd"] = self._private.name
            kw["env"] = {"PATH": os.environ.get("PATH", os.defpath)}  # bwrap's own; the kernel's is set inside
            # An interrupt (nbgrader's cell timeout) goes as a message: a SIGINT to the process group
            # would stop bwrap, and the kernel with it.
            if self.kernel_spec is not None:
                self.kernel_spec.interrupt_mode = "message"
        await super().start_kernel(**kw)

    def _python(self):
        """The kernel's Python, as the kernel spec names it."""
        argv = list(self.kernel_spec.argv) if self.kernel_spec else [sys.executable]
        program = argv[0] if argv else sys.executable
        if program in {"python", f"python{sys.version_info[0]}", "python%i.%i" % sys.version_info[:2]}:
            return sys.executable  # what jupyter_client itself substitutes
        return shutil.which(program) or program

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if self._sandbox is None:
            return cmd
        sandbox, options = self._sandbox
        return sandbox.command(cmd, **options)

    async def shutdown_kernel(self, now=False, restart=False):
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            if not restart:
                self.cleanup_private()

    def cleanup_private(self):
        """Remove the private folder (sockets and connection file) of this kernel."""
        if self._private is not None:
            self._private.cleanup()
            self._private = None


class ConfinedExecute(Execute):
    """nbgrader's ``Execute`` with each notebook's kernel in a sandbox (`ConfinedKernelManager`).

    nbgrader's ``Execute`` passes its kernel manager class as an argument, which beats the
    configuration, so the class is chosen here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", ConfinedKernelManager)
        super().__init__(*args, **kwargs)

    async def async_start_new_kernel(self, **kwargs):
        # The kernel grades for the student the submission was collected from (`autograde.AsStudent`
        # put them in the resources): given to this kernel's environment only, never to os.environ.
        student = (self.resources.get("neurodyn_lab") or {}).get("student")
        if student:
            kwargs["env"] = {**(kwargs.get("env") or os.environ), AUTOGRADE_STUDENT: student}
        await super().async_start_new_kernel(**kwargs)

    # nbclient binds its synchronous wrapper to its own coroutine: wrap ours (nbconvert calls this one).
    start_new_kernel = run_sync(async_start_new_kernel)


# --------------------------------------------------------------------------------------------
# python -m neurodyn_lab.grading.confine [COURSE]: can this machine confine students' code?
# --------------------------------------------------------------------------------------------
# Run inside the sandbox by `main`: who it is, whether it reaches a port the host listens on, and
# where Brian2's compiled model for a step current came from.
_SELF_TEST = r'''
import json, os, socket
from brian2 import ms, nA
from neurodyn_lab import inputs, simulate
simulate(inputs.step(2 * nA, start=10 * ms, end=60 * ms), 100 * ms)
modules = {line.split()[-1] for line in open("/proc/self/maps") if "_cython_magic_" in line}
out = {"uid": os.getuid(), "cwd": os.getcwd(), "cached": sorted(m for m in modules if m.startswith(%r)),
       "compiled": sorted(m for m in modules if not m.startswith(%r))}
try:
    socket.create_connection(("127.0.0.1", int(os.environ["NEURODYN_LAB_CHECK_PORT"])), timeout=3).close()
    out["network"] = "reached the host's loopback port"
except OSError as error:
    out["network"] = "none (%%s)" %% type(error).__name__
print(json.dumps(out))
''' % (_CACHE, _CACHE)


def main(argv=None):
    """Say whether this machine can confine students' code: run a simulation in a sandbox and report
    its identity, its network and where its compiled Brian2 model came from."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m neurodyn_lab.grading.confine", description=main.__doc__)
    parser.add_argument("course", nargs="?", default="", help="the course directory (checked to be invisible)")
    args = parser.parse_args(argv)
    confinement = Confinement(course=os.path.abspath(args.course) if args.course else "")
    try:
        sandbox = confinement.sandbox()
    except Unavailable as error:
        print(error)
        return 1
    print(f"bwrap: {sandbox.bwrap}\nread-only: " + "\n           ".join(sandbox.readable))
    print(f"compiled models (read-only): {sandbox.cache}")
    print(f"never visible: {', '.join(sandbox.hidden) or '(no course given)'}")
    problem = sandbox.verify()
    if problem is not None:
        print(f"check: FAILED: {problem}")
        return 1
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        env = dict(os.environ, NEURODYN_LAB_CHECK_PORT=str(server.getsockname()[1]))
        done = subprocess.run(sandbox.command([sandbox.python, "-c", _SELF_TEST], env=env), stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=600)
    try:
        out = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        print(f"check: FAILED: the sandboxed Python did not run ({done.stderr.strip()[-500:]})")
        return 1
    print(f"inside: uid {out['uid']}, working directory {out['cwd']}, network: {out['network']}")
    print(f"Brian2's Cython models: {len(out['cached'])} from the instructor's cache, {len(out['compiled'])} "
          "compiled in the sandbox" + ("" if out["cached"] or out["compiled"] else " (numpy target!)"))
    good = out["uid"] == 65534 and out["network"].startswith("none") and (out["cached"] or out["compiled"])
    print("check: passed" if good else "check: FAILED")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
