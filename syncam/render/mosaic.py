"""Render a manifest as one synchronized mosaic video: every camera in its tile, all on one clock.

Three steps, each testable alone:

* :func:`plan` reads what the render needs from disk (probes every placed clip, checks it is the file
  the manifest describes, finds a font) and resolves the options into a :class:`Plan` of plain values.
* :func:`build_args` turns a Plan into one ffmpeg command with one filter graph (ffmpeg-python). Pure.
* :func:`render` runs it through media/ffmpeg.py into a temporary file renamed on success.

How a tile keeps time (see types.py for the offset sign): a clip frame at container time ``c`` shows at
output time ``c - origin + shift``, where ``shift = offset - window start``. ``setpts`` puts every frame
there exactly, ``fps`` resamples each tile to the output rate from those timestamps (the frame on
screen at each output tick, to within half a frame), ``tpad`` puts the black frames before the clip's
first and after its last frame, and ``xstack`` composes tiles that are all on the same frame grid. Sound
is trimmed or delayed to the sample, padded with silence to the window's length, and mixed if asked.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import ffmpeg as ffmpeg_python

from syncam import config, manifest as manifest_mod
from syncam.atomic import atomic_path, check_writable
from syncam.errors import FFmpegError, ManifestError, MediaError, UsageError
from syncam.manifest import ClipEntry, Manifest
from syncam.media import ffmpeg
from syncam.media.probe import probe
from syncam.render.layout import LAYOUTS, Mosaic, mosaic
from syncam.types import Clip, Progress

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], None]
# The quiet card on a tile without picture
NO_SIGNAL, NOT_PLACED = "no signal", "not placed"


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


@dataclass(frozen=True)
class Source:
    """One clip as the graph sees it. Times in seconds; ``path`` None is an empty (unplaced) tile."""

    label: str
    path: str | None
    shift: float = 0.0  # output time of the clip's time zero: offset - window start
    duration: float = 0.0  # from the clip's time zero to its end
    origin: float = 0.0  # container time of the clip's time zero (its first video frame)
    container_start: float = 0.0  # the container's start time, which ffmpeg subtracts on input
    video_stream: int | None = None  # absolute stream index, None: no picture
    audio_stream: int | None = None
    audio_start: float = 0.0  # container time of the first decoded audio sample
    tile: bool = True  # has a tile in the mosaic (shared by the takes of one camera: same label)
    audio: bool = False  # its sound is in the output
    take: str = ""  # the take's file name, shown small under the camera's name ("" = none)
    rate: float = 1.0  # output seconds per clip second: 1 + drift_ppm 1e-6 (the clip's time map)

    @property
    def span(self) -> float:
        """Output seconds from the clip's time zero to its end."""
        return self.duration * self.rate


@dataclass(frozen=True)
class Plan:
    """Everything the graph needs, resolved to plain values."""

    sources: tuple[Source, ...]
    mosaic: Mosaic
    fps: Fraction
    start: float  # timeline time of the output's first frame
    duration: float
    vcodec: str
    acodec: str
    crf: int | None
    preset: str | None
    audio_bitrate: str
    font: str | None = None  # None: no text at all
    labels: bool = True
    clock: bool = False
    faststart: bool = True  # mp4/mov: index at the front, so players start before the download ends

    @property
    def frames(self) -> int:
        return max(1, round(self.duration * self.fps))

    @property
    def samples(self) -> int:
        return max(1, round(self.duration * config.RENDER_AUDIO_RATE))


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


# --- the graph (pure) ----------------------------------------------------------------------------------

def _num(value: float) -> str:
    """A number for a filter expression: fixed-point, no exponent, no '+-'."""
    return f"{value:.9f}".rstrip("0").rstrip(".") if value else "0"


def stretch_rates(rate: float, least: int) -> tuple[int, int]:
    """Integer sample rates (A, B), B >= ``least``, with A / B = ``rate`` to ~1e-10: sound resampled
    to A Hz and then labelled B Hz plays ``rate`` times longer, pitch following the clock as it should."""
    f = Fraction(rate).limit_denominator(config.RENDER_STRETCH_DENOMINATOR)
    k = max(1, -(-least // f.denominator))
    return f.numerator * k, f.denominator * k


def input_window(src: Source, duration: float) -> tuple[float, float] | None:
    """(-ss, -t) for a clip's input: its part that shows in an output of ``duration`` seconds, with
    config.RENDER_SEEK_MARGIN either side, in the container's seconds from its start. None when no
    part of the clip falls in the window."""
    first = max(0.0, -src.shift) / src.rate
    last = min(src.duration, (duration - src.shift) / src.rate)
    if last <= first:
        return None
    margin = config.RENDER_SEEK_MARGIN
    ss = max(0.0, src.origin + first - margin - src.container_start)
    return ss, src.origin + last + margin - src.container_start - ss


def label(stream, text: str, font: str, tile_height: int):  # type: ignore[no-untyped-def]
    """Draw a camera's name at a tile's top left, any characters (quotes, colons, %, unicode) as
    they are: ffmpeg-python escapes the text for drawtext's expansion, the option parser and the
    filter-graph parser, in that order."""
    size = max(10, tile_height // 14)
    return stream.drawtext(text=_printable(text), fontfile=font, fontsize=size,
                           fontcolor="white", box=1, boxcolor="black@0.55",
                           boxborderw=max(2, size // 4), x=size // 2, y=size // 2)


def take_label(stream, text: str, font: str, tile_height: int,  # type: ignore[no-untyped-def]
               enable: str | None = None):
    """The take's file name, small, under the camera's name (see :func:`label`)."""
    size = max(10, tile_height // 14)
    small = max(8, size * 2 // 3)
    extra = {"enable": enable} if enable else {}
    return stream.drawtext(text=_printable(text), fontfile=font, fontsize=small,
                           fontcolor="white", box=1, boxcolor="black@0.55",
                           boxborderw=max(2, small // 4), x=size // 2,
                           y=size // 2 + size + max(2, size // 4) * 2, **extra)


def _card(stream, text: str, plan: Plan, enable: str | None):  # type: ignore[no-untyped-def]
    size = max(10, plan.mosaic.tile_size[1] // 12)
    extra = {"enable": enable} if enable else {}
    return stream.drawtext(text=text, fontfile=plan.font, fontsize=size, fontcolor="gray",
                           x="(w-text_w)/2", y="(h-text_h)/2", **extra)


def _printable(text: str) -> str:
    """Control characters (a newline in a file name) would break the label's line: make them spaces."""
    return "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)


def _tile(src: Source, inp, plan: Plan, window: tuple[float, float] | None,  # type: ignore[no-untyped-def]
          decorate: bool = True):
    """One tile's stream: the clip on the output clock, letterboxed, black outside its time.
    ``decorate``: with its "no signal" card and labels (a camera's tile adds its own instead)."""
    tw, th = plan.mosaic.tile_size
    fps = plan.fps
    if inp is None or window is None or src.video_stream is None:
        note = NOT_PLACED if src.path is None else NO_SIGNAL
        v = ffmpeg_python.input(f"color=c=black:s={tw}x{th}:r={fps}", f="lavfi")
        if plan.font:
            v = _card(v, note, plan, None)
        return label(v, src.label, plan.font, th) if plan.font and plan.labels else v
    ss, _ = window
    if src.shift >= 0:  # starts inside the window: whole black frames first, the rest by setpts
        black = round(src.shift * fps)
        within = src.shift - black / float(fps)
    else:
        black, within = 0, src.shift
    # filter time = container time - container start - ss; output time = clip time * rate + shift
    c0 = src.container_start + ss - src.origin
    v = inp[str(src.video_stream)]
    if src.rate == 1.0:
        v = v.filter("setpts", f"PTS+({_num(c0 + within)})/TB")
    else:  # a drifting clock: stretch the clip's own time by its rate
        v = v.filter("setpts", f"PTS*{src.rate!r}+({_num(c0 * src.rate + within)})/TB")
    v = v.filter("fps", fps=str(fps), start_time=0)
    v = v.filter("scale", w=f"2*trunc(min({tw},{th}*dar)/2+1e-6)",
                 h=f"2*trunc(min({th},{tw}/dar)/2+1e-6)")
    v = v.filter("setsar", "1")
    v = v.filter("pad", tw, th, "(ow-iw)/2", "(oh-ih)/2", color="black")
    v = v.filter("tpad", start=black, stop=-1, color="black")
    if plan.font and decorate:
        on = black / float(fps)
        off = src.shift + src.span
        v = _card(v, NO_SIGNAL, plan, f"lt(t,{_num(on)})+gte(t,{_num(off)})")
        if plan.labels:
            v = label(v, src.label, plan.font, th)
            if src.take:
                v = take_label(v, src.take, plan.font, th)
    return v


def _shown(src: Source, plan: Plan) -> tuple[float, float]:
    """Output times from the first frame showing the clip to its end (see :func:`_tile`)."""
    on = round(src.shift * plan.fps) / float(plan.fps) if src.shift >= 0 else 0.0
    return on, src.shift + src.span


def _camera_tile(takes: list[tuple[Source, Any, tuple[float, float] | None]],  # type: ignore[no-untyped-def]
                 plan: Plan):
    """A camera's tile: each take over a black "no signal" tile while it runs (takes of one camera
    never overlap), under the camera's name and the running take's file name."""
    tw, th = plan.mosaic.tile_size
    v = ffmpeg_python.input(f"color=c=black:s={tw}x{th}:r={plan.fps}", f="lavfi")
    if plan.font:
        v = _card(v, NO_SIGNAL, plan, None)
    running = []
    for src, inp, window in takes:
        if inp is None or window is None or src.video_stream is None:
            continue
        on, off = _shown(src, plan)
        when = f"gte(t,{_num(on)})*lt(t,{_num(off)})"
        v = ffmpeg_python.overlay(v, _tile(src, inp, plan, window, decorate=False), x=0, y=0,
                                  enable=when, eof_action="pass")
        running.append((src, when))
    if plan.font and plan.labels:
        v = label(v, takes[0][0].label, plan.font, th)
        for src, when in running:
            if src.take:
                v = take_label(v, src.take, plan.font, th, enable=when)
    return v


def _sound(src: Source, inp, plan: Plan, window: tuple[float, float]):  # type: ignore[no-untyped-def]
    """One clip's sound on the output clock, to the sample, exactly the output's length."""
    ss, _ = window
    rate = config.RENDER_AUDIO_RATE
    # the first decoded sample (after ffmpeg's own cut at ss) at container time max(audio_start, ss)
    first = max(src.audio_start - src.container_start - ss, 0.0)
    first_out = (first + src.container_start + ss - src.origin) * src.rate + src.shift
    a = inp[str(src.audio_stream)]
    a = a.filter("asetpts", "PTS-STARTPTS")
    if src.rate != 1.0:  # a drifting clock: resample exactly (A Hz read as B Hz lasts A/B longer)
        up, down = stretch_rates(src.rate, rate)
        a = a.filter("aresample", up).filter("asetrate", down)
    a = a.filter("aresample", rate)
    a = a.filter("aformat", sample_rates=rate, channel_layouts="stereo")
    lead = round(first_out * rate)
    if lead < 0:
        a = a.filter("atrim", start_sample=-lead)
    elif lead > 0:
        a = a.filter("adelay", delays=f"{lead}S", all=1)
    return a.filter("apad", whole_len=plan.samples).filter("atrim", end_sample=plan.samples)


def build_args(plan: Plan, output: str, *, cmd: str = "ffmpeg") -> list[str]:
    """The ffmpeg command that renders ``plan`` into ``output`` (overwritten). Pure.

    One process, one filter graph; progress as ``key=value`` blocks on stdout (``-progress pipe:1``).
    """
    inputs = {}
    windows = {}
    for i, src in enumerate(plan.sources):
        if src.path is None:
            continue
        window = input_window(src, plan.duration)
        if window is None:
            continue
        ss, t = window
        windows[i] = window
        opts = {"t": _num(t)}
        if ss > 0:
            opts["ss"] = _num(ss)
        inputs[i] = ffmpeg_python.input(src.path, **opts)

    cameras: dict[str, list[int]] = {}  # tiles in order, each with its camera's takes
    for i, src in enumerate(plan.sources):
        if src.tile:
            cameras.setdefault(src.label, []).append(i)
    tiles = [_tile(plan.sources[ks[0]], inputs.get(ks[0]), plan, windows.get(ks[0]))
             if len(ks) == 1 else
             _camera_tile([(plan.sources[k], inputs.get(k), windows.get(k)) for k in ks], plan)
             for ks in cameras.values()]
    m = plan.mosaic
    x0, y0 = min(t.x for t in m.tiles), min(t.y for t in m.tiles)
    if len(tiles) == 1:
        video, grid = tiles[0], m.tile_size
    else:  # xstack's frame is the tiles' bounding box; the grid is centred in the output below
        layout = "|".join(f"{t.x - x0}_{t.y - y0}" for t in m.tiles)
        video = ffmpeg_python.filter(tiles, "xstack", inputs=len(tiles), layout=layout, fill="black")
        grid = (max(t.x - x0 + t.w for t in m.tiles), max(t.y - y0 + t.h for t in m.tiles))
    if grid != (m.width, m.height):
        video = video.filter("pad", m.width, m.height, x0, y0, color="black")
    video = video.filter("trim", end_frame=plan.frames)
    if plan.clock and plan.font:
        size = max(12, m.height // 18)
        video = video.drawtext(text=f"%{{pts:hms:{_num(plan.start)}}}", escape_text=False,
                               fontfile=plan.font, fontsize=size, fontcolor="white", box=1,
                               boxcolor="black@0.6", boxborderw=max(2, size // 4),
                               x="(w-text_w)/2", y=f"h-text_h-{size // 2}")

    sounds = [_sound(src, inputs[i], plan, windows[i]) for i, src in enumerate(plan.sources)
              if src.audio and i in inputs and src.audio_stream is not None]
    streams = [video]
    if len(sounds) == 1:
        streams.append(sounds[0])
    elif sounds:
        streams.append(ffmpeg_python.filter(sounds, "amix", inputs=len(sounds), duration="longest"))

    opts: dict[str, object] = {"c:v": plan.vcodec, "pix_fmt": "yuv420p"}
    if plan.crf is not None:
        opts["crf"] = plan.crf
        if plan.vcodec == "libvpx-vp9":
            opts["b:v"] = 0  # constant quality, VP9's way
    if plan.preset:
        opts["preset"] = plan.preset
    if sounds:
        opts.update({"c:a": plan.acodec, "b:a": plan.audio_bitrate})
    if plan.faststart:
        opts["movflags"] = "+faststart"
    return (ffmpeg_python.output(*streams, output, **opts)
            .global_args("-nostdin", "-hide_banner", "-v", "error", "-nostats", "-progress", "pipe:1")
            .compile(cmd=cmd, overwrite_output=True))


# --- from a manifest to a plan (reads the disk) ------------------------------------------------------

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
    """Probe a manifest's clip and check it is the file that was aligned (same size and duration).

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
    size = os.path.getsize(where)
    if size != entry.size:
        raise ManifestError(f"{where}: changed since 'syncam align' ({entry.size} bytes then, {size} "
                            "now); re-run 'syncam align' on the current files")
    try:
        clip = probe(where)
    except MediaError as exc:
        raise ManifestError(f"{exc}; it changed since 'syncam align' ran") from None
    if abs(clip.duration - entry.duration) > config.RENDER_DURATION_TOLERANCE:
        raise ManifestError(f"{where}: changed since 'syncam align' (duration {entry.duration:.3f} s "
                            f"then, {clip.duration:.3f} s now); re-run 'syncam align'")
    return clip


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
                raise UsageError(f"--audio {spec}: that clip is not placed on the timeline; choose "
                                 "a placed one, 'mix' or 'none'")
            if not clips[i].audio:
                raise UsageError(f"--audio {spec}: that clip has no sound; choose another, 'mix' or "
                                 "'none'")
            return [i]
    names = ", ".join(e.name for e in entries)
    raise UsageError(f"--audio {spec}: no such clip in the manifest; give reference, mix, none or "
                     f"one of: {names}")


def _codecs(output: str, options: RenderOptions) -> tuple[str, str]:
    ext = os.path.splitext(output)[1].lower()
    known = config.RENDER_CODECS.get(ext)
    if known is None and not (options.vcodec and options.acodec):
        raise UsageError(f"{output}: unknown video container {ext or '(no extension)'!r}; name the "
                         f"output {', '.join(config.RENDER_CODECS)} (or give --vcodec and --acodec)")
    vcodec, acodec = known or (options.vcodec, options.acodec)
    return options.vcodec or vcodec, options.acodec or acodec


def plan(m: Manifest, output: str, options: RenderOptions = RenderOptions(), *,
         manifest_path: str | None = None) -> tuple[Plan, list[str]]:
    """Resolve a manifest and options into a Plan (probing the clips); also return warnings."""
    if options.layout not in LAYOUTS:
        raise UsageError(f"unknown layout {options.layout!r}; choose one of {', '.join(LAYOUTS)}")
    vcodec, acodec = _codecs(output, options)
    warnings: list[str] = []
    entries = list(m.clips)
    clips = {i: locate(e, manifest_path) for i, e in enumerate(entries)
             if e.placed and e.offset is not None}
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

    start = options.start if options.start is not None else min(
        entries[i].offset for i in clips)  # type: ignore[type-var]
    end = options.end if options.end is not None else max(
        entries[i].offset + clips[i].duration * _rate(entries[i]) for i in clips)  # type: ignore[operator]
    if end <= start:
        raise UsageError(f"--end ({end:.3f} s) must come after --start ({start:.3f} s) on the "
                         "timeline")

    ref = clips.get(m.reference)
    fps = options.fps or (ref.fps if ref is not None and ref.fps else None) or max(
        (c.fps for c in clips.values() if c.fps), default=None) or Fraction(config.RENDER_FPS)
    if fps <= 0:
        raise UsageError(f"--fps must be positive (got {fps})")
    aspects = [a for a in ([_display_aspect(ref)] if ref else []) +
               [_display_aspect(c) for c in clips.values()] if a]
    audio = set(_pick_audio(options.audio, entries, clips, m.reference, warnings))

    takes: dict[str, int] = {}
    for i, e in enumerate(entries):
        if i in clips and clips[i].video:
            takes[e.camera] = takes.get(e.camera, 0) + 1
    sources = []
    for i, e in enumerate(entries):
        c = clips.get(i)
        if c is None:
            if options.show_unplaced:
                sources.append(Source(label=e.camera, path=None))
            continue
        if not c.video and i not in audio:
            warnings.append(f"{e.name} has no picture and its sound is not used: left out")
            continue
        sources.append(Source(
            label=e.camera, path=c.path, shift=e.offset - start,  # type: ignore[operator]
            duration=c.duration, origin=c.origin, container_start=c.start,
            video_stream=c.video[0].index if c.video else None,
            audio_stream=c.audio[0].index if c.audio else None,
            audio_start=c.audio[0].start if c.audio else 0.0,
            tile=bool(c.video), audio=i in audio, rate=_rate(e),
            # the file name under the camera's name when the camera is more than this one file
            take=e.name if takes.get(e.camera, 0) > 1 or os.path.splitext(e.name)[0] != e.camera
            else ""))
    n_tiles = len({s.label for s in sources if s.tile})
    geometry = mosaic(n_tiles, options.layout, width=options.width, height=options.height,
                      cols=options.cols, rows=options.rows, tile_aspect=aspects[0] if aspects else 16 / 9)
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
                clock=options.clock, faststart=ext in (".mp4", ".m4v", ".mov")), warnings


def render(source: str | Manifest, output: str, options: RenderOptions = RenderOptions(), *,
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
    the_plan, warnings = plan(m, target, options, manifest_path=manifest_path)
    used = tuple(s.path for s in the_plan.sources if s.path)
    total = the_plan.frames

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
