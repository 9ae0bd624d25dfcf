"""viewer.session without Qt or a window: what is shown, the one undo stack, corrections."""

from __future__ import annotations

from pathlib import Path

from places.model import Article, GeoparsedArticle, Kind, Mention, Place
from viewer.corrections import corrections_for
from viewer.session import Session

TX = Place("geonames:4717560", "Paris", 33.66, -95.56, Kind.CITY, "US", "United States")
FR = Place("geonames:2988507", "Paris", 48.85, 2.35, Kind.CITY, "FR", "France")
DALLAS = Place("geonames:4684888", "Dallas", 32.78, -96.81, Kind.CITY, "US", "United States")


def _doc(article_id: str, title: str, *mentions: Mention) -> GeoparsedArticle:
    return GeoparsedArticle(Article(article_id, title, ""), mentions)


def _mention(article: str, start: int, text: str, place: Place, *alts: Place) -> Mention:
    return Mention(article, start, start + len(text), text, place, f"{text}.", start, 0.5, alts)


FAIR = _doc("fair", "Fair week", _mention("fair", 0, "Paris", TX, FR), _mention("fair", 10, "Dallas", DALLAS))
OTHER = _doc("other", "Other", _mention("other", 0, "Dallas", DALLAS))


def _open(session: Session, path: str, *docs: GeoparsedArticle) -> None:
    session.commit(session.opened([Path(path)], docs))


def test_an_empty_session():
    session = Session()
    assert session.summary() == "No article open" and session.window_title() == "Gazette"
    assert session.undo_label is None and session.undone() is None


def test_open_shows_groups_summary_and_title():
    session = Session()
    _open(session, "/a/fair.txt", FAIR)
    assert session.paths == (Path("/a/fair.txt"),) and session.docs == (FAIR,)
    assert set(session.groups) == {TX.id, DALLAS.id}
    assert session.summary() == "2 places found in 2 mentions"
    assert session.window_title() == "Fair week — Gazette"
    assert session.undo_label is None  # nothing was shown before: nothing to go back to


def test_titles_of_many_articles():
    session = Session()
    _open(session, "/a/x", FAIR, OTHER, _doc("third", "Third"))
    assert session.window_title() == "Fair week and 2 more — Gazette"
    assert session.titles() == {"fair": "Fair week", "other": "Other", "third": "Third"}


def test_one_stack_for_open_and_corrections():
    session = Session()
    _open(session, "/a/fair.txt", FAIR)
    to_france = corrections_for(session.groups[TX.id])[0]
    change = session.corrected(to_france)
    assert change is not None and change.select == FR.id and "now read as" in change.notice
    assert session.docs == (FAIR,)  # nothing changes before the commit (the page may fail to build)
    session.commit(change)
    assert FR.id in session.groups and TX.id not in session.groups
    assert session.undo_label == "Correction" and "now read as" in session.notice
    _open(session, "/a/other.txt", OTHER)
    assert session.undo_label == "Open"
    session.commit(session.undone())
    assert session.paths == (Path("/a/fair.txt"),) and FR.id in session.groups
    undo = session.undone()
    assert undo is not None and undo.select == TX.id
    session.commit(undo)
    assert session.docs == (FAIR,) and session.undo_label is None and session.notice == ""


def test_a_correction_that_touches_nothing_is_no_change():
    session = Session()
    _open(session, "/a/fair.txt", FAIR)
    stale = corrections_for(session.groups[TX.id])[0]
    session.commit(session.corrected(stale))
    assert session.corrected(stale) is None  # Paris is read as France already


def test_a_redraw_keeps_state_notice_and_history():
    session = Session()
    _open(session, "/a/fair.txt", FAIR)
    session.commit(session.corrected(corrections_for(session.groups[TX.id])[-1]))  # "Not a place"
    notice, history = session.notice, list(session.history)
    session.commit(session.redrawn())
    assert session.notice == notice and session.history == history and TX.id not in session.groups


def test_redo_brings_back_what_undo_took_and_a_new_change_clears_it():
    session = Session()
    _open(session, "/a/fair.txt", FAIR)
    assert not session.modified and session.redo_label is None
    session.commit(session.corrected(corrections_for(session.groups[TX.id])[0]))
    assert session.modified and len(session.lesson.corrections) == 1
    session.commit(session.undone())
    assert not session.modified and session.redo_label == "Correction" and TX.id in session.groups
    session.commit(session.redone())
    assert FR.id in session.groups and session.undo_label == "Correction" and session.redo_label is None
    session.commit(session.undone())
    session.commit(session.moved(DALLAS.id, lat=33.0, lon=-97.0))
    assert session.redo_label is None and session.groups[DALLAS.id].place.lat == 33.0
    assert session.lesson.corrections[-1].lat == 33.0
