"""The bad-file table: files Gazette must refuse with one clear message each.

Shared by tests/places/test_articles.py (load_article), tests/test_cli.py (exit code 2 and the
message on stderr) and the window tests (a dialog, previous state kept).  Each builder makes
the file under ``tmp`` and returns its path; ``pytest.skip`` when the case cannot be made here.
``BAD_LESSONS`` are lessons to refuse the same way, ``MALFORMED_LESSONS`` every refusal of the
lesson model (values, reach), each message naming the file, the line and the field, ``ODD_FILES`` files that look hostile but must be read, naming their places.
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


def _device(tmp: Path) -> Path:
    path = Path("/dev/zero")  # endless: reading it whole would never finish
    if not path.exists():
        pytest.skip("no /dev/zero here")
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
    BadFile("device", _device, r"/dev/zero: it is not a regular file\.$"),
    BadFile("whitespace-only", lambda t: _write(t, "blank.txt", b" \n\t\r\n  \n"),
            r"blank\.txt: it has no readable text\.$"),
    BadFile("script-only-html",
            lambda t: _write(t, "app.html", b"<html><head><title>App</title><script>" + b"var a=1;" * 500
                             + b"</script></head><body><nav>Home | About</nav><noscript>Enable JS</noscript>"
                             + b"<script>boot()</script></body></html>"),
            r"app\.html: it has no readable text \(only scripts, styles or page furniture\)\.$"),
)  # fmt: skip


def _fifo_named(tmp: Path, name: str) -> Path:
    path = tmp / name
    os.mkfifo(path)
    return path


def _lesson_of(tmp: Path, listed: str, make: Callable[[Path], object]) -> Path:
    make(tmp)
    path = tmp / "unit.yaml"
    path.write_text(f"title: Ports\narticles: [{listed}]\n", encoding="utf-8")
    return path


BAD_LESSONS: tuple[BadFile, ...] = (
    BadFile("fifo-lesson", lambda t: _fifo_named(t, "pipe.yaml"), r"lesson .*pipe\.yaml: it is not a regular file\.$"),
    BadFile("folder-lesson", lambda t: (t / "unit.yaml").mkdir() or t / "unit.yaml",
            r"unit\.yaml: it is a folder with no articles or feeds in it"),  # a folder is a source, whatever its name
    BadFile("lesson-lists-a-fifo", lambda t: _lesson_of(t, "pipe.txt", lambda d: _fifo_named(d, "pipe.txt")),
            r"unit\.yaml: Cannot open .*pipe\.txt: it is not a regular file\.$"),
    BadFile("lesson-lists-a-device", lambda t: _lesson_of(t, "/dev/zero", lambda d: None),
            r"unit\.yaml.*'/dev/zero' is not a path relative to the lesson's folder\.$"),
)


def _malformed(text: str, *, setup: Callable[[Path], object] = lambda t: None) -> Callable[[Path], Path]:
    """A lesson folder ``tmp/lesson`` with one good article ``a.txt`` and the lesson ``week.gazette.yaml``."""

    def make(tmp: Path) -> Path:
        folder = tmp / "lesson"
        folder.mkdir(exist_ok=True)
        (folder / "a.txt").write_text("Ships left Odesa for Varna.\n", encoding="utf-8")
        (tmp / "outside.txt").write_text("Private notes about Paris.\n", encoding="utf-8")
        setup(folder)
        path = folder / "week.gazette.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return make


_FIELD = r"week\.gazette\.yaml,? (is not valid YAML at )?line {line}, {field}: "
MALFORMED_LESSONS: tuple[BadFile, ...] = (
    BadFile("impossible-date", _malformed("title: T\narticles:\n  - path: a.txt\n    published: 2023-02-30\n"),
            _FIELD.format(line=4, field=r"articles\[1\]\.published") + r"'2023-02-30' is an impossible date\.$"),
    BadFile("5000-digit-integer", _malformed("title: T\narticles: [a.txt]\nextra_places:\n  - {name: X, lat: " + "9" * 5000 + ", lon: 1}\n"),
            _FIELD.format(line=4, field=r"extra_places\[1\]\.lat") + r"'9+' is not a usable int\.$"),
    BadFile("int-tag-on-text", _malformed('title: T\narticles: [a.txt]\nextra_places:\n  - {name: X, lat: !!int "abc", lon: 1}\n'),
            _FIELD.format(line=4, field=r"extra_places\[1\]\.lat") + r"'abc' is not a usable int\.$"),
    BadFile("nested-brackets", _malformed("title: T\narticles: [a.txt]\ntour: [" + "[" * 5000 + "]" * 5000 + "]\n"),
            _FIELD.format(line=3, field=r"tour(\[1\])+") + r"nested too deeply to be a lesson\.$"),
    BadFile("unknown-key", _malformed("title: T\narticles: [a.txt]\ncolour: red\n"),
            _FIELD.format(line=3, field="the lesson") + r"unknown key 'colour' \(expected .*\)\.$"),
    BadFile("wrong-type", _malformed("title: T\narticles: [a.txt]\ntour:\n  - {place: [Odesa], caption: x}\n"),
            _FIELD.format(line=4, field=r"tour\[1\]\.place") + r"expected text\.$"),
    BadFile("bad-yaml", _malformed("title: T\narticles:\n  - path: [unclosed\n  - x: y\n"),
            _FIELD.format(line=4, field=r"articles\[1\]\.path") + r"expected ',' or ']', but got ':'\.$"),
    BadFile("missing-article", _malformed("title: T\narticles:\n  - a.txt\n  - path: gone.txt\n"),
            _FIELD.format(line=4, field=r"articles\[2\]\.path") + r"the lesson lists article that cannot be found: gone\.txt\.$"),
    BadFile("python-object-tag", _malformed("title: T\narticles: [a.txt]\ntour:\n  - place: !!python/object:os.system {a: 1}\n"),
            _FIELD.format(line=4, field=r"tour\[1\]\.place") + r"the tag !!python/object:os\.system is not allowed in a lesson\.$"),
    BadFile("absolute-path", _malformed("title: T\narticles:\n  - path: /etc/hostname\n"),
            _FIELD.format(line=3, field=r"articles\[1\]\.path") + r"'/etc/hostname' is not a path relative to the lesson's folder\.$"),
    BadFile("dot-dot-out", _malformed("title: T\narticles:\n  - path: ../outside.txt\n"),
            _FIELD.format(line=3, field=r"articles\[1\]\.path") + r"'\.\./outside\.txt' leads out of the lesson's folder"),
    BadFile("symlink-out", _malformed("title: T\narticles:\n  - path: linked.txt\n",
                                      setup=lambda f: (f / "linked.txt").symlink_to(f.parent / "outside.txt")),
            _FIELD.format(line=3, field=r"articles\[1\]\.path") + r"'linked\.txt' leads out of the lesson's folder"),
)  # fmt: skip


@dataclass(frozen=True)
class OddFile:
    name: str
    make: Callable[[Path], Path]
    places: tuple[str, ...]  # names that must be found, in order


def _html_meta(charset: str) -> Callable[[Path], Path]:
    body = f'<html><head><meta charset="{charset}"><title>Ports</title></head><body><p>Ships left Odesa for Varna.</p></body></html>'
    return lambda t: _write(t, f"meta-{charset}.html", body.encode("ascii"))


ODD_FILES: tuple[OddFile, ...] = (
    *(OddFile(f"meta-charset-{c}", _html_meta(c), ("Odesa", "Varna"))
      for c in ("rot13", "undefined", "base64", "punycode", "utf-7", "idna", "hex", "zlib", "no-such-codec")),
    OddFile("utf8-encoded-surrogate", lambda t: _write(t, "surrogate.txt", b"Ships left Odesa \xed\xa0\x80 for Varna."),
            ("Odesa", "Varna")),
    OddFile("html-surrogate-references",
            lambda t: _write(t, "refs.html", b"<html><body><p>Ships &#xD800; left Odesa &#56320; for Varna.</p></body></html>"),
            ("Odesa", "Varna")),
    OddFile("markdown-surrogate-references", lambda t: _write(t, "refs.md", b"Ships &#xD800; left Odesa for Varna.\n"),
            ("Odesa", "Varna")),
    OddFile("lesson-surrogate-titles",
            lambda t: (_write(t, "a.txt", b"Ships left Odesa for Varna."),
                       _write(t, "unit.yaml", b'title: "Ports \\ud800"\narticles: [{path: a.txt, title: "A \\udc00"}]\n'))[1],
            ("Odesa", "Varna")),
    OddFile("markdown-line-of-20000-backticks",
            lambda t: _write(t, "ticks.md", b"Ships left Odesa for Varna.\n\nand " + b"`" * 20000 + b"\n"), ("Odesa", "Varna")),
)
