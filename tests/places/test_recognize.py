from __future__ import annotations

import pytest

from places.recognize import recognize
from tests.support.gazetteer import shared_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return shared_gazetteer()


def spans(gaz, text: str) -> list[str]:
    return [c.text for c in recognize(text, gaz) if c.indices]


def test_possessives_and_hyphenated_pairs(gaz):
    assert spans(gaz, "Russia’s war and a Moscow-Pyongyang alliance") == ["Russia", "Moscow", "Pyongyang"]
    assert spans(gaz, "They sailed from Komsomolsk-on-Amur.") == ["Komsomolsk-on-Amur"]


def test_abbreviations_and_lower_case(gaz):
    assert spans(gaz, "Troops of the US and the U.K. met in Paris.") == ["US", "U.K.", "Paris"]
    assert spans(gaz, "let us go to paris") == []


def test_persons_titles_weekdays(gaz):
    text = "Kim Jong-un met Vladimir Putin on Wednesday. Mr Kim later left. President Lincoln spoke."
    assert spans(gaz, text) == []


def test_organisation_heads_and_streets(gaz):
    assert "Washington" not in spans(gaz, "He wrote for the Washington Post from Main Street.")


def test_city_state_pattern_gives_a_hint_and_the_state(gaz):
    cands = [c for c in recognize("The plant in Alexandria, La. closed.", gaz) if c.indices]
    assert [c.text for c in cands] == ["Alexandria", "La."]
    assert cands[0].region_hint == cands[1].indices[0]


def test_unknown_facility_names_are_marked_for_the_fallback(gaz):
    cands = recognize("Jets left Qarlutsk Air Base at dawn.", gaz)
    assert [(c.text, c.unknown) for c in cands] == [("Qarlutsk Air Base", True)]


def test_unknown_names_after_in_are_marked_but_not_months_or_people(gaz):
    cands = recognize("Fighting flared in Zlobovka on Monday, in January, and in Mr Smith's house.", gaz)
    assert [(c.text, c.cue) for c in cands if c.unknown] == [("Zlobovka", "in")]


def test_long_texts_are_recognised_in_pieces_with_the_same_result(gaz, monkeypatch):
    import places.recognize as rec

    para = ("Ships left Odesa for Istanbul on Monday. Officials in Kyiv and Warsaw met John Paris.\n"
            "Later Mr Paris flew from Berlin to the Sea of Marmara, past Snake Island.\n\n")
    text = para * 12
    whole = [(c.start, c.end, c.text, c.indices) for c in recognize(text, gaz)]
    monkeypatch.setattr(rec, "CHUNK_CHARS", 300)
    pieces = [(c.start, c.end, c.text, c.indices) for c in recognize(text, gaz)]
    assert pieces == whole and len(whole) == 12 * 7
    assert all(text[s:e] == t for s, e, t, _ in pieces)


def test_a_place_named_first_name_before_a_census_surname_is_a_person(gaz):
    # "Beckham" is no common surname, no place and no English word: the census list says person.
    assert spans(gaz, "Victoria Beckham flew to London.") == ["London"]
    assert gaz.is_rare_surname("beckham") and not gaz.is_rare_surname("bureau")
    # An organisation word after the place's name is no surname: the place stays.
    assert "Georgia" in spans(gaz, "Agents of the Georgia Bureau of Investigation arrived.")
    assert "Alexandria" in spans(gaz, "The Alexandria Blizzard coordinated a drive.")


@pytest.mark.parametrize("text", ["", "   ", "Paris", " U.S. troops, in St. Louis—Mo.!? ", "a__b ...", "Zürich’s 3rd; A.B.C.D",
                                  "end with punctuation ?!?!", "x" * 50 + " Y"])
def test_tokens_are_the_words_of_the_text_with_the_separators_between(text):
    import re

    from places.indexformat import TOKEN_RE
    from places.recognize import Tokens

    expected = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
    for lo, hi in ((0, None), (1, len(text) - 1)):
        if hi is not None and hi < lo:
            continue
        toks = Tokens(text, lo, hi)
        piece = [(s + lo, e + lo, w) for s, e, w in ((m.start(), m.end(), m.group())
                                                    for m in TOKEN_RE.finditer(text[lo:hi]))]
        assert [(t.start, t.end, t.text) for t in toks] == (expected if hi is None else piece)
        for t in toks:
            prev_end = max([u.end for u in toks if u.end <= t.start], default=lo)
            assert t.sep == text[prev_end : t.start] and not re.search(r"[^\W_]", t.sep)


def test_the_split_pattern_finds_the_tokens_token_re_finds():
    """Recognition splits with its own spelling of TOKEN_RE (faster); both must cut any text alike."""
    import random
    import re

    from places.indexformat import TOKEN_RE
    from places.recognize import _TOKEN_PATTERN

    ours = re.compile(_TOKEN_PATTERN)
    rng = random.Random(3)
    pieces = ["a", "B", "1", ".", " ", "_", "é", "x.", "Ü", "’", "-", "U.S.", "٣", "ß"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 50))) for _ in range(5000)]
    texts += ["a." * 500 + "b", "A.B.C.D. E.F", "x" * 1000, "3.4.5 a.1 Ab.c."]
    for text in texts:
        assert [m.span() for m in ours.finditer(text)] == [m.span() for m in TOKEN_RE.finditer(text)], text


def test_the_ascii_split_cuts_a_text_as_the_unicode_one_does():
    """Texts whose only non-ASCII characters are punctuation take the ASCII pattern; any text is cut alike."""
    import random

    from places.recognize import _TOKEN_SPLIT_ASCII, _TOKEN_SPLIT_UNICODE, _split_tokens

    rng = random.Random(5)
    punctuation = ["’", "“", "”", "—", "–", "…", "\u00a0", "«", "·"]
    letters = ["é", "Ü", "٣", "ß", "²", "Ⅻ", "ª"]
    ascii_pieces = ["a", "B", "1", ".", " ", "_", "x.", "-", "U.S.", "'", "\n"]
    for n in range(4000):
        pieces = ascii_pieces + punctuation + (letters if n % 2 else [])
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        assert _split_tokens(text) == _TOKEN_SPLIT_UNICODE(text), text
        if n % 2 == 0:
            assert _TOKEN_SPLIT_ASCII(text) == _TOKEN_SPLIT_UNICODE(text), text


def test_a_currency_code_is_no_place(gaz):
    # "US$460", "$US 15": money, not the country; the US on its own stays.
    assert spans(gaz, "The fund paid US$460 million and $US 15 billion to Ghana; the US said it would pay more.") == [
        "Ghana", "US"]


def test_a_hyphenated_country_after_a_comma_is_no_state_hint(gaz):
    # "Guinea, Guinea-Bissau": the second Guinea begins a longer name, it is not "Town, State".
    cands = [c for c in recognize("Cholera hit Mali, Guinea, Guinea-Bissau, Liberia and Niger.", gaz) if c.indices]
    assert [c.text for c in cands] == ["Mali", "Guinea", "Guinea-Bissau", "Liberia", "Niger"]
    assert cands[1].region_hint is None and gaz.row(cands[2].indices[0]).id == "country:GW"


def test_a_name_beside_a_capitalised_word_is_glued(gaz):
    glued = {c.text: c.glued for c in recognize(
        "The United States Department of Agriculture spoke. The station Radio Pyongyang said so. Officials in "
        "Beijing said Iran would talk. In Tokyo it rained. Since Russia's war, on Thursday North Korea "
        "said Seoul Monday talks failed.", gaz) if c.indices}
    assert glued == {"United States": True, "Pyongyang": True, "Beijing": False, "Iran": False, "Tokyo": False,
                     "Russia": False, "North Korea": False, "Seoul": False}


@pytest.mark.parametrize("text", ["Paris is big. London too!\nBerlin: Rome", "(Madrid) “Lisbon” ‘Oslo’ — Vienna? Bern",
                                  "The U.S. and UAE. «Kyiv» [Minsk] x\n\nSofia", "A", "a B", ".\tC", " Paris x"])
def test_a_capitalised_token_starts_a_sentence_after_a_stop_a_line_break_or_at_the_start(text):
    """Capitalised tokens are built with the lists (Tokens._capitalised), the others when asked
    for; both read a token the same way."""
    from places.indexformat import token_key
    from places.recognize import Tokens

    toks = Tokens(text)
    for i, t in enumerate(toks):
        core = t.sep.rstrip(" \t\"'“‘(«[")
        assert t.cap == t.text[0].isupper()
        assert t.key == (token_key(t.text) if t.cap else t.text.lower())
        assert t.caps == (t.cap and len(t.text) >= 2 and t.text.isupper())
        assert t.sent_start == (t.cap and (i == 0 or "\n" in t.sep or (core != "" and core[-1] in ".!?:\n\u2014")))


def test_a_country_before_another_country_is_a_list_not_a_town_of_it(gaz):
    # "Mali, Guinea": Mali the country, not the Guinean town; a state after a country name stays a hint.
    cands = {c.text: c for c in recognize("Cholera hit Mali, Guinea and Liberia. Police in Lebanon, Pennsylvania, said so.", gaz)
             if c.indices}
    assert cands["Mali"].region_hint is None and gaz.row(cands["Mali"].indices[0]).id == "country:ML"
    assert gaz.row(cands["Guinea"].indices[0]).id == "country:GN"
    assert gaz.row(cands["Lebanon"].region_hint).id == "region:US.PA"


def test_names_of_a_list_of_countries_are_marked_listed(gaz):
    text = "Aid went to Ghana, Niger, Nigeria and Togo. Flights to Chad or Sudan stopped. She lives in Georgia, USA."
    listed = {c.text: c.listed for c in recognize(text, gaz) if c.indices}
    # Three names with commas, two with "and"/"or"; one comma between two ("State, Country") is no list.
    assert listed == {"Ghana": True, "Niger": True, "Nigeria": True, "Togo": True, "Chad": True, "Sudan": True,
                      "Georgia": False, "USA": False}
