"""viewer.lessonmap without Qt: a lesson's corrections on geoparsed articles, the tour, the bundle."""

from __future__ import annotations

import math

import pytest
from geopy.distance import great_circle

from places.lessons import Correction, ExtraPlace, Lesson, LessonArticle, MapView, TourStop
from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from places.sources import embedded_lesson
from viewer.lessonmap import (
    EARTH_RADIUS_KM,
    apply_lesson,
    default_tour,
    great_circle_km,
    lesson_bundle,
    lesson_payload,
    moved_corrections,
    tour_stops,
    window_corrections,
    with_corrections,
)
from viewer.mapbuilder import map_page

TX = Place("geonames:4717560", "Paris", 33.66, -95.56, Kind.CITY, "US", "United States")
FR = Place("geonames:2988507", "Paris", 48.85, 2.35, Kind.CITY, "FR", "France")
KREMLIN = Place("curated:kremlin", "Kremlin", 55.75, 37.62, Kind.FACILITY, "RU", "Russia")
DALLAS = Place("geonames:4684888", "Dallas", 32.78, -96.81, Kind.CITY, "US", "United States")


def _mention(article: str, start: int, text: str, place: Place, *alts: Place) -> Mention:
    return Mention(article, start, start + len(text), text, place, f"In {text} today.", start - 3, 0.5, alts)


A = GeoparsedArticle(Article("a", "A", "x"), (_mention("a", 3, "Paris", TX, FR), _mention("a", 20, "Kremlin", KREMLIN), _mention("a", 40, "Dallas", DALLAS)))
B = GeoparsedArticle(Article("b", "B", "y"), (_mention("b", 3, "Kremlin", KREMLIN),))
LESSON = Lesson(title="L", articles=(A.article, B.article), entries=(LessonArticle(path="a.txt"), LessonArticle(path="b.txt")))


def test_each_kind_of_correction_and_the_article_scope():
    lesson = with_corrections(LESSON, [
        Correction(name="Kremlin", article="a.txt", not_a_place=True),
        Correction(name="Paris", place_id=FR.id),
        Correction(name="Dallas", lat=33.0, lon=-97.0),
    ])  # fmt: skip
    a, b = apply_lesson([A, B], lesson)
    assert [m.text for m in a.mentions] == ["Paris", "Dallas"]  # Kremlin gone from a only
    assert [m.place.id for m in b.mentions] == [KREMLIN.id]
    assert a.mentions[0].place == FR and a.mentions[0].alternatives[0] == TX and a.mentions[0].confidence == 1.0
    assert (a.mentions[1].place.lat, a.mentions[1].place.lon) == (33.0, -97.0)
    assert apply_lesson([A, B], LESSON) == (A, B)


def test_a_reading_no_mention_offers_comes_from_the_lookup():
    lesson = with_corrections(LESSON, [Correction(name="Dallas", place_id=FR.id)])
    assert apply_lesson([A], lesson)[0].mentions[2].place == DALLAS  # unknown id: unchanged
    (a,) = apply_lesson([A], lesson, lookup={FR.id: FR}.get)
    assert a.mentions[2].place == FR


def test_window_choices_become_lesson_corrections_that_replace_older_ones():
    rules = window_corrections(LESSON, {("a", "Paris")}, to=FR)
    assert rules == (Correction(name="Paris", article="a.txt", place_id=FR.id),)
    lesson = with_corrections(with_corrections(LESSON, rules), window_corrections(LESSON, {("a", "Paris")}, to=None))
    assert lesson.corrections == (Correction(name="Paris", article="a.txt", not_a_place=True),)
    moved = moved_corrections(LESSON, [A, B], KREMLIN.id, lat=55.0, lon=37.0)
    assert {(c.name, c.article, c.lat) for c in moved} == {("Kremlin", "a.txt", 55.0), ("Kremlin", "b.txt", 55.0)}


def test_an_online_reading_is_kept_as_its_point_which_reopens_offline():
    online = Place("geocoder:node/1005", "Paris", 48.856613, 2.352222, Kind.CITY, "FR", "France", source="OpenStreetMap Nominatim")
    rules = window_corrections(LESSON, {("a", "Paris")}, to=online)
    assert rules == (Correction(name="Paris", article="a.txt", lat=48.85661, lon=2.35222),)
    (a,) = apply_lesson([A], with_corrections(LESSON, rules))
    assert (a.mentions[0].place.lat, a.mentions[0].place.lon) == (48.85661, 2.35222)


@pytest.mark.parametrize(("p", "q"), [((43.1, 131.9), (55.75, 37.62)), ((0, 0), (0, 180)), ((-33.9, 151.2), (51.5, -0.12)), ((10, 10), (10, 10))])
def test_great_circle_is_geopys(p, q):
    # geopy's formula on the mean radius 6371.0088 km (geopy's own default here is rounded to 6371.009)
    assert math.isclose(great_circle_km(*p, *q), great_circle(p, q, radius=EARTH_RADIUS_KM).km, rel_tol=1e-12, abs_tol=1e-9)


def test_tour_stops_resolve_places_views_and_extras_and_the_default_tour_is_first_named_order():
    lesson = Lesson(
        title="L", articles=(A.article,), entries=(LessonArticle(path="a.txt"),),
        extra_places=(ExtraPlace("Tsiolkovsky", 51.77, 128.12),),
        tour=(TourStop(place="Dallas", caption="Big D"), TourStop(view=MapView(45, 133, 5), caption="Far East"),
              TourStop(place="Tsiolkovsky"), TourStop(place="Atlantis")),
    )  # fmt: skip
    stops = tour_stops(lesson, [A])
    assert [(s["caption"], s["lat"]) for s in stops] == [("Big D", DALLAS.lat), ("Far East", 45), ("", 51.77)]
    assert stops[0]["excerpt"] == [["In ", False], ["Dallas", True], [" today.", False]] or stops[0]["excerpt"] == [("In ", False), ("Dallas", True), (" today.", False)]
    assert [pair[0] for pair in default_tour([A])] == [TX.id, KREMLIN.id, DALLAS.id]  # first named first



def test_the_default_tour_goes_as_place_ids_and_zooms_and_a_lessons_own_tour_whole():
    default = lesson_payload(None, [A, B])
    assert default["tour"] is None
    assert default["tourPlaces"] == default_tour([A, B]) == [[TX.id, 7], [KREMLIN.id, 7], [DALLAS.id, 7]]
    assert lesson_payload(LESSON, [A, B])["tourPlaces"] == default["tourPlaces"]  # a lesson with no tour of its own
    both = GeoparsedArticle(Article("c", "C", "z"), (_mention("c", 3, "Paris", TX), _mention("c", 30, "Paris", FR)))
    assert lesson_payload(None, [both])["tourPlaces"] == [[TX.id, 7], [FR.id, 7]]  # two places called Paris: two stops
    toured = Lesson(title="L", articles=(A.article,), entries=(LessonArticle(path="a.txt"),), tour=(TourStop(place="Dallas"),))
    own = lesson_payload(toured, [A])
    assert own["tourPlaces"] is None and own["tour"] == tour_stops(toured, [A]) and own["tour"][0]["id"] == DALLAS.id


def test_the_bundle_travels_in_a_standalone_page_and_reads_back(tmp_path):
    (tmp_path / "a.txt").write_text("Paris and Dallas.", encoding="utf-8")
    article = Article("a", "A title", "Paris and Dallas.", source=str(tmp_path / "a.txt"))
    lesson = Lesson(title="Trip", articles=(article,), entries=(LessonArticle(path="a.txt"),),
                    corrections=(Correction(name="Paris", article="a.txt", not_a_place=True),),
                    tour=(TourStop(place="Dallas", caption="Here"),))  # fmt: skip
    bundle = lesson_bundle(lesson)
    assert bundle["files"] == {"a.txt": "Paris and Dallas."} and "title: Trip" in bundle["lesson"]
    page = tmp_path / "tour.html"
    page.write_text(map_page([GeoparsedArticle(article, ())], mode="standalone", lesson=lesson), encoding="utf-8")
    back = embedded_lesson(page)
    assert back is not None
    assert (back.title, back.corrections, back.tour, back.articles[0].text) == (lesson.title, lesson.corrections, lesson.tour, article.text)
    plain = tmp_path / "plain.html"
    plain.write_text(map_page([GeoparsedArticle(article, ())], mode="standalone"), encoding="utf-8")
    assert embedded_lesson(plain) is None
