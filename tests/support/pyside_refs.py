"""Work around a PySide6 6.12 reference-count bug that aborts the test interpreter.

``QCoreApplication.processEvents`` and ``QTest.qWait`` (which pytest-qt's ``waitUntil`` calls in a
loop) release one reference to ``None`` they never took, and some calls do the same to ``True``
or ``False``.  After a few thousand waits the count reaches zero and CPython aborts
("none_dealloc" / "bool_dealloc", exit status 134), usually at interpreter exit.  Reproduce:
300 x ``app.processEvents()`` lowers ``sys.getrefcount(None)`` by 300.

:func:`rebalanced` gives back, after a block, the references the block took away.  Extra
references to these singletons only keep alive what is alive anyway.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_SINGLETONS = (None, True, False)


@contextmanager
def rebalanced() -> Iterator[None]:
    before = [sys.getrefcount(obj) for obj in _SINGLETONS]
    try:
        yield
    finally:
        for obj, count in zip(_SINGLETONS, before):
            for _ in range(count - sys.getrefcount(obj)):
                ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))
