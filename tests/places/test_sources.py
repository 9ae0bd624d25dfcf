"""places.sources: paths (articles and lessons) -> Articles, resolved the same way everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from places.errors import ArticleError, LessonError
from places.sources import (
    ARTICLE_SUFFIXES, LESSON_SUFFIXES, folder_files, is_lesson, load_sources, open_sources, resolve_path,
    stream_sources,
)


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


# --- folders, many files, feeds ------------------------------------------------------------

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Port News</title>
<item><title>Ships leave Odesa</title><link>https://example.org/a</link><pubDate>Mon, 04 Mar 2024 10:12:00 +0200</pubDate>
<description>&lt;p&gt;Ships left &lt;b&gt;Odesa&lt;/b&gt; for Istanbul.&lt;/p&gt;</description></item>
</channel></rss>"""


@pytest.fixture
def week(tmp_path: Path) -> Path:
    folder = tmp_path / "week"
    (folder / "monday").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "b.txt").write_text("Varna\n\nPatrols near Varna.", encoding="utf-8")
    (folder / "a.md").write_text("# Kyiv\n\nTrains reached Kyiv.", encoding="utf-8")
    (folder / "monday" / "c.html").write_text("<html><body><p>Talks in Geneva.</p></body></html>", encoding="utf-8")
    (folder / "monday" / "port.rss").write_text(RSS, encoding="utf-8")
    (folder / ".hidden.txt").write_text("Paris", encoding="utf-8")
    (folder / ".git" / "notes.txt").write_text("Berlin", encoding="utf-8")
    (folder / "lesson.yaml").write_text("title: x\narticles: [a.md]\n", encoding="utf-8")  # lessons are opened by name
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    return folder


def test_a_folder_is_read_recursively_in_sorted_order(week: Path):
    assert [p.relative_to(week).as_posix() for p in folder_files(week)] == ["a.md", "b.txt", "monday/c.html", "monday/port.rss"]
    sources = open_sources([week])
    assert [a.title for a in sources.articles] == ["Kyiv", "Varna", "Talks in Geneva.", "Ships leave Odesa"]
    assert sources.failures == () and sources.summary is None and sources.files == 4
    assert load_sources([week]) == sources.articles


def test_unreadable_files_are_one_summary_and_the_rest_open(week: Path):
    (week / "empty.txt").write_bytes(b"")
    (week / "monday" / "scan.html").write_bytes(b"%PDF-1.7\n")
    sources = open_sources([week])
    assert len(sources.articles) == 4
    assert [(f.path, f.reason) for f in sources.failures] == [
        (str(week / "empty.txt"), "empty"), (str(week / "monday" / "scan.html"), "a PDF document")]
    assert sources.summary == (f"2 of 6 files could not be read: {week / 'empty.txt'} (empty), "
                               f"{week / 'monday' / 'scan.html'} (a PDF document).")  # fmt: skip
    assert sources.failures[0].message == f"Cannot open {week / 'empty.txt'}: the file is empty."


def test_many_files_open_despite_a_missing_one(week: Path):
    sources = open_sources(["a.md", "missing.txt", "b.txt"], cwd=week)
    assert [a.title for a in sources.articles] == ["Kyiv", "Varna"]
    assert sources.summary == "1 of 3 files could not be read: missing.txt (there is no such file)."


def test_one_named_file_still_raises(week: Path):
    (week / "empty.txt").write_bytes(b"")
    with pytest.raises(ArticleError, match=r"empty\.txt: the file is empty\.$"):
        open_sources([week / "empty.txt"])
    with pytest.raises(ArticleError, match="could be read"):
        open_sources([week / "empty.txt", week / "missing.txt"])


def test_a_folder_without_articles_is_one_error(tmp_path: Path):
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "a.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(ArticleError, match=r"pics: it is a folder with no articles or feeds in it"):
        open_sources([tmp_path / "pics"])



def test_a_stream_lists_now_and_reads_each_file_when_iteration_reaches_it(week: Path):
    stream = stream_sources([week])
    assert stream.files == 4  # listed at once
    (week / "b.txt").unlink()  # gone before it is read: a failure, as if it never could be read
    (week / "monday" / "c.html").write_text("<html><body><p>Talks in Vienna.</p></body></html>", encoding="utf-8")
    it = iter(stream)
    assert next(it).title == "Kyiv"
    assert stream.failures == ()
    assert [a.title for a in it] == ["Talks in Vienna.", "Ships leave Odesa"]
    assert [f.path for f in stream.failures] == [str(week / "b.txt")]
    assert stream.read() == stream.sources()
    assert stream.sources().articles == open_sources([week]).articles
    assert stream.sources().files == 4 and stream.sources().summary.startswith("1 of 4 files could not be read")


def test_a_stream_raises_as_open_sources_does(week: Path):
    (week / "empty.txt").write_bytes(b"")
    with pytest.raises(ArticleError, match=r"empty\.txt: the file is empty\.$"):
        stream_sources([week / "empty.txt"])  # a lone file: at once
    stream = stream_sources([week / "empty.txt", week / "missing.txt"])  # several: once all were tried
    with pytest.raises(ArticleError, match="None of the 2 files could be read"):
        list(stream)


# --- pasted text and clips ------------------------------------------------------------------------


def test_pasted_text_is_an_article_titled_by_its_first_line_with_an_id_from_its_content():
    from places.sources import PASTED_SOURCE, pasted_article

    text = "\n\n  Ships leave Odesa  \r\nBulk carriers left Odesa for Varna.\r\n"
    article = pasted_article(text)
    assert article.title == "Ships leave Odesa"
    assert article.text == "Ships leave Odesa  \nBulk carriers left Odesa for Varna."
    assert article.source == PASTED_SOURCE
    assert article.id == pasted_article(text).id and article.id.startswith("pasted-")
    assert pasted_article(text + "More.").id != article.id


@pytest.mark.parametrize("text", ["", "   \n\t", "\x00\x01 -- !!"])
def test_pasted_text_without_words_is_refused(text):
    from places.sources import pasted_article

    with pytest.raises(ArticleError, match="no words"):
        pasted_article(text)


def test_a_clip_opens_like_a_file_and_among_others(tmp_path: Path):
    from places.sources import is_clip, pasted_article, save_clip

    article = pasted_article("Patrols near Varna\n\nBoats left Varna.")
    clip = save_clip(article, tmp_path / "clips")
    assert is_clip(clip) and clip.parent == tmp_path / "clips"
    assert load_sources([clip]) == (article,)
    other = tmp_path / "odesa.txt"
    other.write_text("Odesa\n\nShips left Odesa.", encoding="utf-8")
    opened = open_sources([other, clip])
    assert [a.title for a in opened.articles] == ["Odesa", "Patrols near Varna"] and not opened.failures


@pytest.mark.parametrize(
    "body", ['{"id": "x"}', "[1, 2]", "not json", '{"id": 1, "title": "", "text": "", "source": "", "published": null,'
                                                 ' "url": null, "site_name": null, "author": null}'],
)
def test_a_damaged_clip_is_one_sentence(tmp_path: Path, body):
    bad = tmp_path / "bad.gazette-clip.json"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(ArticleError, match="not a clip saved by Gazette"):
        load_sources([bad])
