"""Signals become Interrupted in the main thread, even when they land inside a finalizer."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import os, signal, time
from syncam import interrupt
interrupt.install()

class Finalized:
    def __del__(self):  # Python drops an exception raised in here, after printing it
        os.kill(os.getpid(), signal.{sig})
        for _ in range(100000):
            pass  # the handler runs here, inside the finalizer
try:
    Finalized()
    for _ in range(200):
        time.sleep(0.01)
    print("not stopped")
except interrupt.Interrupted as exc:
    print("stopped", exc.exit_code)
"""


@pytest.mark.parametrize("sig, code", [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130)])
def test_a_stop_inside_a_finalizer_is_not_lost(sig: str, code: int) -> None:
    res = subprocess.run([sys.executable, "-c", SCRIPT.format(sig=sig)], capture_output=True,
                         text=True, timeout=30)
    assert res.stdout.strip() == f"stopped {code}", (res.stdout, res.stderr)
    assert "Exception ignored" not in res.stderr and "Traceback" not in res.stderr, res.stderr
