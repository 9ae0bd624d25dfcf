"""places.sentences: sentence spans with offsets, and the excerpt shown for a mention."""

from __future__ import annotations

from places.sentences import excerpt_for, sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_sentences_end_at_stops_not_at_abbreviations_or_initials():
    text = "Mr. Kim met Vladimir V. Putin in the U.S. embassy. Then he left! Did he? Yes."
    assert _sentences(text) == ["Mr. Kim met Vladimir V. Putin in the U.S. embassy.", "Then he left!", "Did he?", "Yes."]


def test_line_breaks_before_capitals_and_blank_lines_end_sentences():
    text = "Ships leave Odesa\n\nBulk carriers left at dawn\nOfficials agreed"
    assert _sentences(text) == ["Ships leave Odesa", "Bulk carriers left at dawn", "Officials agreed"]


def test_spans_are_trimmed_offsets_into_the_text():
    text = "  One here.   Two there.  "
    assert sentence_spans(text) == ((2, 11), (14, 24))


def test_excerpt_is_the_sentence_holding_the_mention():
    text = "Ships left Odesa on Monday. They reached Istanbul on Wednesday after a long voyage."
    start = text.index("Istanbul")
    excerpt, excerpt_start = excerpt_for(text, start, start + len("Istanbul"))
    assert excerpt == "They reached Istanbul on Wednesday after a long voyage."
    assert excerpt_start == text.index("They")


def test_the_boundary_pattern_matches_where_its_plain_reading_does():
    """_BOUNDARY is written to start with a character class (fast); the plain reading of the rule,
    alternative by alternative, must find the same boundaries on any mix of stops, quotes, breaks."""
    import random
    import re

    from places import sentences

    plain = re.compile(
        r"""(?:(?<![.!?…])[.!?…]++["'”’»)\]]*+(?=\s+["'“‘«(\[]?[A-Z0-9À-Þ])
              | \n[ \t]*+\n\s*+ | \n(?=[ \t]*+["'“‘«(\[]?[A-Z0-9À-Þ]))""", re.VERBOSE)
    rng = random.Random(5)
    pieces = ["a", "A", ".", "!", "?", "…", "\n", " ", "\t", '"', "”", "“", "(", "[", "Mr", "3", "À", "»"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 80))) for _ in range(3000)]
    texts += ["?" * 500, "a." * 300 + " B", "\n" * 400 + "X", ".!?…" * 100 + " A", "Done. Next\n\nPara.\nCaption"]
    for text in texts:
        assert [m.span() for m in sentences._BOUNDARY.finditer(text)] == [m.span() for m in plain.finditer(text)]
