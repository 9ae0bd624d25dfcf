"""Properties over arbitrary input: loaders and the geoparser never crash, spans always line up."""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from places.articles import article_from_text, load_article, normalise_text
from places.errors import ArticleError
from places.model import Article
from places.sentences import excerpt_for

PLACE_NAMES = [
    "Odesa", "Istanbul", "Black Sea", "Bosporus", "Constanța", "Kyiv", "North Korea", "Vladivostok",
    "Vostochny Cosmodrome", "New York", "St. Petersburg", "Washington, D.C.", "Côte d'Ivoire", "Cote d’Ivoire",
    "Guinea-Bissau", "Baden-Württemberg", "Rio de Janeiro", "São Paulo", "Moscow", "Pyongyang", "Amur River",
    "U.S.", "UK", "Sea of Japan", "Zaporizhzhia", "Москва", "東京", "Al-Hudaydah",
]  # fmt: skip
GLUE = [" ", ", ", ". ", "'s ", "’s ", "-", " - ", "—", "\n", "\n\n", ' "', '" ', "(", ")", " in ", " near ",
        " and ", " the ", "! ", "? ", "…", "\t", "\u2028", "\u202e", "'", "`"]  # fmt: skip

mixed_text = st.lists(
    st.one_of(st.sampled_from(PLACE_NAMES), st.sampled_from(GLUE), st.text(max_size=12)), max_size=40
).map("".join)
any_text = st.one_of(st.text(), mixed_text)


@st.composite
def text_and_span(draw):
    text = draw(any_text)
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return text, start, end


@settings(max_examples=400, deadline=None)
@given(text_and_span())
def test_excerpt_holds_its_span(case):
    text, start, end = case
    excerpt, excerpt_start = excerpt_for(text, start, end)
    assert excerpt == text[excerpt_start : excerpt_start + len(excerpt)]
    assert excerpt_start <= start and end <= excerpt_start + len(excerpt)
    assert excerpt[start - excerpt_start : end - excerpt_start] == text[start:end]


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_article_from_text_never_fails_and_is_clean(text):
    article = article_from_text(text, id="t")
    assert isinstance(article, Article)
    assert "\r" not in article.text and "\x00" not in article.text
    assert normalise_text(article.text) == article.text
    assert 0 < len(article.title) <= 120


SUFFIXES = [".txt", ".md", ".html", ".htm", ".xyz", ""]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_load_article_on_random_bytes_is_article_or_article_error(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        article = load_article(path)
    except ArticleError as err:
        assert str(err).startswith(f"Cannot open {path}")
        return
    assert article.text.strip() and normalise_text(article.text) == article.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(any_text, st.lists(st.sampled_from(["<p>", "</p>", "<script>", "</script>", "<!--", "-->", "<br>",
                                                        "<main>", "</article>", "# ", "**", "_", "[", "](", ")", "`",
                                                        "&amp;", "&#0;", "&#x110000;", "<![CDATA[", "]]>"]) | any_text,
                                       max_size=30).map("".join)),
    suffix=st.sampled_from(SUFFIXES),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
)  # fmt: skip
def test_load_article_on_random_text_files(tmp_path, text, suffix, encoding):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(text.encode(encoding, errors="surrogatepass"))
    try:
        article = load_article(path)
    except ArticleError:
        return
    assert normalise_text(article.text) == article.text


# --- the geoparser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def geoparser():
    from places.geoparse import shared_geoparser

    return shared_geoparser()


def _check_doc(article, doc):
    assert doc.article is article or doc.article == article
    previous = -1
    for m in doc.mentions:
        assert 0 <= m.start < m.end <= len(article.text)
        assert article.text[m.start : m.end] == m.text
        assert m.article_id == article.id
        assert m.excerpt == article.text[m.excerpt_start : m.excerpt_start + len(m.excerpt)]
        assert m.excerpt[m.start_in_excerpt : m.end_in_excerpt] == m.text
        assert m.start >= previous  # text order
        previous = m.start
        assert -90 <= m.place.lat <= 90 and -180 <= m.place.lon <= 180


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(any_text)
def test_geoparser_spans_and_excerpts_line_up(geoparser, text):
    article = article_from_text(text, id="prop")
    _check_doc(article, geoparser.parse(article))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PLACE_NAMES), min_size=1, max_size=8), st.sampled_from(GLUE))
def test_geoparser_on_lists_of_place_names(geoparser, names, glue):
    text = "Reports came from " + glue.join(names) + "."
    assume(text.strip())
    article = article_from_text(text, id="names")
    _check_doc(article, geoparser.parse(article))
