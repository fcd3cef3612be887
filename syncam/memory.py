"""Freed memory goes back to the system at once: what keeps an event of hour-long clips in budget.

glibc's malloc serves a block of more than ``M_MMAP_THRESHOLD`` bytes with its own mmap, unmapped when
freed. The threshold starts at 128 KB but rises (up to 32 MB) each time such a block is freed, so soon
numpy's multi-megabyte temporaries (a scan's chunks, FFT buffers) come from the heap: in align's
worker threads, a thread's arena, which keeps what is freed while anything after it lives
(tests/unit/test_memory.py: 100 MB kept of 100 MB freed). Fixing the threshold (mallopt) turns that off.
"""

from __future__ import annotations

import ctypes

from syncam import config

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


def return_freed_blocks(threshold: int = config.MMAP_THRESHOLD) -> bool:
    """Fix malloc's mmap threshold at ``threshold`` bytes; False where the C library has no mallopt
    (not glibc), which changes nothing else."""
    try:
        libc = ctypes.CDLL(None)  # the C library this process already runs on
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    return bool(mallopt is not None and mallopt(_M_MMAP_THRESHOLD, threshold))
