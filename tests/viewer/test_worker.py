"""viewer.worker: the parse process reads sources, reports the index build, and builds the page last."""

from __future__ import annotations

import pytest

import viewer.worker as worker
from places.indexformat import INDEX_FILE_NAME
from viewer.basemaps import MapOptions


def test_first_run_index_build_is_reported_while_parsing(qtbot, tmp_path, monkeypatch):
    """With no index yet, the parse process builds one and says so, line by line, to the job."""
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(tmp_path / "cache"))
    worker.stop_spare_child()  # a spare started earlier would know the old cache dir
    article = tmp_path / "note.txt"
    article.write_text("Ships left Odesa for Istanbul.\n", encoding="utf-8")
    job = worker.ParseJob([article])
    statuses: list[str] = []
    job.statusChanged.connect(statuses.append)
    with qtbot.waitSignal(job.succeeded, timeout=180_000) as done:
        job.start()
    result = done.args[0]
    assert [m.text for m in result.docs[0].mentions] == ["Odesa", "Istanbul"]
    assert result.page and result.options == MapOptions()
    assert statuses[0].startswith("Building the place index") and statuses[-1] == "Place index ready (100%)", statuses
    assert (tmp_path / "cache" / INDEX_FILE_NAME).is_file()
    job.wait(5000)
    worker.stop_spare_child()  # the next spare must not keep this test's cache dir


LESSON = """title: Black Sea lesson
articles:
  - path: ports.txt
    title: Ports of the Black Sea
    published: 2024-05-01
"""


@pytest.mark.parametrize("in_process", [False, True], ids=["child", "thread"])
def test_a_lesson_keeps_its_titles_and_dates(qtbot, tmp_path, in_process):
    (tmp_path / "ports.txt").write_text("Notes\n\nShips left Odesa for Istanbul.\n", encoding="utf-8")
    (tmp_path / "lesson.yaml").write_text(LESSON, encoding="utf-8")
    parse = None
    if in_process:
        from places.geoparse import shared_geoparser

        parse = shared_geoparser().parse
    job = worker.ParseJob([tmp_path / "lesson.yaml"], parse=parse)
    with qtbot.waitSignal(job.succeeded, timeout=120_000) as done:
        job.start()
    job.wait(5000)
    (doc,) = done.args[0].docs
    assert doc.article.title == "Ports of the Black Sea" and doc.article.published == "2024-05-01"
    assert "Ports of the Black Sea" in done.args[0].page


def test_the_page_is_built_with_the_options_current_when_parsing_ends(qtbot, tmp_path):
    article = tmp_path / "note.txt"
    article.write_text("Ships left Odesa for Istanbul.\n", encoding="utf-8")
    job = worker.ParseJob([article], options=MapOptions())
    job.set_options(MapOptions(basemap="http://127.0.0.1:9/{z}/{x}/{y}.png", connections=True))
    with qtbot.waitSignal(job.succeeded, timeout=120_000) as done:
        job.start()
    job.wait(5000)
    result = done.args[0]
    assert result.options.connections and "127.0.0.1:9" in result.page and '"connections":[{' in result.page


def test_relative_paths_are_taken_from_the_current_folder(qtbot, tmp_path, monkeypatch):
    (tmp_path / "article.txt").write_text("Ships left Odesa for Istanbul.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    job = worker.ParseJob(["article.txt"])  # the child process runs in the repo folder
    assert job.paths == (tmp_path / "article.txt",)
    with qtbot.waitSignal(job.succeeded, timeout=120_000) as done:
        job.start()
    job.wait(5000)
    assert [m.text for m in done.args[0].docs[0].mentions] == ["Odesa", "Istanbul"]


def test_a_folder_streams_partial_results_in_input_order(qtbot, tmp_path):
    folder = tmp_path / "week"
    folder.mkdir()
    for i, text in enumerate(["Ships left Odesa for Istanbul.", "Talks in Moscow went on.", "Officials met in Seoul."]):
        (folder / f"{i}.txt").write_text(text + "\n", encoding="utf-8")
    job = worker.ParseJob([folder])  # the app's way: a child process
    partials = []
    job.partial.connect(partials.append)
    with qtbot.waitSignal(job.succeeded, timeout=120_000) as done:
        job.start()
    job.wait(5000)
    result = done.args[0]
    assert partials, "no partial result before the end"
    assert partials[0].page and partials[0].total == 3  # the first: a whole page to show
    for partial in partials:  # each: the first articles of the final result, in input order
        assert 1 <= len(partial.docs) < 3 and result.docs[: len(partial.docs)] == partial.docs


@pytest.mark.parametrize("same", [True, False], ids=["its-request", "another-open"])
def test_the_first_job_adopts_the_early_parse_process_and_its_request(qtbot, tmp_path, same):
    """main.py sends the first open's request before Qt starts; a job for other files is not misled by it."""
    from viewer.parseprocess import start_early

    first, other = tmp_path / "first.txt", tmp_path / "other.txt"
    first.write_text("Ships left Odesa for Istanbul.\n", encoding="utf-8")
    other.write_text("Trains left Lviv for Warsaw.\n", encoding="utf-8")
    worker.stop_spare_child()  # the job takes the early process, not a spare
    start_early([first], online=False)
    job = worker.ParseJob([first if same else other])
    with qtbot.waitSignal(job.succeeded, timeout=120_000) as done:
        job.start()
    job.wait(5000)
    names = [m.text for m in done.args[0].docs[0].mentions]
    assert names == (["Odesa", "Istanbul"] if same else ["Lviv", "Warsaw"])
    assert ("Istanbul" if same else "Warsaw") in done.args[0].page
    worker.stop_spare_child()
