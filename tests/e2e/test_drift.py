"""Clock drift on real recordings: cameras whose clocks run fast or slow, made by exact resampling.

A camera drifting by ``ppm`` records the master through the time map of types.py:
``timeline = start + t * (1 + ppm 1e-6)`` (tests/mediagen.drifting_audio: polyphase resampling by an
exact rational ratio). align must find each clip's rate within the issue's tolerance and place the
start and the end of every clip within 1 ms; render must show a flash near the start and one near the
end of the event in every tile within one frame of the reference's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest

from syncam.media import ffmpeg
from syncam.pipeline import align
from syncam.render.mosaic import RenderOptions, render
from tests import mediagen
from tests.mediagen import Camera

pytestmark = pytest.mark.slow
SYNCAM = [sys.executable, "-m", "syncam"]


@dataclass(frozen=True)
class Drifting:
    cam: Camera
    ppm: float


def write_audio(folder: str, master: np.ndarray, d: Drifting, codec: list[str]) -> str:
    """An audio-only clip of the drifting camera (sound is what drift is measured on)."""
    path = os.path.join(folder, d.cam.name)
    wav = os.path.join(folder, d.cam.name + ".wav")
    mediagen.write_wav(wav, mediagen.drifting_audio(master, d.cam, d.ppm), mediagen.MASTER_RATE)
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", wav, *codec,
                    path], check=True)
    os.remove(wav)
    return path


def check_map(entry: dict, d: Drifting, ref: Drifting, ppm_tol: float) -> None:
    """Drift within ``ppm_tol``; the clip's first and last instants within 1 ms of the truth."""
    assert entry["placed"], entry["reason"]
    true_rate = (1 + d.ppm * 1e-6) / (1 + ref.ppm * 1e-6)
    assert abs(entry["drift_ppm"] - (true_rate - 1) * 1e6) <= ppm_tol, entry
    for t in (0.0, entry["duration"]):
        got = entry["offset"] + t * (1 + entry["drift_ppm"] * 1e-6)
        # master time of clip time t, then the reference's clock reading of it
        truth = (d.cam.start + t * (1 + d.ppm * 1e-6) - ref.cam.start) / (1 + ref.ppm * 1e-6)
        assert abs(got - truth) <= 1e-3, (entry["name"], t, got - truth)


THREE = [Drifting(Camera("ref.m4a", 2.0, 180.0, seed=1), 0.0),
         Drifting(Camera("fast.mp3", 6.5, 170.0, seed=2, band=(200, 5000), snr_db=15.0), 80.0),
         Drifting(Camera("slow.ogg", 0.0, 175.0, seed=3, band=(150, 6000)), -120.0)]
CODECS = [["-c:a", "aac", "-b:a", "96k"], ["-c:a", "libmp3lame", "-b:a", "96k"],
          ["-c:a", "libvorbis", "-q:a", "4"]]


@pytest.fixture(scope="session")
def three(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = str(tmp_path_factory.mktemp("drift3"))
    master = mediagen.master_audio(190.0, seed=21)
    return [write_audio(folder, master, d, c) for d, c in zip(THREE, CODECS)]


def test_three_cameras_at_plus_80_0_minus_120_ppm(three: list[str]) -> None:
    m = align(three).to_dict()
    assert m["settings"]["drift"] == "auto"
    for entry, d in zip(m["clips"], THREE):
        check_map(entry, d, THREE[0], ppm_tol=5.0)
        assert entry["drift_ppm_stderr"] is not None and entry["drift_ppm_stderr"] < 2.0
        assert entry["residual_rms"] is not None and entry["residual_rms"] < 1e-3
    assert m["clips"][0]["drift_ppm"] == 0.0  # the reference's clock is the timeline's


def test_drift_off_measures_no_rate_and_says_so(three: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Offsets only: no rate anywhere. At one lag, 80-120 ppm over 3 minutes smear the evidence so
    much that the drifting clips are not even found (exit 3): what --drift auto is for."""
    out = str(tmp_path / "off.json")
    run = subprocess.run([*SYNCAM, "align", *three, "--drift", "off", "-o", out],
                         capture_output=True, text=True)
    assert run.returncode == 3, run.stderr
    m = json.load(open(out, encoding="utf-8"))
    assert m["settings"]["drift"] == "off"
    assert [e["placed"] for e in m["clips"]] == [True, False, False]
    assert m["clips"][0]["drift_ppm"] == 0.0 and m["clips"][0]["drift_ppm_stderr"] is None


def test_zero_drift_pair_reports_at_most_1_ppm(tmp_path) -> None:  # type: ignore[no-untyped-def]
    master = mediagen.master_audio(130.0, seed=22)
    pair = [Drifting(Camera("a.m4a", 0.0, 120.0, seed=4), 0.0),
            Drifting(Camera("b.ogg", 7.25, 120.0, seed=5, band=(200, 4000), snr_db=10.0), 0.0)]
    paths = [write_audio(str(tmp_path), master, d, c) for d, c in zip(pair, CODECS[::2])]
    m = align(paths).to_dict()
    assert abs(m["clips"][1]["drift_ppm"]) <= 1.0
    check_map(m["clips"][1], pair[1], pair[0], ppm_tol=1.0)


def test_ten_minutes_at_minus_150_ppm_within_2_ppm(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The long case: 150 ppm moves the lag 90 ms over 10 minutes (the scan at one lag misses it)."""
    master = mediagen.master_audio(620.0, seed=23)
    pair = [Drifting(Camera("a.m4a", 12.0, 600.0, seed=6), 0.0),
            Drifting(Camera("b.mp3", 0.0, 600.0, seed=7, band=(200, 5000), snr_db=15.0), -150.0)]
    paths = [write_audio(str(tmp_path), master, d, c) for d, c in zip(pair, CODECS[:2])]
    m = align(paths).to_dict()
    check_map(m["clips"][1], pair[1], pair[0], ppm_tol=2.0)


# --- render: a flash near the start and one near the end, in every tile within a frame -------------

FPS = 50  # 20 ms frames: an unstretched +300 ppm tile would be 2.7 frames late at the end
FLASHES = (8.0, 150.0)  # master times
RENDER_CAMS = [Drifting(Camera("ref.mp4", 0.0, 160.0, seed=8), 0.0),
               Drifting(Camera("fast.mp4", 3.0, 155.0, seed=9, band=(200, 5000)), 300.0),
               Drifting(Camera("slow.mp4", 1.5, 158.0, seed=10, band=(150, 6000)), -120.0)]


def film_drifting(folder: str, master: np.ndarray, d: Drifting) -> str:
    """A picture that turns white for 3 frames at each flash (in the camera's own drifting clock)."""
    times = [(f - d.cam.start) / (1 + d.ppm * 1e-6) for f in FLASHES]
    when = "+".join(f"between(t,{t:.6f},{t + 2.5 / FPS:.6f})" for t in times)
    source = f"color=c=black:s=96x64:r={FPS},drawbox=c=white:t=fill:enable='{when}'"
    path = os.path.join(folder, d.cam.name)
    mediagen.encode(path, duration=d.cam.duration, fps=str(FPS), size="96x64",
                    vcodec=["-c:v", "libx264", "-preset", "ultrafast", "-g", "50"],
                    audio=mediagen.drifting_audio(master, d.cam, d.ppm), acodec=["-c:a", "aac"],
                    video_source=source)
    return path


def test_render_keeps_every_tile_within_a_frame_from_start_to_end(tmp_path) -> None:  # type: ignore[no-untyped-def]
    master = mediagen.master_audio(170.0, seed=24)
    paths = [film_drifting(str(tmp_path), master, d) for d in RENDER_CAMS]
    m = align(paths)
    out = str(tmp_path / "mosaic.mp4")
    render(m, out, RenderOptions(layout="grid", width=288, height=64, cols=3, rows=1, labels=False,
                                 audio="none"))
    raw = subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-i", out,
                          "-f", "rawvideo", "-pix_fmt", "gray", "pipe:"],
                         capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, 64, 288)
    fps = FPS
    start = min(c.offset for c in m.clips)  # type: ignore[type-var]
    lit = frames.reshape(len(frames), 64, 3, 96).mean(axis=(1, 3)) > 128  # frame x tile
    for flash in FLASHES:
        expected = (flash - RENDER_CAMS[0].cam.start - start) * fps  # output frame of the flash
        near = slice(int(expected) - 10, int(expected) + 10)
        onsets = [int(np.argmax(lit[near, i])) for i in range(3)]
        assert all(lit[near, i].any() for i in range(3)), (flash, onsets)
        assert max(onsets) - min(onsets) <= 1, (flash, onsets)
