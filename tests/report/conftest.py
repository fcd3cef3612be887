"""Events for the report tests, built once per session.

``coded``: four frame-coded cameras (every frame shows its clip id and frame number, see
tests/mediagen.py) recording one event's sound, on four codec/container pairs and 25/30/29.97/50 fps,
one of them a portrait phone (rotation 90), names with spaces, quotes, unicode and a leading '-'; and a
fifth clip with other speech, which cannot be placed. ``mixed`` (from the motion tests): two cameras
with sound and a muted one, placed by motion.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pytest

from tests import mediagen as g
from tests.conftest import run_cli
from tests.motion.conftest import master, media, mixed  # noqa: F401  (fixtures reused here)


@dataclass(frozen=True)
class Cam:
    name: str
    start: float  # master seconds of its first frame and sample
    fps: str
    size: tuple[int, int]  # displayed
    rotation: int
    codecs: dict
    audio_rate: int


CAMS = (
    Cam("cam A.mp4", 2.0, "25", (160, 120), 0, g.H264_AAC, 48000),
    Cam("B's 100%: take.webm", 5.3, "30", (192, 108), 0, g.VP9_OPUS, 48000),
    Cam("-cämera C.mov", 0.5, "30000/1001", (120, 160), 90, g.MOV_H264_PCM, 44100),
    Cam("d 50.mp4", 3.0, "50", (160, 120), 0, g.H264_AAC, 48000),
)
LOST = "lost.mp4"
SECONDS = 12.0


@dataclass(frozen=True)
class Aligned:
    folder: str
    paths: list[str]  # CAMS, then LOST
    manifest: str
    report: str
    code: int  # exit code of align


@pytest.fixture(scope="session")
def coded(tmp_path_factory: pytest.TempPathFactory) -> Aligned:
    folder = str(tmp_path_factory.mktemp("report event ü"))
    master_sound = g.master_audio(30.0, seed=11)
    paths = []
    for i, cam in enumerate(CAMS):
        pcm = g.camera_audio(master_sound, g.Camera(cam.name, start=cam.start, duration=SECONDS,
                                                    seed=i + 1))
        paths.append(g.frame_coded_clip(
            os.path.join(folder, cam.name), fps=cam.fps, seconds=SECONDS, size=cam.size,
            clip_id=i, rotation=cam.rotation, audio=pcm, audio_rate=cam.audio_rate, **cam.codecs))
    r4 = g._speech("r4_excerpt.ogg")  # another reader, another text: nothing to match
    rng = np.random.default_rng(3)
    n = int(SECONDS * g.MASTER_RATE)
    other = np.resize(np.concatenate([r4, r4[::-1], np.zeros(20000)]), n) * 0.5 \
        + rng.standard_normal(n) * 0.01
    paths.append(g.frame_coded_clip(os.path.join(folder, LOST), fps="25", seconds=SECONDS,
                                    size=(160, 120), clip_id=0, audio=other.astype(np.float32)))
    manifest = os.path.join(folder, "event.json")
    report = os.path.join(folder, "evidence page.html")
    done = run_cli("align", *paths, "-o", manifest, "--report", report)
    assert done.returncode == 3, done.stderr  # the lost clip is unplaced
    return Aligned(folder, paths, manifest, report, done.returncode)


@pytest.fixture(scope="session")
def motion_report(mixed) -> Aligned:  # noqa: F811
    manifest = os.path.join(mixed.folder, "manifest.json")
    report = os.path.join(mixed.folder, "report.html")
    done = run_cli("align", *mixed.paths, "-o", manifest)
    assert done.returncode == 0, done.stderr
    made = run_cli("report", manifest, "-o", report)  # a separate run: from the manifest alone
    assert made.returncode == 0, made.stderr
    return Aligned(mixed.folder, list(mixed.paths), manifest, report, done.returncode)
