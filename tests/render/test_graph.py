"""The render graph builder is pure: a Plan in, an argument list out. No ffmpeg runs here."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

import pytest

from syncam import config
from syncam.render.graph import Plan, Source, build_args, input_window
from syncam.render.layout import mosaic


def _plan(*sources: Source, **kw: object) -> Plan:
    base = dict(sources=sources, mosaic=mosaic(sum(s.tile for s in sources) or 1),
                fps=Fraction(25), start=-1.0, duration=10.0, vcodec="libx264", acodec="aac",
                crf=20, preset="veryfast", audio_bitrate="160k", font="/fonts/Sans.ttf")
    base.update(kw)
    return Plan(**base)  # type: ignore[arg-type]


A = Source(label="A", path="/m/a.mp4", shift=1.0, duration=8.0, video_stream=0, audio_stream=1,
           audio=True)
B = Source(label="B", path="/m/-b: c.mov", shift=-3.0, duration=20.0, origin=0.5,
           container_start=0.25, video_stream=1, audio_stream=0, audio_start=0.25)


def _graph(args: list[str]) -> str:
    return args[args.index("-filter_complex") + 1]


def _inputs(args: list[str]) -> list[str]:
    return [args[i + 1] for i, a in enumerate(args) if a == "-i"]


def test_input_window_seeks_and_limits_with_margin() -> None:
    assert input_window(A, 10.0) == (0.0, pytest.approx(8.0 + config.RENDER_SEEK_MARGIN))
    # B: its first 3 s are before the window, it runs 7 s past its end; container time = clip + 0.5
    ss, t = input_window(B, 10.0)
    assert ss == pytest.approx(0.5 + 3.0 - config.RENDER_SEEK_MARGIN - 0.25)
    assert ss + t == pytest.approx(0.5 + 13.0 + config.RENDER_SEEK_MARGIN - 0.25)
    assert input_window(replace(A, shift=10.5), 10.0) is None  # starts after the window
    assert input_window(replace(A, shift=-9.0), 10.0) is None  # ended before it


def test_one_process_one_graph_every_clip_once() -> None:
    args = build_args(_plan(A, B), "/out/x.mp4", cmd="ffmpeg")
    assert args[0] == "ffmpeg" and args.count("-filter_complex") == 1
    assert _inputs(args) == ["/m/a.mp4", "/m/-b: c.mov"]
    assert args[args.index("-progress") + 1] == "pipe:1"
    assert "/out/x.mp4" in args and "-y" in args


def test_tiles_are_put_on_the_output_clock() -> None:
    g = _graph(build_args(_plan(A, B), "/o.mp4"))
    # A starts 1 s into the window: 25 black frames, its frames at container time exactly
    assert "[0:0]setpts=PTS+(0)/TB" in g and "tpad=color=black:start=25:stop=-1" in g
    # B started 3 s before: seek, then container time c shows at c - origin + shift
    ss = 0.5 + 3.0 - config.RENDER_SEEK_MARGIN - 0.25
    k = 0.25 + ss - 0.5 - 3.0
    assert f"[1:1]setpts=PTS+({k:g})/TB" in g
    assert "tpad=color=black:start=0:stop=-1" in g
    assert g.count("fps=fps=25:start_time=0") == 2
    assert "xstack=fill=black:inputs=2:layout=0_0|640_0" in g
    assert "trim=end_frame=250" in g


def test_fractional_start_is_split_into_whole_frames_and_a_sub_frame_shift() -> None:
    g = _graph(build_args(_plan(replace(A, shift=1.03)), "/o.mp4"))
    black = round(1.03 * 25)
    assert f"start={black}:" in g
    assert f"setpts=PTS+({1.03 - black / 25:.9f}".rstrip("0") in g


def test_sound_is_delayed_or_cut_to_the_sample_and_padded_to_the_window() -> None:
    rate = config.RENDER_AUDIO_RATE
    g = _graph(build_args(_plan(A, replace(B, audio=True)), "/o.mp4"))
    assert f"adelay=all=1:delays={rate}S" in g  # A's first sample at output time 1.0
    # B's sound starts at output time -3 s; after the seek (to 1.75 s container) 1 s is left to cut
    assert f"atrim=start_sample={rate}" in g
    assert g.count(f"apad=whole_len={10 * rate}") == 2
    assert "amix=duration=longest:inputs=2" in g


def test_audio_modes_map_one_or_no_sound() -> None:
    args = build_args(_plan(A, B), "/o.mp4")
    assert args.count("-map") == 2 and "amix" not in _graph(args)
    args = build_args(_plan(replace(A, audio=False), B), "/o.mp4")
    assert args.count("-map") == 1 and "-c:a" not in args


def test_labels_clock_and_cards() -> None:
    g = _graph(build_args(_plan(A, replace(B, label="B's 100%: x"), clock=True), "/o.mp4"))
    assert g.count("text=no signal") == 2
    assert "enable=lt(t\\,1)+gte(t\\,9)" in g  # A: black before 1 s and from 9 s
    # the label is escaped for drawtext, the option parser and the graph parser in turn
    assert "text=B\\\\\\\\\\\\\\'s 100\\\\\\\\%\\\\: x" in g
    assert "pts\\\\:hms\\\\:-1}" in g  # the clock shows timeline time: output time + start
    g = _graph(build_args(_plan(A, B, labels=False, font=None, clock=True), "/o.mp4"))
    assert "drawtext" not in g


def test_unplaced_tile_is_a_card_without_input() -> None:
    args = build_args(_plan(A, Source(label="lost", path=None)), "/o.mp4")
    assert _inputs(args)[1].startswith("color=c=black:s=640x360:r=25")
    assert "text=not placed" in _graph(args)


def test_output_frame_is_padded_to_the_size_asked_for() -> None:
    plan = _plan(A, B, replace(A, label="C", path="/m/c.mp4"),
                 mosaic=mosaic(3, "hstack", width=1001, height=401))
    g = _graph(build_args(plan, "/o.mp4"))
    assert "xstack=fill=black:inputs=3:layout=0_0|332_0|664_0" in g
    assert "pad=1000:400:2:0:color=black" in g  # 3 x 332 px tiles centred in 1000


def test_codecs_follow_the_plan() -> None:
    args = build_args(_plan(A, vcodec="libvpx-vp9", acodec="libopus", crf=32, preset=None,
                            faststart=False), "/o.webm")
    assert args[args.index("-c:v") + 1] == "libvpx-vp9" and args[args.index("-b:v") + 1] == "0"
    assert "-preset" not in args and "-movflags" not in args
    assert re.search(r"-c:a libopus", " ".join(args))
