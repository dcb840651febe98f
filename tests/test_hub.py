"""A class on a real JupyterHub: students log in, their servers start, their first panel is fast.

What this runs, as a hub administrator would (docs/instructors.md, "For the hub administrator"):

- an interpreter every user can run: a venv made from Debian's ``/usr/bin/python3`` (the repository's
  own venv links to an interpreter under ``/root``, which other users cannot execute), with this
  checkout's package and the ``hub`` extra installed through the lock file of that Python; made once
  per test session, in a temporary folder, from a copy of the checkout (nothing is built in it);
- ``neurodyn-lab warmup --shared`` run by that venv's ``bin/python``, the interpreter the kernels run;
- JupyterHub (``bin/jupyterhub`` of that venv, as root) with configurable-http-proxy from npm, on free
  loopback ports, ``LocalProcessSpawner``, ``NEURODYN_LAB_SHARED_CACHE`` in ``c.Spawner.environment``;
- two temporary users made with ``useradd`` (homes in the temporary folder);
- through the hub's REST API: a token per student, their servers spawned; through the proxy and each
  single-user server's kernel API and websocket: a one-panel notebook (a `StepPanel`, the panel's own
  code path) executed in a new kernel of each student.

Checked: each first panel runs on Brian2's Cython target with no neurodyn_lab warning (no numpy
fallback), compiles nothing into the student's own cache (every model linked from the shared one),
takes under 10 s from the first import (about 50 s when a student compiles alone, issue 18), and
fires the number of spikes the book's closed form gives for its step.

Then nbgrader's exchange for 01_step_current (the site configuration in the venv's etc/jupyter
names the course and the exchange; the course is made by ``build --course`` without a course id):
the instructor (root) generates and releases; each student fetches and submits through nbgrader's
endpoints of their own server (the Assignments tab's calls), their answers saved through the
contents API as the browser saves; the instructor collects, autogrades (in bubblewrap), makes and
releases feedback; the students fetch it. Checked: a right submission (numbers from the book's
closed forms for that student's own neuron) gets every point, a wrong one and an empty one none,
and each student has their feedback.

Bounded: every wait has a timeout. Everything it made is removed at the end, also on failure: the
hub by its pid (it stops the students' servers), then any process still running as a temporary
user's uid, by pid; the users by uid (the name is looked up from the uid just before ``userdel``);
the temporary folder. Skipped with the reason where it cannot run: not root, no node/npm, no
configurable-http-proxy, no useradd, no Debian Python with venv, no lock file for it, no C compiler.
"""

import asyncio
import csv
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from urllib.parse import quote
import uuid
from math import e, exp, log
from pathlib import Path

import pytest
from own_loop import run_in_own_loop

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = "/usr/bin/python3"
STUDENTS = 3  # right, wrong and empty submissions of 01
COURSE_ID = "neurodyn-hubtest"
#: Every network wait and every subprocess of this module is bounded by one of these (seconds).
INSTALL_TIMEOUT, WARMUP_TIMEOUT, HUB_TIMEOUT, SPAWN_TIMEOUT, CELL_TIMEOUT = 900, 900, 60, 120, 120
GRADE_TIMEOUT = 1200


def _why_not() -> str | None:
    """Why this machine cannot run a hub for the test, or None."""
    if os.geteuid() != 0:
        return "the hub test needs root (LocalProcessSpawner runs each student's server as that user)"
    for tool, how in [("node", "apt-get install nodejs"), ("npm", "apt-get install npm"),
                      ("configurable-http-proxy", "npm install -g configurable-http-proxy (.ci/run does)"),
                      ("useradd", "the passwd package"), ("userdel", "the passwd package"),
                      ("gcc", "apt-get install build-essential (Brian2 compiles the models)")]:
        if shutil.which(tool) is None:
            return f"the hub test needs {tool} ({how})"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"the hub test needs {SYSTEM_PYTHON}, an interpreter every user can run"
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import ensurepip, venv, sys; print('%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        return f"{SYSTEM_PYTHON} cannot make a venv (apt-get install python3-venv)"
    if not (ROOT / "requirements" / f"py{done.stdout.strip()}.txt").exists():
        return f"no lock file for {SYSTEM_PYTHON} (Python {done.stdout.strip()})"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(command, timeout, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="session")
def workdir():
    """A temporary folder every user can traverse (pytest's own are private to root)."""
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="neurodyn-hubtest-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def hub_venv(workdir):
    """The venv of the hub and the students' servers, from Debian's Python, through the lock file.

    uv (when `make lock` put it in the repository's venv) installs from its cache in about 30 s;
    pip takes minutes. Files are copied, not linked, out of root's cache.
    """
    version = _run([SYSTEM_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], 60).stdout.strip()
    lock = ROOT / "requirements" / f"py{version}.txt"
    source = workdir / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "_build", "*.egg-info", "__pycache__", ".*_cache", "neurodyn-lab-work"))
    venv = workdir / "venv"
    uv = ROOT / ".venv" / "bin" / "uv"
    if uv.exists():
        env = {**os.environ, "UV_LINK_MODE": "copy"}
        _run([uv, "venv", "-q", "-p", SYSTEM_PYTHON, venv], INSTALL_TIMEOUT, env=env)
        _run([uv, "pip", "install", "-q", "-p", venv / "bin" / "python", "-c", lock, f"{source}[hub]"],
             INSTALL_TIMEOUT, env=env)
    else:
        _run([SYSTEM_PYTHON, "-m", "venv", venv], INSTALL_TIMEOUT)
        _run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", lock,
              f"{source}[hub]"], INSTALL_TIMEOUT)
    shutil.rmtree(source)
    return venv


@pytest.fixture(scope="session")
def shared_cache(workdir, hub_venv):
    """`neurodyn-lab warmup --shared`, by the interpreter the kernels run (the venv's bin/python)."""
    folder = workdir / "shared-cache"
    started = time.perf_counter()
    _run([hub_venv / "bin" / "python", "-m", "neurodyn_lab.cli", "warmup", "--shared", folder], WARMUP_TIMEOUT,
         cwd=workdir)
    print(f"warmup --shared: {time.perf_counter() - started:.0f} s")
    assert any(folder.glob("*.so")), "warmup --shared compiled nothing"
    return folder


class Users:
    """Temporary local users, removed by uid."""

    def __init__(self, homes: Path):
        self.homes = homes
        self.uids: list[int] = []

    def add(self) -> str:
        name = f"ndhub{secrets.token_hex(4)}"
        _run(["useradd", "--create-home", "--home-dir", self.homes / name, "--shell", "/bin/sh", name], 60)
        self.uids.append(pwd.getpwnam(name).pw_uid)
        return name

    def processes(self) -> list[int]:
        """Pids of processes running as one of these users."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid in self.uids:
                        pids.append(int(entry.name))
                except FileNotFoundError:
                    pass
        return pids

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
            if name.startswith("ndhub"):  # the uid is still one of ours
                subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)


class Hub:
    """A JupyterHub run by the hub venv as root, on free loopback ports, driven by an admin token."""

    def __init__(self, venv: Path, folder: Path, environment: dict):
        folder.mkdir()
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        config = textwrap.dedent(f"""
            c = get_config()
            c.JupyterHub.bind_url = {self.url + '/'!r}
            c.JupyterHub.hub_ip = "127.0.0.1"
            c.JupyterHub.hub_port = {_free_port()}
            c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
            c.ConfigurableHTTPProxy.command = [{shutil.which("configurable-http-proxy")!r}]
            c.ConfigurableHTTPProxy.pid_file = {str(folder / 'proxy.pid')!r}
            c.JupyterHub.db_url = "sqlite:///{folder / 'hub.sqlite'}"
            c.JupyterHub.cookie_secret_file = {str(folder / 'cookie_secret')!r}
            c.JupyterHub.pid_file = {str(folder / 'hub.pid')!r}
            c.JupyterHub.authenticator_class = "dummy"
            c.Authenticator.allow_all = True
            c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
            c.Spawner.cmd = [{str(venv / 'bin' / 'jupyterhub-singleuser')!r}]
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
                    raise AssertionError(f"the hub did not start:\n{self.log_text()}") from None
                time.sleep(0.5)

    def log_text(self) -> str:
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

    def spawn(self, name: str) -> str:
        """Create the user, give them a token (their login), start their server; return the token."""
        self.api("POST", f"/hub/api/users/{name}")
        token = self.api("POST", f"/hub/api/users/{name}/tokens", {"note": "neurodyn hub test"})["token"]
        self.api("POST", f"/hub/api/users/{name}/server", token=token)
        deadline = time.monotonic() + SPAWN_TIMEOUT
        while not self.api("GET", f"/hub/api/users/{name}")["servers"].get("", {}).get("ready"):
            assert time.monotonic() < deadline, f"{name}'s server did not start:\n{self.log_text()}"
            time.sleep(0.5)
        return token

    def stop(self) -> None:
        """Stop the hub by its pid (it stops the students' servers and its proxy), then the proxy's pid."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        proxy_pid = self.folder / "proxy.pid"
        if proxy_pid.exists():
            try:
                os.kill(int(proxy_pid.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass
        self.log.close()


@pytest.fixture(scope="module")
def hub(workdir, hub_venv, shared_cache):
    """A running hub with STUDENTS students logged in and their servers started."""
    users = Users(workdir / "home")
    users.homes.mkdir(exist_ok=True)
    users.homes.chmod(0o755)
    hub = None
    try:
        names = [users.add() for _ in range(STUDENTS)]
        # The hub's site configuration of nbgrader (what /etc/jupyter/nbgrader_config.py is on a real
        # hub), in the venv's etc/jupyter: the course id and the exchange every user reads.
        exchange = workdir / "exchange"
        exchange.mkdir(exist_ok=True)
        exchange.chmod(0o777)  # nbgrader's rule for the exchange root
        (hub_venv / "etc" / "jupyter" / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\nc.Exchange.root = {str(exchange)!r}\n")
        started = time.perf_counter()
        hub = Hub(hub_venv, workdir / "hub", {"NEURODYN_LAB_SHARED_CACHE": str(shared_cache)})
        tokens = {name: hub.spawn(name) for name in names}
        print(f"hub started and {STUDENTS} servers spawned in {time.perf_counter() - started:.1f} s")
        yield hub, tokens
    finally:
        if hub is not None:
            hub.stop()
        users.remove()


async def _execute(url: str, token: str, code: str) -> dict:
    """Run `code` in a new kernel of a single-user server, over its websocket; the JSON it prints."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    client = AsyncHTTPClient()
    response = await client.fetch(HTTPRequest(url + "/api/kernels", method="POST", headers=headers,
                                              body=json.dumps({"name": "python3"}), request_timeout=60))
    kernel = json.loads(response.body)["id"]
    socket_url = url.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels"
    connection = await websocket_connect(HTTPRequest(socket_url, headers=headers, request_timeout=60))
    msg_id = uuid.uuid4().hex
    connection.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": uuid.uuid4().hex,
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    stdout, error, reply, idle = "", None, None, False
    # The shell's reply and iopub's output travel on different channels: wait for both the reply and
    # iopub's "idle" of this request, or the printed line may arrive after the reply.
    while reply is None or not idle:
        raw = await connection.read_message()
        assert raw is not None, "the kernel's websocket closed before the cell finished"
        if isinstance(raw, bytes):  # a message with binary buffers (widgets): not one we wait for
            continue
        message = json.loads(raw)
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = message["header"]["msg_type"]
        if kind == "status" and message["content"]["execution_state"] == "idle":
            idle = True
        if kind == "stream" and message["content"]["name"] == "stdout":
            stdout += message["content"]["text"]
        elif kind == "error":
            error = "\n".join(message["content"]["traceback"])
        elif kind == "execute_reply":
            reply = message["content"]["status"]
    connection.close()
    await client.fetch(HTTPRequest(url + f"/api/kernels/{kernel}", method="DELETE", headers=headers,
                                   request_timeout=60))
    assert reply == "ok", error
    assert stdout.strip(), "the cell printed nothing"
    return json.loads(stdout.strip().splitlines()[-1])


#: The one-panel notebook: a StepPanel (its own code path into the engine), 3 nA from 10 to 60 ms.
PANEL_CELL = textwrap.dedent("""
    import json, sys, time, warnings
    start = time.perf_counter()
    import brian2  # before catching: importing it sends warnings to its log
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from brian2 import nA
        from neurodyn_lab import engine
        from neurodyn_lab.panels import StepPanel
        panel = StepPanel(amplitude=3 * nA, view="image")
        spikes = panel.result.spike_count
    seconds = time.perf_counter() - start
    p = panel.params()
    own = engine.shared_cache.own_cache_dir()
    print(json.dumps({
        "seconds": seconds, "spikes": int(spikes), "target": engine.code_target().__name__,
        "executable": sys.executable,
        "warnings": [str(w.message) for w in caught if "neurodyn_lab" in str(w.message)],
        "compiled_here": sorted(f.name for f in own.glob("*.so") if not f.is_symlink()),
        "linked": len([f for f in own.glob("*.so") if f.is_symlink()]),
        "params": {name: float(getattr(p, name)) for name in ("v_rest", "v_reset", "v_threshold", "R", "tau", "t_ref")},
    }))
    panel.close()
""")


def _book_spike_count(params: dict, current: float, start: float, end: float) -> int:
    """Spikes of the LIF neuron during a current step, from the book's closed form (SI units).

    From rest, u reaches the threshold at t1 = tau ln(RI / (RI - (theta - u_rest))); after each
    spike, from u_reset, in t_ref + tau ln((RI - (u_reset - u_rest)) / (RI - (theta - u_rest))).
    """
    drive = params["R"] * current
    gap = params["v_threshold"] - params["v_rest"]
    if drive <= gap:
        return 0
    first = start + params["tau"] * log(drive / (drive - gap))
    period = params["t_ref"] + params["tau"] * log((drive - (params["v_reset"] - params["v_rest"])) / (drive - gap))
    count, t = 0, first
    while t < end:
        count, t = count + 1, t + period
    return count


def test_each_students_first_panel_uses_the_shared_cache(hub, shared_cache, hub_venv):
    hub_, tokens = hub
    for name, token in tokens.items():
        started = time.perf_counter()
        # In a thread with its own loop: an earlier test on this worker may leave one running here.
        out = run_in_own_loop(lambda name=name, token=token: asyncio.wait_for(
            _execute(f"{hub_.url}/user/{name}", token, PANEL_CELL), CELL_TIMEOUT), CELL_TIMEOUT + 30)
        print(f"{name}: first panel {out['seconds']:.2f} s in the kernel, {time.perf_counter() - started:.1f} s "
              f"with the kernel's start; {out['linked']} models linked")
        assert out["executable"] == str(hub_venv / "bin" / "python")  # the interpreter warmup --shared ran
        assert out["target"] == "CythonCodeObject" and out["warnings"] == [], out
        assert out["compiled_here"] == [] and out["linked"] > 0, out
        assert out["seconds"] < 10, out  # about 50 s when a student compiles alone (issue 18)
        assert out["spikes"] == _book_spike_count(out["params"], 3e-9, 0.010, 0.060) > 0
        assert pwd.getpwuid((Path(pwd.getpwnam(name).pw_dir) / ".cython").stat().st_uid).pw_name == name


def _nbgrader(venv: Path, course: Path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEURODYN_LAB_", "JUPYTERHUB_"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"  # nbgrader runs `alembic`
    return _run([venv / "bin" / "python", "-m", "nbgrader", *args], GRADE_TIMEOUT, cwd=course, env=env)


def _right_answers(student: str) -> dict:
    """Literal answers of 01 for `student`'s own neuron, from the book's closed forms."""
    from neurodyn_lab.grading.students import neuron_of

    p = neuron_of(student)
    v_rest, theta, R, tau = (float(p.v_rest), float(p.v_threshold), float(p.R), float(p.tau))
    rheobase = (theta - v_rest) / R
    first_spike = 0.010 + tau * log(R * 3e-9 / (R * 3e-9 - (theta - v_rest)))
    v_after_tau = v_rest + R * 1e-9 * (1 - 1 / e)
    w = 0.1e-3  # a 0.1 ms pulse from rest: R (q/w) (1 - exp(-w/tau)) = theta - v_rest
    min_charge = rheobase * w / (1 - exp(-w / tau))
    return {
        "q01_rheobase_answer": f"answer = {rheobase / 1e-9!r} * nA",
        "q01_first_spike_time_answer": f"answer = {first_spike / 1e-3!r} * ms",
        "q01_v_after_tau_answer": f"answer = {v_after_tau / 1e-3!r} * mV",
        "q01_min_charge_answer": f"answer = {min_charge / 1e-12:.6g} * nA * ms",
    }


WRONG_ANSWERS = {
    "q01_rheobase_answer": "answer = 7.5 * nA",
    "q01_first_spike_time_answer": "answer = 3 * ms",
    "q01_v_after_tau_answer": "answer = -10 * mV",
    "q01_min_charge_answer": "answer = 1 * nA * ms",
}


def test_the_exchange_cycle_of_01_through_the_students_servers(hub, hub_venv, workdir):
    from neurodyn_lab.grading import QUESTIONS

    hub_, tokens = hub
    names = list(tokens)
    notebook = "01_step_current.ipynb"
    total = sum(q.points for q in QUESTIONS.values() if q.notebook == "01")
    started = time.perf_counter()
    course = workdir / "course"
    _run([hub_venv / "bin" / "python", "-m", "neurodyn_lab.grading.build", "--course", course, "--assignment", "lif",
          "--source", ROOT / "exercises" / "source"], 300, cwd=workdir)
    for other in (course / "source" / "lif").glob("*.ipynb"):
        if other.name != notebook:
            other.unlink()
    _nbgrader(hub_venv, course, "generate_assignment", "lif", "--force")
    _nbgrader(hub_venv, course, "release_assignment", "lif", "--force")

    def action(name, what):
        """What the Assignments tab calls: nbgrader's endpoint of the student's server; its list."""
        done = hub_.api("POST", f"/user/{name}/assignments/{what}?course_id={COURSE_ID}&assignment_id=lif",
                        body={}, token=tokens[name], timeout=120)
        assert done["success"], f"{what} failed for {name}: {done.get('value')}"
        return done["value"]

    plan = {names[0]: _right_answers(names[0]), names[1]: WRONG_ANSWERS, names[2]: {}}
    for name, answers in plan.items():
        action(name, "fetch")
        path = f"/user/{name}/api/contents/lif/{notebook}"
        model = hub_.api("GET", path + "?content=1", token=tokens[name])
        for cell in model["content"]["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell["source"] = answers[grade_id]
        hub_.api("PUT", path, {"type": "notebook", "format": "json", "content": model["content"]}, token=tokens[name])
        listed = action(name, "submit")
        assert any(a.get("status") == "submitted" for a in listed), listed

    _nbgrader(hub_venv, course, "collect", "lif")
    _nbgrader(hub_venv, course, "autograde", "lif", "--force")
    _nbgrader(hub_venv, course, "generate_feedback", "lif", "--force")
    _nbgrader(hub_venv, course, "release_feedback", "lif")
    _nbgrader(hub_venv, course, "export", "--to", workdir / "grades.csv")
    with open(workdir / "grades.csv", newline="") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert scores == {names[0]: total, names[1]: 0.0, names[2]: 0.0}, scores
    for name in names:
        action(name, "fetch_feedback")
        feedback = hub_.api("GET", f"/user/{name}/api/contents/lif/feedback", token=tokens[name])["content"]
        assert len(feedback) == 1, feedback  # one submission's folder, named by its timestamp
        files = hub_.api("GET", f"/user/{name}/api/contents/{quote(feedback[0]['path'])}", token=tokens[name])["content"]
        assert [f["name"] for f in files] == ["01_step_current.html"], files
    print(f"exchange cycle of 01 for {len(names)} students: {time.perf_counter() - started:.0f} s")
