"""viewer.parseprocess: the parse process computes the page data without folium or Qt; the page
process renders the window's shell; main.py's early request is the first open's."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from places.errors import GazetteError
from viewer import startup
from viewer.mapbuilder import app_shell
from viewer.parseprocess import ParseRequest, ShellSource, request_sent, start_early

REPO = Path(__file__).resolve().parents[2]
ELEMENT_NAME = re.compile(r"_[0-9a-f]{32}\b")


def test_the_parse_process_code_imports_neither_folium_nor_qt(tmp_path):
    article = tmp_path / "note.txt"
    article.write_text("Ships left Odesa for Istanbul.\n", encoding="utf-8")
    code = (
        "import sys; from viewer.parseprocess import child_main, geoparse_paths;"
        "from places.geoparse import shared_geoparser; from viewer.mapbuilder import app_page_data;"
        f"docs = list(geoparse_paths([{str(article)!r}], shared_geoparser(demonyms=True).parse, progress=lambda *a: None));"
        "data = app_page_data(docs); print('Odesa' in data.data_json, data.title);"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'folium', 'branca', 'PySide6', 'shiboken6', 'numpy'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.splitlines() == ["True Ships left Odesa for Istanbul.", "[]"]


def _shell_text(shell) -> str:  # noqa: ANN001
    return ELEMENT_NAME.sub("_ID", shell.head + shell.middle + shell.tail)


def test_the_page_process_renders_the_shell_once_per_basemap_then_ends():
    spawned: list[subprocess.Popen] = []

    def spawn() -> subprocess.Popen:
        spawned.append(startup.spawn_page_process())
        return spawned[-1]

    source = ShellSource(spawn)
    source.prestart()
    source.request("offline")
    shell = source.get("offline", cancelled=lambda: False)
    assert shell is not None and _shell_text(shell) == _shell_text(app_shell(basemap="offline"))
    assert source.get("offline", cancelled=lambda: False) is shell
    assert len(spawned) == 1 and spawned[0].wait(timeout=10) is not None  # its one job done, it ended
    source.prestart()
    assert len(spawned) == 1  # a shell is made: no new process


def test_a_basemap_the_page_process_cannot_draw_is_a_plain_error():
    source = ShellSource(startup.spawn_page_process)
    source.prestart()
    try:
        with pytest.raises(GazetteError):
            source.get("no-such-basemap", cancelled=lambda: False)
    finally:
        source.stop()


def test_a_cancelled_wait_for_the_shell_returns_none():
    source = ShellSource(startup.spawn_page_process)
    source.prestart()
    try:
        assert source.get("offline", cancelled=lambda: True) is None
    finally:
        source.stop()


def test_without_a_page_process_the_shell_is_rendered_here():
    source = ShellSource(lambda: None)
    source.prestart()
    shell = source.get("offline", cancelled=lambda: False)
    assert shell is not None and _shell_text(shell) == _shell_text(app_shell())


def test_the_first_shell_is_the_page_process_s_or_none_never_rendered_here():
    source = ShellSource(startup.spawn_page_process)
    try:
        assert source.made("offline", timeout=0.0) is None  # not sent yet: the window loads a waiting page
        shell = source.made("offline", timeout=60.0)
        assert shell is not None and _shell_text(shell) == _shell_text(app_shell())
        assert source.made("no-such-basemap", timeout=60.0) is None  # the job reports the error later
    finally:
        source.stop()
    assert ShellSource(lambda: None).made("offline", timeout=60.0) is None  # no page process: no folium here


def test_the_early_request_is_told_once_to_the_job_that_adopts_the_child(tmp_path):
    article = tmp_path / "note.txt"
    article.write_text("Ships left Odesa for Istanbul.\n", encoding="utf-8")
    start_early([article], online=False)
    child = startup.take_early_parse_process()
    page = startup.take_early_page_process()
    try:
        assert child is not None
        assert request_sent(child) == ParseRequest((str(article.resolve()),), False)
        assert request_sent(child) is None
    finally:
        for process in (child, page):
            if process is not None:
                process.kill()
                process.wait()
