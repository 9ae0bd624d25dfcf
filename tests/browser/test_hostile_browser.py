"""Hostile article text through geoparsing and every export, opened in a real browser.

Each article in tests/data/hostile/ mixes injection payloads into sentences that name real
places.  The standalone HTML export is opened in Debian's Chromium (Playwright, headless);
every marker and country shape is hovered and clicked, every connection line hovered, and
no payload may run (sentinels, dialogs, injected elements) while each still reads as text.
GeoJSON, KML and CSV exports must carry the same text intact, and CSV must defuse formulas.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from places.articles import load_article
from places.geoparse import shared_geoparser
from places.model import GeoparsedArticle
from tests.support.hostile import FORMULA_PREFIXES, LITERALS, PLACES, SENTINEL_JS, hostile_files, shown_part
from viewer.export import export_map

KML = "{http://www.opengis.net/kml/2.2}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")

# Elements and attributes that only an injection could have put in the page.
INJECTED_JS = """(() => {
  const found = [];
  for (const node of document.querySelectorAll('[onerror],[onload],[onmouseover],[onclick],iframe,textarea,img[src="x"],a[href^="javascript:"]')) {
    found.push(node.outerHTML.slice(0, 120));
  }
  for (const s of document.scripts) {
    if (/gazette_pwned/.test(s.text) && !/\\\\u003c|\\u003c/.test(s.text)) found.push('script: ' + s.text.slice(0, 120));
  }
  for (const s of document.querySelectorAll('style')) {
    if (s.textContent.includes('display:none}')) found.push('style: ' + s.textContent.slice(0, 120));
  }
  return found;
})()"""

POPUP_TEXT_JS = """() => {
  const node = document.querySelector('.leaflet-popup-content');
  return node ? node.textContent : null;
}"""


def parse(path: Path) -> GeoparsedArticle:
    return shared_geoparser().parse(load_article(path))


@pytest.fixture(scope="module")
def parsed() -> dict[str, GeoparsedArticle]:
    return {path.name: parse(path) for path in hostile_files()}


def test_corpus_is_whole():
    names = [p.name for p in hostile_files()]
    assert set(names) == set(LITERALS) == set(PLACES)
    assert {Path(n).suffix for n in names} == {".txt", ".md", ".html"}
    long_words = [w for p in hostile_files() for w in p.read_text(encoding="utf-8").split() if len(w) >= 10_000]
    assert long_words
    text = "".join(p.read_text(encoding="utf-8") for p in hostile_files())
    for needle in ("<script>", "</script>", "onerror=", "javascript:", "${", "`", "\u2028", "\u2029", "\u202e",
                   "&lt;!--", "]]>", "<![CDATA[", "'", '"', "‘", "’", "“", "”", "´", "\n=", "\n+", "\n-", "\n@"):
        assert needle in text, needle


@pytest.mark.parametrize("name", sorted(LITERALS))
def test_geoparser_carries_the_payloads_into_excerpts(parsed, name):
    doc = parsed[name]
    found = {m.text for m in doc.mentions}
    missing = [p for p in PLACES[name] if p not in found]
    assert not missing, f"places not found in {name}: {missing}"
    excerpts = "\n".join(m.excerpt for m in doc.mentions)
    for literal in LITERALS[name]:
        assert shown_part(literal) in excerpts or literal in doc.article.title, literal


@pytest.mark.parametrize("name", sorted(LITERALS))
def test_standalone_html_runs_no_payload(parsed, browser, tmp_path, name):
    doc = parsed[name]
    out = tmp_path / "map.html"
    export_map([doc], out, fmt="html", connections=True)

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(out.as_uri())
        page.wait_for_function("window.gazette && window.gazette.ready === true", timeout=20_000)

        assert page.title() == doc.article.title
        assert page.locator(".gz-info .gz-title").text_content() == doc.article.title

        ids = page.evaluate("window.gazette.places()")
        assert len(ids) == len({m.place.id for m in doc.mentions})
        popup_texts: list[str] = []
        for pid in ids:
            page.evaluate("id => window.gazette.focusPlace(id)", pid)
            page.wait_for_function(  # this place's popup: the previous one may still be open
                "id => { const n = document.querySelector('.leaflet-popup-content .gz-popup');"
                " return n && n.getAttribute('data-place-id') === id; }",
                arg=pid,
                timeout=5_000,
            )
            page.wait_for_timeout(50)
            page.keyboard.press("Escape")
            marker = page.locator(f'.leaflet-marker-icon[data-place-id="{pid}"]')
            shape = page.locator(f'path[data-place-id="{pid}"]')
            if marker.count():
                marker.first.hover()
                marker.first.click()
            else:
                assert shape.count(), f"{pid}: neither a marker nor a shape on the map"
                shape.first.dispatch_event("mouseover")
                shape.first.dispatch_event("click")
            page.wait_for_function(
                "id => { const n = document.querySelector('.leaflet-popup-content .gz-popup');"
                " return n && n.getAttribute('data-place-id') === id; }",
                arg=pid,
                timeout=5_000,
            )
            popup_texts.append(page.evaluate(POPUP_TEXT_JS))
        for line in page.locator("path.gz-connection").all():
            line.dispatch_event("mouseover")
        tooltip_text = page.evaluate("[...document.querySelectorAll('.leaflet-tooltip')].map(n => n.textContent).join('\\n')")

        assert page.evaluate(SENTINEL_JS) == []
        assert page.evaluate(INJECTED_JS) == []
        assert dialogs == []
        assert errors == []
        shown = "\n".join(popup_texts)
        for literal in LITERALS[name]:
            assert shown_part(literal) in shown or literal in doc.article.title, f"{literal!r} not shown as text"
        assert doc.article.title in shown  # popups name the article
        if page.locator("path.gz-connection").count():
            assert any(m.excerpt[:60] in tooltip_text for m in doc.mentions)
    finally:
        page.close()


@pytest.mark.parametrize("name", sorted(LITERALS))
def test_geojson_kml_csv_keep_the_text_and_defuse_formulas(parsed, tmp_path, name):
    doc = parsed[name]
    excerpts = {m.excerpt for m in doc.mentions}

    export_map([doc], tmp_path / "m.geojson", fmt="geojson")
    geo = json.loads((tmp_path / "m.geojson").read_text(encoding="utf-8"))
    assert {e for f in geo["features"] for e in f["properties"]["excerpts"]} == excerpts

    export_map([doc], tmp_path / "m.kml", fmt="kml")
    root = ET.parse(tmp_path / "m.kml").getroot()
    assert root.find(f"{KML}Document/{KML}name").text == doc.article.title
    described = "\n\n".join(d.text or "" for d in root.iter(f"{KML}description"))
    for excerpt in excerpts:
        assert excerpt in described
    for literal in LITERALS[name]:
        assert shown_part(literal) in described or literal in doc.article.title

    export_map([doc], tmp_path / "m.csv", fmt="csv")
    raw = (tmp_path / "m.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(doc.mentions)
    for row in body:
        for cell in row:
            # Coordinates may be negative numbers: a spreadsheet reads those as numbers, not formulas.
            assert not cell.startswith(FORMULA_PREFIXES) or NUMBER.fullmatch(cell), cell
    column = header.index("excerpt")
    for row, mention in zip(body, doc.mentions):
        expected = "'" + mention.excerpt if mention.excerpt.startswith(FORMULA_PREFIXES) else mention.excerpt
        assert row[column] == expected


def test_formula_cells_are_prefixed_with_a_quote(parsed, tmp_path):
    doc = parsed["spreadsheet-formulas.txt"]
    export_map([doc], tmp_path / "m.csv", fmt="csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_text(encoding="utf-8"), newline="")))
    starts = {row["excerpt"][:2] for row in rows}
    # Each spreadsheet trigger appears in some excerpt, defused by a leading apostrophe.
    assert {"'=", "'+", "'-", "'@"} <= starts, starts


def test_the_checks_catch_a_payload_that_does_run(browser):
    """Control: the same checks fire on a page that does insert the text as markup."""
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.set_content("<title>t</title><div id=out></div>")
        payload = LITERALS["script-tags.txt"][2]  # <img src=x onerror="window.__gazette_pwned=3;alert(3)">
        page.evaluate("html => { document.getElementById('out').innerHTML = html; }", payload)
        page.wait_for_function("typeof window.__gazette_pwned !== 'undefined'", timeout=5_000)
        assert page.evaluate(SENTINEL_JS) == ["__gazette_pwned=3"]
        assert page.evaluate(INJECTED_JS)
        assert dialogs == ["3"]
    finally:
        page.close()
