"""viewer.firstrun: the sample's committed geoparse is current, and a first run shows its map while the index builds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from places.articles import load_article
from places.geoparse import shared_geoparser
from places.indexformat import INDEX_FILE_NAME
from tests.support.window import page_value
from viewer.firstrun import SAMPLE_ARTICLE, SAMPLE_GEOPARSE, SAMPLE_TITLE, dump_geoparse, load_geoparse, sample_doc

REPO = Path(__file__).resolve().parents[2]
TITLE_BOX = "(document.querySelector('.gz-info .gz-title') || {}).textContent || ''"


def test_the_committed_sample_geoparse_is_what_the_geoparser_gives_now():
    # If this fails, run: .venv/bin/python scripts/sample_geoparse.py (and commit the file).
    now = shared_geoparser(online=False, demonyms=True).parse(load_article(SAMPLE_ARTICLE))
    assert sample_doc() == now
    assert SAMPLE_GEOPARSE.read_text(encoding="utf-8") == dump_geoparse(now)
    assert {m.place.name for m in now.mentions} >= {"Odesa", "Istanbul", "Varna", "Black Sea"}


def test_the_sample_geoparse_carries_no_local_path():
    text = SAMPLE_GEOPARSE.read_text(encoding="utf-8")
    assert str(REPO) not in text and str(Path.home()) not in text and SAMPLE_ARTICLE.name not in text


def test_a_geoparse_round_trips_through_the_file_format():
    doc = sample_doc()
    again = load_geoparse(dump_geoparse(doc), doc.article)
    assert again == doc
    assert any(m.alternatives for m in doc.mentions) and any(m.role == "associative" for m in doc.mentions)


def test_the_check_script_agrees(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "sample_geoparse.py"), "--check"],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_a_warm_start_never_shows_the_sample(qtbot, make_window, tmp_path):
    from tests.support.window import open_and_wait

    path = tmp_path / "floods.txt"
    path.write_text("Floods in Texas\n\nHeavy rain closed roads around Houston and Dallas.\n", encoding="utf-8")
    window = make_window(parse=None)
    open_and_wait(qtbot, window, path)
    assert not window.first_run.shown
    assert "Sample" not in page_value(qtbot, window, TITLE_BOX)


def test_a_first_run_shows_the_sample_map_while_the_index_builds(qtbot, make_window, tmp_path, monkeypatch):
    from viewer.worker import stop_spare_child

    cache = tmp_path / "fresh-cache"  # no place index: this window's parse process builds it
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(cache))
    stop_spare_child()  # one started earlier has the warm cache in its environment
    try:
        path = tmp_path / "floods.txt"
        path.write_text("Floods in Texas\n\nHeavy rain closed roads around Houston and Dallas.\n", encoding="utf-8")
        window = make_window(parse=None)
        ready: list[bool] = []
        window.mapReady.connect(lambda: ready.append(True))
        window.open_paths([path])
        sample_ids = {m.place.id for m in sample_doc().mentions}

        def sample_on_screen() -> bool:
            if not (window.first_run.shown and window.map_view.is_ready):
                return False
            return bool(set(page_value(qtbot, window, "window.gazette.places()")) & sample_ids)

        qtbot.waitUntil(sample_on_screen, timeout=60000)
        # Before the index is built: the job still waits, the index file is not there, no mapReady yet.
        assert window.busy and not (cache / INDEX_FILE_NAME).exists() and not ready
        title = page_value(qtbot, window, TITLE_BOX)
        assert title == SAMPLE_TITLE.format(title=sample_doc().article.title)
        qtbot.waitUntil(lambda: "%" in window.status_label.text(), timeout=60000)  # the build's progress
        status = window.status_label.text()
        assert "sample" in status and "%" in status, status
        shown = set(page_value(qtbot, window, "window.gazette.places()"))
        assert shown <= sample_ids | {"country:UA", "country:RU", "country:TR"} and len(shown) >= 5

        qtbot.waitUntil(lambda: bool(ready), timeout=300000)  # the user's article, once the index is there
        assert (cache / INDEX_FILE_NAME).exists()
        assert [d.article.title for d in window.docs] == ["Floods in Texas"]
        names = {g.place.name for g in window.session.groups.values()}
        assert {"Houston", "Dallas"} <= names
        shown = set(page_value(qtbot, window, "window.gazette.places()"))
        assert shown == set(window.session.groups) and not shown & sample_ids
        assert "Sample" not in page_value(qtbot, window, TITLE_BOX)
        assert "sample" not in window.status_label.text()
    finally:
        stop_spare_child()  # its environment points at the temporary cache
