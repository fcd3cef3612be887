"""syncam's exceptions. Every message names the file (or the option) and says what to do next.

    SyncamError            anything syncam reports to a user (CLI: one line, exit code 1)
    ├── MediaError         a file that cannot be read as media, or lacks what the job needs
    ├── FFmpegMissing      the ffmpeg/ffprobe programs are not installed
    ├── FFmpegError        ffmpeg ran and failed; keeps the useful tail of its stderr
    ├── ManifestError      a manifest that is not JSON, has another schema, or points at changed clips
    └── UsageError         arguments that do not make a job (one clip, the same clip twice, ...): exit 2

Each class carries its CLI exit code (``exit_code``). An error about one argument carries the argument's
Python name in ``option`` ("max_offset"); ``str(err)`` then starts with it, and the CLI words it as its
own flag ("--max-offset") instead.
"""

from __future__ import annotations


class SyncamError(Exception):
    """Base class. ``str(err)`` is the one-line message shown to users."""

    exit_code = 1

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.option = option

    def __str__(self) -> str:
        return f"{self.option}: {self.message}" if self.option else self.message


class MediaError(SyncamError):
    pass


class FFmpegMissing(SyncamError):
    pass


class FFmpegError(SyncamError):
    def __init__(self, message: str, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail


class ManifestError(SyncamError):
    pass


class UsageError(SyncamError):
    exit_code = 2
