"""viewer.app via main.py: the window run in batch mode, from another folder, on a relative path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]


def screenshot_run(cwd: Path, source: str, *, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``main.py SOURCE --screenshot shot.png`` in ``cwd``, as a person runs it."""
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), source, "--screenshot", "shot.png"],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_a_relative_path_from_another_folder_opens_that_folders_file(tmp_path):
    (tmp_path / "article.txt").write_text("Harbour notes\n\nShips left Vladivostok for Pyongyang.\n", encoding="utf-8")
    result = screenshot_run(tmp_path, "article.txt")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "map ready in" in result.stdout
    image = QImage(str(tmp_path / "shot.png"))
    assert image.width() > 100 and image.height() > 100


def test_a_missing_file_fails_in_batch_mode(tmp_path):
    result = screenshot_run(tmp_path, "nowhere.txt")
    assert result.returncode == 2 and "nowhere.txt" in result.stderr
    assert not (tmp_path / "shot.png").exists()


def test_batch_screenshot_of_a_folder_of_hundreds_of_articles_exits_cleanly(tmp_path):
    # Each article's progress and partial maps are signal emits: with PySide6 6.12's over-released
    # True (viewer.pysidefix) a few hundred of them aborted the interpreter at exit (status 134).
    folder = tmp_path / "articles"
    folder.mkdir()
    ports = ["Vladivostok", "Pyongyang", "Odesa", "Istanbul", "Constanta", "Busan", "Nakhodka", "Varna"]
    for n in range(320):
        a, b = ports[n % len(ports)], ports[(n * 3 + 1) % len(ports)]
        (folder / f"{n:03}.txt").write_text(f"Harbour note {n}\n\nA freighter left {a} for {b} on day {n}.\n", encoding="utf-8")
    result = screenshot_run(tmp_path, str(folder), timeout=400)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "map ready in" in result.stdout
    image = QImage(str(tmp_path / "shot.png"))
    assert image.width() > 100 and image.height() > 100
    assert len({image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}) > 20


def test_batch_screenshot_with_an_unreadable_file_reports_it_and_shows_the_rest(tmp_path):
    folder = tmp_path / "week"
    folder.mkdir()
    (folder / "port.txt").write_text("Port news\n\nShips left Odesa for Varna.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    result = screenshot_run(tmp_path, str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "gazette: 1 of 2 files could not be read:" in result.stderr and "empty.txt (empty)" in result.stderr
    assert QImage(str(tmp_path / "shot.png")).width() > 100


def test_the_window_module_imported_on_a_thread_while_the_event_loop_runs(qtbot, tmp_path, monkeypatch):
    import time

    from PySide6.QtCore import QTimer

    from viewer.app import _Import

    (tmp_path / "gz_slow_module.py").write_text("import time\ntime.sleep(0.3)\nVALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    switch = sys.getswitchinterval()
    importing = _Import("gz_slow_module")
    importing.finish(serving=True)
    timer.stop()
    assert sys.modules["gz_slow_module"].VALUE == 1
    assert len(ticks) >= 5  # the loop ran meanwhile: the page's requests are answered during the import
    assert sys.getswitchinterval() == switch


def test_a_window_import_that_fails_raises_on_the_gui_thread(qtbot):
    import pytest

    from viewer.app import _Import

    importing = _Import("gz_no_such_module_anywhere")
    with pytest.raises(ModuleNotFoundError):
        importing.finish(serving=True)
    importing = _Import("gz_no_such_module_anywhere")
    with pytest.raises(ModuleNotFoundError):
        importing.finish(serving=False)  # no loop: a plain wait


def test_the_first_shell_is_read_on_a_thread_begun_before_the_qapplication(monkeypatch):
    import threading

    from viewer import app, worker

    asked: list[tuple[str, str]] = []
    release = threading.Event()

    def first_shell(basemap: str, *, timeout: float) -> object:
        asked.append((basemap, threading.current_thread().name))
        release.wait(5)
        return "the shell"

    monkeypatch.setattr(worker, "first_shell", first_shell)
    fetch = app._ShellFetch("offline")
    release.set()
    assert fetch.result() == "the shell"
    assert asked == [("offline", "gazette-shell")]
