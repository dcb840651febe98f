"""The `neurodyn-lab` command: copies that never overwrite, clear errors, JupyterLab, warm-up, wheel."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from neurodyn_lab import cli

from repo_files import REPO, source_copy

SCRIPT = Path(sys.executable).parent / "neurodyn-lab"




def notebook(text):
    """A tiny valid notebook whose one markdown cell says `text`."""
    return json.dumps({
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": [text]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }, indent=1) + "\n"


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """Replace the shipped notebooks with two small ones we control."""
    source = tmp_path / "shipped"
    source.mkdir()
    (source / "00_getting_started.ipynb").write_text(notebook("welcome v1"))
    (source / "01_step_current.ipynb").write_text(notebook("step v1"))
    monkeypatch.setattr(cli, "notebook_source", lambda: source)
    return source


def run_main(*args):
    """Call main() in-process; return (exit status, stdout+stderr)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            status = cli.main(list(args))
        except SystemExit as exc:  # argparse's own exits (--help, usage errors)
            status = exc.code
    return status, out.getvalue()


# ------------------------------------------------------------------------------- copy


def test_copy_into_a_new_folder_copies_every_notebook(shipped, tmp_path):
    dest = tmp_path / "work"
    status, out = run_main("copy", str(dest))
    assert status == 0, out
    assert sorted(p.name for p in dest.iterdir()) == ["00_getting_started.ipynb", "01_step_current.ipynb"]
    assert (dest / "01_step_current.ipynb").read_text() == notebook("step v1")
    assert "copied 00_getting_started.ipynb" in out and "copied 01_step_current.ipynb" in out


def test_copy_defaults_to_neurodyn_lab_work_in_the_current_folder(shipped, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out = run_main("copy")
    assert status == 0, out
    assert (tmp_path / "neurodyn-lab-work" / "00_getting_started.ipynb").is_file()


def test_an_edited_notebook_is_kept_and_reported(shipped, tmp_path):
    dest = tmp_path / "work"
    run_main("copy", str(dest))
    mine = notebook("my answers: 2 nA")
    (dest / "01_step_current.ipynb").write_text(mine)
    status, out = run_main("copy", str(dest))
    assert status == 0
    assert (dest / "01_step_current.ipynb").read_text() == mine
    assert "kept your 01_step_current.ipynb" in out
    assert "00_getting_started.ipynb is already this version" in out
    assert sorted(p.name for p in dest.iterdir()) == ["00_getting_started.ipynb", "01_step_current.ipynb"]


def test_update_writes_the_new_version_beside_the_students_own(shipped, tmp_path):
    dest = tmp_path / "work"
    run_main("copy", str(dest))
    mine = notebook("my answers")
    (dest / "01_step_current.ipynb").write_text(mine)
    (shipped / "01_step_current.ipynb").write_text(notebook("step v2"))

    status, out = run_main("copy", "--update", str(dest))
    assert status == 0, out
    assert (dest / "01_step_current.ipynb").read_text() == mine
    assert (dest / "01_step_current.new.ipynb").read_text() == notebook("step v2")
    assert "kept your 01_step_current.ipynb; the new version is 01_step_current.new.ipynb" in out

    # Again with the same version: nothing new is written.
    run_main("copy", "--update", str(dest))
    assert not (dest / "01_step_current.new-2.ipynb").exists()

    # A third version, while the student has edited the .new one too: a further name, nothing overwritten.
    (dest / "01_step_current.new.ipynb").write_text(notebook("edited the new one"))
    (shipped / "01_step_current.ipynb").write_text(notebook("step v3"))
    run_main("copy", "--update", str(dest))
    assert (dest / "01_step_current.new.ipynb").read_text() == notebook("edited the new one")
    assert (dest / "01_step_current.new-2.ipynb").read_text() == notebook("step v3")
    assert (dest / "01_step_current.ipynb").read_text() == mine


def test_a_file_appearing_during_the_copy_is_not_overwritten(shipped, tmp_path, monkeypatch):
    dest = tmp_path / "work"
    dest.mkdir()
    real_write = cli._write_new

    def racing_write(path, data):
        path.write_text("the student's, written a moment ago")
        real_write(path, data)  # must refuse: the file exists now

    monkeypatch.setattr(cli, "_write_new", racing_write)
    status, out = run_main("copy", str(dest))
    assert status == 0
    assert (dest / "00_getting_started.ipynb").read_text() == "the student's, written a moment ago"
    assert "kept your 00_getting_started.ipynb" in out


# ----------------------------------------------------------------------------- errors


def test_missing_parent_folder_is_one_clear_error(shipped, tmp_path):
    status, out = run_main("copy", str(tmp_path / "no" / "such" / "place"))
    assert status == 1
    assert out.startswith("neurodyn-lab: error: cannot create ")
    assert "does not exist" in out and "Traceback" not in out
    assert not (tmp_path / "no").exists()


def test_a_file_where_the_folder_should_be_is_one_clear_error(shipped, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("not a folder")
    status, out = run_main("copy", str(target))
    assert status == 1
    assert "exists but is not a folder" in out and "Traceback" not in out
    assert target.read_text() == "not a folder"


def test_unwritable_folder_is_one_clear_error(shipped, tmp_path, monkeypatch):
    dest = tmp_path / "readonly"
    dest.mkdir()
    if os.geteuid() != 0:
        dest.chmod(0o555)
    else:  # root writes anywhere: make the folder look unwritable instead
        real_access = os.access
        monkeypatch.setattr(cli.os, "access", lambda p, mode: False if Path(p) == dest else real_access(p, mode))
    try:
        status, out = run_main("copy", str(dest))
    finally:
        dest.chmod(0o755)
    assert status == 1
    assert f"cannot write in {dest}: permission denied" in out and "Traceback" not in out
    assert list(dest.iterdir()) == []


def test_a_permission_error_while_writing_is_one_clear_error(shipped, tmp_path, monkeypatch):
    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(cli, "_write_new", refuse)
    status, out = run_main("copy", str(tmp_path / "work"))
    assert status == 1
    assert "permission denied" in out and "Traceback" not in out


def test_no_shipped_notebooks_is_one_clear_error(tmp_path, monkeypatch):
    fake_package = tmp_path / "site-packages" / "neurodyn_lab"
    fake_package.mkdir(parents=True)
    monkeypatch.setattr(cli, "_package_dir", lambda: fake_package)
    status, out = run_main("copy", str(tmp_path / "work"))
    assert status == 1
    assert "ships no notebooks" in out


def test_jupyter_options_only_go_with_lab(shipped, tmp_path):
    status, out = run_main("copy", str(tmp_path / "w"), "--", "--port=1")
    assert status == 2
    assert "only go with `lab`" in out


def test_lab_without_jupyterlab_says_how_to_install_it(shipped, tmp_path, monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "jupyterlab" else real_find_spec(name, *a))
    status, out = run_main("lab", str(tmp_path / "w"))
    assert status == 1
    assert "JupyterLab is not installed" in out and "neurodyn_lab[lab]" in out
    # The notebooks were copied all the same: the student's folder is ready.
    assert (tmp_path / "w" / "00_getting_started.ipynb").is_file()


def test_lab_command_opens_the_first_notebook_and_passes_options_on(tmp_path):
    (tmp_path / "00_getting_started.ipynb").write_text(notebook("x"))
    command = cli.jupyter_lab_command(tmp_path, ["--port=9999"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert str(tmp_path / "00_getting_started.ipynb") in command
    assert command[-1] == "--port=9999"


def test_lab_command_turns_on_the_websocket_without_nagles_delay_unless_the_user_chose(tmp_path):
    # issues 18 and 20: jupyter_server's kernel websocket holds each message after the first ~40 ms
    command = cli.jupyter_lab_command(tmp_path)
    assert command.count(cli.NODELAY_OPTION) == 1
    assert cli.NODELAY_OPTION.endswith("=neurodyn_lab.jupyter_nodelay.NoDelayWebsocketConnection")
    own = "--ServerApp.kernel_websocket_connection_class=my.Connection"
    for chosen in (own, "--gateway-url=http://gateway:8888", "--GatewayClient.url=http://gateway:8888"):
        command = cli.jupyter_lab_command(tmp_path, [chosen])
        assert cli.NODELAY_OPTION not in command and command[-1] == chosen


# ------------------------------------------------------------------ help and version


def test_version_from_the_installed_command():
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "neurodyn_lab"]
    version = subprocess.run(command + ["--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0, version.stderr
    from importlib.metadata import version as dist_version

    assert version.stdout.strip() == f"neurodyn-lab {dist_version('neurodyn_lab')}"


def test_help_names_every_command_and_an_example():
    status, out = run_main("--help")
    assert status == 0
    for word in ("lab", "copy", "warmup", "--version", "never overwritten", "examples:"):
        assert word in out
    status, out = run_main("copy", "--help")
    assert status == 0 and "--update" in out and "DIR" in out


def test_no_command_prints_help_and_fails():
    status, out = run_main()
    assert status == 2
    assert "usage: neurodyn-lab" in out


# ------------------------------------------------------------------ the real notebooks


def test_the_real_student_notebooks_are_shipped(tmp_path):
    names = [p.name for p in cli.student_notebooks()]
    assert names, "no student notebooks found (exercises/*.ipynb)"
    assert names[0] == cli.FIRST_NOTEBOOK
    status, out = run_main("copy", str(tmp_path / "work"))
    assert status == 0, out
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == names


def test_wheel_ships_the_notebooks_and_the_command_works_outside_the_repository(tmp_path):
    """Build the wheel as pip would and run the command from its contents, far from exercises/."""
    exercises = sorted((REPO / "exercises").glob("*.ipynb"))
    assert exercises, "no student notebooks in exercises/"
    dist = tmp_path / "dist"
    # Build from a copy: an in-tree build would leave build/ and *.egg-info in the checkout.
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
         str(source_copy(tmp_path / "src"))],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = dist.glob("neurodyn_lab-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        shipped = sorted(n for n in zf.namelist() if n.startswith("neurodyn_lab/notebooks/"))
        assert shipped == [f"neurodyn_lab/notebooks/{p.name}" for p in exercises]
        for p in exercises:
            assert zf.read(f"neurodyn_lab/notebooks/{p.name}") == p.read_bytes()
        assert "neurodyn_lab/cli.py" in zf.namelist() and "neurodyn_lab/__main__.py" in zf.namelist()
        entry_points = next(n for n in zf.namelist() if n.endswith("entry_points.txt"))
        assert "neurodyn-lab = neurodyn_lab.cli:main" in zf.read(entry_points).decode()
        unpacked = tmp_path / "site"
        zf.extractall(unpacked)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(unpacked))
    where = subprocess.run(
        [sys.executable, "-c", "import neurodyn_lab.cli as c; print(c.__file__); print(c.notebook_source())"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60,
    )
    assert where.returncode == 0, where.stderr
    module_file, source = where.stdout.split()
    assert Path(module_file).is_relative_to(unpacked)
    assert Path(source) == unpacked / "neurodyn_lab" / "notebooks"

    copied = subprocess.run([sys.executable, "-m", "neurodyn_lab", "copy", "course"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=60)
    assert copied.returncode == 0, copied.stderr
    assert sorted(p.name for p in (elsewhere / "course").iterdir()) == [p.name for p in exercises]


# --------------------------------------------------------------------- lab, for real


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lab_starts_jupyterlab_on_the_copied_notebooks(tmp_path):
    pytest.importorskip("jupyterlab")
    port, token = _free_port(), "neurodyn-test-token"
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                 "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
        env[name] = str(tmp_path / name.lower())
    work = tmp_path / "course"
    process = subprocess.Popen(
        [sys.executable, "-m", "neurodyn_lab", "lab", str(work), "--", "--no-browser",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        contents = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents",
                                                 headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    contents = json.load(response)
                break
            except OSError:
                time.sleep(0.3)
        assert contents is not None, f"JupyterLab did not answer (exit {process.poll()})"
        served = sorted(item["name"] for item in contents["content"])
        assert served == [p.name for p in cli.student_notebooks()]
        # JupyterLab itself serves the lab page.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10) as response:
            assert response.status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            out, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, _ = process.communicate()
    assert "copied 00_getting_started.ipynb" in out
    assert f"starting JupyterLab in {work}" in out


# -------------------------------------------------------------------------- warm-up


def test_warmup_compiles_with_a_progress_bar():
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "neurodyn_lab"]
    result = subprocess.run(command + ["warmup"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "warm-up done in" in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert lines and lines[-1].startswith("[" + "#" * 24 + "]")
    total = lines[-1].split()[1]
    assert total.split("/")[0] == total.split("/")[1]


# ------------------------------------------------- issue 8 item 10: paths that are not what they seem


def test_a_literal_tilde_means_home_everywhere(shipped, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    status, out = run_main("copy", "~/labtest")  # quoted in the shell: the "~" reaches us
    assert status == 0, out
    assert (tmp_path / "home" / "labtest" / "00_getting_started.ipynb").is_file()
    assert not (elsewhere / "~").exists()
    assert f"your notebooks are in {tmp_path / 'home' / 'labtest'}" in out

    started = {}
    monkeypatch.setattr(cli, "jupyter_lab_command", lambda d, a=(): ["jupyter", str(d)])
    monkeypatch.setattr(cli.os, "chdir", lambda d: started.setdefault("cwd", Path(d)))

    def execv(*command):  # the real one never returns: JupyterLab replaces this process
        started["command"] = command
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "execv", execv)
    run_main("lab", "~/labtest")
    assert started["cwd"] == tmp_path / "home" / "labtest"


@pytest.mark.parametrize("kind", ["folder", "fifo", "dangling symlink"])
@pytest.mark.parametrize("update", [False, True])
def test_something_that_is_not_a_notebook_is_reported_truthfully(shipped, tmp_path, kind, update):
    dest = tmp_path / "work"
    dest.mkdir()
    target = dest / "01_step_current.ipynb"
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        os.symlink(tmp_path / "gone.ipynb", target)
    before = sorted(p.name for p in dest.iterdir())
    status, out = run_main("copy", *(["--update"] if update else []), str(dest))
    assert status == 1
    assert "01_step_current.ipynb not copied: " in out and "nothing was written" in out
    assert "kept your 01_step_current" not in out
    assert sorted(p.name for p in dest.iterdir()) == sorted(before + ["00_getting_started.ipynb"])
    assert not (tmp_path / "gone.ipynb").exists()


def test_a_dir_that_is_a_dangling_symlink_is_one_clear_error(shipped, tmp_path):
    link = tmp_path / "course"
    os.symlink(tmp_path / "missing", link)
    status, out = run_main("copy", str(link))
    assert status == 1
    assert f"{link} is a symbolic link to {tmp_path / 'missing'}, which does not exist" in out
    assert "File exists" not in out and "Traceback" not in out


# ------------------------------------------------------------------- warm-up combines the layers


def test_warmup_combines_every_layers_jobs(monkeypatch):
    import io

    from neurodyn_lab import engine, grading, lif, panels

    calls = {}

    def fake_warm_up(jobs, progress=None):
        calls["jobs"] = list(jobs)
        for done, (label, _, _) in enumerate(calls["jobs"], start=1):
            progress(done, len(calls["jobs"]), label)

    monkeypatch.setattr(engine, "warm_up", fake_warm_up)
    monkeypatch.setattr(grading, "warm_up_jobs", lambda: [("graded", [], True)], raising=False)
    monkeypatch.setattr(lif, "warm_up_jobs", lambda: [("classic", [], True)], raising=False)
    stream = io.StringIO()
    cli.run_warmup(stream)
    labels = [label for label, _, _ in calls["jobs"]]
    assert labels == [label for label, _, _ in panels.warm_up_jobs()] + ["graded", "classic"]
    assert stream.getvalue().splitlines()[-1].startswith(f"[{'#' * 24}] {len(labels)}/{len(labels)} classic")
