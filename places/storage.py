"""Atomic file writes: a save either lands whole or leaves the previous file untouched.

Write to a temporary file in the target's directory, flush and fsync it, ``os.replace`` it over
the target, then fsync the directory so the rename itself survives a crash.  Any failure removes
the temporary file and raises :class:`~places.errors.SaveError` naming the path and the reason.
Only regular files are replaced (a device, FIFO or folder is refused); a symbolic link is written
through: the file it points to is replaced and the link stays. The temporary file is locked while
it is written, so a later write can tell ours left by a killed process (unlocked) from one being
written now, and removes the former.
:func:`user_cache_dir` is where Gazette keeps what it can rebuild (the place index, the geocoder cache).
"""

from __future__ import annotations

__all__ = ["CACHE_DIR_ENV", "atomic_write_bytes", "atomic_write_text", "non_regular_kind", "user_cache_dir"]

import errno
import fcntl
import os
import re
import stat
import tempfile
from pathlib import Path

from places.errors import SaveError

CACHE_DIR_ENV = "GAZETTE_CACHE_DIR"

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "the path is a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


def user_cache_dir() -> Path:
    """``$GAZETTE_CACHE_DIR`` when set, else platformdirs' user cache folder for Gazette."""
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("gazette"))


def _reason(err: OSError) -> str:
    return _REASONS.get(err.errno or 0, err.strerror or str(err) or type(err).__name__)


def non_regular_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file ("a folder", "a FIFO", ...)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _temp_pattern(name: str) -> re.Pattern[str]:
    # mkstemp's names: prefix, eight characters of [a-z0-9_], suffix.
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp")


def _remove_stale_temps(directory: Path, name: str) -> None:
    """Remove our temporary files for ``name`` that no live writer holds locked."""
    pattern = _temp_pattern(name)
    try:
        entries = [e for e in os.scandir(directory) if pattern.fullmatch(e.name)]
    except OSError:
        return
    for entry in entries:
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a write in progress
            if os.stat(entry.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino:
                os.unlink(entry.path)
        except OSError:
            pass
        finally:
            os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically; raise SaveError (old file intact) on failure. ``durable=False``
    leaves out the flushes to the disk (the file and its folder): for a cache that checks its own bytes when read,
    where a power cut may lose the new file but never leaves a part of one in its place unnoticed."""
    shown = Path(path)
    target = Path(os.path.realpath(shown)) if shown.is_symlink() else shown
    directory = target.parent if str(target.parent) else Path(".")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise SaveError(f"Could not save {shown}: {_reason(err)}.") from err
    else:
        kind = non_regular_kind(st.st_mode)
        if kind == "a folder":
            raise SaveError(f"Could not save {shown}: the path is a folder.")
        if kind is not None:
            raise SaveError(f"Could not save {shown}: it is {kind}, not a regular file.")
        mode = stat.S_IMODE(st.st_mode)
    _remove_stale_temps(directory, target.name)
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
        try:
            # Locked until closed after the rename (or until this process dies): unlocked, it is stale.
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if mode is not None:
                os.fchmod(fd, mode)
            else:
                # mkstemp creates 0600; a new file should get the usual umask-derived mode.
                os.fchmod(fd, 0o666 & ~_umask())
            if durable:
                os.fsync(fd)
            os.replace(tmp_name, target)
            tmp_name = None
        finally:
            os.close(fd)
        if durable:
            _fsync_directory(directory)
    except OSError as err:
        raise SaveError(f"Could not save {shown}: {_reason(err)}.") from err
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Like :func:`atomic_write_bytes` for text (no newline translation)."""
    try:
        data = text.encode(encoding)
    except (UnicodeError, LookupError) as err:
        raise SaveError(f"Could not save {path}: the text cannot be written as {encoding}.") from err
    atomic_write_bytes(path, data)


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (setting it races threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some platforms/file systems cannot open directories; the data is already safe
    try:
        os.fsync(dir_fd)
    except OSError as err:
        if err.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(dir_fd)
