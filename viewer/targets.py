"""Where an export may be written: checked before anything is parsed or written.

An export never replaces one of its own inputs (``export article.html -o article.html``), never
writes to a device, FIFO or folder, and its format must agree with the target's suffix when the
suffix names a format (``--format kml -o x.csv`` is refused). A symbolic link as the target is
written through (places.storage replaces the file it points to, atomically; the link stays).
"""

from __future__ import annotations

__all__ = ["SUFFIX_FORMATS", "TargetError", "check_target", "format_for"]

import os
from collections.abc import Iterable
from pathlib import Path

from places.errors import GazetteError
from places.storage import non_regular_kind

SUFFIX_FORMATS: dict[str, str] = {".html": "html", ".htm": "html", ".geojson": "geojson", ".json": "geojson",
                                  ".kml": "kml", ".csv": "csv", ".png": "png"}  # fmt: skip


class TargetError(GazetteError):
    """The export target is unsafe or contradicts the format asked for."""


def format_for(path: str | os.PathLike[str]) -> str | None:
    """The export format a target's suffix names, if any."""
    return SUFFIX_FORMATS.get(Path(path).suffix.lower())


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_target(path: str | os.PathLike[str], *, fmt: str,
                 inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Raise :class:`TargetError` when ``path`` may not receive an export of ``fmt``."""
    target = Path(path)
    named = format_for(target)
    if named is not None and named != fmt.lower().lstrip("."):
        raise TargetError(f"Cannot export {fmt} to {target}: its name says {named}; "
                          f"give a .{fmt} name or leave out --format.")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return
    except OSError as err:
        raise TargetError(f"Cannot export to {target}: {err.strerror or err}.") from err
    kind = non_regular_kind(st.st_mode)
    if kind is not None:
        raise TargetError(f"Cannot export to {target}: it is {kind}, not a regular file.")
    for source in inputs:
        if source and _same_file(target, Path(source)):
            raise TargetError(f"Cannot export to {target}: it is one of the files being mapped; choose another name.")
