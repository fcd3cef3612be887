"""The CLI's malloc setting (syncam/memory.py): on glibc, big arrays freed in a worker thread leave
the process (without it, this child keeps ~100 MB of freed chunks in its thread's arena)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

_CHILD = """
import threading
import numpy as np
from syncam import memory

def rss_mb():
    return int([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]) / 1024

assert memory.return_freed_blocks()
before = rss_mb()
small = []

def work():  # a pair search in align's thread pool: an FFT buffer, then a scan's 2 MB chunks, each
    big = np.ones(1 << 21)  # followed by a small allocation that outlives them (a result, a list)
    del big
    chunks = []
    for k in range(50):
        chunks.append(np.ones((1 << 18) + 100 * k))
        small.append(bytearray(4000 + k))
    del chunks

worker = threading.Thread(target=work)
worker.start()
worker.join()
print(rss_mb() - before)
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="mallopt's mmap threshold is glibc's")
def test_big_arrays_freed_in_a_worker_thread_leave_the_process() -> None:
    grown = float(subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True,
                                 check=True).stdout)
    assert grown < 20.0  # MB, of the 100 MB the thread allocated and freed
