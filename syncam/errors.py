"""syncam's exceptions. Every message names the file and says what to do next.

    SyncamError            anything syncam reports to a user (CLI: one line, exit code 1)
    ├── MediaError         a file that cannot be read as media, or lacks what the job needs
    ├── FFmpegMissing      the ffmpeg/ffprobe programs are not installed
    ├── FFmpegError        ffmpeg ran and failed; keeps the useful tail of its stderr
    ├── ManifestError      a manifest that is not JSON, has another schema, or points at changed clips
    └── UsageError         arguments that do not make a job (one clip, the same clip twice, ...)
"""

from __future__ import annotations


class SyncamError(Exception):
    """Base class. ``str(err)`` is the one-line message shown to users."""


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
    pass
