"""From a manifest and the user's options to a render :class:`~syncam.render.graph.Plan`: reads the disk
(checks every placed clip is the file the manifest describes, probing it when it may have changed; finds
a font) and resolves every default."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from syncam import config
from syncam.errors import ManifestError, MediaError, UsageError
from syncam.identity import unchanged
from syncam.manifest import ClipEntry, Manifest
from syncam.media.probe import check_readable, probe
from syncam.render.graph import Plan, Source
from syncam.render.layout import LAYOUTS, mosaic
from syncam.settings import finite
from syncam.types import AudioStream, Clip, VideoStream


@dataclass(frozen=True)
class RenderOptions:
    """What the user asked for; None means "the default" (see config.py and the CLI help)."""

    layout: str = "auto"
    cols: int | None = None
    rows: int | None = None
    width: int | None = None
    height: int | None = None
    fps: Fraction | None = None  # default: the reference clip's
    start: float | None = None  # timeline seconds; default: first placed clip's start
    end: float | None = None  # default: last placed clip's end
    labels: bool = True
    clock: bool = False
    audio: str = "reference"  # "reference" | "mix" | "none" | a clip's name, camera, path or index
    show_unplaced: bool = False
    vcodec: str | None = None  # default: by container, config.RENDER_CODECS
    acodec: str | None = None
    crf: int | None = None
    preset: str | None = None
    audio_bitrate: str = config.RENDER_AUDIO_BITRATE



def find_font() -> str | None:
    """A TrueType font for labels: $SYNCAM_FONT, a known path, or a known file name under the usual
    font folders. None when there is none (the caller says so and renders without text)."""
    override = os.environ.get("SYNCAM_FONT")
    if override and os.path.isfile(override):
        return os.path.abspath(override)
    for path in config.FONT_CANDIDATES:
        if os.path.isfile(path):
            return path
    for folder in config.FONT_DIRS:
        for root, _, files in os.walk(os.path.expanduser(folder)):
            for name in config.FONT_NAMES:
                if name in files:
                    return os.path.join(root, name)
    return None


def locate(entry: ClipEntry, manifest_path: str | None) -> Clip:
    """A manifest's clip, checked to be the file that was aligned: the same size and modification
    time (then what align recorded is used, without probing), else the same size and probed duration.

    A clip missing at its recorded path is looked for beside the manifest (a folder moved whole).
    """
    candidates = [entry.path]
    if manifest_path:
        candidates.append(os.path.join(os.path.dirname(os.path.abspath(manifest_path)), entry.name))
    where = next((p for p in candidates if os.path.isfile(p)), None)
    source = manifest_path or "manifest"
    if where is None:
        raise ManifestError(f"{entry.path}: clip named in {source} is missing (moved or deleted); "
                            "put it back or re-run 'syncam align' with its new path")
    check_readable(where)  # one an unprivileged user cannot read: say so, not what ffmpeg says
    size = os.path.getsize(where)
    if size != entry.size:
        raise ManifestError(f"{where}: changed since 'syncam align' ({entry.size} bytes then, "
                            f"{size} now); re-run 'syncam align' on the current files")
    if unchanged(where, entry.size, entry.mtime) and entry.origin is not None and \
            entry.container_start is not None:
        return _from_manifest(entry, where)  # untouched since align: what it recorded holds
    try:
        clip = probe(where)
    except MediaError as exc:
        raise ManifestError(f"{exc}; it changed since 'syncam align' ran") from None
    if abs(clip.duration - entry.duration) > config.RENDER_DURATION_TOLERANCE:
        raise ManifestError(f"{where}: changed since 'syncam align' (duration {entry.duration:.3f} s "
                            f"then, {clip.duration:.3f} s now); re-run 'syncam align'")
    return clip


def _from_manifest(entry: ClipEntry, path: str) -> Clip:
    """The facts render needs about a clip, as align recorded them: no probing."""
    video = () if entry.video_stream is None else (VideoStream(
        index=entry.video_stream, codec="", width=entry.width or 0, height=entry.height or 0,
        fps=Fraction(entry.frame_rate) if entry.frame_rate else None, rotation=entry.rotation,
        variable_fps=False, start=entry.origin or 0.0, duration=None, frames=None),)
    audio = () if entry.audio_stream is None else (AudioStream(
        index=entry.audio_stream, codec="", sample_rate=entry.sample_rate or 0, channels=0,
        start=entry.audio_start if entry.audio_start is not None else entry.origin or 0.0,
        duration=None),)
    return Clip(path=path, container="", duration=entry.duration, start=entry.container_start or 0.0,
                size=entry.size, mtime=entry.mtime, video=video, audio=audio)


def _rate(entry: ClipEntry) -> float:
    """Output seconds per clip second under the entry's time map (types.Placement)."""
    return 1.0 + (entry.drift_ppm or 0.0) * 1e-6


def _display_aspect(clip: Clip) -> float | None:
    if not clip.video or not clip.video[0].width or not clip.video[0].height:
        return None
    v = clip.video[0]
    w, h = (v.height, v.width) if v.rotation % 180 == 90 else (v.width, v.height)
    return w / h


def _pick_audio(spec: str, entries: list[ClipEntry], clips: dict[int, Clip], reference: int,
                warnings: list[str]) -> list[int]:
    """Indices of the clips whose sound goes into the output."""
    with_sound = [i for i in clips if clips[i].audio]
    if spec == "none":
        return []
    if spec == "mix":
        if not with_sound:
            warnings.append("no placed clip has sound; the output is silent")
        return with_sound
    if spec == "reference":
        if reference in clips and clips[reference].audio:
            return [reference]
        if with_sound:
            warnings.append(f"the reference {entries[reference].name} has no sound (or is not "
                            f"placed); using {entries[with_sound[0]].name}'s (see --audio)")
            return with_sound[:1]
        warnings.append("no placed clip has sound; the output is silent")
        return []
    want = os.path.realpath(spec) if os.path.exists(spec) else None
    for i, e in enumerate(entries):
        if spec in (e.name, e.camera, e.path, str(i)) or (want and os.path.realpath(e.path) == want):
            if i not in clips:
                raise UsageError(f"{spec}: that clip is not placed on the timeline; choose "
                                 "a placed one, 'mix' or 'none'", option="audio")
            if not clips[i].audio:
                raise UsageError(f"{spec}: that clip has no sound; choose another, 'mix' or "
                                 "'none'", option="audio")
            return [i]
    names = ", ".join(e.name for e in entries)
    raise UsageError(f"{spec}: no such clip in the manifest; give reference, mix, none or "
                     f"one of: {names}", option="audio")


def _codecs(output: str, options: RenderOptions) -> tuple[str, str]:
    ext = os.path.splitext(output)[1].lower()
    known = config.RENDER_CODECS.get(ext)
    if known is None and not (options.vcodec and options.acodec):
        raise UsageError(f"{output}: unknown video container {ext or '(no extension)'!r}; name the "
                         f"output {', '.join(config.RENDER_CODECS)} (or give both encoders)",
                         option="output")
    vcodec, acodec = known or ("", "")
    return options.vcodec or vcodec, options.acodec or acodec


def plan(m: Manifest, output: str, options: RenderOptions = RenderOptions(), *,
         manifest_path: str | None = None) -> tuple[Plan, list[str]]:
    """Resolve a manifest and options into a Plan (probing the clips); also return warnings."""
    if options.layout not in LAYOUTS:
        raise UsageError(f"unknown layout {options.layout!r}; choose one of {', '.join(LAYOUTS)}",
                         option="layout")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?[kKM]?", options.audio_bitrate):
        raise UsageError(f"{options.audio_bitrate!r} is not a bit rate; give bits per second, e.g. "
                         f"{config.RENDER_AUDIO_BITRATE} or 192000", option="audio_bitrate")
    vcodec, acodec = _codecs(output, options)
    warnings: list[str] = []
    entries = list(m.clips)
    offsets = {i: e.offset for i, e in enumerate(entries) if e.placed and e.offset is not None}
    clips = {i: locate(entries[i], manifest_path) for i in offsets}
    seen: dict[str, str] = {}
    for i, c in clips.items():
        key = os.path.realpath(c.path)
        if key in seen:
            raise ManifestError(f"{manifest_path or 'manifest'}: names {c.path} twice (also as "
                                f"{seen[key]}); re-run 'syncam align'")
        seen[key] = entries[i].name
    if not clips:
        raise ManifestError(f"{manifest_path or 'manifest'}: no clip is placed on the timeline, "
                            "nothing to render; see 'syncam align' for why")
    unplaced = [e.name for e in entries if not e.placed or e.offset is None]
    if unplaced and not options.show_unplaced:
        warnings.append(f"left out {len(unplaced)} unplaced clip(s): {', '.join(unplaced)} (use "
                        "--show-unplaced to show them as empty tiles)")

    first = min(offsets.values())
    last = max(offsets[i] + clips[i].duration * _rate(entries[i]) for i in clips)
    start = first if options.start is None else finite(options.start, "start")
    end = last if options.end is None else finite(options.end, "end")
    if end <= start:
        raise UsageError(f"{end:.3f} s is not after the start ({start:.3f} s); give a later end or "
                         "an earlier start", option="end")

    if end <= first or start >= last:
        warnings.append(f"no clip has footage between {start:+.3f} s and {end:+.3f} s (the clips span "
                        f"{first:+.3f} .. {last:+.3f} s on the timeline): every tile is empty")
    ref = clips.get(m.reference)
    fps = options.fps or (ref.fps if ref is not None and ref.fps else None) or max(
        (c.fps for c in clips.values() if c.fps), default=None) or Fraction(config.RENDER_FPS)
    if fps <= 0:
        raise UsageError(f"must be positive (got {fps})", option="fps")
    aspects = [a for a in ([_display_aspect(ref)] if ref else []) +
               [_display_aspect(c) for c in clips.values()] if a]
    audio = set(_pick_audio(options.audio, entries, clips, m.reference, warnings))

    takes: dict[str, int] = {}
    for i, e in enumerate(entries):
        if i in clips and clips[i].video:
            takes[e.camera] = takes.get(e.camera, 0) + 1
    sources: list[Source] = []
    for i, e in enumerate(entries):
        if i not in clips:
            if options.show_unplaced:
                sources.append(Source(label=e.camera, path=None))
            continue
        c = clips[i]
        if not c.video and i not in audio:
            warnings.append(f"{e.name} has no picture and its sound is not used: left out")
            continue
        # the sound align listened to (its first stream that is not silent), else the first
        sound = next((a for a in c.audio if a.index == e.audio_stream), c.audio[0] if c.audio else None)
        sources.append(Source(
            label=e.camera, path=c.path, shift=offsets[i] - start,
            duration=c.duration, origin=c.origin, container_start=c.start,
            video_stream=c.video[0].index if c.video else None,
            audio_stream=sound.index if sound else None,
            audio_start=sound.start if sound else 0.0,
            tile=bool(c.video), audio=i in audio, rate=_rate(e),
            # the file name under the camera's name when the camera is more than this one file
            take=e.name if takes.get(e.camera, 0) > 1 or os.path.splitext(e.name)[0] != e.camera
            else ""))
    n_tiles = len({s.label for s in sources if s.tile})
    geometry = mosaic(n_tiles, options.layout, width=options.width, height=options.height,
                      cols=options.cols, rows=options.rows,
                      tile_aspect=aspects[0] if aspects else 16 / 9)
    font = find_font()
    if font is None and (options.labels or options.clock):
        warnings.append("no TrueType font found for labels and clock, rendering without text: install "
                        "fonts-dejavu-core (scripts/system-deps.sh) or set SYNCAM_FONT to a .ttf file")
    ext = os.path.splitext(output)[1].lower()
    crf = options.crf if options.crf is not None else config.RENDER_CRF.get(vcodec)
    preset = options.preset or (config.RENDER_PRESET if vcodec in ("libx264", "libx265") else None)
    return Plan(sources=tuple(sources), mosaic=geometry, fps=fps, start=start, duration=end - start,
                vcodec=vcodec, acodec=acodec, crf=crf, preset=preset,
                audio_bitrate=options.audio_bitrate, font=font, labels=options.labels,
                clock=options.clock, wall_zero=_wall_zero(m),
                faststart=ext in (".mp4", ".m4v", ".mov")), warnings


def _wall_zero(m: Manifest) -> float | None:
    """The manifest's wall clock at timeline 0 as POSIX seconds (None: none, or a time of day only)."""
    if m.wall_clock is None or "T" not in m.wall_clock.at_zero:
        return None
    return datetime.fromisoformat(m.wall_clock.at_zero.replace("Z", "+00:00")).timestamp()

