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
import threading
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


def _deliver_later(signum: int) -> None:
    """The signal again in 10 ms, from another thread: it reaches the main thread once this code has
    returned (raised from here it would be handled, and dropped, right here)."""
    timer = threading.Timer(0.01, _thread.interrupt_main, args=(signal.Signals(signum),))
    timer.daemon = True
    timer.start()


def _in_hook(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code is _unraisable.__code__:
            return True
        frame = frame.f_back
    return False


def _stop(signum: int, frame: FrameType | None) -> None:
    if _state["received"] and not _state["again"]:
        return  # a second signal must not cut the clean-up short
    if _in_hook(frame):  # raised here it would be dropped again: once the hook has returned
        _deliver_later(signum)
        return
    _state.update(received=signum, again=False)
    ffmpeg = sys.modules.get("syncam.media.ffmpeg")  # not imported yet: no ffmpeg started
    if ffmpeg is not None:
        ffmpeg.stop_all()
    raise Interrupted(signum)


def _unraisable(args: Any, previous: Any = sys.unraisablehook) -> None:
    """Our Interrupted, dropped because it was raised inside a finalizer: deliver it again."""
    if isinstance(args.exc_value, Interrupted):
        _state["again"] = True
        _deliver_later(args.exc_value.signum)
        return
    previous(args)


def install(signals: tuple[int, ...] = SIGNALS) -> None:
    """Turn ``signals`` into :class:`Interrupted` in the main thread (call from the main thread)."""
    sys.unraisablehook = _unraisable
    for s in signals:
        signal.signal(s, _stop)
