"""Folders of short articles of our own words, for the window's folder, panel and reading tests."""

from __future__ import annotations

from pathlib import Path

# file (relative) -> text; each names places the offline gazetteer knows well.
ARTICLES: dict[str, str] = {
    "black-sea/odesa.txt": "Ships leave Odesa\n\nThree grain carriers left Odesa on Tuesday for Istanbul. "
    "The harbour master of Odesa said more would follow.\n",
    "black-sea/varna.md": "# Patrols near Varna\n\nCoast guard boats patrolled the sea off Varna overnight.\n",
    "asia/pyongyang.txt": "Talks in Pyongyang\n\nDelegates flew from Moscow to Pyongyang for two days of talks.\n",
    "notes.html": "<!doctype html><html><head><title>Floods in Texas</title></head><body><main><article>"
    "<h1>Floods in Texas</h1><p>Heavy rain closed roads around Houston and Dallas on Monday.</p>"
    "</article></main></body></html>",
}


def write_articles(folder: Path, articles: dict[str, str] = ARTICLES) -> Path:
    """Write ``articles`` under ``folder`` (sub-folders made); returns ``folder``."""
    for name, text in articles.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def many_articles(folder: Path, count: int) -> Path:
    """``count`` small articles in nested folders, each naming a port and a capital."""
    ports = ["Odesa", "Varna", "Istanbul", "Vladivostok", "Houston", "Rotterdam", "Hamburg", "Marseille"]
    capitals = ["Moscow", "Pyongyang", "Paris", "Berlin", "Tokyo", "Madrid", "Rome", "Cairo"]
    for n in range(count):
        path = folder / f"part-{n % 7}" / f"article-{n:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        port, capital = ports[n % len(ports)], capitals[(n // len(ports)) % len(capitals)]
        path.write_text(f"Report {n}\n\nShips left {port} for a port near {capital} on day {n}.\n", encoding="utf-8")
    return folder
