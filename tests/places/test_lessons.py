"""Lesson files: YAML read with safe_load only, validated, saved atomically."""

from __future__ import annotations

import dataclasses
import os
import shutil

import pytest

from places.errors import LessonError
from places.lessons import Correction, ExtraPlace, Lesson, LessonArticle, MapView, TourStop, load_lesson, save_lesson
from tests.conftest import REPO_ROOT


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "odesa.md").write_text("# Ships leave Odesa\n\nBulk carriers left Odesa.", encoding="utf-8")
    (tmp_path / "articles" / "varna.txt").write_text("Varna port\n\nPatrols near Varna.", encoding="utf-8")
    return tmp_path


def _lesson(folder, text):
    path = folder / "lesson.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_articles_relative_to_the_lesson(folder, monkeypatch):
    path = _lesson(folder, """title: The grain corridor
description: Two ports on the route.
articles:
  - path: articles/odesa.md
    published: 2023-08-16
  - path: articles/varna.txt
    title: Patrols off Bulgaria
""")
    monkeypatch.chdir("/")  # relative to the lesson file, not the working directory
    lesson = load_lesson(path)
    assert lesson.title == "The grain corridor"
    assert lesson.description == "Two ports on the route."
    assert [a.title for a in lesson.articles] == ["Ships leave Odesa", "Patrols off Bulgaria"]
    assert [a.published for a in lesson.articles] == ["2023-08-16", None]
    assert lesson.articles[1].text == "Varna port\n\nPatrols near Varna."


def test_plain_path_entries_are_allowed(folder):
    lesson = load_lesson(_lesson(folder, "title: T\narticles: [articles/odesa.md]\n"))
    assert lesson.articles[0].title == "Ships leave Odesa"
    assert lesson.description == ""


def test_bad_yaml_names_file_and_line(folder):
    path = _lesson(folder, "title: T\narticles:\n  - path: [unclosed\n  - x: y\n")
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    message = str(info.value)
    assert message.startswith(f"Lesson {path} is not valid YAML at line ")
    assert "line 4" in message or "line 5" in message


def test_python_tags_are_refused_and_never_run(folder, tmp_path):
    sentinel = tmp_path / "pwned"
    path = _lesson(
        folder,
        f"title: !!python/object/apply:os.system ['touch {sentinel}']\n"
        "articles: [articles/odesa.md]\n",
    )
    with pytest.raises(LessonError) as info:
        load_lesson(path)
    assert not sentinel.exists()
    assert "line 1" in str(info.value)
    assert "!!python/object/apply:os.system is not allowed" in str(info.value)


def test_python_object_tag_constructs_nothing(folder):
    constructed = []

    class Trap:
        def __setstate__(self, state):  # pragma: no cover - must never run
            constructed.append(state)

    import sys

    sys.modules[__name__].Trap = Trap
    path = _lesson(folder, f"title: T\narticles: [articles/odesa.md]\nextra: !!python/object:{__name__}.Trap {{a: 1}}\n")
    with pytest.raises(LessonError, match="is not allowed in a lesson"):
        load_lesson(path)
    assert constructed == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just\n- a list\n", r"line 1, the lesson: expected a mapping"),
        ("articles: [articles/odesa.md]\n", r"line 1, the lesson: 'title' is missing"),
        ("title: 42\narticles: [articles/odesa.md]\n", r"line 1, title: expected text"),
        ("title: T\ndescription: [a]\narticles: [articles/odesa.md]\n", r"line 2, description: expected text"),
        ("title: T\n", r"the lesson: 'articles' is missing"),
        ("title: T\narticles: articles/odesa.md\n", r"line 2, articles: expected a list of at least one entry"),
        ("title: T\narticles: []\n", r"line 2, articles: expected a list of at least one entry"),
        ("title: T\narticles: [42]\n", r"articles\[1\]: expected text"),
        ("title: T\narticles: [{title: x}]\n", r"articles\[1\]: expected either 'path'"),
        ("title: T\narticles: [{path: articles/odesa.md, title: [x]}]\n", r"articles\[1\]\.title: expected text"),
        ("title: T\narticles: [{path: articles/odesa.md, published: last week}]\n", r"articles\[1\]\.published: expected a date"),
        ("", r"the lesson: expected a mapping"),
        ("title: T\ncolour: red\narticles: [articles/odesa.md]\n", r"line 2, the lesson: unknown key 'colour'"),
        ("title: T\ntitle: U\narticles: [articles/odesa.md]\n", r"line 2, the lesson: the key 'title' is given twice"),
        ("title: T\narticles:\n  - path: articles/odesa.md\n    published: 2023-02-30\n", r"line 4, articles\[1\]\.published: '2023-02-30' is an impossible date"),
        ("title: T\narticles: [articles/odesa.md]\nextra_places:\n  - {name: X, lat: " + "9" * 5000 + ", lon: 1}\n", r"line 4, extra_places\[1\]\.lat: '9{10,}.*' is not a usable int"),
        ("title: T\narticles: [articles/odesa.md]\nextra_places:\n  - {name: X, lat: !!int \"abc\", lon: 1}\n", r"line 4, extra_places\[1\]\.lat: 'abc' is not a usable int"),
        ("title: T\narticles: [articles/odesa.md]\nextra_places:\n  - {name: X, lat: 95, lon: 1}\n", r"extra_places\[1\]\.lat: expected a number from -90 to 90"),
        ("title: T\narticles: [articles/odesa.md]\nextra_places:\n  - {name: X, lat: .nan, lon: 1}\n", r"extra_places\[1\]\.lat: expected a number"),
        ("title: T\narticles: [articles/odesa.md]\nextra_places:\n  - {name: X, lat: true, lon: 1}\n", r"extra_places\[1\]\.lat: expected a number"),
        ("title: T\narticles: [articles/odesa.md]\ntour: [" + "[" * 3000 + "]" * 3000 + "]\n", r"nested too deeply"),
        ("title: T\narticles: [articles/odesa.md]\ntour:\n  - {caption: nowhere}\n", r"line 4, tour\[1\]: expected either 'place'"),
        ("title: T\narticles: [articles/odesa.md]\ntour:\n  - {view: {lat: 1, lon: 2}}\n", r"tour\[1\]\.view: 'zoom' is missing"),
        ("title: T\narticles: [articles/odesa.md]\ncorrections:\n  - {name: Odesa}\n", r"corrections\[1\]: expected exactly one of"),
        ("title: T\narticles: [articles/odesa.md]\ncorrections:\n  - {name: Odesa, lat: 1}\n", r"corrections\[1\]: a point needs both"),
        ("title: T\narticles: [articles/odesa.md]\ncorrections:\n  - {name: Odesa, place_id: somewhere}\n", r"corrections\[1\]\.place_id: 'somewhere' is not a Gazette place id"),
        ("title: T\narticles: [articles/odesa.md]\ncorrections:\n  - {name: Odesa, not_a_place: yes please}\n", r"corrections\[1\]\.not_a_place: expected true or false"),
        ("title: T\narticles: [articles/odesa.md]\ncorrections:\n  - {name: Odesa, not_a_place: true, article: other.md}\n", r"corrections\[1\]\.article: names no article of this lesson"),
    ],
)
def test_wrong_values_name_file_line_and_field(folder, text, message):
    path = _lesson(folder, text)
    with pytest.raises(LessonError, match=message) as info:
        load_lesson(path)
    assert str(info.value).startswith(f"Lesson {path}")
    assert "\n" not in str(info.value) and len(str(info.value)) < 400


def test_basemap_is_checked_against_the_callers_names(folder):
    path = _lesson(folder, "title: T\nbasemap: google\narticles: [articles/odesa.md]\n")
    assert load_lesson(path).basemap == "google"
    with pytest.raises(LessonError, match=r"line 2, basemap: expected one of offline, osm, not 'google'"):
        load_lesson(path, basemaps=("offline", "osm"))


@pytest.mark.parametrize("entry", ["/etc/hostname", "../outside.txt", "articles/../../outside.txt", "~/notes.txt", "linked.txt"])
def test_articles_outside_the_lessons_folder_are_refused(tmp_path, entry):
    (tmp_path / "outside.txt").write_text("Secret notes about Paris.", encoding="utf-8")
    folder = tmp_path / "lesson"
    (folder / "articles").mkdir(parents=True)
    (folder / "linked.txt").symlink_to(tmp_path / "outside.txt")
    path = _lesson(folder, f"title: T\narticles:\n  - path: {entry}\n")
    with pytest.raises(LessonError, match=r"line 3, articles\[1\]\.path: .*(not a path relative to|leads out of) the lesson's folder"):
        load_lesson(path)


def test_a_link_inside_the_folder_is_followed(folder):
    (folder / "alias.md").symlink_to(folder / "articles" / "odesa.md")
    assert load_lesson(_lesson(folder, "title: T\narticles: [alias.md]\n")).articles[0].title == "Ships leave Odesa"


def test_a_fifo_named_as_a_lesson_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "lesson.yaml"
    os.mkfifo(fifo)
    with pytest.raises(LessonError, match="not a regular file"):
        load_lesson(fifo)


def test_lone_surrogates_are_replaced(folder):
    lesson = load_lesson(_lesson(folder, 'title: "Odesa \\ud800 port"\narticles: [articles/odesa.md]\n'))
    assert lesson.title == "Odesa \ufffd port"


def test_inline_articles_and_the_whole_shape(folder):
    lesson = load_lesson(_lesson(folder, FULL_LESSON))
    assert lesson.notes == "For the teacher."
    assert lesson.basemap == "positron"
    assert [a.title for a in lesson.articles] == ["Ships leave Odesa", "A pasted note"]
    assert lesson.articles[1].text == "Patrols watch the coast near Varna."
    assert lesson.entries[0] == LessonArticle(path="articles/odesa.md", published="2023-08-16")
    assert lesson.corrections == (
        Correction(name="Odesa", not_a_place=True, article="articles/odesa.md"),
        Correction(name="Varna", place_id="geonames:726050"),
        Correction(name="Bulk", lat=46.5, lon=30.7),
    )
    assert lesson.extra_places == (ExtraPlace(name="Reni", lat=45.45, lon=28.28),)
    assert lesson.tour == (TourStop(place="Odesa", caption="Where the ships load"),
                           TourStop(view=MapView(lat=43.2, lon=28.0, zoom=6.0), caption="The Bulgarian coast"))  # fmt: skip


def test_article_ids_are_stable_when_the_lesson_moves(folder, tmp_path):
    first = load_lesson(_lesson(folder, FULL_LESSON))
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.copytree(folder, moved)
    try:
        again = load_lesson(moved / "lesson.yaml")
    finally:
        shutil.rmtree(moved)
    assert [a.id for a in again.articles] == [a.id for a in first.articles]
    assert len({a.id for a in first.articles}) == 2


def test_the_full_shape_round_trips(folder):
    lesson = load_lesson(_lesson(folder, FULL_LESSON))
    target = folder / "saved.gazette.yaml"
    save_lesson(target, lesson)
    again = load_lesson(target)
    assert dataclasses.replace(again, entries=()) == dataclasses.replace(lesson, entries=())
    assert "path: articles/odesa.md" in target.read_text(encoding="utf-8")


def test_the_example_lesson_opens(tmp_path):
    lesson = load_lesson(REPO_ROOT / "assets" / "sample" / "black-sea.gazette.yaml")
    assert lesson.articles and lesson.tour and lesson.corrections and lesson.extra_places


FULL_LESSON = """title: The grain corridor
notes: For the teacher.
basemap: positron
articles:
  - path: articles/odesa.md
    published: 2023-08-16
  - text: Patrols watch the coast near Varna.
    title: A pasted note
corrections:
  - {name: Odesa, not_a_place: true, article: articles/odesa.md}
  - {name: Varna, place_id: "geonames:726050"}
  - {name: Bulk, lat: 46.5, lon: 30.7}
extra_places:
  - {name: Reni, lat: 45.45, lon: 28.28}
tour:
  - place: Odesa
    caption: Where the ships load
  - view: {lat: 43.2, lon: 28.0, zoom: 6}
    caption: The Bulgarian coast
"""


def test_missing_articles_are_all_named(folder):
    path = _lesson(folder, "title: T\narticles: [articles/odesa.md, gone/a.txt, gone/b.md]\n")
    with pytest.raises(LessonError, match=r"lists articles that cannot be found: gone/a\.txt, gone/b\.md\.$"):
        load_lesson(path)


def test_unreadable_article_is_a_lesson_error(folder):
    (folder / "articles" / "empty.txt").write_bytes(b"")
    path = _lesson(folder, "title: T\narticles: [articles/empty.txt]\n")
    with pytest.raises(LessonError, match=r"Lesson .*: Cannot open .*empty\.txt: the file is empty\."):
        load_lesson(path)


def test_missing_and_non_utf8_lesson_files(folder):
    with pytest.raises(LessonError, match="there is no such file"):
        load_lesson(folder / "nope.yaml")
    (folder / "latin.yaml").write_bytes(b"title: Constan\xe7a\n")
    with pytest.raises(LessonError, match="not UTF-8"):
        load_lesson(folder / "latin.yaml")


def test_save_as_into_another_folder_copies_the_articles(folder):
    source = load_lesson(_lesson(folder, "title: T\narticles: [articles/odesa.md, articles/varna.txt]\n"))
    changed = dataclasses.replace(
        source, title="Ports of the Black Sea: Odesa & Varna", notes="For class 9B — ‘quoted’ words.",
        articles=(dataclasses.replace(source.articles[0], published="2023-08-16"), source.articles[1]),
    )  # fmt: skip
    (folder / "out").mkdir()
    (folder / "out" / "articles").mkdir()
    (folder / "out" / "articles" / "varna.txt").write_text("Someone else's file.", encoding="utf-8")
    target = folder / "out" / "saved.yaml"
    save_lesson(target, changed)
    text = target.read_text(encoding="utf-8")
    assert "path: articles/odesa.md" in text and "path: articles/varna-2.txt" in text
    assert ".." not in text and "!!" not in text
    assert (folder / "out" / "articles" / "varna.txt").read_text(encoding="utf-8") == "Someone else's file."
    shutil.rmtree(folder / "articles")  # the saved lesson no longer needs the old folder
    again = load_lesson(target)
    assert again.title == changed.title and again.notes == changed.notes
    assert [(a.title, a.published, a.text) for a in again.articles] == [
        (a.title, a.published, a.text) for a in changed.articles
    ]


def test_plain_articles_without_a_file_are_saved_inline(folder):
    from places.articles import article_from_text

    pasted = article_from_text("Ships left Odesa at dawn.", id="pasted-1", title="Pasted")
    target = folder / "new.gazette.yaml"
    save_lesson(target, Lesson(title="New", articles=(pasted,)))
    again = load_lesson(target)
    assert [(a.title, a.text) for a in again.articles] == [("Pasted", "Ships left Odesa at dawn.")]
