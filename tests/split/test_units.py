"""The pure parts of syncam split, on arrays built here; the ffmpeg argument lists; the extra."""

from __future__ import annotations

import importlib.metadata
import sys
from fractions import Fraction

import cv2
import numpy as np
import pytest

from syncam import config
from syncam.errors import SyncamError
from syncam.media import ffmpeg
from syncam.split import bars, cuts, group, kinds, sound
from syncam.split.run import Shot, Split

RNG = np.random.default_rng(7)


def _texture(h: int, w: int, seed: int) -> np.ndarray:
    """A picture with detail at several scales (keypoints to find), uint8."""
    rng = np.random.default_rng(seed)
    out = np.zeros((h, w), np.float32)
    for cell in (4, 9, 23):
        small = rng.uniform(0, 255, (h // cell + 1, w // cell + 1)).astype(np.float32)
        out += cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(out / 3, 0, 255).astype(np.uint8)


def _clip(picture: np.ndarray, n: int, noise: float = 2.0) -> np.ndarray:
    return np.clip(picture[None].astype(np.float32) + RNG.normal(0, noise, (n, *picture.shape)),
                   0, 255).astype(np.uint8)


def test_a_dissolve_is_found_with_its_midpoint() -> None:
    a, b = _texture(36, 64, 1), _texture(36, 64, 2)
    weights = np.arange(1, 13) / 13  # 12 blended frames
    blend = np.stack([(1 - w) * a + w * b for w in weights]).astype(np.uint8)
    thumbs = np.concatenate([_clip(a, 40), blend, _clip(b, 40)])
    found = cuts.dissolves(thumbs)
    assert len(found) == 1
    assert abs(found[0].cut - (40 + 6)) <= 1  # the first frame with weight >= 0.5 is 40 + 6
    assert found[0].first <= 41 and found[0].end >= 51


def test_a_fade_to_black_and_back_is_two_transitions_around_black() -> None:
    a, b = _texture(36, 64, 1), _texture(36, 64, 2)
    down = np.stack([(1 - k / 13) * a for k in range(1, 13)]).astype(np.uint8)
    up = np.stack([k / 13 * b for k in range(1, 13)]).astype(np.uint8)
    black = np.zeros((30, 36, 64), np.uint8)
    thumbs = np.concatenate([_clip(a, 40), down, black, up, _clip(b, 40)])
    found = cuts.dissolves(thumbs)
    assert [abs(t.cut - c) <= 1 for t, c in zip(found, (46, 40 + 12 + 30 + 6))] == [True, True]
    middle = thumbs[found[0].cut: found[1].cut]
    assert kinds.kind(middle, np.zeros(len(middle))) == kinds.BLACK


def test_a_hard_cut_is_not_a_dissolve() -> None:
    thumbs = np.concatenate([_clip(_texture(36, 64, 1), 40), _clip(_texture(36, 64, 2), 40)])
    assert cuts.dissolves(thumbs) == []


def test_merge_drops_a_hard_cut_inside_a_dissolve_and_cuts_too_close() -> None:
    t = cuts.Transition(40, 52, 46)
    found, kept = cuts.merge([10, 13, 44, 80, 200], [t], 150)
    assert found == [10, 46, 80] and kept == [t]


def test_kinds() -> None:
    still = _clip(_texture(36, 64, 3), 20, noise=0.0)
    moving = np.stack([np.roll(_texture(36, 64, 3), k, axis=1) for k in range(20)])
    card = np.full((20, 36, 64), 60, np.uint8)
    card[:, 15:20, 10:50] = 250  # a line of text on a flat colour
    black = np.full((20, 36, 64), 4, np.uint8)

    def change(frames: np.ndarray) -> np.ndarray:
        d = np.abs(np.diff(frames.astype(int), axis=0)).mean(axis=(1, 2))
        return np.concatenate([[50.0], d])

    assert kinds.kind(moving, change(moving)) == kinds.CAMERA
    assert kinds.kind(still, change(still)) == kinds.STILL
    assert kinds.kind(card, change(card)) == kinds.TITLE
    assert kinds.kind(black, change(black)) == kinds.BLACK


def test_bars_are_the_median_box_and_none_when_the_picture_fills_the_frame() -> None:
    boxes = [(640, 272, 0, 44)] * 5 + [(640, 200, 0, 80)]  # one dark frame finds more "bars"
    assert bars.picture(boxes, 640, 360) == (640, 272, 0, 44)
    assert bars.picture([(640, 360, 0, 0)] * 3, 640, 360) is None
    assert bars.picture([(397, 359, 121, 1)], 640, 360) == (396, 358, 120, 0)


def test_grouping_tells_a_lookalike_from_the_same_camera() -> None:
    scene = _texture(400, 700, 9)
    a1 = scene[50:290, 100:420]
    a2 = np.roll(scene, 3, axis=1)[50:290, 100:420]  # the same camera, a little later
    other = scene[100:340, 380:700]  # another part of the scene
    # the lookalike: the same corner, closer in (zoom 1.25), in the same frame size
    look = cv2.resize(scene[74:266, 132:388], (320, 240), interpolation=cv2.INTER_AREA)
    views = [group.view([f], (320, 240)) for f in (a1, other, a2, look)]
    assert group.cameras(views) == [0, 1, 0, 2]
    inliers, cells, shift = group.agreement(views[0], views[3])
    assert inliers >= 40 and shift > 0.08  # it matches, but not as the same view


def test_geometry_keeps_cameras_apart() -> None:
    pic = _texture(240, 320, 4)
    assert not group.same_camera(group.view([pic], (320, 240)), group.view([pic], (400, 240)))


def _room(n: int, band: tuple[float, float], seed: int, rate: int = 8000) -> np.ndarray:
    spec = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / rate)
    spec[(f < band[0]) | (f > band[1])] *= 0.01
    return (np.fft.irfft(spec, n) * 0.01).astype(np.float32)


def _words(n: int, seed: int, rate: int = 8000) -> np.ndarray:
    """Bursts of tone and noise with pauses between: speech-like, over any floor."""
    rng = np.random.default_rng(seed)
    out = np.zeros(n, np.float32)
    t = np.arange(n) / rate
    for start in range(0, n, rate // 3):
        m = min(int(rate * rng.uniform(0.1, 0.25)), n - start)
        out[start: start + m] = 0.3 * np.sin(2 * np.pi * rng.uniform(150, 400) * t[:m]) \
            * np.hanning(m)
    return out


def test_sound_that_runs_on_across_a_cut_is_laid_over() -> None:
    rate, n = 8000, 8000 * 3
    # three shots: two cameras in different places, then one voice-over across the next two cuts
    own = np.concatenate([_room(n, (50, 400), 1) + _words(n, 2), _room(n, (1500, 3500), 3)
                          + _words(n, 4)])
    voice = _room(3 * n, (300, 3000), 5) * 0.3 + _words(3 * n, 6)
    pcm = np.concatenate([own, voice])
    shots = [(0.0, 3.0), (3.0, 6.0), (6.0, 9.0), (9.0, 12.0), (12.0, 15.0)]
    runs_on = sound.continuous(pcm, rate, shots)
    assert runs_on == [False, False, True, True]
    assert sound.labels(pcm, rate, shots, runs_on) == ["own", "own", "overlay", "overlay",
                                                       "overlay"]
    silent = np.zeros(3 * n, np.float32)
    assert sound.labels(silent, rate, shots[:3], [False, False]) == ["none"] * 3


def test_shots_args_seek_exactly_once_and_keep_picture_and_sound_together() -> None:
    shots = [ffmpeg.ShotOut(out="0.mp4", first=0, end=50, sound=(0.01, 2.01),
                            crop=(398, 360, 120, 0), grab="0.grey", picks=(3, 25, 46),
                            grab_size=(480, 434)),
             ffmpeg.ShotOut(out="1.mp4", first=75, end=100, sound=None, crop=None, grab="1.grey",
                            picks=(12,), grab_size=(480, 270))]
    args = ffmpeg.shots_args("-odd name.mp4", seek=1.99, shots=shots, crf=16, preset="veryfast",
                             audio_bitrate="192k", threads=1)
    assert args.count("-i") == 1 and args[args.index("-i") + 1] == "-odd name.mp4"
    assert args.index("-ss") < args.index("-i") and args[args.index("-ss") + 1] == "1.990000"
    graph = args[args.index("-filter_complex") + 1].split(";")
    assert graph[0] == "[0:v:0]split=2[s0][s1]"
    # each shot: its frames by number, its own clock from its first frame, its bars cut off
    assert graph[1] == ("[s0]trim=start_frame=0:end_frame=50,setpts=PTS-STARTPTS,"
                        "crop=398:360:120:0,split[e0][g0]")
    assert graph[2] == ("[g0]select='eq(n\\,3)+eq(n\\,25)+eq(n\\,46)',scale=480:434:flags=area,"
                        "format=gray[r0]")
    assert graph[3] == "[s1]trim=start_frame=75:end_frame=100,setpts=PTS-STARTPTS,split[e1][g1]"
    # sound only for the shot that has its own, trimmed to its first frame
    assert graph[5:] == ["[0:a:0]asplit=1[t0]",
                         "[t0]atrim=start=0.010000:end=2.010000,asetpts=PTS-STARTPTS[a0]"]
    first = args[args.index("-filter_complex") + 2: args.index("0.mp4") + 1]
    assert first[:2] == ["-map", "[e0]"] and ["-map", "[a0]"] == first[first.index("[a0]") - 1:
                                                                      first.index("[a0]") + 1]
    assert first[first.index("-fps_mode") + 1] == "passthrough"
    second = args[args.index("0.grey") + 1: args.index("1.mp4") + 1]
    assert second[:2] == ["-map", "[e1]"] and "-c:a" not in second and "[a1]" not in args
    assert args[-9:] == ["-map", "[r1]", "-fps_mode", "passthrough", "-f", "rawvideo",
                         "-pix_fmt", "gray", "1.grey"]
    assert args.count("-threads") == 3  # the decoder's and each encoder's


def test_shots_are_written_in_balanced_batches_within_the_pixel_budget() -> None:
    from syncam.split.run import _batches

    assert _batches([100.0] * 10, 16) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]  # one per core
    assert _batches([100.0], 16) == [[0]] and _batches([], 16) == []
    assert _batches([400.0, 50, 50, 50, 50, 50], 16) == [[0], [1, 2, 3, 4, 5]]  # by work
    assert _batches([100.0] * 10, 3) == [[0, 1], [2, 3, 4], [5, 6], [7, 8, 9]]  # at most 3 a batch
    # a budget of 1280 x 720 x 16 holds one 4K shot or two
    assert max(1, config.SPLIT_BATCH_PIXELS // (3840 * 2160)) <= 2


def test_scan_args_decode_small_and_log_times_and_bars() -> None:
    args = ffmpeg.scan_args("in.mp4", 0, 256, 144, crop_limit=0.094)
    graph = args[args.index("-filter_complex") + 1]
    assert graph.index("cropdetect") < graph.index("scale=256:144") < graph.index("showinfo")
    assert "-copyts" in args and args[args.index("-fps_mode") + 1] == "passthrough"


def test_cropdetect_lines_are_read() -> None:
    line = (b"[Parsed_cropdetect_0 @ 0x55d] [info] x1:120 x2:517 y1:0 y2:359 w:398 h:360 x:120 "
            b"y:0 pts:0 t:0.000000 limit:0.094000 crop=398:360:120:0\n")
    log = ffmpeg._ScanLog(iter([line]))
    assert log._crop(line) and log.crops == [(398, 360, 120, 0)]


def test_listing_json() -> None:
    shot = Shot(0, "cam01/00_0.000.mp4", "cam01", "camera", 0, 49, 0.0, 2.0, "own",
                (398, 360, 120, 0))
    text = Split("/x/release.mp4", Fraction(30000, 1001), (shot,), "/x/out", "/x/out/shots.json")
    import json

    data = json.loads(text.to_json())
    assert data["fps"] == "30000/1001" and data["source"] == "/x/release.mp4"
    assert data["shots"][0] == {"index": 0, "path": "cam01/00_0.000.mp4", "camera": "cam01",
                                "kind": "camera", "first_frame": 0, "last_frame": 49, "start": 0.0,
                                "end": 2.0, "audio": "own",
                                "picture": {"w": 398, "h": 360, "x": 120, "y": 0}}


def test_a_missing_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "scenedetect.detectors", None)
    with pytest.raises(SyncamError, match=r"pip install 'syncam\[split\]'"):
        cuts.check_extra()


def test_exactly_one_opencv_is_installed() -> None:
    """PySceneDetect's plain package requires opencv-python, a second cv2 beside our headless one:
    the split extra installs its headless build. (CI installs into a fresh venv from a clean clone,
    so this checks what a clean install gives.)"""
    names = {(d.metadata["Name"] or "").lower() for d in importlib.metadata.distributions()}
    assert len({n for n in names if n.startswith("opencv")}) == 1, names
    assert "scenedetect" not in names and "scenedetect-headless" in names
