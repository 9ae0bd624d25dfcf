"""The one way from paths to :class:`~places.model.Article`\\ s: articles and lessons alike.

The command line, the parse process and the window all call :func:`load_sources`, so a path
means the same everywhere: it is resolved against ``cwd`` (the folder the person typed it in),
a lesson's articles against the lesson's folder, and a lesson's own title and date for an
article stay on that :class:`Article`.
"""

from __future__ import annotations

__all__ = [
    "ARTICLE_SUFFIXES", "LESSON_SUFFIXES", "SOURCE_SUFFIXES", "is_lesson", "load_source", "load_sources", "resolve_path",
]  # fmt: skip

import os
from collections.abc import Sequence
from pathlib import Path

from places.articles import HTML_SUFFIXES, MARKDOWN_SUFFIXES, TEXT_SUFFIXES, load_article
from places.errors import ArticleError
from places.lessons import LESSON_SUFFIXES, load_lesson
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
    if is_lesson(resolved):
        return load_lesson(resolved).articles
    return (load_article(resolved),)


def load_sources(paths: Sequence[str | os.PathLike[str]], *, cwd: Path | None = None) -> tuple[Article, ...]:
    """Every article the paths name, in order; the first unreadable one raises its GazetteError."""
    return tuple(article for path in paths for article in load_source(path, cwd=cwd))
