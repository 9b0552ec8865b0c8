"""Give the C heap's free pages back to the system once a big temporary object is gone."""

from __future__ import annotations

import contextlib
import ctypes


def release_freed_heap() -> None:
    """glibc keeps freed memory for the process unless it sits at the top of the heap; after a
    large table is read and dropped (a word list's JSON), that is megabytes of RSS for the rest
    of the night. A no-op where there is no glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
