"""Lesson files: what a teacher prepares the night before, in one YAML file they own.

    title: Putin and Kim in the Russian Far East
    notes: optional words for the teacher          # `description:` is read as notes
    basemap: offline                               # or osm, positron, imagery
    articles:
      - path: putin-kim.txt                        # relative to the lesson, inside its folder
        title: Optional title                      # overrides the article's own
        published: 2023-09-13
      - text: "Inline text of a short article."    # or the article's text itself
        title: A pasted note
    corrections:                                   # by the name as written
      - {name: Kremlin, not_a_place: true}
      - {name: Washington, place_id: "geonames:4140963", article: putin-kim.txt}
      - {name: Vostochny Cosmodrome, lat: 51.884, lon: 128.334}
    extra_places:
      - {name: Tsiolkovsky, lat: 51.769, lon: 128.120}
    tour:
      - {place: Vostochny Cosmodrome, caption: Where the two leaders met}
      - {view: {lat: 45.0, lon: 133.0, zoom: 5}, caption: The Russian Far East}

The file is composed into PyYAML's node tree with the safe loader and validated node by node,
so every refusal names the file, the line and the field; tags other than YAML's own are
refused, never constructed.  A lesson reads only files inside its own folder (symlinks
resolved first): lessons are passed around, and opening one must not read the machine.
Saving rewrites the file (PyYAML keeps no comments): key order is kept, comments are not.
"""

from __future__ import annotations

__all__ = ["Lesson", "LessonArticle", "Correction", "ExtraPlace", "TourStop", "MapView",
           "LESSON_SUFFIXES", "load_lesson", "save_lesson", "MAX_LESSON_BYTES"]  # fmt: skip

import dataclasses
import datetime as dt
import math
import os
import re
import stat
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from places.articles import article_from_text, article_id, load_article, read_error_reason
from places.errors import ArticleError, LessonError
from places.model import Article, Kind
from places.storage import atomic_write_bytes, atomic_write_text

LESSON_SUFFIXES = (".yaml", ".yml")
MAX_LESSON_BYTES = 1_000_000
MAX_DEPTH = 20
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_PLACE_ID = re.compile(r"(?:geonames|country|region|county|curated|continent|airport|lesson):[^\s]{1,200}")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_YAML_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


@dataclass(frozen=True, slots=True)
class LessonArticle:
    """How one article is written in the lesson: a lesson-relative ``path`` or inline ``text``."""

    path: str | None = None  # POSIX, relative to the lesson's folder
    text: str | None = None
    title: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """A teacher's fix for one name as written: not a place, another reading, or a point by hand."""

    name: str
    article: str | None = None  # limits the correction to the article with this lesson path
    not_a_place: bool = False
    place_id: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class ExtraPlace:
    """A place the articles do not name, added to the map by hand."""

    name: str
    lat: float
    lon: float
    kind: Kind = Kind.CITY


@dataclass(frozen=True, slots=True)
class MapView:
    lat: float
    lon: float
    zoom: float


@dataclass(frozen=True, slots=True)
class TourStop:
    """A stop of the guided tour: a place on the map (by name) or a map view, with a caption."""

    place: str | None = None
    view: MapView | None = None
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Lesson:
    """A lesson and the articles it holds, in the file's order (``entries[i]`` wrote ``articles[i]``)."""

    title: str
    notes: str = ""
    basemap: str = "offline"
    articles: tuple[Article, ...] = ()
    entries: tuple[LessonArticle, ...] = ()
    corrections: tuple[Correction, ...] = ()
    extra_places: tuple[ExtraPlace, ...] = ()
    tour: tuple[TourStop, ...] = ()

    @property
    def description(self) -> str:
        return self.notes


# --- reading ------------------------------------------------------------------------------


class _Where:
    """The file being read, for messages: ``Lesson week.yaml, line 12, tour[2].caption: …``."""

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def error(self, node: yaml.Node | None, field: str, problem: str) -> LessonError:
        line = f", line {node.start_mark.line + 1}" if node is not None and node.start_mark else ""
        return LessonError(f"Lesson {self.shown}{line}, {field}: {problem}.")


def load_lesson(path: str | os.PathLike[str], *, basemaps: Collection[str] = ()) -> Lesson:
    """Read and validate a lesson and every article it lists; any problem is one :class:`LessonError`.

    ``basemaps``, when given, are the basemap names the caller can show.
    """
    shown = os.fspath(path)
    lesson_path = Path(shown).expanduser()
    where = _Where(shown)
    root = _compose(_read_text(lesson_path, shown), where)
    fields = _mapping(root, "the lesson", where, required={"title", "articles"},
                      allowed={"title", "notes", "description", "basemap", "articles", "corrections", "extra_places", "tour"})  # fmt: skip
    title = _text(fields["title"], "title", where)
    notes = _text(fields["notes"], "notes", where, blank=True) if "notes" in fields else ""
    if "description" in fields and not notes:
        notes = _text(fields["description"], "description", where, blank=True)
    basemap = _text(fields["basemap"], "basemap", where) if "basemap" in fields else "offline"
    if basemaps and basemap not in basemaps:
        raise where.error(fields["basemap"], "basemap", f"expected one of {', '.join(basemaps)}, not {basemap!r}")
    entries = _sequence(fields["articles"], "articles", where, _article_entry, at_least_one=True)
    base = lesson_path.resolve().parent
    articles = _load_articles(entries, fields["articles"], base, where)
    corrections = _sequence(fields.get("corrections"), "corrections", where, _correction)
    known = {e.path for e in entries if e.path}
    for n, c in enumerate(corrections, 1):
        if c.article is not None and c.article not in known:
            raise where.error(fields["corrections"], f"corrections[{n}].article", f"names no article of this lesson: {c.article!r}")
    return Lesson(
        title=title, notes=notes, basemap=basemap, articles=articles, entries=entries, corrections=corrections,
        extra_places=_sequence(fields.get("extra_places"), "extra_places", where, _extra_place),
        tour=_sequence(fields.get("tour"), "tour", where, _tour_stop),
    )  # fmt: skip


def _read_text(path: Path, shown: str) -> str:
    try:
        st = os.stat(path)  # before any open: a FIFO or device would block it
    except OSError as err:
        raise LessonError(f"Cannot open lesson {shown}: {read_error_reason(err)}") from err
    if stat.S_ISDIR(st.st_mode):
        raise LessonError(f"Cannot open lesson {shown}: it is a folder, not a file.")
    if not stat.S_ISREG(st.st_mode):
        raise LessonError(f"Cannot open lesson {shown}: it is not a regular file.")
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


def _compose(text: str, where: _Where) -> yaml.Node | None:
    _scan(text, where)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:  # _scan has parsed it already: not expected
        raise LessonError(f"Lesson {where.shown} is not valid YAML: {err}.") from err
    except RecursionError:
        raise LessonError(f"Lesson {where.shown} is not a lesson: its brackets are nested too deeply.") from None
    _check_tree(root, where)
    return root


def _field_of(parent: str, key: str) -> str:
    return key if parent == "the lesson" else f"{parent}.{key}"


class _Frame:
    """A mapping or list being parsed: its field, and where the next node goes in it."""

    __slots__ = ("field", "is_map", "key", "at_key", "n")

    def __init__(self, field: str, *, is_map: bool) -> None:
        self.field, self.is_map, self.key, self.at_key, self.n = field, is_map, "", True, 0

    def child(self, event: yaml.Event) -> str:
        """The field of the next node in this frame (a key names its mapping)."""
        if not self.is_map:
            self.n += 1
            return f"{self.field}[{self.n}]"
        if self.at_key:
            self.at_key = False
            self.key = str(event.value)[:40] if isinstance(event, yaml.ScalarEvent) else "?"
            return self.field
        self.at_key = True
        return _field_of(self.field, self.key)


def _scan(text: str, where: _Where) -> None:
    """Parse events only (no recursion, no objects): bad YAML and deep nesting, with line and field."""
    stack: list[_Frame] = []
    field = "the lesson"
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.NodeEvent):
                field = stack[-1].child(event) if stack else "the lesson"
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    raise LessonError(f"Lesson {where.shown}, line {line}, {field}: nested too deeply to be a lesson.")
                stack.append(_Frame(field, is_map=isinstance(event, yaml.MappingStartEvent)))
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        at = f" at line {mark.line + 1}" if mark else ""
        inside = stack[-1].field if stack else "the lesson"
        if stack and stack[-1].is_map and not stack[-1].at_key:
            inside = _field_of(inside, stack[-1].key)
        raise LessonError(f"Lesson {where.shown} is not valid YAML{at}, {inside}: {err.problem or err.context or 'unreadable'}.") from err
    except yaml.YAMLError as err:
        raise LessonError(f"Lesson {where.shown} is not valid YAML: {err}.") from err


def _check_tree(root: yaml.Node | None, where: _Where) -> None:
    """Only YAML's own tags, each refusal naming its field (iteratively: no recursion limit)."""
    stack = [(root, "the lesson")] if root is not None else []
    while stack:
        node, field = stack.pop()
        if node.tag not in _YAML_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise where.error(node, field, f"the tag {tag} is not allowed in a lesson")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = str(key.value)[:40] if isinstance(key, yaml.ScalarNode) else "?"
                stack.extend(((key, field), (value, _field_of(field, name))))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, f"{field}[{n}]") for n, child in enumerate(node.value, 1))


def _construct(node: yaml.ScalarNode, field: str, where: _Where) -> Any:
    """One scalar as Python; values PyYAML accepts but Python cannot take become a message."""
    try:
        value = yaml.SafeLoader("").construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError) as err:
        kind = node.tag.rsplit(":", 1)[-1]
        detail = "an impossible date" if kind == "timestamp" else f"not a usable {kind}"
        raise where.error(node, field, f"{node.value[:40]!r} is {detail}") from err
    return _SURROGATES.sub("\ufffd", value) if isinstance(value, str) else value


def _mapping(node: yaml.Node | None, field: str, where: _Where, *, allowed: set[str], required: set[str] = frozenset()) -> dict[str, yaml.Node]:  # type: ignore[assignment]
    if not isinstance(node, yaml.MappingNode):
        raise where.error(node, field, "expected a mapping of keys and values")
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or key not in allowed:
            expected = ", ".join(sorted(allowed))
            raise where.error(key_node, field, f"unknown key {str(key)[:40]!r} (expected {expected})")
        if key in fields:
            raise where.error(key_node, field, f"the key {key!r} is given twice")
        fields[key] = value_node
    missing = sorted(required - fields.keys())
    if missing:
        raise where.error(node, field, f"'{missing[0]}' is missing")
    return fields


def _sequence(node: yaml.Node | None, field: str, where: _Where, item: Callable[[yaml.Node, str, _Where], Any], *, at_least_one: bool = False) -> tuple:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and not at_least_one):
        return ()
    if not isinstance(node, yaml.SequenceNode) or (at_least_one and not node.value):
        need = "a list of at least one entry" if at_least_one else "a list"
        raise where.error(node, field, f"expected {need}")
    return tuple(item(child, f"{field}[{n}]", where) for n, child in enumerate(node.value, 1))


def _text(node: yaml.Node, field: str, where: _Where, *, blank: bool = False) -> str:
    value = _construct(node, field, where) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(value, str) or not (blank or value.strip()):
        raise where.error(node, field, "expected text")
    return value.strip()


def _number(node: yaml.Node, field: str, where: _Where, *, low: float, high: float) -> float:
    value = _construct(node, field, where) if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not low <= value <= high:
        raise where.error(node, field, f"expected a number from {low:g} to {high:g}")
    return float(value)


def _flag(node: yaml.Node, field: str, where: _Where) -> bool:
    value = _construct(node, field, where) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(value, bool):
        raise where.error(node, field, "expected true or false")
    return value


def _date(node: yaml.Node, field: str, where: _Where) -> str:
    value = _construct(node, field, where) if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise where.error(node, field, f"{value.strip()!r} is an impossible date") from None
        return value.strip()
    raise where.error(node, field, "expected a date like 2023-09-13")


def _relative_path(node: yaml.Node, field: str, where: _Where) -> str:
    raw = _text(node, field, where)
    posix = PurePosixPath(raw.replace("\\", "/"))
    if posix.is_absolute() or raw.startswith("~") or re.match(r"[A-Za-z]:", raw):
        raise where.error(node, field, f"{raw!r} is not a path relative to the lesson's folder")
    return posix.as_posix()


def _article_entry(node: yaml.Node, field: str, where: _Where) -> LessonArticle:
    if isinstance(node, yaml.ScalarNode):
        return LessonArticle(path=_relative_path(node, field, where))
    fields = _mapping(node, field, where, allowed={"path", "text", "title", "published"})
    if ("path" in fields) == ("text" in fields):
        raise where.error(node, field, "expected either 'path' (a file beside the lesson) or 'text' (the article itself)")
    return LessonArticle(
        path=_relative_path(fields["path"], f"{field}.path", where) if "path" in fields else None,
        text=_text(fields["text"], f"{field}.text", where) if "text" in fields else None,
        title=_text(fields["title"], f"{field}.title", where) if "title" in fields else None,
        published=_date(fields["published"], f"{field}.published", where) if "published" in fields else None,
    )  # fmt: skip


def _correction(node: yaml.Node, field: str, where: _Where) -> Correction:
    fields = _mapping(node, field, where, required={"name"}, allowed={"name", "article", "not_a_place", "place_id", "lat", "lon"})
    kinds = [k for k in ("not_a_place", "place_id") if k in fields] + (["lat/lon"] if {"lat", "lon"} & fields.keys() else [])
    if len(kinds) != 1:
        raise where.error(node, field, "expected exactly one of not_a_place: true, place_id: …, or lat: and lon:")
    if ("lat" in fields) != ("lon" in fields):
        raise where.error(node, field, "a point needs both lat: and lon:")
    place_id = _text(fields["place_id"], f"{field}.place_id", where) if "place_id" in fields else None
    if place_id is not None and not _PLACE_ID.fullmatch(place_id):
        raise where.error(fields["place_id"], f"{field}.place_id", f"{place_id[:60]!r} is not a Gazette place id (geonames:…, country:…, region:…, curated:…)")
    not_a_place = _flag(fields["not_a_place"], f"{field}.not_a_place", where) if "not_a_place" in fields else False
    if "not_a_place" in fields and not not_a_place:
        raise where.error(fields["not_a_place"], f"{field}.not_a_place", "expected true (leave it out otherwise)")
    return Correction(
        name=_text(fields["name"], f"{field}.name", where),
        article=_relative_path(fields["article"], f"{field}.article", where) if "article" in fields else None,
        not_a_place=not_a_place, place_id=place_id,
        lat=_number(fields["lat"], f"{field}.lat", where, low=-90, high=90) if "lat" in fields else None,
        lon=_number(fields["lon"], f"{field}.lon", where, low=-180, high=180) if "lon" in fields else None,
    )  # fmt: skip


def _extra_place(node: yaml.Node, field: str, where: _Where) -> ExtraPlace:
    fields = _mapping(node, field, where, required={"name", "lat", "lon"}, allowed={"name", "lat", "lon", "kind"})
    kind = Kind.CITY
    if "kind" in fields:
        word = _text(fields["kind"], f"{field}.kind", where)
        if word not in {k.value for k in Kind}:
            raise where.error(fields["kind"], f"{field}.kind", f"expected one of {', '.join(k.value for k in Kind)}")
        kind = Kind(word)
    return ExtraPlace(
        name=_text(fields["name"], f"{field}.name", where),
        lat=_number(fields["lat"], f"{field}.lat", where, low=-90, high=90),
        lon=_number(fields["lon"], f"{field}.lon", where, low=-180, high=180), kind=kind,
    )  # fmt: skip


def _tour_stop(node: yaml.Node, field: str, where: _Where) -> TourStop:
    fields = _mapping(node, field, where, allowed={"place", "view", "caption"})
    if ("place" in fields) == ("view" in fields):
        raise where.error(node, field, "expected either 'place' (a name on the map) or 'view' ({lat, lon, zoom})")
    view = None
    if "view" in fields:
        v = _mapping(fields["view"], f"{field}.view", where, required={"lat", "lon", "zoom"}, allowed={"lat", "lon", "zoom"})
        view = MapView(
            lat=_number(v["lat"], f"{field}.view.lat", where, low=-90, high=90),
            lon=_number(v["lon"], f"{field}.view.lon", where, low=-180, high=180),
            zoom=_number(v["zoom"], f"{field}.view.zoom", where, low=0, high=19),
        )  # fmt: skip
    return TourStop(
        place=_text(fields["place"], f"{field}.place", where) if "place" in fields else None, view=view,
        caption=_text(fields["caption"], f"{field}.caption", where, blank=True) if "caption" in fields else "",
    )  # fmt: skip


def _path_node(entry: yaml.Node) -> yaml.Node:
    """The node of an article entry's path (the entry itself when it is a plain path)."""
    if isinstance(entry, yaml.MappingNode):
        return next((v for k, v in entry.value if getattr(k, "value", None) == "path"), entry)
    return entry


def _load_articles(entries: Sequence[LessonArticle], node: yaml.Node, base: Path, where: _Where) -> tuple[Article, ...]:
    missing: list[tuple[int, str]] = []
    resolved: list[Path | None] = []
    for n, entry in enumerate(entries, 1):
        if entry.path is None:
            resolved.append(None)
            continue
        target = (base / entry.path).resolve()
        if not target.is_relative_to(base):
            raise where.error(_path_node(node.value[n - 1]), f"articles[{n}].path", f"{entry.path!r} leads out of the lesson's folder; a lesson reads only files beside it")
        if not target.exists():
            missing.append((n, entry.path))
        resolved.append(target)
    if missing:
        n, _ = missing[0]
        names = ", ".join(p for _, p in missing)
        raise where.error(_path_node(node.value[n - 1]), f"articles[{n}].path",
                          f"the lesson lists article{'s' if len(missing) > 1 else ''} that cannot be found: {names}")  # fmt: skip
    articles = []
    for n, (entry, target) in enumerate(zip(entries, resolved, strict=True), 1):
        if target is None:
            article = article_from_text(entry.text or "", id=article_id(Path(f"inline-{n}")), title=entry.title)
        else:
            try:
                article = dataclasses.replace(load_article(target), id=article_id(Path(entry.path or "")))
            except ArticleError as err:
                raise LessonError(f"Lesson {where.shown}: {err}") from err
        changes = {k: v for k, v in (("title", entry.title), ("published", entry.published)) if v}
        articles.append(dataclasses.replace(article, **changes) if changes else article)
    return tuple(articles)


# --- writing ------------------------------------------------------------------------------


def save_lesson(path: str | os.PathLike[str], lesson: Lesson) -> None:
    """Write ``lesson`` atomically; articles from elsewhere are copied beside it, so it always reopens."""
    target = Path(path).expanduser()
    folder = target.resolve().parent
    entries = lesson.entries or tuple(LessonArticle() for _ in lesson.articles)
    written = [_entry_for_save(article, entry, folder) for article, entry in zip(lesson.articles, entries, strict=True)]
    data: dict[str, Any] = {"title": lesson.title}
    if lesson.notes:
        data["notes"] = lesson.notes
    if lesson.basemap != "offline":
        data["basemap"] = lesson.basemap
    data["articles"] = written
    if lesson.corrections:
        data["corrections"] = [_drop_empty(dataclasses.asdict(c)) for c in lesson.corrections]
    if lesson.extra_places:
        data["extra_places"] = [{"name": p.name, "lat": p.lat, "lon": p.lon, **({"kind": p.kind.value} if p.kind != Kind.CITY else {})} for p in lesson.extra_places]
    if lesson.tour:
        data["tour"] = [_drop_empty({"place": s.place, "view": dataclasses.asdict(s.view) if s.view else None, "caption": s.caption}) for s in lesson.tour]
    atomic_write_text(target, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def _drop_empty(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v not in (None, "", False)}


def _entry_for_save(article: Article, entry: LessonArticle, folder: Path) -> dict[str, Any]:
    row: dict[str, Any] = {}
    source = Path(article.source).resolve() if article.source else None
    if entry.text is not None or source is None or not source.is_file():
        row["text"] = article.text
    elif source.is_relative_to(folder):
        row["path"] = source.relative_to(folder).as_posix()
    else:
        row["path"] = _copy_beside(source, folder, entry.path or source.name)
    row["title"] = article.title
    if article.published:
        row["published"] = article.published
    return row


def _copy_beside(source: Path, folder: Path, rel: str) -> str:
    """Copy an article into the lesson's new folder (Save As elsewhere), never over another file."""
    data = source.read_bytes()
    wanted = PurePosixPath(rel)
    candidate = wanted
    n = 1
    while (folder / candidate).exists() and (folder / candidate).read_bytes() != data:
        n += 1
        candidate = wanted.with_name(f"{wanted.stem}-{n}{wanted.suffix}")
    if not (folder / candidate).exists():
        (folder / candidate).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / candidate, data)
    return candidate.as_posix()
