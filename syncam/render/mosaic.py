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
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from syncam import manifest as manifest_mod
from syncam.atomic import atomic_path, check_writable
from syncam.errors import FFmpegError, MediaError, SyncamError, UsageError
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


_FULL = ("No space left on device", "File too large", "Disk quota exceeded")


def explain_failure(exc: FFmpegError, args: Sequence[str], target: str, preset: str | None
                    ) -> SyncamError:
    """What a failed render's ffmpeg said, as one line naming what to fix: the disk (full), a clip
    (ffmpeg names one of its inputs: the clip cannot be read or decoded), ``--preset``, or else the
    output with the encoder options. Pure: reads the error's stderr tail and the argument list."""
    tail = exc.stderr_tail
    tmp_names = [a for a in args if os.path.basename(a).startswith(".") and ".part" in a]
    for name in tmp_names:  # the hidden temporary file is nothing the user knows of
        tail = tail.replace(name, target)
    nothing = f"nothing was written to {target}"
    full = next((w for w in _FULL if w in tail), None)
    if full:
        return FFmpegError(f"{target}: {full} while rendering; free space in "
                           f"{os.path.dirname(target)} or give -o a file on another disk; "
                           f"{nothing}", tail)
    if preset and "preset" in tail.lower():
        return UsageError(f"{preset!r} is not a preset of this encoder ({tail}); leave it out or "
                          "choose one the encoder lists", option="preset")
    inputs = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-i"]
    named = [p for p in inputs if p in tail]
    by_index = re.search(r"(?:decoding stream #|[Ii]nput file #?|[Ii]nput #)(\d+)", tail)
    if not named and by_index and int(by_index.group(1)) < len(inputs):
        named = [inputs[int(by_index.group(1))]]
    if named:
        clip = named[0]
        said = " | ".join(x for x in tail.replace(f"{clip}: ", "").split(" | ") if x != clip)
        if "Permission denied" in said:
            return MediaError(f"{clip}: permission denied; make the file readable; {nothing}")
        return MediaError(f"{clip}: ffmpeg cannot read or decode it ({said}); copy or export the "
                          "clip again (then re-run 'syncam align'), or align without it; "
                          f"{nothing}")
    return FFmpegError(f"rendering {target}: {tail}; {nothing}; check --vcodec, --acodec, --preset "
                       "and --crf, or run again with --debug to see ffmpeg's command", tail)


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
            raise explain_failure(exc, args, target,
                                  options.preset if options else None) from None
    if progress is not None:
        progress(Progress("render", total, total, os.path.basename(target)))
    return RenderResult(output=target, width=the_plan.mosaic.width, height=the_plan.mosaic.height,
                        fps=the_plan.fps, start=the_plan.start, duration=the_plan.duration,
                        frames=total,
                        tiles=tuple(dict.fromkeys(s.label for s in the_plan.sources if s.tile)),
                        audio=tuple(s.label for s in the_plan.sources if s.audio),
                        warnings=tuple(warnings))

