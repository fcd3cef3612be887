"""syncam: place clips from many cameras on one timeline, by their sound and their motion.

The public API is re-exported here and imported on first use (PEP 562), so that ``import syncam`` and
``syncam --help`` do not load numpy, scipy and ffmpeg-python before a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from syncam._version import __version__

if TYPE_CHECKING:
    from syncam.batch import BatchResult, EventResult, Job, Status, batch
    from syncam.cache import SignatureCache
    from syncam.errors import (
        FFmpegError,
        FFmpegMissing,
        ManifestError,
        MediaError,
        SyncamError,
        UsageError,
    )
    from syncam.manifest import ClipEntry, Manifest, MatchEntry
    from syncam.manifest import load as load_manifest
    from syncam.media.probe import probe
    from syncam.pipeline import align
    from syncam.render.mosaic import RenderOptions, RenderResult, render
    from syncam.settings import Settings
    from syncam.types import Clip, Match, Method, Placement, Progress, Signature, Solution

_WHERE = {
    "BatchResult": "batch", "EventResult": "batch", "Job": "batch", "Status": "batch", "batch": "batch",
    "SignatureCache": "cache", "FFmpegError": "errors", "FFmpegMissing": "errors",
    "ManifestError": "errors", "MediaError": "errors", "SyncamError": "errors", "UsageError": "errors",
    "ClipEntry": "manifest", "Manifest": "manifest", "MatchEntry": "manifest",
    "load_manifest": "manifest:load", "probe": "media.probe", "align": "pipeline",
    "RenderOptions": "render.mosaic", "RenderResult": "render.mosaic", "render": "render.mosaic",
    "Settings": "settings", "Clip": "types", "Match": "types", "Method": "types",
    "Placement": "types", "Progress": "types", "Signature": "types", "Solution": "types",
}

__all__ = sorted([*_WHERE, "__version__"])


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'syncam' has no attribute {name!r}")
    module, _, attr = _WHERE[name].partition(":")
    value = getattr(importlib.import_module(f"syncam.{module}"), attr or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
