"""places.sources: paths (articles and lessons) -> Articles, resolved the same way everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from places.errors import ArticleError, LessonError
from places.sources import ARTICLE_SUFFIXES, LESSON_SUFFIXES, is_lesson, load_sources, resolve_path


@pytest.fixture
def lesson_folder(tmp_path: Path) -> Path:
    (tmp_path / "class" / "articles").mkdir(parents=True)
    (tmp_path / "class" / "articles" / "odesa.md").write_text("# Ships leave Odesa\n\nBulk carriers left Odesa.", encoding="utf-8")
    (tmp_path / "class" / "articles" / "varna.txt").write_text("Varna port\n\nPatrols near Varna.", encoding="utf-8")
    (tmp_path / "class" / "lesson.yaml").write_text(
        "title: The grain corridor\narticles:\n"
        "  - path: articles/odesa.md\n    published: 2023-08-16\n"
        "  - path: articles/varna.txt\n    title: Patrols off Bulgaria\n    published: 2023-09-01\n",
        encoding="utf-8",
    )
    return tmp_path / "class"


def test_a_lesson_keeps_its_titles_and_dates(lesson_folder: Path):
    articles = load_sources([lesson_folder / "lesson.yaml"])
    assert [a.title for a in articles] == ["Ships leave Odesa", "Patrols off Bulgaria"]
    assert [a.published for a in articles] == ["2023-08-16", "2023-09-01"]
    assert [Path(a.source) for a in articles] == [
        lesson_folder / "articles" / "odesa.md",
        lesson_folder / "articles" / "varna.txt",
    ]


def test_articles_and_lessons_mix_in_order(lesson_folder: Path):
    articles = load_sources([lesson_folder / "articles" / "varna.txt", str(lesson_folder / "lesson.yaml")])
    assert [a.title for a in articles] == ["Varna port", "Ships leave Odesa", "Patrols off Bulgaria"]


def test_relative_paths_are_taken_from_the_current_folder(lesson_folder: Path, monkeypatch):
    monkeypatch.chdir(lesson_folder)
    articles = load_sources(["articles/odesa.md", "lesson.yaml"])
    assert all(Path(a.source).is_absolute() for a in articles)
    assert Path(articles[0].source) == lesson_folder / "articles" / "odesa.md"
    assert len(articles) == 3


def test_a_relative_path_from_another_cwd(lesson_folder: Path, tmp_path: Path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "odesa.md").write_text("# Not this one\n\nKyiv.", encoding="utf-8")
    monkeypatch.chdir(elsewhere)  # a file of the same name here must not be read
    articles = load_sources(["articles/odesa.md", "lesson.yaml"], cwd=lesson_folder)
    assert articles[0].title == "Ships leave Odesa"
    assert Path(articles[0].source) == lesson_folder / "articles" / "odesa.md"
    assert [a.title for a in articles[1:]] == ["Ships leave Odesa", "Patrols off Bulgaria"]


def test_resolve_path(tmp_path: Path):
    assert resolve_path("a/../b.txt", cwd=tmp_path) == tmp_path / "b.txt"
    assert resolve_path(tmp_path / "c.md", cwd=Path("/nowhere")) == tmp_path / "c.md"
    assert resolve_path("~/x.txt") == Path.home() / "x.txt"


def test_suffixes_have_one_home():
    assert is_lesson("Class.YAML") and is_lesson(Path("a/b.yml"))
    assert not is_lesson("article.md") and not is_lesson("yaml.txt")
    assert {".txt", ".md", ".html"} <= set(ARTICLE_SUFFIXES)
    assert not set(ARTICLE_SUFFIXES) & set(LESSON_SUFFIXES)


def test_errors_stay_gazette_errors(tmp_path: Path):
    with pytest.raises(ArticleError, match="there is no such file"):
        load_sources(["missing.txt"], cwd=tmp_path)
    with pytest.raises(LessonError, match="there is no such file"):
        load_sources(["missing.yaml"], cwd=tmp_path)


def test_a_deleted_current_folder_is_one_message(tmp_path: Path, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(ArticleError, match="the current folder no longer exists"):
        load_sources(["a.txt"])


def test_no_paths_no_articles():
    assert load_sources([]) == ()
