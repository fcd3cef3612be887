"""The mosaic's ffmpeg command, built from a :class:`Plan` of plain values. Pure: no disk, no process.

How a tile keeps time (see types.py for the offset sign): a clip frame at container time ``c`` shows at
output time ``c - origin + shift``, where ``shift = offset - window start``. ``setpts`` puts every frame
there exactly, ``fps`` resamples each tile to the output rate from those timestamps (the frame on
screen at each output tick, to within half a frame), ``tpad`` puts the black frames before the clip's
first and after its last frame, and ``xstack`` composes tiles that are all on the same frame grid. Sound
is trimmed or delayed to the sample, padded with silence to the window's length, and mixed if asked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import ffmpeg as ffmpeg_python

from syncam import config
from syncam.render.layout import Mosaic

# The quiet card on a tile without picture
NO_SIGNAL, NOT_PLACED = "no signal", "not placed"


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
    # the wall-clock time (POSIX seconds) at timeline 0, from burned-in clocks (manifest wall_clock):
    # the clock then shows the date and time of day with milliseconds; None: timeline time
    wall_zero: float | None = None
    faststart: bool = True  # mp4/mov: index at the front, so players start before the download ends

    @property
    def frames(self) -> int:
        return max(1, round(self.duration * self.fps))

    @property
    def samples(self) -> int:
        return max(1, round(self.duration * config.RENDER_AUDIO_RATE))



def _num(value: float) -> str:
    """A number for a filter expression: fixed-point, no exponent, no '+-'."""
    return f"{value:.9f}".rstrip("0").rstrip(".") if value else "0"


def stretch_rates(rate: float, least: int) -> tuple[int, int]:
    """Integer sample rates (A, B), B >= ``least``, with A / B = ``rate`` to ~1e-10: sound resampled
    to A Hz and then labelled B Hz plays ``rate`` times longer, pitch following the clock as it
    should."""
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


def _blanks(count: int, plan: Plan) -> list:  # type: ignore[type-arg]
    """``count`` black streams of one tile's size for the tiles without picture.

    One lavfi source split ``count`` ways: ffmpeg-python merges identical nodes, so separate but equal
    sources would become one node with several outgoing edges, which ffmpeg-python refuses.
    """
    if count == 0:
        return []
    tw, th = plan.mosaic.tile_size
    black = ffmpeg_python.input(f"color=c=black:s={tw}x{th}:r={plan.fps}", f="lavfi")
    if count == 1:
        return [black]
    split = black.filter_multi_output("split", count)
    return [split.stream(k) for k in range(count)]


def _has_picture(src: Source, inp, window: tuple[float, float] | None) -> bool:  # type: ignore[no-untyped-def]
    """Whether a tile shows some of its clip's picture in the output's window."""
    return inp is not None and window is not None and src.video_stream is not None


def _tile(src: Source, inp, plan: Plan, window: tuple[float, float] | None,  # type: ignore[no-untyped-def]
          blank=None, decorate: bool = True):
    """One tile's stream: the clip on the output clock, letterboxed, black outside its time.
    ``blank`` is the black stream a tile without picture in the window is drawn on. ``decorate``:
    with its "no signal" card and labels (a camera's tile adds its own instead)."""
    tw, th = plan.mosaic.tile_size
    fps = plan.fps
    if inp is None or window is None or src.video_stream is None:  # as _has_picture
        note = NOT_PLACED if src.path is None else NO_SIGNAL
        v = blank
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
                 plan: Plan, blank):
    """A camera's tile: each take over a black "no signal" tile (``blank``) while it runs (takes of
    one camera never overlap), under the camera's name and the running take's file name."""
    th = plan.mosaic.tile_size[1]
    v = blank
    if plan.font:
        v = _card(v, NO_SIGNAL, plan, None)
    running = []
    for src, inp, window in takes:
        if not _has_picture(src, inp, window):
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
        # atrim keeps the timestamps: restart them, or the sound would start ``-lead`` samples late
        a = a.filter("atrim", start_sample=-lead).filter("asetpts", "PTS-STARTPTS")
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
        seek = {"t": _num(t)}
        if ss > 0:
            seek["ss"] = _num(ss)
        inputs[i] = ffmpeg_python.input(src.path, **seek)

    cameras: dict[str, list[int]] = {}  # tiles in order, each with its camera's takes
    for i, src in enumerate(plan.sources):
        if src.tile:
            cameras.setdefault(src.label, []).append(i)
    groups = list(cameras.values())
    # a black stream for each camera of several takes, and each single clip without picture
    drawn_on = [g for g, ks in enumerate(groups) if len(ks) > 1 or not _has_picture(
        plan.sources[ks[0]], inputs.get(ks[0]), windows.get(ks[0]))]
    blanks = dict(zip(drawn_on, _blanks(len(drawn_on), plan)))
    tiles = [_tile(plan.sources[ks[0]], inputs.get(ks[0]), plan, windows.get(ks[0]), blanks.get(g))
             if len(ks) == 1 else
             _camera_tile([(plan.sources[k], inputs.get(k), windows.get(k)) for k in ks], plan,
                          blanks[g])
             for g, ks in enumerate(groups)]
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
        text = f"%{{pts:hms:{_num(plan.start)}}}"
        if plan.wall_zero is not None:  # date and time of day (colons between expansions), ms
            base = plan.wall_zero + plan.start
            frac = base - math.floor(base)
            text = (f"%{{pts:gmtime:{_num(base)}:%Y-%m-%d %H}}:%{{pts:gmtime:{_num(base)}:%M}}:"
                    f"%{{pts:gmtime:{_num(base)}:%S}}.%{{eif:mod(floor((t+{_num(frac)})*1000)"
                    ",1000):d:3}")
        video = video.drawtext(text=text, escape_text=False,
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

