"""SIGTERM and SIGHUP stop syncam the way Ctrl-C does: as an exception in the main thread.

Raised as :class:`Interrupted` (a KeyboardInterrupt), every ``finally`` and ``except BaseException``
that cleans up after Ctrl-C runs for them too: temporary outputs are removed and ffmpeg children are
stopped (all of them at once here, since decoders in worker threads do not see the exception). The
exit code is the shell's for death by that signal, 128 + its number (SIGTERM 143, SIGHUP 129,
SIGINT 130).

An exception raised while Python runs a finalizer (a weakref callback, ``__del__``) is printed and
dropped; the one raised here is then delivered again, so that the stop is never lost.
"""

from __future__ import annotations

import _thread
import signal
import sys
from types import FrameType
from typing import Any

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                if hasattr(signal, name))

_state = {"received": 0, "again": False}  # the signal being acted on; deliver it once more?


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
    if _state["received"] and not _state["again"]:
        return  # a second signal must not cut the clean-up short
    _state.update(received=signum, again=False)
    ffmpeg = sys.modules.get("syncam.media.ffmpeg")  # not imported yet: no ffmpeg started
    if ffmpeg is not None:
        ffmpeg.stop_all()
    raise Interrupted(signum)


def _unraisable(args: Any, previous: Any = sys.unraisablehook) -> None:
    """Our Interrupted, dropped because it was raised inside a finalizer: deliver it again."""
    if isinstance(args.exc_value, Interrupted):
        _state["again"] = True
        _thread.interrupt_main(args.exc_value.signum)
        return
    previous(args)


def install(signals: tuple[int, ...] = SIGNALS) -> None:
    """Turn ``signals`` into :class:`Interrupted` in the main thread (call from the main thread)."""
    sys.unraisablehook = _unraisable
    for s in signals:
        signal.signal(s, _stop)
