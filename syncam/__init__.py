"""syncam: place clips from many cameras on one timeline, by their sound and their motion."""

__version__ = "0.1.0"

from syncam.errors import (  # noqa: E402
    FFmpegError,
    FFmpegMissing,
    ManifestError,
    MediaError,
    SyncamError,
    UsageError,
)
from syncam.manifest import ClipEntry, Manifest, MatchEntry  # noqa: E402
from syncam.manifest import load as load_manifest  # noqa: E402
from syncam.media.probe import probe  # noqa: E402
from syncam.pipeline import align  # noqa: E402
from syncam.batch import BatchResult, EventResult, Job, Status, batch  # noqa: E402
from syncam.cache import SignatureCache  # noqa: E402
from syncam.render.mosaic import RenderOptions, RenderResult, render  # noqa: E402
from syncam.types import Clip, Match, Method, Placement, Progress, Signature, Solution  # noqa: E402

__all__ = [
    "BatchResult", "Clip", "ClipEntry", "EventResult", "FFmpegError", "FFmpegMissing", "Job",
    "Manifest", "ManifestError", "Match", "MatchEntry", "MediaError", "Method", "Placement",
    "Progress", "RenderOptions", "RenderResult", "Signature", "SignatureCache", "Solution", "Status",
    "SyncamError", "UsageError", "__version__", "align", "batch", "load_manifest", "probe", "render",
]
