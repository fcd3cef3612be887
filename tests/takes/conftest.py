"""A multi-take event, built once per session from the real recordings (tests/mediagen.py).

Two cameras of three takes each (camA with gaps; camB restarting half a second after its first take
ended), a single-take camera, and a phone at 29.97 fps, as an event folder of camera folders:

    event/camA/take1.mp4 take2.mp4 take3.mp4   (H.264 + AAC, 25 fps)
    event/camB/B 1.mov B 2.mov B 3.mov          (H.264 + PCM, 50 fps, 44.1 kHz)
    event/camC.mp4                              (MPEG-4 + MP3, 30 fps, the whole event)
    event/phone.mov                             (H.264 + AAC, 30000/1001 fps, 16 kHz, 6 dB SNR)
"""

from __future__ import annotations

import json
import os

import pytest

from tests import mediagen
from tests.conftest import Event, run_cli
from tests.mediagen import H264_AAC, MOV_H264_PCM, MPEG4_MP3, Camera

CAMERAS = [
    Camera("camA/take1.mp4", 2.0, 20.0, **H264_AAC, fps="25", seed=11),
    Camera("camA/take2.mp4", 27.0, 20.0, **H264_AAC, fps="25", seed=12),
    Camera("camA/take3.mp4", 52.0, 20.0, **H264_AAC, fps="25", seed=13),
    Camera("camB/B 1.mov", 0.0, 18.0, **MOV_H264_PCM, sample_rate=44100, fps="50", seed=14),
    Camera("camB/B 2.mov", 18.5, 22.0, **MOV_H264_PCM, sample_rate=44100, fps="50", seed=15),
    Camera("camB/B 3.mov", 48.0, 30.0, **MOV_H264_PCM, sample_rate=44100, fps="50", seed=16),
    Camera("camC.mp4", 5.0, 80.0, **MPEG4_MP3, sample_rate=44100, fps="30", seed=17),
    Camera("phone.mov", 30.0, 40.0, **H264_AAC, sample_rate=16000, fps="30000/1001", snr_db=6.0,
           band=(300.0, 3400.0), seed=18),
]
# camera of each clip above, as the folder layout says
CAMERA_OF = ["camA"] * 3 + ["camB"] * 3 + ["camC", "phone"]


@pytest.fixture(scope="session")
def takes_event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    folder = str(tmp_path_factory.mktemp("takes") / "event")
    for sub in ("camA", "camB"):
        os.makedirs(os.path.join(folder, sub))
    master = mediagen.master_audio(90.0, seed=3)
    paths = [mediagen.record(folder, master, c) for c in CAMERAS]
    return Event(folder, CAMERAS, paths)


@pytest.fixture(scope="session")
def takes_manifest(takes_event: Event, tmp_path_factory: pytest.TempPathFactory) -> str:
    """``syncam align EVENT_FOLDER`` run once: the manifest's path."""
    out = str(tmp_path_factory.mktemp("takes-out") / "event.json")
    proc = run_cli("align", takes_event.folder, "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="session")
def metadata_event(takes_event: Event, unrelated_clip: str,
                   tmp_path_factory: pytest.TempPathFactory) -> tuple[str, float]:
    """Camera A's first take with a creation time, and a second take of camera A that shares no
    sound or picture with anything (the unrelated clip), created 60 s after the first take ended;
    with camC and the phone. Returns the folder and the second take's offset from the first."""
    import subprocess

    from syncam.media import ffmpeg

    folder = str(tmp_path_factory.mktemp("metadata") / "event")
    os.makedirs(os.path.join(folder, "camA"))
    first = takes_event.paths[0]
    after = CAMERAS[0].duration + 60.0
    for src, dst, when in ((first, "camA/take1.mp4", "2026-05-01T10:00:00.000000Z"),
                           (unrelated_clip, "camA/take9.mp4", "2026-05-01T10:01:20.000000Z")):
        subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-i", src,
                        "-map", "0", "-c", "copy", "-metadata", f"creation_time={when}",
                        os.path.join(folder, dst)], check=True)
    for i in (6, 7):
        os.link(takes_event.paths[i], os.path.join(folder, os.path.basename(takes_event.paths[i])))
    return folder, after
