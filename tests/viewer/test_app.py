"""viewer.app via main.py: the window run in batch mode, from another folder, on a relative path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]


def test_a_relative_path_from_another_folder_opens_that_folders_file(tmp_path):
    (tmp_path / "article.txt").write_text("Harbour notes\n\nShips left Vladivostok for Pyongyang.\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "article.txt", "--screenshot", "shot.png"],
        cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "map ready in" in result.stdout
    image = QImage(str(tmp_path / "shot.png"))
    assert image.width() > 100 and image.height() > 100


def test_a_missing_file_fails_in_batch_mode(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "nowhere.txt", "--screenshot", "shot.png"],
        cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 2 and "nowhere.txt" in result.stderr
    assert not (tmp_path / "shot.png").exists()
