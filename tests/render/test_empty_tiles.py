"""Tiles without picture in the window: several of them at once, and a window no clip reaches.

ffmpeg-python merges equal nodes, so two equal "no signal" tiles once became one node with two outgoing
edges and a traceback; these renders would have failed before the blank tiles were split from one source.
"""

from __future__ import annotations

import os

import pytest

from syncam.media import ffmpeg
from syncam.render.mosaic import RenderOptions, render
from tests.render.conftest import CAMS, Event
from tests.render.test_sync import _pcm, content, decode_frames, onsets, shown

pytestmark = pytest.mark.slow
W, H = 640, 360  # 2x2 grid of 320x180 tiles, as in test_sync


def test_two_tiles_without_picture_in_the_window(event: Event, tmp_path) -> None:
    # 8.4 .. 9.4 s: only cam A (0 .. 10 s) has footage; B ends at 8.3 s, C at 6.48 s
    out = os.path.join(tmp_path, "late.mp4")
    result = render(event.manifest_path, out, RenderOptions(width=W, height=H, start=8.4, end=9.4,
                                                            labels=False, preset="ultrafast"))
    assert result.frames == 25 and result.tiles == ("cam A", "B's 100%: take", "-cämera C")
    frames = decode_frames(out, [0, 12, 24], W, H)
    for k, frame in frames.items():
        clip_id, number = shown(content(frame, 0, CAMS[0]))  # type: ignore[misc]
        assert clip_id == 0 and abs(number - round((8.4 + k / 25) * 25)) <= 1
        assert shown(content(frame, 1, CAMS[1])) is None and shown(content(frame, 2, CAMS[2])) is None
    # the sound keeps time too when the window starts inside the clip: A's beep at 8.8 s plays at 0.4 s
    pcm = _pcm(out)
    beep = onsets(pcm, 0.0, 1.0, 0.5)
    assert len(beep) == 1 and abs(beep[0] - (CAMS[0].beep_at - 8.4)) < 0.010, beep


def test_show_unplaced_with_two_empty_tiles(event: Event, tmp_path) -> None:
    # 7 .. 8 s: C has ended (empty "no signal" tile) and D is unplaced (empty "not placed" tile)
    out = os.path.join(tmp_path, "two empty.mp4")
    result = render(event.manifest_path, out, RenderOptions(width=W, height=H, start=7.0, end=8.0,
                                                            show_unplaced=True, preset="ultrafast"))
    assert len(result.tiles) == 4
    for stream in ffmpeg.probe_json(out)["streams"]:  # sound and picture both span the window
        assert abs(float(stream["start_time"])) < 0.03 and abs(float(stream["duration"]) - 1.0) < 0.05


def test_window_that_no_clip_reaches_renders_empty_tiles_and_warns(event: Event, tmp_path) -> None:
    out = os.path.join(tmp_path, "nothing.mp4")
    result = render(event.manifest_path, out, RenderOptions(width=W, height=H, start=500, end=502,
                                                            labels=False, preset="ultrafast"))
    assert any("no clip has footage" in w for w in result.warnings)
    info = ffmpeg.probe_json(out)
    assert abs(float(info["format"]["duration"]) - 2.0) < 0.05
    frame = decode_frames(out, [25], W, H)[25]
    assert all(shown(content(frame, i, cam)) is None for i, cam in enumerate(CAMS))
