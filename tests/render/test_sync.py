"""The mosaic is synchronized: decoded output pixels and sound are where the manifest says.

Clips carry their own frame numbers in their pixels (tests/mediagen.py frame_coded_clip). For output
frame k (timeline time start + k/fps) tile i must show clip i's frame at that time minus offset_i,
within one frame, and be black outside the clip. Every camera hears one click at CLICK_AT and a beep
of its own; they must land at their timeline moments in the output sound within 10 ms.
"""

from __future__ import annotations

import math
import os
import subprocess
from fractions import Fraction

import numpy as np
import pytest

from syncam.media import ffmpeg
from syncam.media.probe import probe
from syncam.render.layout import fit
from syncam.render.mosaic import RenderOptions, RenderResult, render
from tests import mediagen
from tests.render.conftest import CAMS, CLICK_AT, Cam, Event

pytestmark = pytest.mark.slow
W, H = 640, 360  # 2x2 grid of 320x180 tiles
TILE = (320, 180)
START = min(c.offset for c in CAMS)  # type: ignore[type-var]
END = max(c.offset + c.seconds for c in CAMS)  # type: ignore[operator]
RATE = 48000


def decode_frames(path: str, indices: list[int], width: int, height: int) -> dict[int, np.ndarray]:
    """Output frames by index, as rgb24 arrays."""
    select = "+".join(f"eq(n\\,{k})" for k in indices)
    raw = subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-i", path,
                          "-vf", f"select={select}", "-vsync", "0", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "pipe:"], capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)
    assert len(frames) == len(indices)
    return dict(zip(sorted(indices), frames))


def content(frame: np.ndarray, tile: int, cam: Cam) -> np.ndarray:
    """Where clip ``cam``'s picture must be in tile ``tile`` of a 2x2 grid, letterboxed."""
    tx, ty = (tile % 2) * TILE[0], (tile // 2) * TILE[1]
    r = fit(*cam.size, *TILE)
    return frame[ty + r.y: ty + r.y + r.h, tx + r.x: tx + r.x + r.w]


def shown(picture: np.ndarray) -> tuple[int, int] | None:
    """(clip id, frame number) shown, None when black. Black is judged on the outer code rows
    (the middle row may carry the "no signal" card)."""
    levels = mediagen.block_levels(picture).reshape(mediagen.CODE_ROWS, mediagen.CODE_COLS)
    if levels[[0, -1]].max() < 40:
        return None
    assert levels.min() > 60, f"neither black nor a code: {levels.round()}"
    value = mediagen.read_code(picture)
    return value >> mediagen.FRAME_BITS, value & ((1 << mediagen.FRAME_BITS) - 1)


@pytest.fixture(scope="session")
def grid(event: Event, tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    out = os.path.join(str(tmp_path_factory.mktemp("out ü")), "grid mosaic.mp4")
    return render(event.manifest_path, out, RenderOptions(
        width=W, height=H, labels=False, preset="ultrafast"))


def test_output_streams_and_duration(grid: RenderResult) -> None:
    info = ffmpeg.probe_json(grid.output)
    video = [s for s in info["streams"] if s["codec_type"] == "video"]
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert len(video) == 1 and len(audio) == 1
    assert video[0]["codec_name"] == "h264" and (video[0]["width"], video[0]["height"]) == (W, H)
    assert Fraction(video[0]["avg_frame_rate"]) == 25  # the reference's rate
    assert int(video[0]["nb_frames"]) == round((END - START) * 25)
    assert audio[0]["codec_name"] == "aac" and int(audio[0]["sample_rate"]) == RATE
    assert abs(float(info["format"]["duration"]) - (END - START)) < 0.05
    assert grid.start == pytest.approx(START) and grid.tiles == ("cam A", "B's 100%: take",
                                                                 "-cämera C")


def test_every_tile_shows_its_clip_at_timeline_time_minus_offset(grid: RenderResult) -> None:
    fps = 25
    n_out = grid.frames
    ks = set(range(0, n_out, 6)) | {n_out - 1}
    for cam in CAMS:  # frames around each clip's start and end
        for edge in (cam.offset, cam.offset + cam.seconds):  # type: ignore[operator]
            k0 = round((edge - START) * fps)
            ks |= {k for k in range(k0 - 2, k0 + 3) if 0 <= k < n_out}
    frames = decode_frames(grid.output, sorted(ks), W, H)
    checked = 0
    for k, frame in frames.items():
        tau = START + k / fps
        for i, cam in enumerate(CAMS):
            cam_fps = float(Fraction(cam.fps))
            n_frames = int(cam.seconds * Fraction(cam.fps))
            t = tau - cam.offset  # type: ignore[operator]
            got = shown(content(frame, i, cam))
            expected = math.floor(t * cam_fps + 1e-9)
            near_edge = min(abs(t), abs(t - n_frames / cam_fps)) <= 1.0 / fps + 1e-9
            if got is None:
                assert near_edge or not 0 <= expected < n_frames, \
                    f"tile {i} black at timeline {tau:.3f} s; clip frame {expected} expected"
                continue
            assert 0 <= t + 1.0 / fps and t - 1.0 / fps < n_frames / cam_fps, \
                f"tile {i} shows {got} at timeline {tau:.3f} s, outside its clip"
            assert got[0] == i, f"tile {i} shows clip {got[0]}"
            assert abs(got[1] - expected) <= 1, \
                f"tile {i} at timeline {tau:.3f} s: frame {got[1]}, expected {expected} (+-1)"
            checked += 1
    assert checked > 100  # the test really read pictures


def test_black_before_and_after_with_a_quiet_card(grid: RenderResult) -> None:
    frame = decode_frames(grid.output, [0], W, H)[0]  # timeline -1.52: only C has started
    assert shown(content(frame, 0, CAMS[0])) is None and shown(content(frame, 1, CAMS[1])) is None
    tile_b = frame[:TILE[1], TILE[0]:]
    assert tile_b[:40].max() < 30  # black...
    assert tile_b[80:100].max() > 60  # ...with the "no signal" card in the middle
    assert frame[TILE[1]:, TILE[0]:].max() < 30  # the empty fourth cell


def test_rotated_clip_is_upright_and_letterboxed_not_stretched(grid: RenderResult) -> None:
    k = round((2.0 - START) * 25)  # C (portrait, rotation metadata) is playing
    frame = decode_frames(grid.output, [k], W, H)[k]
    tile_c = frame[TILE[1]:, :TILE[0]].astype(int).sum(axis=2)
    ys, xs = np.nonzero(tile_c > 3 * 50)
    w, h = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    assert abs(w / h - 120 / 160) < 0.03, f"picture {w}x{h} is not 3:4"
    assert shown(content(frame, 2, CAMS[2])) is not None  # read upright: the code decodes


def _pcm(path: str) -> np.ndarray:
    """The output's sound on the output clock: sample 0 at its first video frame's time.

    (Matroska keeps AAC's encoder priming: its audio starts 21 ms before the video.)
    """
    clip = probe(path)
    pcm = ffmpeg.decode_audio(path, RATE, clip.audio[0].index, clip.duration)
    lead = round((clip.audio[0].start - clip.origin) * RATE)
    return pcm[-lead:] if lead < 0 else np.concatenate([np.zeros(lead, np.float32), pcm])


def onsets(pcm: np.ndarray, t0: float, t1: float, threshold: float) -> list[float]:
    """Output times where |pcm| first exceeds ``threshold`` after 30 ms below it, in [t0, t1)."""
    i0, i1 = max(0, int(t0 * RATE)), min(len(pcm), int(t1 * RATE))
    loud = np.nonzero(np.abs(pcm[i0:i1]) > threshold)[0]
    out: list[float] = []
    last = -10 ** 9
    for i in loud:
        if i - last > 0.03 * RATE:
            out.append((i0 + i) / RATE)
        last = i
    return out


def _at(timeline: float) -> float:
    return timeline - START


def test_reference_sound_lands_on_the_timeline(grid: RenderResult) -> None:
    pcm = _pcm(grid.output)
    assert len(pcm) == pytest.approx((END - START) * RATE, abs=RATE * 0.03)
    peak = np.abs(pcm[int((_at(CLICK_AT) - 0.1) * RATE): int((_at(CLICK_AT) + 0.1) * RATE)]).max()
    found = onsets(pcm, _at(CLICK_AT) - 0.5, _at(CLICK_AT) + 0.5, peak * 0.5)
    assert len(found) == 1 and abs(found[0] - _at(CLICK_AT)) < 0.010, found
    beep_a = onsets(pcm, _at(CAMS[0].beep_at) - 0.5, _at(CAMS[0].beep_at) + 0.5, peak * 0.5)
    assert len(beep_a) == 1 and abs(beep_a[0] - _at(CAMS[0].beep_at)) < 0.010
    for other in CAMS[1:]:  # the other cameras' beeps are not in the reference's sound
        assert not onsets(pcm, _at(other.beep_at) - 0.1, _at(other.beep_at) + 0.1, peak * 0.5)


def _render_sound(event: Event, folder: str, audio: str) -> np.ndarray:
    out = os.path.join(folder, f"sound {audio.strip('-')}.mkv")
    render(event.manifest_path, out, RenderOptions(width=160, height=90, labels=False,
                                                   preset="ultrafast", audio=audio))
    return _pcm(out)


def test_one_cameras_sound(event: Event, tmp_path: str) -> None:
    pcm = _render_sound(event, str(tmp_path), "-cämera C.mov")
    peak = np.abs(pcm).max()
    for moment in (CLICK_AT, CAMS[2].beep_at):
        found = onsets(pcm, _at(moment) - 0.5, _at(moment) + 0.5, peak * 0.5)
        assert len(found) == 1 and abs(found[0] - _at(moment)) < 0.010, (moment, found)
    assert not onsets(pcm, _at(CAMS[0].beep_at) - 0.1, _at(CAMS[0].beep_at) + 0.1, peak * 0.5)


def test_mix_of_all_cameras_is_aligned(event: Event, tmp_path: str) -> None:
    pcm = _render_sound(event, str(tmp_path), "mix")
    # the three clicks coincide: one onset, and they add up louder than any one beep
    click = onsets(pcm, _at(CLICK_AT) - 0.5, _at(CLICK_AT) + 0.5, 0.5 * np.abs(pcm).max())
    assert len(click) == 1 and abs(click[0] - _at(CLICK_AT)) < 0.010, click
    beep_peaks = []
    for cam in CAMS:  # every camera's own beep, at its own moment
        window = pcm[int((_at(cam.beep_at) - 0.1) * RATE): int((_at(cam.beep_at) + 0.1) * RATE)]
        beep_peaks.append(np.abs(window).max())
        found = onsets(pcm, _at(cam.beep_at) - 0.5, _at(cam.beep_at) + 0.5, beep_peaks[-1] * 0.5)
        assert len(found) == 1 and abs(found[0] - _at(cam.beep_at)) < 0.010, (cam.name, found)
    assert np.abs(pcm).max() > 1.5 * max(beep_peaks)  # apart, a click is no louder than a beep
