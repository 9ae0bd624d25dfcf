"""viewer.corrections without Qt: the alternatives of a place, "Not a place", applying a choice."""

from __future__ import annotations

from places.model import Article, GeoparsedArticle, Kind, Mention, Place, PlaceMentions, group_by_place
from viewer.corrections import apply_correction, corrections_for, describe, place_label


def _place(pid: str, name: str, kind: Kind, country: str, country_name: str, lat: float, lon: float) -> Place:
    return Place(pid, name, lat, lon, kind, country, country_name)


TX = _place("geonames:4717560", "Paris", Kind.CITY, "US", "United States", 33.66, -95.56)
FR = _place("geonames:2988507", "Paris", Kind.CITY, "FR", "France", 48.85, 2.35)
TN = _place("geonames:4647963", "Paris", Kind.CITY, "US", "United States", 36.30, -88.33)
DALLAS = _place("geonames:4684888", "Dallas", Kind.CITY, "US", "United States", 32.78, -96.81)


def _mention(article: str, start: int, text: str, place: Place, *alts: Place, confidence: float = 0.5) -> Mention:
    return Mention(article, start, start + len(text), text, place, f"{text}.", start, confidence, alts)


def test_place_label_reads_name_kind_country():
    geneva = _place("geonames:2660646", "Geneva", Kind.CITY, "CH", "Switzerland", 46.2, 6.14)
    assert place_label(geneva) == "Geneva — city, Switzerland"
    assert place_label(_place("curated:x", "Black Sea", Kind.WATER, "", "", 43.0, 34.0)) == "Black Sea — water"


def test_corrections_offer_alternatives_best_first_then_not_a_place():
    group = PlaceMentions(TX, (_mention("a", 0, "Paris", TX, FR, TN), _mention("a", 40, "Paris", TX, FR)))
    corrections = corrections_for(group)
    assert [c.to.id if c.to else None for c in corrections] == [FR.id, TN.id, None]
    assert corrections[0].label == "Paris — city, France"
    assert corrections[1].label == "Paris — city, United States"
    assert corrections[-1].label == "Not a place" and corrections[-1].removes
    assert all(c.keys == {("a", "Paris")} and c.place_id == TX.id for c in corrections)


def test_labels_that_read_the_same_get_coordinates():
    tn2 = _place("geonames:1", "Paris", Kind.CITY, "US", "United States", 38.2, -84.25)
    labels = [c.label for c in corrections_for(PlaceMentions(TX, (_mention("a", 0, "Paris", TX, TN, tn2),)))]
    assert labels == [
        "Paris — city, United States (36.30° N, 88.33° W)",
        "Paris — city, United States (38.20° N, 84.25° W)",
        "Not a place",
    ]


def test_correction_reassigns_one_sense_per_name_per_article():
    a = GeoparsedArticle(
        Article("a", "A", ""),
        (
            _mention("a", 0, "Paris", TX, FR, TN),
            _mention("a", 10, "Dallas", DALLAS, confidence=0.95),
            _mention("a", 20, "Paris", TX),  # no alternatives of its own: same name, same sense
            _mention("a", 30, "Paris", FR, TX),  # read otherwise already: left alone
            _mention("a", 40, "Parisian", TX, TN),  # another text, France not offered for it: left alone
        ),
    )
    b = GeoparsedArticle(Article("b", "B", ""), (_mention("b", 0, "Dallas", DALLAS),))
    group = next(g for g in group_by_place([a, b]) if g.place.id == TX.id)
    to_france, to_tennessee, _ = corrections_for(group)
    assert to_france.to == FR and to_france.keys == {("a", "Paris")}
    assert to_tennessee.to == TN and to_tennessee.keys == {("a", "Paris"), ("a", "Parisian")}
    new_a, new_b = apply_correction([a, b], to_france)
    assert new_b is b
    assert a.mentions[0].place == TX  # frozen: the old model is intact, for Undo
    places = [(m.text, m.place.id, m.confidence) for m in new_a.mentions]
    assert places == [
        ("Paris", FR.id, 1.0),
        ("Dallas", DALLAS.id, 0.95),
        ("Paris", FR.id, 1.0),
        ("Paris", FR.id, 0.5),
        ("Parisian", TX.id, 0.5),
    ]
    assert new_a.mentions[0].alternatives == (TX, TN)  # the old reading is offered back
    assert new_a.mentions[2].alternatives == (TX,)
    assert [(m.start, m.end, m.excerpt) for m in new_a.mentions] == [(m.start, m.end, m.excerpt) for m in a.mentions]

    gone = next(c for c in corrections_for(group) if c.removes)
    removed, same_b = apply_correction([a, b], gone)
    assert same_b is b
    assert [(m.text, m.place.id) for m in removed.mentions] == [("Dallas", DALLAS.id), ("Paris", FR.id)]


def test_describe_says_what_a_correction_did():
    group = PlaceMentions(TX, (_mention("a", 0, "Paris", TX, FR),))
    to_france, gone = corrections_for(group)
    assert describe(to_france, mentions=2) == "“Paris” now read as Paris — city, France (2 mentions)"
    assert describe(gone, mentions=1) == "“Paris”: not a place (1 mention removed)"


def test_did_you_mean_spares_plain_national_names_and_asks_about_doubtful_ones():
    # The threshold on the geoparser's own confidences (short texts written for this test).
    from places.geoparse import Geoparser
    from tests.support.gazetteer import shared_gazetteer
    from viewer.corrections import LOW_CONFIDENCE

    parser = Geoparser(shared_gazetteer())

    def confidence(text: str, span: str) -> float:
        doc = parser.parse(Article(id="t", title="", text=text))
        return next(m.confidence for m in doc.mentions if m.text == span)

    for text, span in (("Officials in Kiev said the talks would resume.", "Kiev"),
                       ("Iran said on Monday it would resume enrichment.", "Iran"),
                       ("Canberra announced new visa rules on Friday.", "Canberra")):
        assert confidence(text, span) >= LOW_CONFIDENCE, span
    for text, span in (("Georgia lawmakers passed the bill on Tuesday. The governor signed it later.", "Georgia"),
                       ("Jordan said he would retire after the season.", "Jordan"),
                       ("The Springfield council voted on Monday.", "Springfield")):
        assert confidence(text, span) < LOW_CONFIDENCE, span
