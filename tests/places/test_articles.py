"""load_article: formats, encodings, titles, ids, and one clear message per bad file."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from places.articles import article_from_text, load_article
from places.errors import ArticleError
from places.model import Article
from tests.data.bad_files import BAD_FILES

from tests.conftest import shared_path


def _load(tmp_path: Path, name: str, text: str) -> Article:
    """load_article of a new UTF-8 file ``name`` holding ``text``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_article(path)


@pytest.mark.parametrize("case", BAD_FILES, ids=lambda c: c.name)
def test_bad_file_gives_one_clear_error(tmp_path, case):
    path = case.make(tmp_path)
    with pytest.raises(ArticleError) as info:
        load_article(path)
    message = str(info.value)
    assert message.startswith(f"Cannot open {path}"), message
    assert re.search(case.message, message), message
    assert "\n" not in message and "Traceback" not in message


def test_limit_is_a_keyword(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Ships left Odesa for Istanbul. " * 100, encoding="utf-8")
    with pytest.raises(ArticleError, match=r"it is 3\.1 kB, larger than the 1\.0 kB limit"):
        load_article(path, max_bytes=1000)


def test_twenty_megabytes_of_text_load_under_the_default_limit(tmp_path):
    line = "Grain ships sailed from Odesa past Constanța to the Bosporus and Istanbul.\n"
    path = tmp_path / "big.txt"
    path.write_text(line * (20_000_000 // len(line.encode()) + 1), encoding="utf-8")
    assert path.stat().st_size > 20_000_000
    article = load_article(path)
    assert article.text.startswith(line.strip())
    assert len(article.text) > 19_000_000


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
     ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
     ("utf-32-be", codecs.BOM_UTF32_BE), ("utf-16-le", b"")],
)  # fmt: skip
def test_unicode_encodings_and_boms(tmp_path, encoding, bom):
    text = "Constanța, Odesa and İstanbul — “the corridor”\r\nsecond line"
    path = tmp_path / "a.txt"
    path.write_bytes(bom + text.encode(encoding))
    article = load_article(path)
    assert article.text == "Constanța, Odesa and İstanbul — “the corridor”\nsecond line"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("Café in Odesa – a naïve “quoted” remark about the Black Sea.", "cp1252"),
     ("Москва и Киев сообщили о проблемах с зерном в Одессе.", "cp1251"),
     ("Gdańsk i Łódź, zażółć gęślą jaźń, port w Świnoujściu.", "cp1250")],
)  # fmt: skip
def test_legacy_encodings_are_detected(tmp_path, text, encoding):
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert load_article(path).text == text


def test_html_meta_charset_is_honoured(tmp_path):
    path = tmp_path / "ru.html"
    page = '<html><head><meta charset="windows-1251"><title>Одесса</title></head><body><p>Порт Одесса открыт.</p></body></html>'
    path.write_bytes(page.encode("cp1251"))
    article = load_article(path)
    assert article.text == "Порт Одесса открыт."
    assert article.title == "Одесса"


def test_line_endings_and_control_characters(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"Odesa\r\nIstanbul\rVarna\x00\x07 and\tBurgas\x0cend")
    assert load_article(path).text == "Odesa\nIstanbul\nVarna and\tBurgas\nend"


def test_text_title_is_first_non_empty_line_bounded(tmp_path):
    assert _load(tmp_path, "story.txt", "\n\n   Ships leave Odesa  \n\nBody text.").title == "Ships leave Odesa"
    title = _load(tmp_path, "long.txt", "word " * 200).title
    assert len(title) <= 120 and title.endswith("…")


def test_id_is_stable_and_path_derived(tmp_path):
    (tmp_path / "x").mkdir()
    a = tmp_path / "Grain Corridor.txt"
    b = tmp_path / "x" / "Grain Corridor.txt"
    a.write_text("Odesa.", encoding="utf-8")
    b.write_text("Odesa.", encoding="utf-8")
    first = load_article(a)
    assert first.id == load_article(a).id
    assert first.id != load_article(b).id
    assert re.fullmatch(r"grain-corridor-[0-9a-f]{8}", first.id)
    assert first.source == str(a.resolve())


def test_unknown_suffix_is_read_as_text(tmp_path):
    assert _load(tmp_path, "notes.article", "Ships left Odesa.").text == "Ships left Odesa."


def test_unknown_suffix_with_html_is_read_as_html(tmp_path):
    page = "<!DOCTYPE html><html><body><p>Ships left <b>Odesa</b>.</p></body></html>"
    assert _load(tmp_path, "page.php", page).text == "Ships left Odesa."


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
    assert article.published == "2024-03-02T09:15:00"
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


def test_article_from_text_normalises_and_titles():
    article = article_from_text("\r\n Ships leave Odesa\r\nBody\x00", id="pasted")
    assert article.text == "\n Ships leave Odesa\nBody"
    assert article.title == "Ships leave Odesa"
    assert article.id == "pasted"
    assert article_from_text("", id="e").title == "e"
    assert article_from_text("x", id="e", title="Given").title == "Given"


def test_reference_article_loads_unchanged():
    path = shared_path("articles", "putin-kim-vostochny.txt")
    gold_text = __import__("json").loads(
        shared_path("articles", "putin-kim-vostochny.gold.jsonl").read_text(encoding="utf-8").splitlines()[0]
    )["text"]
    article = load_article(path)
    assert article.text == gold_text.strip("\n")
    assert article.title.startswith("Vladimir Putin")


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
