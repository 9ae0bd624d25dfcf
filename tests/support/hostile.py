"""The hostile-text corpus (tests/data/hostile/) and what the tests expect of it.

Every article mixes injection attempts into sentences that also name real places, so the
payloads travel into excerpts, titles, tooltips, popups, panels and exports.  Every payload,
if it ever ran, would set one of the sentinels below (or open a dialog).
"""

from __future__ import annotations

from pathlib import Path

HOSTILE_DIR = Path(__file__).resolve().parents[1] / "data" / "hostile"


def hostile_files() -> list[Path]:
    return sorted(p for p in HOSTILE_DIR.iterdir() if p.suffix in {".txt", ".md", ".html"})


# A JS expression: the names of the sentinels that are set.  Markdown eats the double
# underscores of some payloads (emphasis), so the bare name is watched as well.
SENTINEL_JS = """(() => {
  const hit = [];
  for (const name of ['__gazette_pwned', 'gazette_pwned']) {
    if (typeof window[name] !== 'undefined') hit.push(name + '=' + String(window[name]));
  }
  if (String(document.title).trim() === 'PWNED') hit.push('title=' + document.title);
  if (document.body && getComputedStyle(document.body).display === 'none') hit.push('style injected');
  return hit;
})()"""

# Literal text that must still read as text (not markup) after the trip through the viewer,
# keyed by file name.  Each is a whole payload from a sentence that names a place.
LITERALS: dict[str, tuple[str, ...]] = {
    "script-tags.txt": (
        "<script>window.__gazette_pwned=1;alert('pwned')</script>",
        "</script><script>window.__gazette_pwned=2</script>",
        '<img src=x onerror="window.__gazette_pwned=3;alert(3)">',
        '<a href="javascript:window.__gazette_pwned=4">read more</a>',
    ),
    "quotes-and-templates.md": (
        "<script>window.__gazette_pwned=10</script>",
        "<img src=x onerror=window.__gazette_pwned=11>",
        "'one' \"two\" ‘three’ “four”",
        "${window.",
    ),
    "entities-and-comments.html": (
        "<!-- and -->",
        "</textarea><script>window.__gazette_pwned=17</script>",
        "]]><script>window.__gazette_pwned=18</script><![CDATA[",
        "\u202etxt.exe\u202c",
    ),
    "spreadsheet-formulas.txt": (
        "=HYPERLINK(\"http://example.invalid/\",\"click\")",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "]]> and then <![CDATA[",
    ),
    "long-word.txt": (
        "Zx" * 5000,
        "<script>window.__gazette_pwned=20</script>",
    ),
}



def shown_part(literal: str) -> str:
    """What of ``literal`` an excerpt must show literally: all of it, or a 100-character run of a very
    long one (an excerpt of a long sentence is a window of a few hundred characters round the name)."""
    return literal if len(literal) <= 200 else literal[:100]


# Places each file names that the offline gazetteer surely knows (at least these must be found).
PLACES: dict[str, tuple[str, ...]] = {
    "script-tags.txt": ("Kyiv", "Odesa", "Kharkiv", "Lviv", "Warsaw", "Berlin", "Vienna", "Minsk"),
    "quotes-and-templates.md": ("Paris", "Madrid", "Rome", "Lisbon", "Athens", "Prague"),
    "entities-and-comments.html": ("Cairo", "Alexandria", "Beirut", "Amman", "Damascus", "Baghdad"),
    "spreadsheet-formulas.txt": ("Tokyo", "Osaka", "Seoul", "Busan", "Manila", "Jakarta"),
    "long-word.txt": ("Nairobi", "Addis Ababa", "Lagos"),
}

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
