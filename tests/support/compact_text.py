"""An independent reader of viewer.basemapdata's compact text (the page's is assets/js/basemap.js), for tests."""

from __future__ import annotations

from collections.abc import Iterator

from viewer.basemapdata import DIGITS, END


def numbers(text: str) -> Iterator[int]:
    """The integers of a compact text, in order."""
    value, weight = 0, 1
    for char in text:
        digit = DIGITS.index(char)
        value += digit * weight
        if digit >= END:
            weight *= len(DIGITS) - END
            continue
        yield -(value + 1) // 2 if value % 2 else value // 2
        value, weight = 0, 1


def shapes(text: str) -> list[list[list[tuple[int, int]]]]:
    """Shapes -> paths -> absolute points, as encode_shapes wrote them."""
    it, out = numbers(text), []
    for count in it:
        x = y = 0
        paths = []
        for _ in range(count):
            path = []
            for _ in range(next(it)):
                x, y = x + next(it), y + next(it)
                path.append((x, y))
            paths.append(path)
        out.append(paths)
    return out


def arcs(text: str) -> list[list[list[int]]]:
    """TopoJSON arcs (first point absolute, then steps) from compact_topology's text."""
    it, out, x, y = numbers(text), [], 0, 0
    for n in it:
        x, y = x + next(it), y + next(it)
        arc = [[x, y]]
        for _ in range(n - 1):
            dx, dy = next(it), next(it)
            arc.append([dx, dy])
            x, y = x + dx, y + dy
        out.append(arc)
    return out
