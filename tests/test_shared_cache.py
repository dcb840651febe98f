"""The hub's shared compile cache (`neurodyn_lab.engine.shared_cache`): linked into each kernel's own
cache when it was built for this interpreter, refused in one sentence otherwise."""

import json
import stat

import pytest

from neurodyn_lab.engine import shared_cache
from neurodyn_lab.engine.shared_cache import EXTENSION_SUFFIX, MANIFEST, overlay, publish, write_manifest


def _model(folder, name="_cython_magic_abc"):
    path = folder / (name + EXTENSION_SUFFIX)
    path.write_bytes(b"\x7fELF")
    return path


def test_models_are_linked_and_a_kernels_own_models_are_kept(tmp_path):
    shared, own = tmp_path / "shared", tmp_path / "own"
    shared.mkdir()
    own.mkdir()
    write_manifest(shared)
    _model(shared, "a")
    _model(shared, "b")
    (shared / "a.pyx").write_text("source is not linked")
    mine = _model(own, "b")
    report = overlay(shared, own)
    assert report == shared_cache.OverlayReport(linked=1, reason=None)
    assert (own / ("a" + EXTENSION_SUFFIX)).resolve() == (shared / ("a" + EXTENSION_SUFFIX)).resolve()
    assert not mine.is_symlink() and not (own / "a.pyx").exists()
    assert overlay(shared, own).linked == 0  # a second kernel of the same user links nothing again


@pytest.mark.parametrize("key, value, named", [
    ("executable", "/opt/venv/bin/python3", "interpreter /opt/venv/bin/python3"),
    ("cython", "0.29.0", "Cython 0.29.0"),
    ("numpy", "1.26", "numpy 1.26"),
])
def test_a_cache_built_by_another_interpreter_is_not_used_and_says_why(tmp_path, key, value, named):
    shared, own = tmp_path / "shared", tmp_path / "own"
    shared.mkdir()
    _model(shared)
    (shared / MANIFEST).write_text(json.dumps({**shared_cache.fingerprint(), key: value}))
    report = overlay(shared, own)
    assert report.linked == 0 and not any(own.glob("*"))
    assert f"was built for {named} and this kernel runs" in report.reason
    assert "warmup --shared" in report.reason and report.reason.count(". ") == 0


def test_a_missing_folder_or_manifest_is_said_in_one_sentence(tmp_path):
    assert overlay(tmp_path / "nowhere", tmp_path / "own").reason.endswith("does not exist")
    (tmp_path / "bare").mkdir()
    assert "has no neurodyn_lab_cache.json" in overlay(tmp_path / "bare", tmp_path / "own").reason


def test_publish_makes_the_cache_readable_by_all_and_writable_by_its_owner_only(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    model = _model(folder)
    model.chmod(0o660)
    (folder / "_cython_magic_abc.lock").write_text("")
    assert publish(folder) == 1
    assert not (folder / "_cython_magic_abc.lock").exists()
    for path in (folder, model, folder / MANIFEST):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o444 == 0o444 and mode & 0o022 == 0, (path, oct(mode))
    assert stat.S_IMODE(folder.stat().st_mode) & 0o111 == 0o111
