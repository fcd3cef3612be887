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
from syncam.render.mosaic import RenderOptions, RenderResult, render  # noqa: E402
from syncam.types import Clip, Match, Method, Placement, Progress, Signature, Solution  # noqa: E402

__all__ = [
    "Clip", "ClipEntry", "FFmpegError", "FFmpegMissing", "Manifest", "ManifestError", "Match",
    "MatchEntry", "MediaError", "Method", "Placement", "Progress", "RenderOptions", "RenderResult",
    "Signature", "Solution", "SyncamError", "UsageError", "__version__", "align", "load_manifest",
    "probe", "render",
]
