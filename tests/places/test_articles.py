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


@pytest.mark.parametrize("case", [c for c in BAD_FILES if c.name != "directory"], ids=lambda c: c.name)
def test_bad_file_gives_one_clear_error(tmp_path, case):
    path = case.make(tmp_path)
    with pytest.raises(ArticleError) as info:
        load_article(path)
    message = str(info.value)
    assert message.startswith(f"Cannot open {path}"), message
    assert re.search(case.message, message), message
    assert "\n" not in message and "Traceback" not in message


def test_a_folder_is_not_an_article(tmp_path):
    """A folder is a source of articles (places.sources), never one article itself."""
    with pytest.raises(ArticleError, match=r"^Cannot open .*: it is a folder, not a file\.$"):
        load_article(tmp_path)


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
