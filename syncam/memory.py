"""Memory that align's threads free is reused by the others, and big blocks go back to the system.

glibc's malloc gives each thread that allocates at once its own arena, and a block freed in one arena
is reused only by the threads of that arena: align's pool threads each kept what their last search
freed (tests/unit/test_memory.py: two threads that free 100 MB each in turn keep 200 MB, one arena
100). Blocks above ``M_MMAP_THRESHOLD`` are mapped on their own and unmapped when freed, but glibc
raises that threshold (up to 32 MB) each time such a block is freed, so soon a scan's FFT buffers come
from the arenas too. One arena and a fixed 16 MB threshold: 3 x 60 min peaks at 583 MB, not 645.
"""

from __future__ import annotations

import ctypes

from syncam import config

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_M_ARENA_MAX = -8


def return_freed_blocks(threshold: int = config.MMAP_THRESHOLD,
                        arenas: int = config.MALLOC_ARENAS) -> bool:
    """Fix malloc's mmap threshold at ``threshold`` bytes and its arenas at ``arenas``; False where
    the C library has no mallopt (not glibc), which changes nothing else. Call it before threads
    start."""
    try:
        libc = ctypes.CDLL(None)  # the C library this process already runs on
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    return bool(mallopt is not None and mallopt(_M_ARENA_MAX, arenas)
                and mallopt(_M_MMAP_THRESHOLD, threshold))
