"""The contact sheet's frame grabbing on real encoded media: a frame found past a variable frame rate's
gap, and several clips decoded by one ffmpeg."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from syncam import config
from syncam.media import ffmpeg
from syncam.media.probe import probe
from syncam.report import build, sheet
from tests import mediagen as g

pytestmark = pytest.mark.slow

SIZE = (160, 120)


def _code(frame: np.ndarray | None, cell: tuple[int, int]) -> int:
    assert frame is not None
    x, y, w, h = sheet.fit(SIZE, cell)
    return g.read_code(frame[y: y + h, x: x + w])


def test_a_frame_past_a_gap_longer_than_the_lookback_is_found(tmp_path) -> None:
    """25 fps with frames 40-47 dropped (a 0.36 s gap, three frame intervals are 0.12 s): at 1.75 s the
    frame on screen is frame 39, found by looking again over REPORT_FRAME_LOOKBACK; at 0.5 s, frame 12
    as ever. Beside it, a second clip in the same ffmpeg keeps its own frames."""
    whole = g.frame_coded_clip(str(tmp_path / "whole.mp4"), fps="25", seconds=4.0, size=SIZE,
                               clip_id=1)
    gapped = str(tmp_path / "gapped.mp4")
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-v", "error", "-i", whole, "-vf",
                    "select='not(between(n,40,47))'", "-fps_mode", "passthrough", "-c:v", "libx264",
                    "-preset", "ultrafast", "-crf", "10", "-an", gapped], check=True)
    other = g.frame_coded_clip(str(tmp_path / "other.mp4"), fps="30", seconds=4.0, size=SIZE,
                               clip_id=2)
    clips = [probe(gapped), probe(other)]
    assert build._lookback(clips[0]) < 0.36 < config.REPORT_FRAME_LOOKBACK
    cell = config.REPORT_CELL
    times = [1.75, 0.5]
    entry = {"offset": 0.0, "drift_ppm": None}
    grabs = {i: build._grabs(c, entry, times, cell, build._lookback(c)) for i, c in enumerate(clips)}
    assert build._batches([0, 1], clips, grabs) == [[0, 1]]  # small clips: one ffmpeg
    got = build._frames([0, 1], clips, grabs, len(times), cell)
    assert [_code(f, cell) for f in got[0]] == [1 << g.FRAME_BITS | 39, 1 << g.FRAME_BITS | 12]
    assert [_code(f, cell) for f in got[1]] == [2 << g.FRAME_BITS | 52, 2 << g.FRAME_BITS | 15]
