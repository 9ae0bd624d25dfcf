"""viewer.kinds: one table of words and symbols for kinds, sent to map.js in the page data."""

from __future__ import annotations

from places.model import Kind
from viewer import kinds, webassets


def test_every_kind_has_a_label_and_a_symbol_with_a_legend_line():
    for kind in Kind:
        assert kinds.kind_label(kind) and kinds.KIND_SYMBOLS[kind] in kinds.SYMBOL_LABELS
    payload = kinds.kinds_payload()
    assert payload["kinds"]["county"] == {"label": "County or district", "symbol": "region"}
    assert payload["legend"]["country"] == "Country (no outline)"


def test_map_js_has_no_words_of_its_own_for_kinds():
    js = webassets.read_text("js/map.js")
    assert "KIND_LABELS" not in js and "City or town" not in js and "Sea, strait or lake" not in js
