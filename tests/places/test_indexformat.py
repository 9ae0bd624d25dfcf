"""places.indexformat: the index's keys, layout and data version, shared by builder and reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from places import indexformat
from places.indexformat import (
    FORMAT_VERSION, INDEX_FILE_NAME, KINDS, TOKEN_RE, Row, data_version, fold, name_key, name_keys, token_key,
)
from places.model import Kind


def test_name_key_folds_case_accents_apostrophes_and_abbreviation_dots():
    assert name_key("U.S.") == name_key("US") == "us"
    assert name_key("São Paulo") == "sao paulo"
    assert name_key("Komsomolsk-on-Amur") == "komsomolsk on amur"
    assert name_key("Martha’s Vineyard") == name_key("Martha's Vineyard")
    assert token_key("D.C.") == "dc" and fold("Čečenija") == "cecenija"


def test_every_kind_has_one_stored_code():
    assert set(KINDS) == set(Kind) and len(KINDS) == len(Kind) <= 256


def test_row_is_a_typed_record():
    row = Row("curated:x", "X", 1.0, 2.0, Kind.FACILITY, "RU", 0, "s", "", 5e6)
    assert row.kind is Kind.FACILITY and row.country == "RU" and row.prior == 5e6
    assert Row._fields[:5] == ("id", "name", "lat", "lon", "kind")


def test_file_name_carries_the_format_version():
    assert str(FORMAT_VERSION) in INDEX_FILE_NAME


def test_data_version_follows_the_curated_data_not_python_source(tmp_path: Path, monkeypatch):
    before = data_version()
    assert data_version() == before
    curated = tmp_path / "curated.yaml"
    curated.write_bytes(indexformat.CURATED_PATH.read_bytes())
    monkeypatch.setattr(indexformat, "CURATED_PATH", curated)
    assert data_version() == before  # same bytes elsewhere: same version
    curated.write_bytes(curated.read_bytes() + b"\n# edited\n")
    assert data_version() != before
    monkeypatch.setattr(indexformat, "FORMAT_VERSION", FORMAT_VERSION + 1)
    assert data_version() not in (before,)


def _reference_key(name: str) -> str:
    """The definition, token by token: each token folded (NFKD, marks dropped, lower case), dots dropped."""
    import unicodedata

    def fold_ref(text: str) -> str:
        text = text.replace("’", "'").replace("‘", "'")
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()

    return " ".join(fold_ref(m.group(0)).replace(".", "") for m in TOKEN_RE.finditer(name))


TRICKY_NAMES = [
    "Paris", "  New   York ", "U.S.", "St. John's", "Saint-Étienne", "Zürich", "Ærøskøbing", "Łódź", "Đà Nẵng",
    "São Tomé", "O’Hare", "ﬁnland", "İstanbul", "Köln-Bonn", "Ho Chi Minh City", "D.C.", "A.B.C.D.", "x.y", "",
    "Москва", "北京", "Qaraghandy (Karaganda)", "e\u0301cole", "½ Moon Bay",
]


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_name_key_equals_its_token_by_token_definition(name):
    assert name_key(name) == _reference_key(name)
    assert fold(name) == fold(name.replace("’", "'"))


@pytest.mark.parametrize("names", [
    TRICKY_NAMES,
    ["Line\n", "\nbreak", "a\nb", "Paris"],  # line breaks inside names
    ["  ", "", " - ", "_a_b_", "x\x0by", "tab\there", "ΟΔΟΣ Α", "Σ.Α.", "ﷺ x"],
    ["only plain", "names here"], [""], [],
])
def test_name_keys_of_many_names_equal_each_ones(names):
    assert name_keys(names) == [name_key(n) for n in names]


@given(st.lists(st.text(alphabet=st.sampled_from("aZ09 .-'’\n_éÉßΣσİ\u0301ﬁ½北"), max_size=10) | st.text(max_size=10),
                max_size=12))
@settings(max_examples=300, deadline=None)
def test_name_keys_equal_name_key_for_any_names(names):
    assert name_keys(names) == [name_key(n) for n in names]


def test_installed_version_is_what_importlib_metadata_says():
    from importlib import metadata

    from places.indexformat import DATA_PACKAGES, installed_version

    for dist in (*DATA_PACKAGES, "PyYAML", "pyside6"):
        assert installed_version(dist) == metadata.version(dist), dist
    assert installed_version("no-such-distribution-here") is None
