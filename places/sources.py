"""The one way from paths to :class:`~places.model.Article`\\ s: articles and lessons alike.

The command line, the parse process and the window all call :func:`load_sources`, so a path
means the same everywhere: it is resolved against ``cwd`` (the folder the person typed it in),
a lesson's articles against the lesson's folder, and a lesson's own title and date for an
article stay on that :class:`Article`.
"""

from __future__ import annotations

__all__ = [
    "ARTICLE_SUFFIXES", "LESSON_SUFFIXES", "SOURCE_SUFFIXES", "embedded_lesson", "is_lesson", "lesson_of", "load_source",
    "load_sources", "resolve_path",
]  # fmt: skip

import json
import os
import re
import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path, PurePosixPath

from places.articles import HTML_SUFFIXES, MARKDOWN_SUFFIXES, TEXT_SUFFIXES, load_article
from places.errors import ArticleError, LessonError
from places.lessons import LESSON_SUFFIXES, MAX_LESSON_BYTES, Lesson, load_lesson
from places.model import Article

ARTICLE_SUFFIXES: tuple[str, ...] = tuple(sorted((TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES) - {""}))
SOURCE_SUFFIXES: tuple[str, ...] = ARTICLE_SUFFIXES + LESSON_SUFFIXES


def is_lesson(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a lesson file (by its suffix; the file need not exist)."""
    return os.fspath(path).lower().endswith(LESSON_SUFFIXES)


def resolve_path(path: str | os.PathLike[str], *, cwd: Path | None = None) -> Path:
    """``path`` as an absolute path: ``~`` expanded, a relative path taken from ``cwd`` (default: the current folder)."""
    p = Path(os.fspath(path)).expanduser()
    if not p.is_absolute():
        try:
            base = Path.cwd() if cwd is None else Path(cwd)
        except OSError as err:  # the folder it was started in was deleted meanwhile
            raise ArticleError(f"Cannot open {os.fspath(path)}: the current folder no longer exists.") from err
        p = base / p
    return Path(os.path.normpath(p))


def load_source(path: str | os.PathLike[str], *, cwd: Path | None = None) -> tuple[Article, ...]:
    """The articles of one path: one for an article file, each listed article for a lesson."""
    resolved = resolve_path(path, cwd=cwd)
    lesson = lesson_of(resolved)
    return lesson.articles if lesson is not None else (load_article(resolved),)


def load_sources(paths: Sequence[str | os.PathLike[str]], *, cwd: Path | None = None) -> tuple[Article, ...]:
    """Every article the paths name, in order; the first unreadable one raises its GazetteError."""
    return tuple(article for path in paths for article in load_source(path, cwd=cwd))


# An exported tour (``gazette export lesson.yaml -o tour.html``) carries its lesson in the page's
# data block: {"lesson": {"file": {"lesson": yaml text, "files": {path: text}}}}.
_DATA_BLOCK = re.compile(r'<script type="application/json" id="gz-data">(.*?)</script>', re.DOTALL)
_MAX_EXPORT_BYTES = 200_000_000


def embedded_lesson(path: Path, *, basemaps: Collection[str] = ()) -> Lesson | None:
    """The lesson inside a tour exported by Gazette, or None when ``path`` is no such page."""
    if path.suffix.lower() not in {".html", ".htm"} or not path.is_file() or path.stat().st_size > _MAX_EXPORT_BYTES:
        return None
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = _DATA_BLOCK.search(head)
    if found is None or '"file":{"lesson":' not in found.group(1):
        return None
    try:
        bundle = json.loads(found.group(1))["lesson"]["file"]
        text, files = bundle["lesson"], dict(bundle["files"])
    except (ValueError, KeyError, TypeError) as err:
        raise LessonError(f"Cannot open {path}: its lesson is damaged ({type(err).__name__}).") from err
    if not isinstance(text, str) or len(text) > MAX_LESSON_BYTES:
        raise LessonError(f"Cannot open {path}: its lesson is damaged.")
    with tempfile.TemporaryDirectory(prefix="gazette-tour-") as tmp:
        folder = Path(tmp)
        for rel, body in files.items():
            parts = PurePosixPath(str(rel)).parts
            if not parts or PurePosixPath(str(rel)).is_absolute() or ".." in parts or not isinstance(body, str):
                raise LessonError(f"Cannot open {path}: its lesson names a file outside itself ({str(rel)[:60]!r}).")
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(body, encoding="utf-8")
        (folder / "lesson.gazette.yaml").write_text(text, encoding="utf-8")
        lesson = load_lesson(folder / "lesson.gazette.yaml", basemaps=basemaps)
    return lesson


def lesson_of(path: str | os.PathLike[str], *, cwd: Path | None = None, basemaps: Collection[str] = ()) -> Lesson | None:
    """The lesson ``path`` holds (a lesson file or an exported tour), or None for a plain article."""
    resolved = resolve_path(path, cwd=cwd)
    if is_lesson(resolved):
        return load_lesson(resolved, basemaps=basemaps)
    return embedded_lesson(resolved, basemaps=basemaps)
