"""Gazette's command line: open the window, geoparse to JSON, or export a map.

    python main.py [FILE ...] [--basemap NAME] [--online] [--screenshot PNG] [--offscreen]
    python main.py geoparse FILE ...            places per article, as JSON
    python main.py geoparse --jsonl IN.jsonl    one {"id", "places"} line per {"id", "text"} line ("-": stdin)
    python main.py geoparse --jsonl IN.jsonl --scheduler tcp://HOST:8786   the same on a Dask cluster
    python main.py export FILE ... -o OUT [--format html|geojson|kml|csv|png] [--connections] [--size WxH]

FILE may be an article (.txt, .md, .html), a saved feed (.rss, .atom, .xml), a lesson (.yaml) or a
folder (read recursively).  ``--jobs N`` geoparses on N processes (default: all cores); ``--scheduler
ADDRESS`` with ``--jsonl`` on a Dask cluster.  Errors meant for a person print as
``gazette: <message>`` with exit status 2.  Qt is imported only to open the window.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from places.errors import GazetteError

REPO_ROOT = Path(__file__).resolve().parent
SAMPLE_ARTICLE = REPO_ROOT / "assets" / "sample" / "black-sea-grain-corridor.md"
COMMANDS = ("geoparse", "export")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "geoparse":
            return _geoparse_command(args[1:])
        if args and args[0] == "export":
            return _export_command(args[1:])
        return _window_command(args)
    except GazetteError as err:
        print(f"gazette: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``| head``); stop quietly and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


# --- window -------------------------------------------------------------------------------


def _window_command(args: list[str]) -> int:
    from viewer import startup

    # First of all, the page process (folium) and the parse process: their Python start-up and
    # imports overlap ours and Qt's (wrong arguments end them at exit); the request follows below.
    startup.start_parse_process_early()
    parser = argparse.ArgumentParser(
        prog="gazette",
        description="See where the news happens: the places an article names, on an offline map.",
        epilog="Other commands: 'gazette geoparse --help', 'gazette export --help'.",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="articles (.txt, .md, .html), feeds (.rss, .atom, .xml), lessons (.yaml) or folders of them")
    _add_map_options(parser)
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save a picture of the window once the map is ready, then quit")
    parser.add_argument("--offscreen", action="store_true", help="render without a display (for scripts; implied by --screenshot when there is no display)")
    opts = parser.parse_args(args)
    _check_files_exist(opts.files)
    _choose_display(offscreen=opts.offscreen, screenshot=opts.screenshot is not None)
    paths = list(opts.files) or [str(SAMPLE_ARTICLE)]  # articles or lessons; the viewer reads them
    startup.mark("main: arguments checked")
    from viewer.parseprocess import start_early

    start_early(paths, online=opts.online)  # the geoparse of the first open too
    from viewer.app import run  # Qt is heavy; only the window needs it

    return run(paths, basemap=opts.basemap, online=opts.online, connections=opts.connections, screenshot=opts.screenshot)


def _check_files_exist(files: Sequence[str]) -> None:
    """A missing file is one line before any window opens; a mistyped command gets a hint."""
    for position, name in enumerate(files):
        try:
            os.stat(name)
        except OSError as err:
            import difflib  # only for a missing file: the window's start path imports neither

            from places.articles import read_error_reason

            message = f"Cannot open {name}: {read_error_reason(err)}"
            close = difflib.get_close_matches(name, COMMANDS, n=1, cutoff=0.6) if position == 0 else []
            if close:
                message += f" Did you mean 'gazette {close[0]}'?"
            raise GazetteError(message) from None


def _choose_display(*, offscreen: bool, screenshot: bool) -> None:
    """Offscreen when asked (or for a screenshot without a display); no display at all is an error."""
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))
    if sys.platform.startswith("linux") and not has_display:
        if screenshot:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
            return
        raise GazetteError(
            "No display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
            "run Gazette on a desktop, or use --screenshot PNG or --offscreen to render without one."
        )


def _add_map_options(parser: argparse.ArgumentParser) -> None:
    from viewer.basemaps import BASEMAPS

    parser.add_argument("--basemap", choices=BASEMAPS, default="offline", help="map background (default: offline; the others need the network)")
    parser.add_argument("--online", action="store_true", help="look up names the offline gazetteer lacks with OpenStreetMap Nominatim")
    parser.add_argument("--connections", action="store_true", help="draw lines between places named in the same sentence")


# --- geoparse -----------------------------------------------------------------------------


def _geoparse_command(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="gazette geoparse", description="Print the places each article names, as JSON.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="articles (.txt, .md, .html), feeds (.rss, .atom, .xml), lessons (.yaml) or folders of them")
    parser.add_argument("--jsonl", metavar="IN", help='read {"id", "text"} objects one a line ("-": standard input) and write {"id", "places"} lines')
    parser.add_argument("--online", action="store_true", help="look up names the offline gazetteer lacks with OpenStreetMap Nominatim")
    parser.add_argument("--demonyms", action="store_true", help='include demonyms ("Russian forces") as associative mentions of their country (role "associative")')
    _add_run_options(parser)
    parser.add_argument("--scheduler", metavar="ADDRESS", help="with --jsonl: run on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); needs the cluster extra")
    opts = parser.parse_args(args)
    if bool(opts.jsonl) == bool(opts.files):
        parser.error("give either FILE ... or --jsonl IN")
    if opts.scheduler and not opts.jsonl:
        parser.error("--scheduler works with --jsonl IN")
    if opts.jsonl:
        _geoparse_jsonl(opts.jsonl, online=opts.online, demonyms=opts.demonyms, out=sys.stdout, jobs=opts.jobs,
                        scheduler=opts.scheduler, quiet=opts.quiet)  # fmt: skip
        return 0
    _short_lived()
    articles = _open_articles(opts.files)  # listed now (a bad lone file is reported at once), read as the workers start
    if opts.online or not _index_built():
        _geoparser(online=opts.online)  # a first-run index build reports its progress before the bar
    results = []
    stream = _stream(articles, online=opts.online, demonyms=opts.demonyms, jobs=opts.jobs)
    for doc in _progress(stream, total=articles.files, quiet=opts.quiet):
        article = doc.article
        if not doc.mentions:
            print(f"No places found in {article.title}", file=sys.stderr)
        results.append(
            {"id": article.id, "title": article.title, "source": article.source, "published": article.published,
             "url": article.url, "site_name": article.site_name, "author": article.author,
             "places": [_mention_json(m, confidence=True) for m in doc.mentions]}
        )  # fmt: skip
    json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    _exiting()
    return 0


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=_jobs, metavar="N", help="processes to geoparse on (default: all cores)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar (there is none when stderr is not a terminal)")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), not {text!r}")
    return value


def _stream(articles: Any, *, online: bool, demonyms: bool = False, jobs: int | None) -> Iterator[Any]:
    from places.parallel import geoparse_stream

    return geoparse_stream(articles, jobs=jobs, online=online, demonyms=demonyms)


def _progress(docs: Iterator[Any], *, total: int | None, quiet: bool) -> Iterator[Any]:
    """tqdm on stderr while a person watches (a terminal, no --quiet); the items unchanged either way."""
    if quiet or not sys.stderr.isatty():
        return docs
    from tqdm import tqdm

    return iter(tqdm(docs, total=total, unit="article", file=sys.stderr, leave=False, dynamic_ncols=True))


def _geoparse_jsonl(source: str, *, online: bool, out: IO[str], demonyms: bool = False, jobs: int | None = None,
                    scheduler: str | None = None, quiet: bool = False) -> None:
    from collections import deque

    name = "standard input" if source == "-" else source
    ids: deque[Any] = deque()  # each record's id as given (7 stays 7); results come back in input order
    articles = _jsonl_articles(source, name, ids)
    if scheduler:
        from places.cluster import cluster_available

        cluster_available()  # one line on how to install the extra, before anything is read
        from places.cluster import geoparse_on_cluster

        docs: Iterator[Any] = geoparse_on_cluster(articles, scheduler=scheduler, demonyms=demonyms)
    elif source == "-" and jobs is None:  # a line in, its line out at once (a pipe is a dialogue)
        docs = _stream(articles, online=online, demonyms=demonyms, jobs=1)
    else:
        docs = _stream(articles, online=online, demonyms=demonyms, jobs=jobs)
    for doc in _progress(docs, total=None, quiet=quiet):
        out.write(json.dumps({"id": ids.popleft(), "places": [_mention_json(m) for m in doc.mentions]}, ensure_ascii=False))
        out.write("\n")
        out.flush()


def _jsonl_articles(source: str, name: str, ids: Any) -> Iterator[Any]:
    from places.articles import without_surrogates
    from places.model import Article

    for _, record in _jsonl_records(source, name):
        rid = record["id"]
        ids.append(without_surrogates(rid) if isinstance(rid, str) else rid)
        # Article is built directly, not via article_from_text: the corpus offsets refer to
        # the text exactly as given, so it must not be normalised. Lone surrogates (JSON "\ud800"
        # escapes; no UTF-8 can carry them) become U+FFFD, one for one, so offsets stay.
        yield Article(id=without_surrogates(str(rid)), title=without_surrogates(str(record.get("title") or rid)),
                      text=without_surrogates(record["text"]))


def _jsonl_records(source: str, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    if source != "-":
        from places.articles import regular_file_problem

        problem, st = regular_file_problem(source)
        if st is not None and problem is not None:  # a FIFO or device could block forever; "-" reads a pipe
            raise GazetteError(f"Cannot open {name}: {problem}")
    try:
        stream = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    except OSError as err:
        raise GazetteError(f"Cannot open {name}: {err.strerror or err}.") from err
    try:
        if source == "-" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
        number = 0
        while True:
            try:
                line = stream.readline()
            except UnicodeDecodeError as err:
                raise GazetteError(f"{name}, line {number + 1}: not UTF-8 text.") from err
            except OSError as err:
                raise GazetteError(f"Cannot read {name}: {err.strerror or err}.") from err
            if not line:
                return
            number += 1
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise GazetteError(f"{name}, line {number}: not valid JSON ({err.msg}, column {err.colno}).") from err
            if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
                raise GazetteError(f'{name}, line {number}: expected an object with "id" and a "text" string.')
            yield number, record
    finally:
        if stream is not sys.stdin:
            stream.close()


def _mention_json(mention: Any, *, confidence: bool = False) -> dict[str, Any]:
    place = mention.place
    row = {"start": mention.start, "end": mention.end, "text": mention.text, "name": place.name,
           "lat": place.lat, "lon": place.lon, "kind": str(place.kind), "country": place.country}  # fmt: skip
    if mention.role != "toponym":
        row["role"] = mention.role  # only with --demonyms: the default output keeps its shape
    if confidence:
        row["confidence"] = round(mention.confidence, 3)
    return row


def _geoparser(*, online: bool, demonyms: bool = False) -> Any:
    from places.geoparse import shared_geoparser

    return shared_geoparser(online=online, demonyms=demonyms, progress=_report_index_build, on_unavailable=_report_notice)


def _report_notice(notice: str) -> None:
    """The online geocoder's one notice ("online look-ups unavailable, ...")."""
    print(f"gazette: {notice}", file=sys.stderr, flush=True)


def _report_index_build(fraction: float, message: str) -> None:
    """Progress of the one-off index build (Gazetteer.load reports only while it builds)."""
    print(f"gazette: {message} ({fraction:.0%})", file=sys.stderr, flush=True)


# --- export -------------------------------------------------------------------------------


def _export_command(args: list[str]) -> int:
    from viewer.formats import FORMATS, format_for_suffix

    parser = argparse.ArgumentParser(prog="gazette export", description="Export the map of one or more articles.")
    parser.add_argument("files", nargs="+", metavar="ARTICLE", help="articles (.txt, .md, .html), feeds (.rss, .atom, .xml), lessons (.yaml) or folders of them")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT", help="file to write")
    parser.add_argument("--format", choices=FORMATS, help="default: from OUT's suffix")
    parser.add_argument("--size", type=_size, metavar="WxH", help="image size for png (e.g. 1600x1000)")
    _add_map_options(parser)
    _add_run_options(parser)
    opts = parser.parse_args(args)
    fmt = opts.format or format_for_suffix(opts.output.suffix)
    if fmt is None:
        parser.error(f"cannot tell the format from {opts.output.name!r}; give --format")
    from viewer.targets import check_target

    check_target(opts.output, fmt=fmt, inputs=opts.files)  # before anything is parsed
    _short_lived()
    articles = _open_articles(opts.files)
    from places.sources import lesson_of
    from viewer.basemaps import BASEMAPS

    lesson = lesson_of(opts.files[0], basemaps=BASEMAPS) if len(opts.files) == 1 else None
    # The geoparse runs beside this thread (the workers start while it reads the files) while
    # this one imports the export's modules, folium too, and reads the basemap's derived data.
    parse = _Background(_export_docs, articles, online=opts.online, jobs=opts.jobs, quiet=opts.quiet,
                        index_here=lesson is not None)  # fmt: skip
    from viewer.export import export_map

    if fmt in ("html", "png"):
        from viewer import basemapdata, elements  # noqa: F401 - folium, imported while the workers parse

        basemapdata.derived()
    docs = parse.result()
    if lesson is not None:
        from viewer.lessonmap import apply_lesson

        docs = list(apply_lesson(docs, lesson, lookup=_geoparser(online=opts.online).gazetteer.by_id))
        if opts.basemap == "offline":
            opts.basemap = lesson.basemap
    for doc in docs:
        if not doc.mentions:
            print(f"No places found in {doc.article.title}", file=sys.stderr)

    export_map(docs, opts.output, fmt=fmt, basemap=opts.basemap, connections=opts.connections, size=opts.size, lesson=lesson)
    places = len({m.place.id for doc in docs for m in doc.mentions if m.role == "toponym"})
    print(f"Wrote {opts.output} ({fmt}): {places} places from {len(docs)} article{'s' if len(docs) != 1 else ''}.")
    _exiting()
    return 0


def _short_lived() -> None:
    """A command over files: no cyclic collection while it runs. What it makes is acyclic records
    (articles, the pool's results, the page's data) freed by their counts, and held to the end
    anyway; the collector's ~300 walks over them and the imported modules were ~8% of a folder's export."""
    import gc

    gc.disable()


def _exiting() -> None:
    """The command is done and the process about to exit: what it made need not be walked by the
    collector at exit either (that walk was another ~6% of a folder's export)."""
    import gc

    gc.freeze()


def _export_docs(articles: Any, *, online: bool, jobs: int | None, quiet: bool, index_here: bool) -> list[Any]:
    """The articles geoparsed as exports want them (demonyms kept as associative mentions: shaded, listed with
    their role, never pinned). The index is loaded here only when it must be built first (its one-off
    progress before the bar), for a lesson's look-ups or for online look-ups; else only the workers load it."""
    if index_here or online or not _index_built():
        _geoparser(online=online)
    return list(_progress(_stream(articles, online=online, demonyms=True, jobs=jobs), total=articles.files, quiet=quiet))


def _index_built() -> bool:
    from places.indexformat import index_path

    return index_path().is_file()


class _Background:
    """``function(*args, **kwargs)`` on a thread of its own; :meth:`result` waits and returns (or raises) what it did."""

    def __init__(self, function: Any, *args: Any, **kwargs: Any) -> None:
        import threading

        self._outcome: list[Any] = []

        def run() -> None:
            try:
                self._outcome.append((True, function(*args, **kwargs)))
            except BaseException as err:  # noqa: BLE001 - handed to the waiting thread
                self._outcome.append((False, err))

        self._thread = threading.Thread(target=run, name="gazette-geoparse", daemon=True)
        self._thread.start()

    def result(self) -> Any:
        self._thread.join()
        ok, value = self._outcome[0]
        if not ok:
            raise value
        return value


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        size = (0, 0)
    if not sep or not (100 <= size[0] <= 10000 and 100 <= size[1] <= 10000):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT between 100 and 10000 pixels, like 1600x1000, not {text!r}")
    return size


# --- shared -------------------------------------------------------------------------------


def _open_articles(files: Sequence[str]) -> Any:
    """The articles of files and folders, read as they are iterated; those that cannot be read are
    one summary line on stderr once all are read. A lone file that cannot be read raises at once."""
    from places.sources import stream_sources

    return _Summarised(stream_sources(files))


class _Summarised:
    """A source stream whose iteration ends with its one summary line of unreadable files on stderr."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.files = stream.files

    def __iter__(self) -> Iterator[Any]:
        yield from self.stream
        summary = self.stream.sources().summary
        if summary:
            print(f"gazette: {summary}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
