"""A real JupyterHub for a class, on this machine: shared by tests/test_hub.py and benchmarks/bench_hub.py.

What it sets up, as a hub administrator would (docs/instructors.md, "For the hub administrator"):

- `build_venv`: an interpreter every user can run, a venv made from Debian's ``/usr/bin/python3``
  (the repository's own venv links to an interpreter under ``/root``, which other users cannot
  execute), with this checkout's package and the ``hub`` extra installed through the lock file of
  that Python, from a copy of the checkout (nothing is built in it);
- `warm_shared_cache`: ``neurodyn-lab warmup --shared`` run by that venv's ``bin/python``, the
  interpreter the kernels run;
- `Users`: temporary users made with ``useradd`` (homes in the work folder), removed by uid;
- `Hub`: JupyterHub (``bin/jupyterhub`` of that venv, as root) with configurable-http-proxy from npm,
  on free loopback ports, ``LocalProcessSpawner``, the given ``c.Spawner.environment`` and
  ``c.Spawner.args`` (by default the ones docs/instructors.md ships, `documented_spawner_args`: the
  kernel websocket with ``TCP_NODELAY``); driven through its REST API with a service token; students'
  servers spawned together (`Hub.spawn_all`);
- `KernelSocket`: a kernel of a student's single-user server, reached through the proxy and the
  server's kernel API and websocket as a browser reaches it: cells executed, widget (comm) messages
  sent and received; `execute` runs one cell in a new kernel and returns the JSON it printed.

Everything is bounded (every wait has a timeout) and removed by id, never by name: the hub by its
pid (it stops the students' servers), the proxy by the pid in its pid file, then any process still
running as a temporary user's uid, by pid; the users by uid (the name is looked up from the uid
just before ``userdel``); the work folder. `why_not` says why a machine cannot run it (not root,
no node/npm/configurable-http-proxy, no useradd, no Debian Python with venv, no lock file for it,
no C compiler).
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = "/usr/bin/python3"
#: Prefix of every temporary user's name (the uid is what identifies them; this is a second check).
USER_PREFIX = "ndhub"
#: Every network wait and every subprocess of this module is bounded by one of these (seconds).
INSTALL_TIMEOUT, WARMUP_TIMEOUT, HUB_TIMEOUT, SPAWN_TIMEOUT, CELL_TIMEOUT = 900, 900, 60, 120, 120


def why_not() -> str | None:
    """Why this machine cannot run a hub, or None."""
    if os.geteuid() != 0:
        return "the hub needs root (LocalProcessSpawner runs each student's server as that user)"
    for tool, how in [("node", "apt-get install nodejs"), ("npm", "apt-get install npm"),
                      ("configurable-http-proxy", "npm install -g configurable-http-proxy (.ci/run does)"),
                      ("useradd", "the passwd package"), ("userdel", "the passwd package"),
                      ("gcc", "apt-get install build-essential (Brian2 compiles the models)")]:
        if shutil.which(tool) is None:
            return f"the hub needs {tool} ({how})"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"the hub needs {SYSTEM_PYTHON}, an interpreter every user can run"
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import ensurepip, venv, sys; print('%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return f"{SYSTEM_PYTHON} cannot make a venv (apt-get install python3-venv)"
    if not (ROOT / "requirements" / f"py{done.stdout.strip()}.txt").exists():
        return f"no lock file for {SYSTEM_PYTHON} (Python {done.stdout.strip()})"
    return None


#: The hub administrator's guide, whose ``jupyterhub_config.py`` the hub runs (`documented_spawner_args`).
INSTRUCTORS_DOC = ROOT / "docs" / "instructors.md"


def documented_spawner_args(doc: Path = INSTRUCTORS_DOC) -> list[str]:
    """The single-user servers' arguments (``c.Spawner.args``) of the ``jupyterhub_config.py`` in
    docs/instructors.md, read from it, so that the hub runs what the guide tells administrators to set.

    >>> [arg.split("=")[0] for arg in documented_spawner_args()]
    ['--ServerApp.kernel_websocket_connection_class']
    """
    found = re.findall(r"^c\.Spawner\.args = (\[.*?^\])", doc.read_text(encoding="utf-8"), re.M | re.S)
    assert len(found) == 1, (f"{doc} sets c.Spawner.args {len(found)} times, not once (a list whose closing "
                             f"bracket starts a line)")
    args = ast.literal_eval(found[0])
    assert isinstance(args, list) and all(isinstance(arg, str) for arg in args), \
        f"{doc}: c.Spawner.args is not a list of strings"
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:
    """End a process we started, by its pid: SIGTERM, then SIGKILL after `timeout` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def run(command, timeout, **kwargs):
    """Run `command`; its output, or AssertionError with the end of its output if it failed."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


#: Where the work folder goes when it is a tmpfs with this much room (bytes): the venv (37 500 files,
#: 0.7 GB), homes, course and exchange are written and removed in memory. On this machine's disk
#: (ext4 mounted with ``discard``) removing the folder took 70-107 s of the hub test's 500-590 s, the
#: venv alone 40 s (2026-12-03, load average 5-9).
TMPFS, TMPFS_ROOM = Path("/dev/shm"), 4 * 2**30


def _tmpfs_with_room() -> str | None:
    """/dev/shm if it is a tmpfs with `TMPFS_ROOM` free and exec allowed, else None."""
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
        stat = os.statvfs(TMPFS)
    except OSError:
        return None
    for line in mounts:
        fields = line.split()
        if len(fields) > 3 and fields[1] == str(TMPFS) and fields[2] == "tmpfs" and "noexec" not in fields[3].split(","):
            return str(TMPFS) if stat.f_bavail * stat.f_frsize >= TMPFS_ROOM else None
    return None


def make_workdir(prefix: str = "neurodyn-hubtest-") -> Path:
    """A temporary folder every user can traverse (pytest's own are private to root), in memory
    (`TMPFS`) when there is room, else in the system's temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=_tmpfs_with_room()))
    folder.chmod(0o755)
    return folder


def build_venv(workdir: Path) -> Path:
    """The venv of the hub and the students' servers, from Debian's Python, through the lock file.

    With uv (the ``test`` extra installs it next to the interpreter running this) the install took
    10-15 s from pypi.org with an empty cache, 13 s with a warm one; Debian's pip 23 took 35-41 s,
    downloads included either way (2026-12-03, load average 1-3; `warm_shared_cache` then took
    26-34 s). pip remains for an environment without uv. uv copies files out of root's cache rather
    than linking them, and compiles the bytecode as pip does: the students' kernels and the
    autograder's sandbox cannot write ``__pycache__`` in root's venv, and without it every kernel
    compiled its imports again (the hub test's exchange cycle took 196 s instead of 91 s, a first
    panel 3.0 s instead of 1.0 s). In the hub test, the fixtures' setup took 53 s with uv (warm
    cache) and 74 s with pip, the same evening.
    """
    version = run([SYSTEM_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], 60).stdout.strip()
    lock = ROOT / "requirements" / f"py{version}.txt"
    source = workdir / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "_build", "*.egg-info", "__pycache__", ".*_cache", "neurodyn-lab-work"))
    venv = workdir / "venv"
    uv = Path(sys.executable).parent / "uv"
    if uv.exists():
        env = {**os.environ, "UV_LINK_MODE": "copy"}
        run([uv, "venv", "-q", "-p", SYSTEM_PYTHON, venv], INSTALL_TIMEOUT, env=env)
        run([uv, "pip", "install", "-q", "--compile-bytecode", "-p", venv / "bin" / "python", "-c", lock,
             f"{source}[hub]"], INSTALL_TIMEOUT, env=env)
    else:
        run([SYSTEM_PYTHON, "-m", "venv", venv], INSTALL_TIMEOUT)
        run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", lock,
             f"{source}[hub]"], INSTALL_TIMEOUT)
    shutil.rmtree(source)
    return venv


def warm_shared_cache(workdir: Path, venv: Path) -> Path:
    """`neurodyn-lab warmup --shared`, by the interpreter the kernels run (the venv's bin/python)."""
    folder = workdir / "shared-cache"
    started = time.perf_counter()
    run([venv / "bin" / "python", "-m", "neurodyn_lab.cli", "warmup", "--shared", folder], WARMUP_TIMEOUT,
        cwd=workdir)
    print(f"warmup --shared: {time.perf_counter() - started:.0f} s")
    assert any(folder.glob("*.so")), "warmup --shared compiled nothing"
    return folder


def pids_of_uids(uids) -> list[int]:
    """Pids of the processes running as one of `uids`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
    return pids


class Users:
    """Temporary local users, removed by uid."""

    def __init__(self, homes: Path):
        self.homes = homes
        homes.mkdir(exist_ok=True)
        homes.chmod(0o755)
        self.uids: list[int] = []

    def add(self) -> str:
        name = f"{USER_PREFIX}{secrets.token_hex(4)}"
        run(["useradd", "--create-home", "--home-dir", self.homes / name, "--shell", "/bin/sh", name], 60)
        self.uids.append(pwd.getpwnam(name).pw_uid)
        return name

    def processes(self) -> list[int]:
        """Pids of processes running as one of these users."""
        return pids_of_uids(set(self.uids))

    def remove(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in self.processes():
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 10
            while self.processes() and time.monotonic() < deadline:
                time.sleep(0.2)
        for uid in self.uids:
            try:
                name = pwd.getpwuid(uid).pw_name
            except KeyError:
                continue
            if name.startswith(USER_PREFIX):  # the uid is still one of ours
                subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)


class Hub:
    """A JupyterHub run by the hub venv as root, on free loopback ports, driven by an admin token.

    `args`: the single-user servers' arguments (``c.Spawner.args``); None, the ones docs/instructors.md
    ships (`documented_spawner_args`); ``[]`` for jupyter_server's defaults (benchmarks/bench_hub.py's
    same-run baseline without the kernel websocket's ``TCP_NODELAY``).
    """

    def __init__(self, venv: Path, folder: Path, environment: dict, args: list[str] | None = None):
        folder.mkdir()
        self.folder = folder
        self.args = documented_spawner_args() if args is None else list(args)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        config = textwrap.dedent(f"""
            c = get_config()
            c.JupyterHub.bind_url = {self.url + '/'!r}
            c.JupyterHub.hub_ip = "127.0.0.1"
            c.JupyterHub.hub_port = {free_port()}
            c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
            c.ConfigurableHTTPProxy.command = [{shutil.which("configurable-http-proxy")!r}]
            c.ConfigurableHTTPProxy.pid_file = {str(folder / 'proxy.pid')!r}
            c.JupyterHub.db_url = "sqlite:///{folder / 'hub.sqlite'}"
            c.JupyterHub.cookie_secret_file = {str(folder / 'cookie_secret')!r}
            c.JupyterHub.pid_file = {str(folder / 'hub.pid')!r}
            c.JupyterHub.authenticator_class = "dummy"
            c.Authenticator.allow_all = True
            c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
            c.Spawner.cmd = [{str(venv / 'bin' / 'jupyterhub-singleuser')!r}]
            c.Spawner.args = {self.args!r}
            c.Spawner.environment = {environment!r}
            c.Spawner.start_timeout = {SPAWN_TIMEOUT}
            c.Spawner.http_timeout = {SPAWN_TIMEOUT}
            c.JupyterHub.services = [{{"name": "neurodyn-test", "api_token": {self.token!r}}}]
            c.JupyterHub.load_roles = [{{"name": "admin", "services": ["neurodyn-test"]}}]
            c.JupyterHub.check_running_servers = False
        """)
        (folder / "jupyterhub_config.py").write_text(config, encoding="utf-8")
        self.log = open(folder / "hub.log", "w")
        self.process = subprocess.Popen([venv / "bin" / "jupyterhub", "-f", folder / "jupyterhub_config.py"],
                                        cwd=folder, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + HUB_TIMEOUT
        while True:
            try:
                self.api("GET", "/hub/api/")
                break
            except (OSError, urllib.error.URLError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"the hub did not start:\n{self.log_text()}") from None
                time.sleep(0.5)

    def log_text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return (self.folder / "hub.log").read_text(errors="replace")[-4000:]

    def api(self, method: str, path: str, body=None, token=None, timeout=30):
        request = urllib.request.Request(self.url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"token {token or self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
        return json.loads(data) if data else None

    def spawn_all(self, names) -> dict:
        """Create the users, give each a token (their login), start all their servers together and
        wait until every one is ready; their tokens by name."""
        tokens = {}
        for name in names:
            self.api("POST", f"/hub/api/users/{name}")
            tokens[name] = self.api("POST", f"/hub/api/users/{name}/tokens", {"note": "neurodyn hub rig"})["token"]
        for name in names:
            self.api("POST", f"/hub/api/users/{name}/server", token=tokens[name])
        deadline = time.monotonic() + SPAWN_TIMEOUT
        for name in names:
            while not self.api("GET", f"/hub/api/users/{name}")["servers"].get("", {}).get("ready"):
                assert time.monotonic() < deadline, f"{name}'s server did not start:\n{self.log_text()}"
                time.sleep(0.25)
        return tokens

    def spawn(self, name: str) -> str:
        """Create the user, give them a token (their login), start their server; return the token."""
        return self.spawn_all([name])[name]

    def pids(self) -> dict:
        """The hub's and the proxy's pids (the proxy's from its pid file; None if it has none)."""
        proxy = None
        try:
            proxy = int((self.folder / "proxy.pid").read_text().strip())
        except (OSError, ValueError):
            pass
        return {"hub": self.process.pid, "proxy": proxy}

    def stop(self) -> None:
        """Stop the hub by its pid (it stops the students' servers and its proxy), then the proxy's pid."""
        proxy = self.pids()["proxy"]
        stop_process(self.process, timeout=30)
        if proxy is not None:
            try:
                os.kill(proxy, signal.SIGTERM)
            except ProcessLookupError:
                pass
        if not self.log.closed:
            self.log.close()


def decode_frame(raw) -> dict:
    """A kernel message from the server's websocket: JSON text, or a binary frame (a message with
    buffers, jupyter_server's default protocol: a count, offsets, the JSON, then the buffers)."""
    if isinstance(raw, str):
        return json.loads(raw)
    count = struct.unpack("!I", raw[:4])[0]
    offsets = struct.unpack(f"!{count}I", raw[4:4 + 4 * count])
    message = json.loads(raw[offsets[0]:offsets[1] if count > 1 else None].decode())
    message["buffers"] = [raw[start:end] for start, end in zip(offsets[1:], list(offsets[2:]) + [len(raw)])]
    return message


class KernelSocket:
    """A new kernel of a single-user server, over its websocket, as a browser talks to it.

    ``await KernelSocket.open(url, token)`` starts the kernel (the server's kernel API) and connects;
    `execute` runs a cell; `send` sends a message on the shell channel (a widget's comm message);
    `receive` reads the next message (JSON or binary); `close` closes the socket and deletes the
    kernel. Every message keeps the time it was read (``"received"``, `time.perf_counter`).
    """

    def __init__(self, url, headers, kernel, connection):
        self.url, self.headers, self.kernel, self.connection = url, headers, kernel, connection
        self.session = uuid.uuid4().hex

    @classmethod
    async def open(cls, url: str, token: str, nodelay: bool = True) -> KernelSocket:
        """Start a kernel and connect to it. `nodelay`: send each message at once (TCP_NODELAY), as
        browsers do; tornado's websocket client leaves Nagle's algorithm on."""
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest
        from tornado.websocket import websocket_connect

        headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
        response = await AsyncHTTPClient().fetch(HTTPRequest(
            url + "/api/kernels", method="POST", headers=headers, body=json.dumps({"name": "python3"}),
            request_timeout=60))
        kernel = json.loads(response.body)["id"]
        socket_url = url.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels"
        # The server answers the websocket once the kernel is ready: under load, that is its start.
        connection = await websocket_connect(HTTPRequest(socket_url, headers=headers, request_timeout=CELL_TIMEOUT),
                                             max_message_size=64 * 2**20)
        if nodelay:  # the client connection has no public set_nodelay; its protocol's stream has
            connection.protocol.set_nodelay(True)
        return cls(url, headers, kernel, connection)

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        """Send a message; its msg_id."""
        msg_id = uuid.uuid4().hex
        self.connection.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "student", "session": self.session,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": channel, "buffers": [], "content": content,
        }))
        return msg_id

    async def receive(self) -> dict:
        raw = await self.connection.read_message()
        assert raw is not None, "the kernel's websocket closed"
        message = decode_frame(raw)
        message["received"] = time.perf_counter()
        return message

    async def execute(self, code: str, on_message=None) -> tuple[str, list]:
        """Run `code` (a cell); what it printed and every message of its run (with ``on_message``
        called on each message of the socket meanwhile). AssertionError with the traceback if it failed."""
        msg_id = self.send("execute_request", {"code": code, "silent": False, "store_history": False,
                                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        stdout, error, reply, idle, messages = "", None, None, False, []
        # The shell's reply and iopub's output travel on different channels: wait for both the reply and
        # iopub's "idle" of this request, or the printed line may arrive after the reply.
        while reply is None or not idle:
            message = await self.receive()
            if on_message is not None:
                on_message(message)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            messages.append(message)
            kind = message["header"]["msg_type"]
            if kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
            if kind == "stream" and message["content"]["name"] == "stdout":
                stdout += message["content"]["text"]
            elif kind == "error":
                error = "\n".join(message["content"]["traceback"])
            elif kind == "execute_reply":
                reply = message["content"]["status"]
        assert reply == "ok", error
        return stdout, messages

    async def close(self) -> None:
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        self.connection.close()
        await AsyncHTTPClient().fetch(HTTPRequest(self.url + f"/api/kernels/{self.kernel}", method="DELETE",
                                                  headers=self.headers, request_timeout=60))


async def execute(url: str, token: str, code: str) -> dict:
    """Run `code` in a new kernel of a single-user server, over its websocket; the JSON it printed last."""
    kernel = await KernelSocket.open(url, token)
    try:
        stdout, _ = await kernel.execute(code)
    finally:
        await kernel.close()
    assert stdout.strip(), "the cell printed nothing"
    return json.loads(stdout.strip().splitlines()[-1])


def run_async(coroutine_function, timeout):
    """Run ``coroutine_function()`` to its end in a new event loop in a thread of its own, bounded."""
    from own_loop import run_in_own_loop

    return run_in_own_loop(lambda: asyncio.wait_for(coroutine_function(), timeout), timeout + 30)
