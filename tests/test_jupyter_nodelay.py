"""The kernel websocket that sends at once (neurodyn_lab/jupyter_nodelay.py, issues 18 and 20).

- A real jupyter_server, started as `neurodyn-lab lab` starts JupyterLab's (the option on the
  command line), on a free loopback port, and the same server without the option, in one run: a
  kernel's several outputs of one execute reach a websocket client within about 15 ms with the
  option, and about 48 ms without it (Nagle's algorithm holds every message after the first until
  the client's delayed acknowledgement). Measured 2026-12-03, load average 2-5 on 2 cores: median
  request -> last output 15.3-15.5 ms with the option, 47.9-49.8 ms without. The servers are
  stopped by their process ids.
- The connection itself, on a stand-in handler: it calls tornado's ``set_nodelay(True)`` and then
  the parent's ``connect``; a handler whose ``set_nodelay`` fails gives one `NoDelayWarning` and
  the parent's connection, unchanged.
"""

import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
import uuid
import warnings

import hub_rig
import pytest
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

from neurodyn_lab import cli
from neurodyn_lab.jupyter_nodelay import CONNECTION_CLASS, NoDelayWarning, NoDelayWebsocketConnection
from own_loop import run_in_own_loop

# --------------------------------------------------------------------------- the connection alone


class StandInHandler(KernelWebsocketHandler):
    """A kernel websocket handler that records ``set_nodelay`` (made without tornado's request)."""

    def set_nodelay(self, value):
        self.nodelay_calls.append(value)
        if self.nodelay_error is not None:
            raise self.nodelay_error


def stand_in(error=None):
    handler = StandInHandler.__new__(StandInHandler)
    handler.nodelay_calls, handler.nodelay_error = [], error
    return handler


@pytest.fixture
def parent_connects(monkeypatch):
    """Record the parent's connect (a real one needs a running kernel) and what it returns."""
    calls = []

    def connect(self):
        calls.append(list(self.websocket_handler.nodelay_calls))  # what was set before the parent ran
        return "parent's future"

    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect", connect)
    return calls


def test_connect_sets_nodelay_then_connects_as_the_parent(parent_connects):
    handler = stand_in()
    connection = NoDelayWebsocketConnection(websocket_handler=handler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert connection.connect() == "parent's future"
    assert handler.nodelay_calls == [True]
    assert parent_connects == [[True]]


@pytest.mark.parametrize("error", [AssertionError(), NotImplementedError(), OSError(9, "Bad file descriptor")])
def test_a_failing_set_nodelay_warns_and_connects_as_the_parent(parent_connects, error):
    connection = NoDelayWebsocketConnection(websocket_handler=stand_in(error))
    with pytest.warns(NoDelayWarning, match="could not turn on TCP_NODELAY") as caught:
        assert connection.connect() == "parent's future"
    assert len(caught) == 1
    assert parent_connects == [[True]]


def test_the_class_is_what_the_option_names():
    from traitlets.utils.importstring import import_item

    assert import_item(CONNECTION_CLASS) is NoDelayWebsocketConnection
    assert f"--ServerApp.kernel_websocket_connection_class={CONNECTION_CLASS}" == cli.NODELAY_OPTION


def test_every_set_up_that_turns_it_on_names_this_class():
    """`neurodyn-lab lab`, Binder's postBuild, the hub's jupyterhub_config.py in docs/instructors.md and
    the Zero to JupyterHub values all name the class that exists (a rename breaks none of them silently)."""
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[1]
    option = f"--ServerApp.kernel_websocket_connection_class={CONNECTION_CLASS}"
    assert cli.NODELAY_OPTION == option
    assert f'"{option}"' in (root / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert f'"{CONNECTION_CLASS}"' in (root / "binder" / "postBuild").read_text(encoding="utf-8")
    values = yaml.safe_load((root / "docs" / "hub" / "z2jh-values.yaml").read_text(encoding="utf-8"))
    assert values["hub"]["config"]["KubeSpawner"]["args"] == [option]


# --------------------------------------------------------------------------- a real server

#: One execute: six outputs 2 ms apart, as a panel's update is several messages in a burst.
BURST = "import time\nfor i in range(6):\n    print(i, flush=True)\n    time.sleep(0.002)\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def request_to_last_output(options, workdir, rounds=8):
    """Start a jupyter_server with `options`, run `BURST` `rounds` times over the kernel's websocket
    (after one unmeasured round), and return the ms from each request to its last output; the
    server is stopped by its pid."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    port, token = free_port(), uuid.uuid4().hex
    log = workdir / f"server-{port}.log"
    command = [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
               f"--ServerApp.root_dir={workdir}", "--allow-root", *options]
    with open(log, "w") as log_file:
        server = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=workdir)
    try:
        base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"token {token}"}
        client = AsyncHTTPClient()
        deadline = time.monotonic() + 60
        while True:
            try:
                await client.fetch(f"{base}/api/status", headers=headers)
                break
            except Exception:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"jupyter_server did not start:\n{log.read_text()[-3000:]}") from None
                await asyncio.sleep(0.1)
        reply = await client.fetch(HTTPRequest(f"{base}/api/kernels", method="POST", body="{}", headers=headers))
        kernel = json.loads(reply.body)["id"]
        ws = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels",
                                                 headers=headers))
        times = []
        for _ in range(rounds + 1):
            msg_id = uuid.uuid4().hex
            await ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex,
                           "msg_type": "execute_request", "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": BURST, "silent": False, "store_history": False, "user_expressions": {},
                            "allow_stdin": False}}))
            sent, last = time.perf_counter(), None
            while True:
                message = json.loads(await asyncio.wait_for(ws.read_message(), 60))
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if message["msg_type"] == "stream":
                    last = time.perf_counter()
                if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                    break
            assert last is not None, "the kernel sent no output"
            times.append(1000 * (last - sent))
        ws.close()
        await client.fetch(HTTPRequest(f"{base}/api/kernels/{kernel}", method="DELETE", headers=headers))
        return times[1:]  # the first round includes the kernel's own warm-up
    finally:
        hub_rig.stop_process(server)


def test_a_real_server_with_the_option_sends_a_bursts_outputs_without_nagles_delay(tmp_path):
    option = cli.NODELAY_OPTION
    # In a loop of its own: Playwright's sync API may have left one running in this worker's thread.
    with_option = run_in_own_loop(lambda: request_to_last_output([option], tmp_path))
    without = run_in_own_loop(lambda: request_to_last_output([], tmp_path))
    fast, slow = statistics.median(with_option), statistics.median(without)
    print(f"request -> last of 6 outputs, median of 8: {fast:.1f} ms with {CONNECTION_CLASS}, "
          f"{slow:.1f} ms with jupyter_server's own connection (ratio {slow / fast:.1f})")
    # Nagle's hold is the peer's delayed acknowledgement, about 40 ms on Linux: the option removes it.
    assert slow - fast > 20, (with_option, without)
    assert "NoDelayWarning" not in "".join(p.read_text() for p in tmp_path.glob("server-*.log"))
