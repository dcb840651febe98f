"""Drive a real ``jupyter lab`` from Debian's chromium with Playwright: start, open, run, inspect.

Used by the end-to-end tests (tests/e2e/conftest.py) and by benchmarks/bench_browser.py, so that
both measure the same thing. Nothing here downloads a browser: it launches /usr/bin/chromium.

    with LabServer.start(workdir) as server, Browser.launch() as browser:
        nb = browser.open_notebook(server, "01_step_current.ipynb")
        nb.run_all()
        assert nb.error_outputs() == []
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NEURODYN_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--metrics-recording-only",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
STUDENT_NOTEBOOKS = sorted(p.name for p in (REPO / "exercises").glob("*.ipynb"))

# Settings every test server starts with, on top of binder/overrides.json (the students' own).
TEST_USER_SETTINGS = {
    # Lay out every cell, so a screenshot and axe see the whole notebook.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The server


@dataclass
class LabServer:
    """A ``jupyter lab`` process started by ``neurodyn-lab lab``, on 127.0.0.1 with a token."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen
    log_path: Path
    env: dict = field(repr=False, default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path}{sep}token={self.token}"

    def api(self, path: str):
        req = urllib.request.Request(
            f"{self.base_url}/api/{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read().decode())

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    @classmethod
    def start(cls, home: Path, notebooks_from: Path | None = None, timeout: float = 90) -> "LabServer":
        """Copy the student notebooks into `home`/work with the CLI and start JupyterLab there.

        Jupyter's config, data, runtime and settings folders are all inside `home`, so the test
        neither reads nor writes the developer's own Jupyter setup. Brian2's compile cache is left
        where it is (under $HOME), as it is for a student.
        """
        home = Path(home)
        work = home / "work"
        env = isolated_env(home)
        if notebooks_from is None:
            subprocess.run(
                [sys.executable, "-m", "neurodyn_lab", "copy", str(work)],
                check=True, env=env, capture_output=True, text=True,
            )
        else:
            work.mkdir(parents=True, exist_ok=True)
            for nb in sorted(Path(notebooks_from).glob("*.ipynb")):
                shutil.copy(nb, work / nb.name)
        port, token = free_port(), secrets.token_hex(16)
        app_settings = home / "app-settings"
        app_settings.mkdir(parents=True, exist_ok=True)
        overrides = REPO / "binder" / "overrides.json"
        if overrides.is_file():
            shutil.copy(overrides, app_settings / "overrides.json")
        log_path = home / "jupyter-lab.log"
        if notebooks_from is None:
            launcher = [sys.executable, "-m", "neurodyn_lab", "lab", str(work), "--"]
        else:
            launcher = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={work}"]
        command = launcher + [
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            "--ServerApp.open_browser=False",
            # No outbound checks: this machine has no network, and a test must not depend on one.
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.app_settings_dir={app_settings}",
            # window.jupyterapp lets a test run a JupyterLab command instead of hunting menus.
            "--LabApp.expose_app_in_browser=True",
            "--JupyterNotebookApp.expose_app_in_browser=True",
            # Kernels that outlive a test are culled rather than piling up on two cores.
            "--MappingKernelManager.cull_idle_timeout=600",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # CI and these machines run as root
        log = open(log_path, "w")
        process = subprocess.Popen(
            command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the kernels too
        )
        log.close()
        server = cls(root=work, port=port, token=token, process=process, log_path=log_path, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{server.log()}")
            try:
                server.api("status")
                return server
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.25)
        server.stop()
        raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{server.log()}")

    def stop(self) -> None:
        """End the server and every kernel it started (its whole process group)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        # Kernels are in the same group; make sure none is left even if the server died first.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def isolated_env(home: Path) -> dict:
    home = Path(home)
    env = dict(os.environ)
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "jupyter-config",
        "JUPYTER_DATA_DIR": home / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    for rel, settings in TEST_USER_SETTINGS.items():
        target = dirs["JUPYTERLAB_SETTINGS_DIR"] / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env.pop("MPLBACKEND", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


# ---------------------------------------------------------------------------------------------
# The browser


class Browser:
    """One headless chromium; each notebook gets its own page."""

    def __init__(self, playwright, browser):
        self._pw = playwright
        self.browser = browser

    @classmethod
    def launch(cls) -> "Browser":
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        try:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000
            )
        except Exception:
            pw.stop()
            raise
        return cls(pw, browser)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.browser.close()
        with contextlib.suppress(Exception):
            self._pw.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def new_page(self, width: int = 1280, height: int = 900):
        context = self.browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    def _goto(self, server: LabServer, path: str, name: str) -> "Notebook":
        """A new page, watched, that starts loading `path` of `server`; its `Notebook` `name`."""
        page = self.new_page()
        console = _watch_console(page)
        opened_at = time.perf_counter()
        page.goto(server.url(path), wait_until="domcontentloaded")
        nb = Notebook(page, name, console)
        nb.opened_at = opened_at
        return nb

    def open_notebook(self, server: LabServer, name: str, timeout: float = 120) -> "Notebook":
        """A new page that loads JupyterLab on `name` (as following a link to it does)."""
        nb = self._goto(server, f"{own_workspace()}/tree/{name}", name)
        page = nb.page
        page.wait_for_function("() => !!window.jupyterapp", timeout=timeout * 1000, polling=50)
        page.evaluate("() => window.jupyterapp.restored.then(() => true)")
        nb.lab_loaded_at = time.perf_counter()
        nb.wait_ready(timeout)
        _collapse_sidebars(page)
        return nb

    def open_notebook_7(self, server: LabServer, name: str, timeout: float = 120) -> "Notebook":
        """A new page with `name` open in Notebook 7 (``/notebooks/NAME``), its kernel idle.

        Notebook 7 exposes its application as ``window.jupyterapp`` too (the server is started with
        ``JupyterNotebookApp.expose_app_in_browser``), so the same `Notebook` helpers work on it.
        """
        nb = self._goto(server, f"notebooks/{name}", name)
        nb.wait_ready(timeout)
        return nb

    def open_lab(self, server: LabServer, timeout: float = 120) -> "LabPage":
        """A new page with JupyterLab loaded; notebooks are then opened in it as tabs."""
        page = self.new_page()
        console = _watch_console(page)
        page.goto(server.url(own_workspace()), wait_until="domcontentloaded")
        page.wait_for_function("() => !!window.jupyterapp", timeout=timeout * 1000)
        page.evaluate("() => window.jupyterapp.restored.then(() => true)")
        _collapse_sidebars(page)
        return LabPage(page, console)


def own_workspace() -> str:
    """The path of a JupyterLab workspace no other page has used.

    At ``lab`` or ``lab/tree/NAME`` a page restores the server's default workspace, i.e. every
    notebook another page of this server had open: it then opens them too, on the same kernels,
    and the two pages' autosaves of one file end in JupyterLab's modal "File Changed" dialog, which
    takes every key a test presses (CI, 2026-12-02: two keyboard tests pressed 400 times into it).
    """
    return f"lab/workspaces/test-{uuid.uuid4().hex[:12]}"


def _watch_console(page) -> list:
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    return console


def _collapse_sidebars(page) -> None:
    # The file browser takes a fifth of the width: give it to the notebook.
    page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")


class LabPage:
    """One JupyterLab page holding several notebooks as tabs (cheaper than a page each)."""

    def __init__(self, page, console):
        self.page = page
        self.console = console

    def open_notebook(self, name: str, timeout: float = 120) -> "Notebook":
        self.page.evaluate(
            "(path) => window.jupyterapp.commands.execute('docmanager:open', {path}).then(() => true)", name
        )
        nb = Notebook(self.page, name, self.console)
        nb.opened_at = time.perf_counter()
        nb.wait_ready(timeout)
        return nb

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.page.context.close()


# JavaScript run in the page. `nbPanel()` finds the notebook panel of the named file.
_JS_PRELUDE = """
const nbPanel = (name) => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path && w.context.path.split('/').pop() === name && w.content
        && w.content.widgets) return w;
  }
  return null;
};
"""


class Notebook:
    """A notebook open in JupyterLab, with its kernel."""

    def __init__(self, page, name: str, console: list | None = None):
        self.page = page
        self.name = name
        self.console: list[str] = console if console is not None else []
        self.opened_at = 0.0
        self.lab_loaded_at = None
        self._id = None

    @property
    def root(self):
        """A locator for this notebook's own panel (other notebooks may be open in other tabs)."""
        if self._id is None:
            self._id = self.js("return nbPanel(name).id;")
        return self.page.locator(f"[id='{self._id}']")

    def js(self, body: str, arg=None):
        """Evaluate `body` (a function body that may use nbPanel(name) and `arg`) in the page."""
        script = "async ([name, arg]) => {" + _JS_PRELUDE + body + "}"
        return self.page.evaluate(script, [self.name, arg])

    # -- state -----------------------------------------------------------------------------

    def kernel_status(self) -> str | None:
        return self.js(
            "const p = nbPanel(name); if (!p) return null;"
            "const k = p.sessionContext.session && p.sessionContext.session.kernel;"
            "return k ? k.status : null;"
        )

    def wait_ready(self, timeout: float = 120) -> None:
        """Wait until JupyterLab is up, the notebook is open and its kernel is idle."""
        self.page.wait_for_function("() => !!window.jupyterapp", timeout=timeout * 1000)
        self.page.wait_for_function(
            "(name) => { const app = window.jupyterapp;"
            " for (const w of app.shell.widgets('main')) {"
            "  if (w.context && w.context.path.split('/').pop() === name && w.sessionContext) {"
            "   const k = w.sessionContext.session && w.sessionContext.session.kernel;"
            "   return !!k && k.status === 'idle' && w.context.isReady; } }"
            " return false; }",
            arg=self.name,
            timeout=timeout * 1000,
            polling=200,
        )

    def cells(self) -> list[dict]:
        """Every cell: type, execution count and outputs (nbformat JSON)."""
        return self.js(
            "const p = nbPanel(name);"
            "return p.content.widgets.map(c => ({type: c.model.type,"
            " count: c.model.type === 'code' ? c.model.executionCount : null,"
            " source: c.model.sharedModel.getSource(),"
            " outputs: c.model.type === 'code' ? c.model.outputs.toJSON() : []}));"
        )

    def error_outputs(self) -> list[dict]:
        errors = []
        for i, cell in enumerate(self.cells()):
            for out in cell["outputs"]:
                if out.get("output_type") == "error":
                    errors.append({"cell": i, "ename": out.get("ename"), "evalue": out.get("evalue"),
                                   "source": cell["source"][:200]})
        return errors

    def widget_errors(self) -> list[str]:
        """Texts of widget views that failed to render ("Error displaying widget ...")."""
        return self.js(
            "return Array.from(nbPanel(name).node.querySelectorAll('.jp-OutputArea-output'))"
            ".map(e => e.textContent).filter(t => /Error displaying widget|Error rendering/.test(t));"
        )

    # -- running ---------------------------------------------------------------------------

    def command(self, command_id: str, args: dict | None = None) -> None:
        # Commands resolve to widgets, which cannot cross into Python: return nothing.
        self.page.evaluate(
            "([id, args]) => window.jupyterapp.commands.execute(id, args || {}).then(() => null)",
            [command_id, args],
        )

    def run_state(self) -> dict:
        """{pending, failed, total, status}: code cells not yet run, whether one failed, kernel status."""
        return self.js(
            "const p = nbPanel(name); let pending = 0, failed = false, total = 0;"
            "for (const c of p.content.widgets) {"
            "  if (c.model.type !== 'code' || !c.model.sharedModel.getSource().trim()) continue;"
            "  total++; if (c.model.executionCount === null) pending++;"
            "  const outs = c.model.outputs;"
            "  for (let i = 0; i < outs.length; i++) if (outs.get(i).type === 'error') failed = true; }"
            "const k = p.sessionContext.session && p.sessionContext.session.kernel;"
            "return {pending, failed, total, status: k ? k.status : null};"
        )

    def start_run_all(self) -> None:
        """Ask JupyterLab to run every cell (Run > Run All Cells) and return at once."""
        self.focus()
        self._run_started = time.perf_counter()
        self.command("notebook:run-all-cells")

    def wait_run(self, timeout: float = 240) -> float:
        """Wait until every cell has run, or one failed (JupyterLab then stops); return seconds."""
        deadline = time.monotonic() + timeout
        # Let the kernel pick up the request before reading "idle" as "done".
        time.sleep(0.5)
        while True:
            state = self.run_state()
            if (state["pending"] == 0 or state["failed"]) and state["status"] == "idle":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.name}: cells still running after {timeout:.0f} s "
                    f"({state['pending']} of {state['total']} not run, kernel {state['status']})"
                )
            time.sleep(0.25)
        return time.perf_counter() - self._run_started

    def run_all(self, timeout: float = 240) -> float:
        """Run every cell and wait until all have run (or one failed); return the seconds taken."""
        self.start_run_all()
        return self.wait_run(timeout)

    def run_cell_by_keyboard(self, index: int = 0, timeout: float = 30) -> None:
        """Click into cell `index`'s editor and press Shift+Enter, as a student does; return once
        the kernel has taken the cell (its execution count is set or the kernel is busy).

        A student whose key did nothing presses it again: so does this, once, after half of
        `timeout` (a click while the page still lays the notebook out can miss the editor).
        Raises with what the page showed (dialogs, focus, kernel, the cell's prompt) if neither
        press started the cell within `timeout` seconds.
        """
        cell = self.root.locator(".jp-CodeCell").nth(index)
        state = {}
        for attempt in range(2):
            cell.locator(".jp-InputArea-editor").click()
            self.page.keyboard.press("Shift+Enter")
            deadline = time.monotonic() + timeout / 2
            while time.monotonic() < deadline:
                state = self.js("const c = nbPanel(name).content.widgets[arg];"
                                "const s = nbPanel(name).sessionContext.session;"
                                "return {count: c.model.executionCount,"
                                " status: s && s.kernel ? s.kernel.status : null,"
                                " prompt: c.node.querySelector('.jp-InputPrompt').textContent};", index)
                if state["count"] is not None or state["status"] == "busy" or "*" in state["prompt"]:
                    if attempt:
                        print(f"{self.name}: the second Shift+Enter ran cell {index}")
                    return
                time.sleep(0.1)
        raise AssertionError(f"{self.name}: Shift+Enter, pressed twice, did not run cell {index} within "
                             f"{timeout:.0f} s (prompt {state.get('prompt')!r}, kernel {state.get('status')}, "
                             f"focus on {self.focused()}, dialogs {self.dialogs()})")

    def describe(self) -> str:
        """What the page shows, for a failure message: kernel, dialogs, focus, each cell's outputs."""
        try:
            cells = [(c["count"], [o.get("output_type") + ": " + str(o.get("text") or o.get("evalue")
                                                                     or list(o.get("data", {})))[:200]
                                   for o in c["outputs"]]) for c in self.cells()]
            return (f"kernel {self.kernel_status()}, dialogs {self.dialogs()}, focus on {self.focused()}, "
                    f"cells (execution count, outputs) {cells}")
        except Exception as error:  # the page itself may be gone
            return f"(the page could not be read: {error})"

    def focus(self) -> None:
        """Make this notebook the current widget (commands act on the current one)."""
        self.js(
            "const p = nbPanel(name); window.jupyterapp.shell.activateById(p.id); return true;"
        )

    def dialogs(self) -> list[str]:
        """The text of every JupyterLab dialog open in the page. A dialog is modal: it takes the
        keyboard focus from anything else (Lumino's Dialog moves focus back to its own button), so a
        key pressed on a slider while one is open goes to the dialog."""
        return self.page.evaluate(
            "() => Array.from(document.querySelectorAll('.jp-Dialog'))"
            ".map(d => d.innerText.replace(/\\s+/g, ' ').trim())"
        )

    def focused(self) -> str:
        """What has the keyboard focus: tag, classes and a little of its text (for error messages)."""
        return self.page.evaluate(
            "() => { const e = document.activeElement; if (!e) return 'nothing';"
            " return `<${e.tagName.toLowerCase()} class=\"${e.className}\">`"
            " + (e.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 80); }"
        )

    def wait_for_no_loading_widgets(self, timeout: float = 30) -> None:
        self.page.wait_for_function(
            "(id) => !Array.from(document.getElementById(id).querySelectorAll('.jp-OutputArea-output'))"
            ".some(e => /^\\s*Loading widget/.test(e.textContent))",
            arg=self.js("return nbPanel(name).id;"),
            timeout=timeout * 1000,
        )

    # -- pictures --------------------------------------------------------------------------

    def screenshot(self, path: Path, max_height: int = 8000) -> Path:
        """A picture of the whole notebook: the viewport grows by what the notebook scrolls."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        size = dict(self.page.viewport_size)
        extra = self.js(
            "const p = nbPanel(name);"
            "const outer = p.content.node.querySelector('.jp-WindowedPanel-outer') || p.content.node;"
            "return outer.scrollHeight - outer.clientHeight;"
        )
        self.page.set_viewport_size({"width": size["width"],
                                     "height": int(min(size["height"] + max(extra, 0), max_height))})
        self.js(
            "const p = nbPanel(name);"
            "const outer = p.content.node.querySelector('.jp-WindowedPanel-outer') || p.content.node;"
            "outer.scrollTop = 0; return true;"
        )
        self.page.wait_for_timeout(400)
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size(size)
        return path

    def shutdown_kernel(self) -> None:
        with contextlib.suppress(Exception):
            self.js("const p = nbPanel(name); if (p) { await p.sessionContext.shutdown(); } return true;")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.page.context.close()

    # -- panels ----------------------------------------------------------------------------

    def panel(self, index: int = 0):
        """The `index`-th neurodyn_lab panel in the notebook (a Playwright locator)."""
        return self.root.locator(".neurodyn-lab-panel").nth(index)

    def slider(self, panel, description: str):
        """The slider labelled `description` in `panel` (handle: `.noUi-handle`)."""
        return panel.locator(".widget-slider").filter(
            has=self.page.locator("label.widget-label", has_text=description)
        ).first

    def slider_handle(self, panel, description: str):
        """The keyboard-focusable handle of the slider labelled `description` in `panel`."""
        return self.slider(panel, description).locator(".noUi-handle").first

    @staticmethod
    def slider_value(slider) -> float:
        """The value the slider's readout shows (aria-valuenow goes stale after keyboard moves)."""
        text = slider.locator(".widget-readout").inner_text().strip()
        return float(text.replace("\u2212", "-"))

    def readout(self, panel, label: str) -> str:
        """The "simulated" cell of the readout row labelled `label`."""
        row = panel.locator("tr").filter(has=self.page.locator("th", has_text=label)).first
        return row.locator("td").first.inner_text().strip()

    def summary(self, panel) -> str:
        """The one-line summary above the readout table (the plot's text alternative)."""
        return panel.locator("table").locator("xpath=preceding-sibling::p").first.inner_text().strip()

    def figure(self, panel):
        """The element showing the panel's figure: ipympl's figure widget or the PNG image."""
        return panel.locator(".neurodyn-lab-figure").first
