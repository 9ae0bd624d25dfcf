"""Atomic writes: whole new file or untouched old file, never a torn one."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from places.errors import SaveError
from places.storage import atomic_write_bytes, atomic_write_text


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_writes_new_file(tmp_path):
    target = tmp_path / "lesson.yaml"
    atomic_write_text(target, "title: Ports\n")
    assert target.read_text(encoding="utf-8") == "title: Ports\n"
    assert _leftovers(tmp_path) == []


def test_replaces_existing_file_and_keeps_its_mode(tmp_path):
    target = tmp_path / "map.html"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic_write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_file_gets_umask_mode_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.csv", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644


def test_text_is_not_newline_translated(tmp_path):
    atomic_write_text(tmp_path / "t.txt", "a\r\nb\n", encoding="utf-8")
    assert (tmp_path / "t.txt").read_bytes() == b"a\r\nb\n"


def test_unencodable_text_is_a_save_error(tmp_path):
    with pytest.raises(SaveError, match="cannot be written as ascii"):
        atomic_write_text(tmp_path / "t.txt", "Constanța", encoding="ascii")
    assert not (tmp_path / "t.txt").exists()


def test_missing_folder_is_a_save_error(tmp_path):
    target = tmp_path / "nope" / "x.txt"
    with pytest.raises(SaveError) as info:
        atomic_write_text(target, "x")
    assert str(target) in str(info.value)
    assert "folder does not exist" in str(info.value)
    assert isinstance(info.value.__cause__, OSError)


def test_directory_target_is_a_save_error(tmp_path):
    with pytest.raises(SaveError, match="is a folder"):
        atomic_write_text(tmp_path, "x")


def _fail_on(monkeypatch, name, *, after=0):
    """Make os.<name> raise ENOSPC from its (after+1)-th call on."""
    real = getattr(os, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > after:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)
    return calls


@pytest.mark.parametrize("step", ["write", "fsync", "replace", "fchmod"])
def test_interrupted_save_leaves_previous_file_whole(tmp_path, monkeypatch, step):
    target = tmp_path / "lesson.yaml"
    old = "title: Old lesson\narticles: []\n" * 100
    target.write_text(old, encoding="utf-8")
    new = "title: New lesson\n" * 5000  # large enough that os.write is a real step
    calls = _fail_on(monkeypatch, step)
    with pytest.raises(SaveError) as info:
        atomic_write_text(target, new)
    monkeypatch.undo()
    assert calls["n"] >= 1, f"os.{step} was never reached"
    assert target.read_text(encoding="utf-8") == old
    assert _leftovers(tmp_path) == []
    assert str(target) in str(info.value) and "disk is full" in str(info.value)
    assert isinstance(info.value.__cause__, OSError)
    assert info.value.__cause__.errno == errno.ENOSPC


def test_partial_writes_are_completed(tmp_path, monkeypatch):
    """os.write may write fewer bytes than asked; the loop must finish the job."""
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:7])))
    payload = bytes(range(256)) * 10
    atomic_write_bytes(tmp_path / "b.bin", payload)
    monkeypatch.undo()
    assert (tmp_path / "b.bin").read_bytes() == payload


def test_write_failure_midway_leaves_no_temp(tmp_path, monkeypatch):
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:10])))
    _fail_on(monkeypatch, "write", after=3)
    target = tmp_path / "x.txt"
    with pytest.raises(SaveError):
        atomic_write_bytes(target, b"y" * 1000)
    monkeypatch.undo()
    assert not target.exists()
    assert _leftovers(tmp_path) == []



# --- targets: non-regular files, symbolic links, stale temporary files ------------------------


def test_non_regular_targets_are_refused(tmp_path):
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(SaveError, match="named pipe"):
        atomic_write_bytes(fifo, b"x")  # refused by stat, never opened (opening a FIFO would block)
    with pytest.raises(SaveError, match="device"):
        atomic_write_bytes("/dev/null", b"x")
    with pytest.raises(SaveError, match="folder"):
        atomic_write_bytes(tmp_path, b"x")
    assert fifo.is_fifo()


def test_a_symlink_target_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.kml"
    real.write_bytes(b"old")
    link = tmp_path / "link.kml"
    link.symlink_to(real.name)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    dangling = tmp_path / "dangling.kml"
    dangling.symlink_to("made.kml")
    atomic_write_bytes(dangling, b"made")
    assert dangling.is_symlink() and (tmp_path / "made.kml").read_bytes() == b"made"


def test_stale_temp_files_of_a_killed_write_are_removed_but_live_ones_kept(tmp_path):
    import fcntl
    import os
    import subprocess
    import sys

    target = tmp_path / "map.html"
    target.write_bytes(b"old")
    # A writer killed just before its rename leaves its (unlocked) temporary file behind.
    stale = tmp_path / ".map.html.abcd1234.tmp"
    code = ("import fcntl, os, signal, sys\n"
            f"fd = os.open({str(stale)!r}, os.O_CREAT | os.O_WRONLY, 0o600)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, b'half')\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    subprocess.run([sys.executable, "-c", code], check=False)
    assert stale.exists()
    live = tmp_path / ".map.html.live5678.tmp"
    fd = os.open(live, os.O_CREAT | os.O_WRONLY, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a write in progress elsewhere
    unrelated = tmp_path / ".map.html.notours.tmp"
    unrelated.write_bytes(b"someone else's")
    try:
        atomic_write_bytes(target, b"new")
        assert target.read_bytes() == b"new"
        assert not stale.exists()
        assert live.exists() and unrelated.exists()
    finally:
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".map.html.live5678.tmp", ".map.html.notours.tmp", "map.html"]


def test_a_cache_write_skips_the_disk_flushes_but_not_the_rename(tmp_path, monkeypatch):
    flushes = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushes.append(fd), real(fd))[1])
    target = tmp_path / "index.idx"
    target.write_bytes(b"old")
    atomic_write_bytes(target, b"new" * 1000, durable=False)
    assert flushes == [] and target.read_bytes() == b"new" * 1000 and _leftovers(tmp_path) == []
    atomic_write_bytes(target, b"again")
    assert len(flushes) >= 1 and target.read_bytes() == b"again"
