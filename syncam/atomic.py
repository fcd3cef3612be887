"""Outputs appear whole or not at all: write to a temporary name beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

from syncam.errors import SyncamError


def _read_umask() -> int:
    """The process umask. Reading it means setting it, so this runs once, at import (before any
    thread of ours exists): setting it later could hand another thread's new files umask 0."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def check_writable(target: str, *, inputs: tuple[str, ...] = ()) -> str:
    """Absolute ``target`` if it can be written and is none of ``inputs``; else a SyncamError.

    Called before long work so that a bad output path fails in a second, not after the job.
    """
    target = os.path.abspath(target)
    for src in inputs:
        if os.path.abspath(src) == target or (
                os.path.exists(src) and os.path.exists(target) and os.path.samefile(src, target)):
            raise SyncamError(f"{target}: is one of the inputs; choose another output name")
    if os.path.isdir(target):
        raise SyncamError(f"{target}: is a folder; give a file name")
    folder = os.path.dirname(target)
    try:
        os.stat(folder)
    except PermissionError:
        raise SyncamError(f"{target}: folder {folder} cannot be reached (permission denied); choose "
                          "another") from None
    except OSError:
        pass
    if not os.path.isdir(folder):
        raise SyncamError(f"{target}: folder {folder} does not exist; create it or choose another")
    if not os.access(folder, os.W_OK) or (os.path.exists(target) and not os.access(target, os.W_OK)):
        raise SyncamError(f"{target}: not writable; choose a writable folder or file")
    return target


def _fit(base: str, ext: str, folder: str) -> str:
    """``base`` shortened, if need be, so that the temporary name ".{base}.XXXXXXXX.part{ext}" is a
    legal name in ``folder`` whenever the final one is (the file system counts bytes)."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        limit = 255
    extra = len(os.fsencode(f"..12345678.part{ext}"))
    raw = os.fsencode(base)
    if len(raw) + extra <= limit:
        return base
    return raw[:max(limit - extra, 1)].decode("utf-8", "ignore") or "syncam"


@contextlib.contextmanager
def atomic_path(target: str, *, inputs: tuple[str, ...] = ()) -> Iterator[str]:
    """Yield a temporary path beside ``target``; rename it to ``target`` only if the block succeeds.

    Refuses a target that is one of ``inputs``, and a folder that cannot be written, before any work.
    On any exception (Ctrl-C included) the temporary file is removed and ``target`` is untouched.
    """
    target = check_writable(target, inputs=inputs)
    folder = os.path.dirname(target)
    base, ext = os.path.splitext(os.path.basename(target))
    base = _fit(base, ext, folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=f".part{ext}", dir=folder)
    except OSError as exc:
        raise SyncamError(f"{target}: cannot write there ({exc.strerror}); choose a writable "
                          "folder") from None
    os.close(fd)
    # mkstemp makes the file private (0600); an output is an ordinary file: 0666 less the umask
    os.chmod(tmp, 0o666 & ~_UMASK)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # disk full, permission lost mid-write: one line, not a traceback
            raise SyncamError(f"{target}: could not be written ({exc.strerror or exc}); nothing was "
                              "changed there: free space or choose another folder") from None
        raise


def write_text(target: str, text: str, *, inputs: tuple[str, ...] = ()) -> None:
    with atomic_path(target, inputs=inputs) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
