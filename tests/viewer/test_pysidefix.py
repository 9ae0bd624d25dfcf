"""viewer.pysidefix: signal emits from Python no longer use up references to True."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

EMIT_MANY = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
from viewer.pysidefix import emit_losses, guard_signal_emit
app = QCoreApplication([])
guard_signal_emit()
class Source(QObject):
    progressed = Signal(int, int, str)
source = Source()
seen = []
source.progressed.connect(lambda done, total, name: seen.append(done))
before = sys.getrefcount(True)
for n in range(2000):
    source.progressed.emit(n, 2000, "article.txt")
print(len(seen), before - sys.getrefcount(True), emit_losses())
"""


def test_two_thousand_emits_keep_true_alive_and_the_interpreter_exits_cleanly():
    # Without the guard PySide6 6.12 loses one reference per emit: True's few hundred run out
    # and CPython aborts (status 134) long before 2000.
    result = subprocess.run([sys.executable, "-c", EMIT_MANY], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    seen, lost, probe_lost = (int(x) for x in result.stdout.split())
    assert seen == 2000
    assert lost <= 0 and probe_lost == 0


def test_the_guard_is_installed_once_and_emit_still_returns_its_result(qapp):
    from PySide6.QtCore import QObject, Signal

    from viewer.pysidefix import guard_signal_emit

    first = guard_signal_emit()
    assert guard_signal_emit() == first

    class Source(QObject):
        fired = Signal(str)

    got = []
    source = Source()
    source.fired.connect(got.append)
    assert source.fired.emit("x") is True
    assert got == ["x"]
