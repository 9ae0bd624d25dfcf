"""The one way from paths to :class:`~places.model.Article`\\ s: articles, feeds, folders and lessons.

The command line, the parse process and the window all call :func:`open_sources` (or
:func:`load_sources`), so a path means the same everywhere: it is resolved against ``cwd`` (the
folder the person typed it in), a lesson's articles against the lesson's folder, and a lesson's own
title and date for an article stay on that :class:`Article`.  A folder is read recursively by
suffix (articles and feeds; hidden files and folders skipped; in sorted order).  Of many files, the
ones that cannot be read become :class:`Failure`\\ s in one summary and the rest open; one file
named on its own that cannot be read raises its :class:`ArticleError` as before.
"""

from __future__ import annotations

__all__ = [
    "ARTICLE_SUFFIXES", "CLIP_SUFFIX", "FEED_SUFFIXES", "FOLDER_SUFFIXES", "LESSON_SUFFIXES", "PASTED_SOURCE",
    "SOURCE_SUFFIXES", "Failure", "SourceStream", "Sources", "embedded_lesson", "folder_files", "is_clip", "is_feed", "is_lesson",
    "lesson_of", "load_clip", "load_source", "load_sources", "open_sources", "pasted_article", "resolve_path", "save_clip",
    "stream_sources",
]  # fmt: skip

import dataclasses
import hashlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from places.articles import (
    HTML_SUFFIXES,
    MARKDOWN_SUFFIXES,
    TEXT_SUFFIXES,
    article_from_text,
    load_article,
    read_error_reason,
    read_file_bytes,
)
from places.errors import ArticleError, GazetteError, LessonError
from places.feeds import FEED_SUFFIXES, load_feed
from places.lessons import LESSON_SUFFIXES, MAX_LESSON_BYTES, Lesson, load_lesson
from places.model import Article
from places.storage import atomic_write_text

ARTICLE_SUFFIXES: tuple[str, ...] = tuple(sorted((TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES) - {""}))
SOURCE_SUFFIXES: tuple[str, ...] = ARTICLE_SUFFIXES + LESSON_SUFFIXES + FEED_SUFFIXES
# What a folder is searched for: lessons are left out, since a lesson's articles sit beside it.
FOLDER_SUFFIXES: tuple[str, ...] = ARTICLE_SUFFIXES + FEED_SUFFIXES
SUMMARY_NAMES = 5  # files named in a summary; the rest are counted
# A clip: an article that came from no file of the person's (pasted text, a fetched page), kept by
# Gazette as JSON so that it opens like any file (the parse process reads paths).
CLIP_SUFFIX = ".gazette-clip.json"
PASTED_SOURCE = "pasted text"
_CLIP_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_MAX_CLIP_BYTES = 60_000_000


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be read: its path as shown, why in a few words, and the full sentence."""

    path: str
    reason: str  # "empty", "a PDF document", "permission denied"
    message: str  # the GazetteError's sentence: "Cannot open a.txt: the file is empty."


@dataclass(frozen=True, slots=True)
class Sources:
    """What a set of paths opened to: the articles in order, and the files that could not be read."""

    articles: tuple[Article, ...]
    failures: tuple[Failure, ...] = ()
    files: int = 0  # files tried, readable or not

    @property
    def summary(self) -> str | None:
        """"2 of 40 files could not be read: a.txt (empty), b.pdf (a PDF document)." or None when all opened."""
        if not self.failures:
            return None
        named = ", ".join(f"{f.path} ({f.reason})" for f in self.failures[:SUMMARY_NAMES])
        more = len(self.failures) - SUMMARY_NAMES
        if more > 0:
            named += f" and {more} more"
        n = len(self.failures)
        return f"{n} of {self.files} file{'s' if self.files != 1 else ''} could not be read: {named}."


def is_lesson(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a lesson file (by its suffix; the file need not exist)."""
    return os.fspath(path).lower().endswith(LESSON_SUFFIXES)


def is_feed(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a saved RSS/Atom feed (by its suffix)."""
    return os.fspath(path).lower().endswith(FEED_SUFFIXES)


def is_clip(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a clip Gazette saved (pasted text or a fetched page)."""
    return os.fspath(path).lower().endswith(CLIP_SUFFIX)


def pasted_article(text: str, *, source: str = PASTED_SOURCE) -> Article:
    """An Article from pasted text: its title the first line, its id stable from a hash of the text."""
    article = article_from_text(text.strip(), id="pasted", source=source)
    if not re.search(r"\w", article.text):
        raise ArticleError("Cannot paste: the text has no words in it.")
    digest = hashlib.sha1(article.text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return dataclasses.replace(article, id=f"pasted-{digest}")


def save_clip(article: Article, folder: Path) -> Path:
    """Keep ``article`` as a clip in ``folder`` (named by its id); the path opens it again."""
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", article.id)[:80] or "clip"
    path = folder / f"{name}{CLIP_SUFFIX}"
    atomic_write_text(path, json.dumps(dataclasses.asdict(article), ensure_ascii=False))
    return path


def load_clip(path: str | os.PathLike[str]) -> Article:
    """The Article a clip holds; an ArticleError when it is not one."""
    shown = os.fspath(path)
    data = read_file_bytes(Path(shown), shown, max_bytes=_MAX_CLIP_BYTES)
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeError, ValueError) as err:
        raise ArticleError(f"Cannot open {shown}: it is not a clip saved by Gazette.") from err
    ok = isinstance(raw, dict) and set(raw) == set(_CLIP_FIELDS)
    ok = ok and all(isinstance(raw[k], str) for k in ("id", "title", "text", "source"))
    ok = ok and all(raw[k] is None or isinstance(raw[k], str) for k in ("published", "url", "site_name", "author"))
    if not ok:
        raise ArticleError(f"Cannot open {shown}: it is not a clip saved by Gazette.")
    return Article(**raw)


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
    """The articles of one file: one for an article, each item of a feed, each listed article of a lesson."""
    resolved = resolve_path(path, cwd=cwd)
    if is_clip(resolved):
        return (load_clip(resolved),)
    lesson = lesson_of(resolved)
    if lesson is not None:
        return lesson.articles
    if is_feed(resolved):
        return load_feed(resolved)
    return (load_article(resolved),)


def load_sources(paths: Sequence[str | os.PathLike[str]], *, cwd: Path | None = None) -> tuple[Article, ...]:
    """Every article the paths name, in order; the first unreadable file raises its GazetteError."""
    out: list[Article] = []
    for path in paths:
        resolved = resolve_path(path, cwd=cwd)
        files = folder_files(resolved, shown=os.fspath(path)) if _is_folder(resolved) else (resolved,)
        for file in files:
            out.extend(load_source(file))
    return tuple(out)


def open_sources(paths: Sequence[str | os.PathLike[str]], *, cwd: Path | None = None) -> Sources:
    """Every article the paths name, in order, and a :class:`Failure` for each file that could not be read.

    One file named on its own (not a folder) that cannot be read raises its GazetteError, as does
    a folder with no articles or paths none of whose files could be read.
    """
    return stream_sources(paths, cwd=cwd).read()


class SourceStream:
    """The articles of a set of paths, each file read when iteration reaches it (:func:`stream_sources`).

    Iterate once for the articles in order; :attr:`files` is known at once, :attr:`failures` and
    :meth:`sources` once iteration has ended.  The same errors as :func:`open_sources`: a lone
    file that cannot be read and a folder without articles raise at once, no readable file at
    all raises at the end of iteration.
    """

    def __init__(self, files: list[tuple[Path, str]], first: tuple[Article, ...] | None = None) -> None:
        self._files = files
        self._first = first  # a lone file, read already
        self._articles: list[Article] = []
        self._failures: list[Failure] = []
        self._done = False

    @property
    def files(self) -> int:
        """Files to read, readable or not."""
        return len(self._files)

    @property
    def failures(self) -> tuple[Failure, ...]:
        return tuple(self._failures)

    def __iter__(self) -> Iterator[Article]:
        if self._first is not None:
            self._articles.extend(self._first)
            yield from self._first
            self._done = True
            return
        for file, name in self._files:
            try:
                found = load_source(file)
            except GazetteError as err:
                self._failures.append(Failure(name, _reason(str(err), name), str(err)))
                continue
            self._articles.extend(found)
            yield from found
        self._done = True
        if not self._articles:
            if len(self._failures) == 1:
                raise ArticleError(self._failures[0].message)
            tried = len(self._files)
            raise ArticleError(f"None of the {tried} files could be read: "
                               + Sources((), tuple(self._failures), tried).summary.partition(": ")[2])  # type: ignore[union-attr]

    def read(self) -> Sources:
        """Every article (read now, when not yet) and the failures."""
        if not self._done:
            for _ in self:
                pass
        return self.sources()

    def sources(self) -> Sources:
        """What was read, as :func:`open_sources` gives it (after iteration has ended)."""
        return Sources(tuple(self._articles), tuple(self._failures), len(self._files))


def stream_sources(paths: Sequence[str | os.PathLike[str]], *, cwd: Path | None = None) -> SourceStream:
    """The articles of ``paths`` as :func:`open_sources` gives them, read as the stream is iterated
    (the folders listed now; the geoparser's workers can start while the files are read)."""
    if len(paths) == 1 and not _is_folder(resolve_path(paths[0], cwd=cwd)):
        return SourceStream([(resolve_path(paths[0], cwd=cwd), os.fspath(paths[0]))], load_source(paths[0], cwd=cwd))
    files: list[tuple[Path, str]] = []
    for path in paths:
        shown = os.fspath(path)
        resolved = resolve_path(path, cwd=cwd)
        if _is_folder(resolved):
            files.extend((f, os.path.join(shown, os.path.relpath(f, resolved))) for f in folder_files(resolved, shown=shown))
        else:
            files.append((resolved, shown))
    return SourceStream(files)


def folder_files(folder: Path, *, shown: str | None = None) -> tuple[Path, ...]:
    """The article and feed files under ``folder``, recursively, hidden ones skipped, in sorted order.

    Symlinked folders are not followed (a link back up would never end); an ArticleError when
    the folder cannot be listed or holds no such file.
    """
    shown = shown or str(folder)
    found: list[Path] = []
    errors: list[OSError] = []
    for root, dirs, names in os.walk(folder, onerror=errors.append):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root, n) for n in names if not n.startswith(".") and n.lower().endswith(FOLDER_SUFFIXES))
    if errors and errors[0].filename == os.fspath(folder):
        raise ArticleError(f"Cannot open {shown}: {read_error_reason(errors[0])}")
    if not found:
        kinds = ", ".join(FOLDER_SUFFIXES)
        raise ArticleError(f"Cannot open {shown}: it is a folder with no articles or feeds in it ({kinds}).")
    found.sort(key=lambda p: p.relative_to(folder).parts)
    return tuple(found)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _reason(message: str, shown: str) -> str:
    """A few words of why from a "Cannot open X: <why>." sentence: "empty", "a PDF document"."""
    prefix = f"Cannot open {shown}: "
    why = message[len(prefix):] if message.startswith(prefix) else message.partition(": ")[2] or message
    why = why.split(". ")[0].split(", not ")[0].rstrip(".")
    for lead in ("the file is ", "it is "):
        if why.startswith(lead):
            why = why[len(lead):]
    return why


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
