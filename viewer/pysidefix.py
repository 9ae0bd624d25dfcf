"""A guard against PySide6 6.12's over-released ``True`` in ``SignalInstance.emit``.

``signal.emit(...)`` returns ``True`` without taking a reference to it, so every emit from
Python lowers ``sys.getrefcount(True)`` by one.  A window that emits a few hundred signals
(a folder of 300 articles: progress, partial maps, chunks) drives the count to zero and
CPython aborts with "bool_dealloc" (exit status 134), at interpreter exit or even before.

:func:`guard_signal_emit` measures the loss on a probe signal once and, only if emit loses
references, wraps ``SignalInstance.emit`` to give back the reference each call took.  On a
PySide without the bug it changes nothing.
"""

from __future__ import annotations

__all__ = ["emit_losses", "guard_signal_emit"]

import ctypes
import sys
import threading

_PROBE_EMITS = 16
_lock = threading.Lock()
_guarded = False


def emit_losses(emits: int = _PROBE_EMITS) -> int:
    """How many references to ``True`` ``emits`` emits of a probe signal lose (0 on a sound PySide)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        fired = Signal(int)

    probe = _Probe()
    before = sys.getrefcount(True)
    for n in range(emits):
        probe.fired.emit(n)
    lost = before - sys.getrefcount(True)
    for _ in range(max(lost, 0)):  # the probe's own losses given back
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost


def guard_signal_emit() -> bool:
    """Wrap ``SignalInstance.emit`` when it over-releases its result; True if it is (now) wrapped."""
    global _guarded
    with _lock:
        if _guarded:
            return True
        if emit_losses() != _PROBE_EMITS:  # not exactly one per emit: not the bug this is for
            return False
        from PySide6.QtCore import SignalInstance

        emit = SignalInstance.emit
        incref = ctypes.pythonapi.Py_IncRef
        py_object = ctypes.py_object

        def guarded_emit(self, *args):  # noqa: ANN001, ANN202
            result = emit(self, *args)
            incref(py_object(result))  # the reference emit handed out without taking it
            return result

        SignalInstance.emit = guarded_emit
        _guarded = True
        return True
