"""A slider drag through a local Jupyter server, with and without the TCP_NODELAY kernel websocket.

Issues 18 and 20: jupyter_server leaves Nagle's algorithm on the kernel's websocket, so of each
panel update's several messages the first leaves at once and the rest wait for the browser's
delayed acknowledgement (about 40 ms). `neurodyn-lab lab`, Binder and the hub set-ups select
`neurodyn_lab.jupyter_nodelay.NoDelayWebsocketConnection` instead. This benchmark measures what
that changes for a student in a plain local server (no hub, no proxy: `neurodyn-lab lab`, Binder):

- `rounds` pairs of rounds, alternating: a jupyter_server of this interpreter on a free loopback
  port, without and with ``--ServerApp.kernel_websocket_connection_class`` (the option
  `neurodyn_lab.cli.NODELAY_OPTION`); in each, one kernel, the one-panel cell of bench_hub.py (a
  `StepPanel` in the default view) and its amplitude slider dragged as a browser drags it
  (ipywidgets comm messages over the websocket, the client with TCP_NODELAY as browsers have it,
  20 changes/s for `--drag` s; bench_hub.drag);
- latency: from a change sent to the panel figure's message that shows it (or a newer value);
  p50/p95 of each variant over its rounds, the ratio, and the load average before and during.

Each server is stopped by its pid; its kernel is deleted through its API first.

Usage: bench_nodelay.py [--rounds 2] [--drag 10] [--rate 20] [--view auto]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_hub  # noqa: E402  (its tests/ path for hub_rig comes with it)
import hub_rig  # noqa: E402

from neurodyn_lab.cli import NODELAY_OPTION  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def one_round(nodelay: bool, folder: Path, args) -> dict:
    port, token = free_port(), uuid.uuid4().hex
    command = [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
               f"--ServerApp.root_dir={folder}", "--allow-root"] + ([NODELAY_OPTION] if nodelay else [])
    log = open(folder / f"server-{port}.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    url = f"http://127.0.0.1:{port}"
    try:
        from tornado.httpclient import AsyncHTTPClient

        for _ in range(600):
            try:
                await AsyncHTTPClient().fetch(f"{url}/api/status", headers={"Authorization": f"token {token}"})
                break
            except Exception:
                assert server.poll() is None, (folder / f"server-{port}.log").read_text()[-3000:]
                await asyncio.sleep(0.1)
        kernel, out = await bench_hub.first_panel(lambda: hub_rig.KernelSocket.open(url, token), args.view)
        try:
            bench_hub.check_first(out, shared=False)
            load, stop_event = [], asyncio.Event()
            sampler = asyncio.ensure_future(bench_hub.sample_load(load, stop_event))
            result = await bench_hub.drag(kernel, out, args.drag, args.rate, phase=0)
            stop_event.set()
            await sampler
        finally:
            await kernel.close()
        result["load"] = load
        result["view"] = out["view"]
        return result
    finally:
        hub_rig.stop_process(server)
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="pairs of rounds (without, with), alternating")
    parser.add_argument("--drag", type=float, default=10.0, help="seconds of dragging per round")
    parser.add_argument("--rate", type=float, default=20.0, help="slider changes per second")
    parser.add_argument("--view", default="auto", help="the panel's view (auto: what a student gets)")
    args = parser.parse_args()
    before = os.getloadavg()
    results = {False: [], True: []}
    with tempfile.TemporaryDirectory(prefix="bench-nodelay-") as folder:
        for k in range(args.rounds):
            for nodelay in (False, True):
                result = asyncio.run(one_round(nodelay, Path(folder), args))
                results[nodelay].append(result)
                ms = np.array(result["latency"]) * 1e3
                print(f"round {k + 1} {'TCP_NODELAY' if nodelay else 'Nagle (jupyter_server default)':32s} "
                      f"p50 {np.percentile(ms, 50):6.1f} ms  p95 {np.percentile(ms, 95):6.1f} ms  "
                      f"shown {result['updates']}/{result['changes']}  view {result['view']}  "
                      f"load during {min(result['load']):.1f}-{max(result['load']):.1f}", flush=True)
    summary = {}
    for nodelay, rounds in results.items():
        ms = np.concatenate([r["latency"] for r in rounds]) * 1e3
        summary[nodelay] = (float(np.percentile(ms, 50)), float(np.percentile(ms, 95)))
    (p50_off, p95_off), (p50_on, p95_on) = summary[False], summary[True]
    load = [x for rounds in results.values() for r in rounds for x in r["load"]]
    print(f"\nslider change -> figure message, {args.rounds} x {args.drag:.0f} s at {args.rate:.0f}/s each, "
          f"{time.strftime('%Y-%m-%d')}:")
    print(f"  jupyter_server's own connection (Nagle): p50 {p50_off:.1f} ms, p95 {p95_off:.1f} ms")
    print(f"  NoDelayWebsocketConnection (TCP_NODELAY): p50 {p50_on:.1f} ms, p95 {p95_on:.1f} ms")
    print(f"  ratio (Nagle / TCP_NODELAY): p50 {p50_off / p50_on:.2f}, p95 {p95_off / p95_on:.2f}")
    print(f"  load average before {before[0]:.1f}, during {min(load):.1f}-{max(load):.1f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
