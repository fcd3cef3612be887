"""The mosaic by camera: one tile per camera, switching between its takes at their places, black
"no signal" in the gaps (frame-coded clips read back from the output's pixels)."""

from __future__ import annotations

import os

import pytest

from syncam import manifest
from syncam.media.probe import probe
from syncam.render.mosaic import RenderOptions, render
from syncam.types import Method, Placement, Solution
from tests import mediagen
from tests.render.test_sync import decode_frames, shown

pytestmark = pytest.mark.slow

# name, camera, offset, seconds, fps, codecs
CLIPS = [
    ("wide.mp4", "wide", 0.0, 10.0, "25", mediagen.H264_AAC),
    ("B take 1.mp4", "B", 1.0, 3.0, "25", mediagen.H264_AAC),
    ("B take 2.mov", "B", 5.5, 3.0, "30000/1001", mediagen.MOV_H264_PCM),
]
FPS = 25


@pytest.fixture(scope="session")
def takes_mosaic(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, tuple[str, ...]]:
    folder = str(tmp_path_factory.mktemp("camera tiles"))
    paths = [mediagen.frame_coded_clip(os.path.join(folder, name), fps=fps, seconds=sec,
                                       size=(160, 120), clip_id=i, **codecs)
             for i, (name, _, _, sec, fps, codecs) in enumerate(CLIPS)]
    placements = tuple(Placement(off, confidence=1.0, method=Method.AUDIO)
                       for _, _, off, _, _, _ in CLIPS)
    m = manifest.build([probe(p) for p in paths], Solution(0, placements, ()), reasons={},
                       settings={}, cameras=[c[1] for c in CLIPS])
    out = os.path.join(folder, "by camera.mp4")
    result = render(m, out, RenderOptions(width=640, height=240, labels=False, preset="ultrafast"))
    return out, result.tiles


def test_one_tile_per_camera(takes_mosaic: tuple[str, tuple[str, ...]]) -> None:
    assert takes_mosaic[1] == ("wide", "B")


def test_labels_name_the_camera_and_the_running_take(takes_mosaic: tuple[str, tuple[str, ...]],
                                                     tmp_path) -> None:
    """With labels the tile's top left carries text only while there is a take to name under the
    camera: the file-name line is drawn during a take and not in a gap."""
    folder = os.path.dirname(takes_mosaic[0])
    m = manifest.build([probe(os.path.join(folder, c[0])) for c in CLIPS],
                       Solution(0, tuple(Placement(c[2], confidence=1.0) for c in CLIPS), ()),
                       reasons={}, settings={}, cameras=[c[1] for c in CLIPS])
    out = str(tmp_path / "labels.mp4")
    render(m, out, RenderOptions(width=640, height=240, preset="ultrafast"))
    labelled = decode_frames(out, [50, 115], 640, 240)
    plain = decode_frames(takes_mosaic[0], [50, 115], 640, 240)
    size = 240 // 14  # label() and take_label()'s font size for a 240-pixel tile
    rows = slice(size // 2 + size + 4, size // 2 + 2 * size + 4)  # the line under the camera's name
    cols = slice(320 + size // 2, 320 + 5 * size)

    def drawn(k: int) -> float:
        return float(abs(labelled[k][rows, cols].astype(int) - plain[k][rows, cols]).mean())

    assert drawn(50) > 40  # 2.0 s: "B take 1.mp4" under "B"
    assert drawn(115) < 5  # 4.6 s: a gap, no take to name


@pytest.mark.parametrize("t, want", [
    (0.5, None),  # before B's first take: no signal
    (2.0, (1, 25)),  # take 1, 1 s in at 25 fps
    (3.96, (1, 74)),  # its last frame
    (4.6, None),  # the gap between the takes
    (6.0, (2, 15)),  # take 2, 0.5 s in at 29.97 fps: frame 14.985 -> 14 or 15
    (8.8, None),  # after take 2 ended
])
def test_the_camera_tile_shows_the_take_running(takes_mosaic: tuple[str, tuple[str, ...]],
                                                t: float, want: tuple[int, int] | None) -> None:
    k = round(t * FPS)
    frame = decode_frames(takes_mosaic[0], [k], 640, 240)[k]
    b = shown(frame[:, 320:])
    if want is None:
        assert b is None
    else:
        assert b is not None and b[0] == want[0] and abs(b[1] - want[1]) <= 1, (t, b)
    assert shown(frame[:, :320]) == (0, k)  # the wide camera, frame for frame
