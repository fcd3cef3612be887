"""Render a manifest as one synchronized mosaic video: every camera in its tile, all on one clock.

Three steps, each testable alone:

* :func:`syncam.render.resolve.plan` reads what the render needs from disk (checks every placed clip
  is the file the manifest describes, finds a font) and resolves the options into a Plan of plain values.
* :func:`syncam.render.graph.build_args` turns a Plan into one ffmpeg command with one filter graph
  (ffmpeg-python). Pure.
* :func:`render` (here) runs it through media/ffmpeg.py into a temporary file renamed on success.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from syncam import manifest as manifest_mod
from syncam.atomic import atomic_path, check_writable
from syncam.errors import FFmpegError, UsageError
from syncam.manifest import Manifest
from syncam.media import ffmpeg
from syncam.render.graph import build_args
from syncam.render.resolve import RenderOptions, plan
from syncam.types import Progress

ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class RenderResult:
    output: str
    width: int
    height: int
    fps: Fraction
    start: float  # timeline seconds
    duration: float
    frames: int
    tiles: tuple[str, ...]  # labels, in tile order
    audio: tuple[str, ...]  # clips whose sound is in the output
    warnings: tuple[str, ...] = field(default_factory=tuple)



def render(source: str | Manifest, output: str, options: RenderOptions | None = None, *,
           manifest_path: str | None = None,
           progress: ProgressCallback | None = None) -> RenderResult:
    """Render the mosaic of a manifest (a path, or a Manifest with ``manifest_path`` for its clips).

    The output appears whole under its name or not at all (Ctrl-C included); no input is overwritten.
    Raises ManifestError for a manifest whose clips moved or changed, UsageError for options that do
    not make a render, FFmpegError when ffmpeg fails.
    """
    if isinstance(source, str):
        manifest_path = source
        m = manifest_mod.load(source)
    else:
        m = source
    inputs = tuple(p for p in (manifest_path, *(e.path for e in m.clips)) if p)
    target = check_writable(output, inputs=inputs)
    the_plan, warnings = plan(m, target, options or RenderOptions(), manifest_path=manifest_path)
    used = tuple(s.path for s in the_plan.sources if s.path)
    total = the_plan.frames
    have = ffmpeg.encoders()
    for option, codec in (("vcodec", the_plan.vcodec), ("acodec", the_plan.acodec)):
        if (option == "vcodec" or any(s.audio for s in the_plan.sources)) and codec not in have:
            raise UsageError(f"{codec!r}: this ffmpeg has no such encoder; choose one that "
                             "'ffmpeg -encoders' lists", option=option)

    def on_block(block: dict[str, str]) -> None:
        if progress is not None and block.get("frame", "").isdigit():
            progress(Progress("render", min(int(block["frame"]), total), total,
                              os.path.basename(target)))

    with atomic_path(target, inputs=inputs + used) as tmp:
        args = build_args(the_plan, tmp, cmd=ffmpeg.find_binary("ffmpeg"))
        try:
            ffmpeg.run_with_progress(args, what=f"rendering {target}", on_progress=on_block)
        except FFmpegError as exc:
            raise FFmpegError(f"{exc}; nothing was written to {target}", exc.stderr_tail) from None
    if progress is not None:
        progress(Progress("render", total, total, os.path.basename(target)))
    return RenderResult(output=target, width=the_plan.mosaic.width, height=the_plan.mosaic.height,
                        fps=the_plan.fps, start=the_plan.start, duration=the_plan.duration,
                        frames=total,
                        tiles=tuple(dict.fromkeys(s.label for s in the_plan.sources if s.tile)),
                        audio=tuple(s.label for s in the_plan.sources if s.audio),
                        warnings=tuple(warnings))

