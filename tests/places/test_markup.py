"""places.markup: Markdown and HTML to text, title and date (read through load_article, as files are)."""

from __future__ import annotations

from pathlib import Path

from places.articles import load_article
from places.markup import Parsed, parse_html, parse_markdown
from places.model import Article


def _load(tmp_path: Path, name: str, text: str) -> Article:
    """load_article of a new UTF-8 file ``name`` holding ``text``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_article(path)


def test_parsers_return_text_title_and_date():
    assert parse_markdown("---\ntitle: T\npublished: 2024-01-02 10:00\n---\n# Head\n\n*Odesa*") == Parsed(
        "Head\n\nOdesa", "T", "2024-01-02T10:00"
    )
    assert parse_html("<title>T</title><p>Odesa <time datetime='2024-01-02'>now</time></p>") == Parsed(
        "Odesa now", "T", "2024-01-02"
    )
    assert parse_markdown("plain") == Parsed("plain")


MARKDOWN = """---
title: "The grain corridor"
date: 2024-03-01
---
# Ships leave **Odesa**

Vessels crossed the [Bosporus](https://example.org/wiki/Bosporus_(strait)) on *Monday*; snake_case stays.
![Map of the Black Sea](map.png)

- bulk carriers for `Istanbul`
- a \\*starred\\* item
1. Constanța

> Officials in Varna agreed.

Setext heading
==============

***
| Port | Country |
|------|---------|
| Burgas | Bulgaria |

[ref]: https://example.org
AT&T &amp; partners ~~never~~ sailed.
"""


def test_markdown_is_stripped_to_text(tmp_path):
    article = _load(tmp_path, "corridor.md", MARKDOWN)
    assert article.title == "The grain corridor"
    assert article.published == "2024-03-01"
    assert article.text == (
        "Ships leave Odesa\n\n"
        "Vessels crossed the Bosporus on Monday; snake_case stays.\nMap of the Black Sea\n\n"
        "bulk carriers for Istanbul\na *starred* item\nConstanța\n\n"
        "Officials in Varna agreed.\n\n"
        "Setext heading\n\n"
        "Port Country\n\nBurgas Bulgaria\n\n"
        "AT&T & partners never sailed."
    )


def test_markdown_title_without_front_matter_is_the_heading(tmp_path):
    assert _load(tmp_path, "x.md", "## *Ships* leave [Odesa](http://x)\n\nText.").title == "Ships leave Odesa"


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Ships leave Odesa | Example News</title>
<meta property="og:title" content="Ships leave Odesa">
<meta property="article:published_time" content="2024-03-02T09:15:00+00:00">
<style>p { color: red }</style><script>var s = "<p>not text</p>";</script></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<aside>Most read: Paris fashion week</aside>
<main><article>
<h1>Ships leave Odesa</h1>
<p>Three bulk carriers left&nbsp;Odesa on Monday,
heading for the <a href="/bosporus">Bosporus</a> &amp; <em>Istanbul</em>.</p>
<p>Officials in Constanța<br>welcomed the news.</p>
<form><input name=q><button>Search</button></form>
<iframe src="ad.html">advert</iframe><svg><text>Chart label</text></svg>
<table><tr><td>Varna</td><td>Burgas</td></tr></table>
</article></main>
<footer>© Example News. Cookie settings.</footer>
<noscript>Enable JavaScript</noscript>
</body></html>"""


def test_html_keeps_article_text_only(tmp_path):
    article = _load(tmp_path, "page.html", PAGE)
    assert article.title == "Ships leave Odesa"
    assert article.published == "2024-03-02T09:15:00+00:00"  # the offset the page declares is kept
    assert article.text == (
        "Ships leave Odesa\n\n"
        "Three bulk carriers left Odesa on Monday, heading for the Bosporus & Istanbul.\n\n"
        "Officials in Constanța\nwelcomed the news.\n\n"
        "Varna Burgas"
    )


def test_html_without_main_prefers_the_largest_article(tmp_path):
    article = _load(
        tmp_path,
        "p.htm",
        "<html><body><div>Menu: Home World Sport</div>"
        "<article><p>Teaser about Paris.</p></article>"
        "<article><p>The long story: ships left Odesa for Istanbul, crossing the Black Sea.</p></article>"
        "<div>Subscribe now</div></body></html>",
    )
    assert article.text == "The long story: ships left Odesa for Istanbul, crossing the Black Sea."
    assert article.title == "The long story: ships left Odesa for Istanbul, crossing the Black Sea."


def test_html_page_wrapped_in_a_form_still_reads(tmp_path):
    page = "<html><body><form id=main><p>Ships left Odesa.</p></form></body></html>"
    assert _load(tmp_path, "aspx.html", page).text == "Ships left Odesa."


def test_html_escaped_markup_stays_text(tmp_path):
    page = "<p>&lt;script&gt;alert(1)&lt;/script&gt; in Kyiv</p><img src=x onerror=alert(1)>"
    assert _load(tmp_path, "h.html", page).text == "<script>alert(1)</script> in Kyiv"


def test_markdown_code_spans_and_fences_keep_their_text(tmp_path):
    text = "Run `route --from Odesa\\*` now.\n\n```\n**not bold** [x](y)\n```\nEnd *here*."
    assert _load(tmp_path, "code.md", text).text == "Run route --from Odesa\\* now.\n\n**not bold** [x](y)\nEnd here."


def test_five_megabytes_of_markdown_load(tmp_path):
    para = "Ships sailed from **Odesa** to [Istanbul](https://example.org) via the *Bosporus*.\n\n"
    text = _load(tmp_path, "big.md", para * (5_000_000 // len(para) + 1)).text
    assert text.startswith("Ships sailed from Odesa to Istanbul via the Bosporus.\n\nShips")
    assert "*" not in text[:100_000] and "](" not in text[-100_000:]


def test_html_tokenising_edge_cases(tmp_path):
    path = tmp_path / "edge.html"
    path.write_text(
        "<HTML><BODY><P title='a > b' data-x=\"</p>\">Ships left <B>Odesa</B>.</P>"
        "<script type=text/javascript>var s = '<p>not text</p>'; if (a < b) {}</SCRIPT >"
        "<style>p:after { content: '</p>' }</style>"
        "<!-- <p>commented out</p> --><![CDATA[ <p>cdata</p> ]]><?php echo 1 ?>"
        "<p>Grain &amp; oil reached Istanbul &#8212; via the Bosporus&#46;</p>"
        "<p>a < b and c <3 d</p><p>Left <!-- unterminated <p>Varna</p>",
        encoding="utf-8",
    )
    assert load_article(path).text == (
        "Ships left Odesa.\n\nGrain & oil reached Istanbul — via the Bosporus.\n\na < b and c <3 d\n\nLeft"
    )
    # An unterminated comment hides the rest of the page, as in a browser, ">" after it or not.
    path.write_text("<p>Odesa</p><p>Varna <!-- unterminated, no closing bracket after it", encoding="utf-8")
    assert load_article(path).text == "Odesa\n\nVarna"


def test_deeply_nested_unclosed_containers_stay_linear(tmp_path):
    # Each unclosed <article> or <nav> used to cost time in proportion to the depth.
    body = "<article><p>Ships left Odesa for Istanbul.</p>\n" * 40_000 + "<nav>x" * 40_000 + "</nav>" * 40_000
    text = _load(tmp_path, "nested.html", f"<html><body>{body}<p>Tail in Varna.</p></body></html>").text
    assert text.count("Ships left Odesa") == 40_000
    assert text.endswith("Tail in Varna.")


def test_five_megabytes_of_tag_dense_html_load(tmp_path):
    row = '<div class="r"><span>Ships</span> from <a href="/o?a=1&amp;b=2">Odesa</a> to <em>Istanbul</em></div>\n'
    page = "<html><body><main>" + row * (5_000_000 // len(row) + 1) + "</main></body></html>"
    text = _load(tmp_path, "big.html", page).text
    assert text.startswith("Ships from Odesa to Istanbul\n\nShips from Odesa to Istanbul\n\n")
    assert "<" not in text and text.count("Istanbul") == 5_000_000 // len(row) + 1


def test_html_with_stray_less_than_signs_stays_linear(tmp_path):
    # Each "<b" without a later ">" used to be tried as a tag up to the end of the page.
    text = _load(tmp_path, "math.html", "<p>Odesa</p>" + "if a<b and c<d then Istanbul " * 60_000).text
    assert text.startswith("Odesa\n\nif a<b and c<d then Istanbul") and text.count("Istanbul") == 60_000
