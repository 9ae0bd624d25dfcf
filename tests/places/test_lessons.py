"""Lesson files: YAML read with safe_load only, validated, saved atomically."""

from __future__ import annotations

import dataclasses

import pytest

from places.errors import LessonError
from places.lessons import Lesson, load_lesson, save_lesson


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
        ("- just\n- a list\n", "must be a mapping"),
        ("articles: [articles/odesa.md]\n", "must have a 'title' that is text"),
        ("title: 42\narticles: [articles/odesa.md]\n", "needs a 'title' that is text"),
        ("title: T\ndescription: [a]\narticles: [articles/odesa.md]\n", "needs a 'description' that is text"),
        ("title: T\n", "must have 'articles:', a list of at least one article"),
        ("title: T\narticles: articles/odesa.md\n", "must have 'articles:', a list"),
        ("title: T\narticles: [42]\n", "article 1 must be a path or a mapping"),
        ("title: T\narticles: [{title: x}]\n", "article 1 needs a 'path' that is text"),
        ("title: T\narticles: [{path: articles/odesa.md, title: [x]}]\n", "title of article 1 must be text"),
        ("title: T\narticles: [{path: articles/odesa.md, published: last week}]\n", "published date of article 1"),
        ("", "must be a mapping"),
    ],
)
def test_wrong_types_are_named(folder, text, message):
    with pytest.raises(LessonError, match=message):
        load_lesson(_lesson(folder, text))


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


def test_save_then_load_round_trips(folder):
    source = load_lesson(_lesson(folder, "title: T\narticles: [articles/odesa.md, articles/varna.txt]\n"))
    changed = Lesson(
        "Ports of the Black Sea: Odesa & Varna",
        "For class 9B — ‘quoted’ words.",
        (dataclasses.replace(source.articles[0], published="2023-08-16"), source.articles[1]),
    )
    (folder / "out").mkdir()
    target = folder / "out" / "saved.yaml"
    save_lesson(target, changed)
    text = target.read_text(encoding="utf-8")
    assert "path: ../articles/odesa.md" in text
    assert "!!" not in text
    again = load_lesson(target)
    assert again.title == changed.title and again.description == changed.description
    assert [(a.title, a.published, a.text) for a in again.articles] == [
        (a.title, a.published, a.text) for a in changed.articles
    ]
