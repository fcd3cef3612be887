"""SIGTERM and SIGHUP stop syncam the way Ctrl-C does: as an exception in the main thread.

Raised as :class:`Interrupted` (a KeyboardInterrupt), every ``finally`` and ``except BaseException``
that cleans up after Ctrl-C runs for them too: temporary outputs are removed and ffmpeg children are
stopped (all of them at once here, since decoders in worker threads do not see the exception). The
exit code is the shell's for death by that signal, 128 + its number (SIGTERM 143, SIGHUP 129,
SIGINT 130).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """syncam was asked to stop by a signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number; a plain KeyboardInterrupt is Ctrl-C's SIGINT."""
    return exc.exit_code if isinstance(exc, Interrupted) else 128 + signal.SIGINT


def _stop(signum: int, frame: FrameType | None) -> None:
    for s in SIGNALS:  # a second signal must not cut the clean-up short
        signal.signal(s, signal.SIG_IGN)
    ffmpeg = sys.modules.get("syncam.media.ffmpeg")  # not imported yet: no ffmpeg started
    if ffmpeg is not None:
        ffmpeg.stop_all()
    raise Interrupted(signum)


def install(signals: tuple[int, ...] = SIGNALS) -> None:
    """Turn ``signals`` into :class:`Interrupted` in the main thread (call from the main thread)."""
    for s in signals:
        signal.signal(s, _stop)
