"""Lesson files: a titled set of articles a teacher hands out, in YAML.

    title: The Black Sea grain corridor
    description: Optional words for the class.
    articles:
      - path: articles/odesa.md          # relative to the lesson file
        title: Ships leave Odesa          # optional: overrides the article's own title
        published: 2023-08-16             # optional: for the time slider

Read with ``yaml.safe_load`` only, so tags such as ``!!python/object`` are refused, never run.
"""

from __future__ import annotations

__all__ = ["MAX_LESSON_BYTES", "Lesson", "load_lesson", "save_lesson"]

import dataclasses
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from places.articles import load_article, read_error_reason, regular_file_problem, without_surrogates
from places.errors import ArticleError, LessonError
from places.model import Article
from places.storage import atomic_write_text

MAX_LESSON_BYTES = 1_000_000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


@dataclass(frozen=True, slots=True)
class Lesson:
    """A lesson: its title, an optional description and its articles, in the file's order."""

    title: str
    description: str
    articles: tuple[Article, ...]


def load_lesson(path: str | os.PathLike[str]) -> Lesson:
    """Read a lesson and every article it lists; any problem is one :class:`LessonError`."""
    shown = os.fspath(path)
    lesson_path = Path(shown).expanduser()
    data = _parse_yaml(_read_text(lesson_path, shown), shown)
    if not isinstance(data, dict):
        raise LessonError(f"Lesson {shown} must be a mapping with a title and a list of articles.")
    title = _text_field(data, "title", shown, required=True)
    description = _text_field(data, "description", shown, required=False)
    entries = data.get("articles")
    if not isinstance(entries, list) or not entries:
        raise LessonError(f"Lesson {shown} must have 'articles:', a list of at least one article.")
    base = lesson_path.resolve().parent
    specs = [_article_spec(entry, n, shown) for n, entry in enumerate(entries, 1)]
    missing = [rel for rel, *_ in specs if not (base / rel).exists()]
    if missing:
        names = ", ".join(missing)
        raise LessonError(f"Lesson {shown} lists article{'s' if len(missing) > 1 else ''} that cannot be found: {names}.")
    articles = []
    for rel, own_title, published in specs:
        try:
            article = load_article(base / rel)
        except ArticleError as err:
            raise LessonError(f"Lesson {shown}: {err}") from err
        changes: dict[str, Any] = {}
        if own_title:
            changes["title"] = own_title
        if published:
            changes["published"] = published
        articles.append(dataclasses.replace(article, **changes) if changes else article)
    return Lesson(title, description, tuple(articles))


def save_lesson(path: str | os.PathLike[str], lesson: Lesson) -> None:
    """Write ``lesson`` as YAML with article paths relative to the lesson file (atomically)."""
    lesson_dir = Path(path).expanduser().resolve().parent
    entries = []
    for article in lesson.articles:
        if not article.source:
            raise LessonError(f"Cannot save lesson {os.fspath(path)}: the article '{article.title}' has no file.")
        entry: dict[str, str] = {"path": Path(os.path.relpath(article.source, lesson_dir)).as_posix(), "title": article.title}
        if article.published:
            entry["published"] = article.published
        entries.append(entry)
    data: dict[str, Any] = {"title": lesson.title}
    if lesson.description:
        data["description"] = lesson.description
    data["articles"] = entries
    atomic_write_text(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def _read_text(path: Path, shown: str) -> str:
    problem, _ = regular_file_problem(path)
    if problem is not None:
        raise LessonError(f"Cannot open lesson {shown}: {problem}")
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_LESSON_BYTES + 1)
    except OSError as err:
        raise LessonError(f"Cannot open lesson {shown}: {read_error_reason(err)}") from err
    if len(raw) > MAX_LESSON_BYTES:
        raise LessonError(f"Cannot open lesson {shown}: it is larger than {MAX_LESSON_BYTES // 1_000_000} MB; is it really a lesson?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LessonError(f"Cannot open lesson {shown}: it is not UTF-8 text.") from err


def _parse_yaml(text: str, shown: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}" if mark else ""
        problem = err.problem or err.context or "unreadable"
        tag = re.search(r"constructor for the tag '([^']+)'", str(problem))
        if tag:
            problem = f"the tag {tag.group(1).replace('tag:yaml.org,2002:', '!!')} is not allowed in a lesson"
        raise LessonError(f"Lesson {shown} is not valid YAML{where}: {problem}.") from err
    except yaml.YAMLError as err:
        raise LessonError(f"Lesson {shown} is not valid YAML: {err}.") from err


def _text_field(data: dict[Any, Any], key: str, shown: str, *, required: bool) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        need = "must have" if value is None else "needs"
        raise LessonError(f"Lesson {shown} {need} a '{key}' that is text.")
    return without_surrogates(value.strip())


def _article_spec(entry: Any, number: int, shown: str) -> tuple[str, str | None, str | None]:
    """(relative path, title or None, ISO published or None) of the ``number``-th article entry."""
    if isinstance(entry, str):
        entry = {"path": entry}
    if not isinstance(entry, dict):
        raise LessonError(f"Lesson {shown}: article {number} must be a path or a mapping with 'path:'.")
    rel = entry.get("path")
    if not isinstance(rel, str) or not rel.strip():
        raise LessonError(f"Lesson {shown}: article {number} needs a 'path' that is text.")
    title = entry.get("title")
    if title is not None and not isinstance(title, str):
        raise LessonError(f"Lesson {shown}: the title of article {number} must be text.")
    published = entry.get("published")
    if isinstance(published, dt.datetime):
        published = published.isoformat()
    elif isinstance(published, dt.date):
        published = published.isoformat()
    elif published is not None and not (isinstance(published, str) and _ISO_DATE.fullmatch(published.strip())):
        raise LessonError(f"Lesson {shown}: the published date of article {number} must be a date like 2023-09-13.")
    rel, title, published = (without_surrogates(v) if isinstance(v, str) else v for v in (rel, title, published))
    return rel.strip(), (title.strip() or None) if title else None, published.strip() if published else None
