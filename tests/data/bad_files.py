"""The bad-file table: files Gazette must refuse with one clear message each.

Shared by tests/places/test_articles.py (load_article), tests/test_cli.py (exit code 2 and the
message on stderr) and the window tests (a dialog, previous state kept).  Each builder makes
the file under ``tmp`` and returns its path; ``pytest.skip`` when the case cannot be made here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


@dataclass(frozen=True)
class BadFile:
    name: str
    make: Callable[[Path], Path]
    message: str  # a regular expression the error message must match


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _too_large(tmp: Path) -> Path:
    path = tmp / "huge.txt"
    with open(path, "wb") as f:  # sparse: costs no disk, but stat reports 60 MB
        f.truncate(60_000_000)
    return path


def _unreadable(tmp: Path) -> Path:
    if os.geteuid() != 0:
        path = _write(tmp, "secret.txt", b"Troops left Odesa.")
        path.chmod(0)
        return path
    # root reads any mode-000 file, but not a write-only sysfs attribute: the kernel itself
    # refuses to open it for reading (EACCES), whoever asks.
    path = Path("/sys/bus/cpu/uevent")
    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        return path
    except OSError:
        pass
    pytest.skip("running as root and no file here refuses reading to root")


def _fifo(tmp: Path) -> Path:
    path = tmp / "pipe.txt"
    os.mkfifo(path)
    return path


BAD_FILES: tuple[BadFile, ...] = (
    BadFile("empty", lambda t: _write(t, "empty.txt", b""), r"empty\.txt: the file is empty\.$"),
    BadFile("png-renamed", lambda t: _write(t, "photo.txt", PNG_HEADER + bytes(range(256)) * 8),
            r"photo\.txt: it is a PNG image, not text\."),
    BadFile("pdf-as-md", lambda t: _write(t, "report.md", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
            r"report\.md: it is a PDF document, not text\."),
    BadFile("random-binary", lambda t: _write(t, "blob.txt", bytes(range(256)) * 64),
            r"blob\.txt: it is a binary file, not text\."),
    BadFile("unknown-suffix-binary", lambda t: _write(t, "data.xyz", b"\x00\x01\x02\x03" * 500),
            r"data\.xyz: it is a binary file, not text\."),
    BadFile("too-large", _too_large, r"huge\.txt: it is 60\.0 MB, larger than the 50\.0 MB limit"),
    # load_article refuses a folder; the CLI and the window read one, and an empty one has no articles
    BadFile("directory", lambda t: t, r": it is a folder(, not a file| with no articles or feeds in it \(\.[a-z., ]+\))\.$"),
    BadFile("missing", lambda t: t / "no-such-article.txt", r"no-such-article\.txt: there is no such file\.$"),
    BadFile("unreadable", _unreadable, r": permission denied\.$"),
    BadFile("fifo", _fifo, r"pipe\.txt: it is not a regular file\.$"),
    BadFile("whitespace-only", lambda t: _write(t, "blank.txt", b" \n\t\r\n  \n"),
            r"blank\.txt: it has no readable text\.$"),
    BadFile("script-only-html",
            lambda t: _write(t, "app.html", b"<html><head><title>App</title><script>" + b"var a=1;" * 500
                             + b"</script></head><body><nav>Home | About</nav><noscript>Enable JS</noscript>"
                             + b"<script>boot()</script></body></html>"),
            r"app\.html: it has no readable text \(only scripts, styles or page furniture\)\.$"),
)  # fmt: skip
