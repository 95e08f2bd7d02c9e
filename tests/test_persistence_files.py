"""save on the file system: permissions, symbolic links and temporary files."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import zoo
from zoo import persistence
from zoo.persistence import TEMPORARY_MARKER, load, save

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions and links")


def _model(shift=0.0):
    X = np.arange(12, dtype=np.float64).reshape(6, 2)
    return zoo.preprocessing.StandardScaler().fit(X + shift)


def _temporaries(directory):
    return sorted(name for name in os.listdir(directory) if TEMPORARY_MARKER in name)


def _mode(path):
    return os.stat(path).st_mode & 0o7777


@posix_only
def test_replacing_a_private_file_keeps_it_private(tmp_path):
    target = tmp_path / "model.npz"
    save(_model(), target)
    os.chmod(target, 0o600)
    old = os.umask(0o022)
    try:
        save(_model(1.0), target)
    finally:
        os.umask(old)
    assert _mode(target) == 0o600
    np.testing.assert_array_equal(load(target).mean_, _model(1.0).mean_)


@posix_only
def test_replacing_keeps_wider_permissions_too(tmp_path):
    target = tmp_path / "shared.npz"
    save(_model(), target)
    os.chmod(target, 0o664)
    old = os.umask(0o077)
    try:
        save(_model(1.0), target)
    finally:
        os.umask(old)
    assert _mode(target) == 0o664


@posix_only
@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_permissions_open_would_give(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        save(_model(), tmp_path / "new.npz")
        with open(tmp_path / "by_open", "wb"):
            pass
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.npz") == expected == _mode(tmp_path / "by_open")


@posix_only
def test_a_file_open_could_not_write_is_refused_not_replaced(tmp_path, monkeypatch):
    target = tmp_path / "frozen.npz"
    save(_model(), target)
    before = target.read_bytes()
    os.chmod(target, 0o444)
    # What open() would find for a user other than root (who may write anything).
    monkeypatch.setattr(persistence.os, "access", lambda path, mode: not (mode & os.W_OK))
    with pytest.raises(PermissionError, match="read-only"):
        save(_model(1.0), target)
    assert target.read_bytes() == before and _mode(target) == 0o444
    assert _temporaries(tmp_path) == []


@posix_only
def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real_directory = tmp_path / "store"
    real_directory.mkdir()
    real = real_directory / "model.npz"
    save(_model(), real)
    os.chmod(real, 0o640)
    link = tmp_path / "current.npz"
    link.symlink_to(real)
    save(_model(1.0), link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    np.testing.assert_array_equal(load(real).mean_, _model(1.0).mean_)
    assert _mode(real) == 0o640
    # The temporary file was made beside the target, not beside the link.
    assert _temporaries(tmp_path) == [] and _temporaries(real_directory) == []
    assert sorted(os.listdir(real_directory)) == ["model.npz"]


@posix_only
def test_a_chain_of_links_and_a_dangling_link(tmp_path):
    real = tmp_path / "real.npz"
    (tmp_path / "first").symlink_to(tmp_path / "second")
    (tmp_path / "second").symlink_to(real)  # dangling until the save creates it
    save(_model(), tmp_path / "first")
    assert (tmp_path / "first").is_symlink() and (tmp_path / "second").is_symlink()
    assert real.is_file() and not real.is_symlink()
    np.testing.assert_array_equal(load(tmp_path / "first").mean_, _model().mean_)


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, OSError, MemoryError])
def test_no_temporary_is_left_on_any_failure(tmp_path, monkeypatch, interrupt):
    target = tmp_path / "model.npz"
    save(_model(), target)
    before = target.read_bytes()

    def fail_midway(handle, **entries):
        handle.write(b"PK\x03\x04 partial")
        raise interrupt("stopped")

    monkeypatch.setattr(persistence.np, "savez", fail_midway)
    with pytest.raises(interrupt):
        save(_model(1.0), target)
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


def test_temporary_names_say_what_they_are(tmp_path, monkeypatch):
    seen = []

    def spy(handle, **entries):
        seen.extend(os.listdir(tmp_path))
        raise OSError("stop")

    monkeypatch.setattr(persistence.np, "savez", spy)
    with pytest.raises(OSError):
        save(_model(), tmp_path / "model.npz")
    assert len(seen) == 1 and seen[0].startswith(".model.npz" + TEMPORARY_MARKER)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_save_leaves_the_old_file_and_one_recognisable_temporary(tmp_path):
    target = tmp_path / "model.npz"
    save(_model(), target)
    before = target.read_bytes()
    script = textwrap.dedent(
        f"""
        import os, signal
        import numpy as np
        import zoo
        from zoo import persistence

        def killed_midway(handle, **entries):
            handle.write(b"PK partial")
            handle.flush()
            os.kill(os.getpid(), signal.SIGKILL)

        persistence.np.savez = killed_midway
        model = zoo.preprocessing.StandardScaler().fit(np.ones((3, 2)))
        persistence.save(model, {str(target)!r})
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    assert target.read_bytes() == before
    leftovers = _temporaries(tmp_path)
    assert len(leftovers) == 1 and leftovers[0].startswith(".model.npz" + TEMPORARY_MARKER)
