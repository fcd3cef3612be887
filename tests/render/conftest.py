"""Test media for the render tests: frame-coded clips with known offsets, built once per session.

The event's truth (timeline seconds, see syncam/types.py for the sign):

    clip                 offset   fps         displayed   container  audio
    A  "cam A.mp4"       0.0      25          160x120     h264/aac   48 kHz, reference
    B  "B's 100%: take.webm" 2.3  30          192x108     vp9/opus   48 kHz (opus), 16:9
    C  "-cämera C.mov"   -1.52    30000/1001  120x160     h264/pcm   44.1 kHz, rotation 90 (portrait)
    D  "lost.mp4"        unplaced

Every camera's sound is a quiet bed of real speech (the event's master track, so `syncam align` can
place them) plus a loud click at timeline CLICK_AT heard by all, and a beep of its own at BEEPS[i].
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pytest

from syncam import manifest
from syncam.media.probe import probe
from syncam.types import Method, Placement, Solution
from tests import mediagen

CLICK_AT = 4.0  # timeline seconds: inside every camera's recording
MASTER_SECONDS = 14.0
MASTER_ZERO = 2.0  # master time of timeline zero (master starts before the earliest camera)


@dataclass(frozen=True)
class Cam:
    name: str
    offset: float | None
    fps: str
    size: tuple[int, int]  # displayed
    seconds: float
    rotation: int
    codecs: dict
    audio_rate: int
    beep_at: float  # timeline seconds
    beep_hz: float


CAMS = (
    Cam("cam A.mp4", 0.0, "25", (160, 120), 10.0, 0, mediagen.H264_AAC, 48000, 8.8, 1000.0),
    Cam("B's 100%: take.webm", 2.3, "30", (192, 108), 6.0, 0, mediagen.VP9_OPUS, 48000, 3.1, 2000.0),
    Cam("-cämera C.mov", -1.52, "30000/1001", (120, 160), 8.0, 90, mediagen.MOV_H264_PCM, 44100,
        0.4, 3000.0),
)
LOST = Cam("lost.mp4", None, "25", (160, 120), 6.0, 0, mediagen.H264_AAC, 48000, 1.0, 500.0)


def camera_sound(master: np.ndarray, cam: Cam) -> np.ndarray:
    """The camera's microphone at 48 kHz: speech bed (peak 0.1), the common click, its beep."""
    rate = mediagen.MASTER_RATE
    offset = cam.offset if cam.offset is not None else 0.0
    i0 = int(round((offset + MASTER_ZERO) * rate))
    n = int(round(cam.seconds * rate))
    bed = master[i0: i0 + n].astype(np.float64)
    pcm = np.zeros(n)
    pcm[: len(bed)] = bed / (np.abs(bed).max() + 1e-9) * 0.1
    click = int(round((CLICK_AT - offset) * rate))
    if 0 <= click < n - 48:
        pcm[click: click + 48] = 0.9  # a 1 ms pulse
    beep = int(round((cam.beep_at - offset) * rate))
    if 0 <= beep < n - 480:
        pcm[beep: beep + 480] = 0.9 * np.sin(2 * np.pi * cam.beep_hz * np.arange(480) / rate)
    return pcm.astype(np.float32)


@dataclass(frozen=True)
class Event:
    folder: str
    paths: tuple[str, ...]  # CAMS then LOST
    manifest_path: str


@pytest.fixture(scope="session")
def event(tmp_path_factory: pytest.TempPathFactory) -> Event:
    folder = str(tmp_path_factory.mktemp("render event"))
    master = mediagen.master_audio(MASTER_SECONDS, seed=3)
    paths = []
    for i, cam in enumerate((*CAMS, LOST)):
        paths.append(mediagen.frame_coded_clip(
            os.path.join(folder, cam.name), fps=cam.fps, seconds=cam.seconds, size=cam.size,
            clip_id=i, rotation=cam.rotation, audio=camera_sound(master, cam),
            audio_rate=cam.audio_rate, **cam.codecs))
    clips = [probe(p) for p in paths]
    placements = tuple(Placement(c.offset, confidence=1.0, method=Method.AUDIO)
                       if c.offset is not None else None for c in (*CAMS, LOST))
    m = manifest.build(clips, Solution(reference=0, placements=placements, verdicts=()),
                       reasons={})
    manifest_path = os.path.join(folder, "manifest.json")
    with open(manifest_path, "w", encoding="utf-8") as fh:
        fh.write(m.to_json())
    return Event(folder=folder, paths=tuple(paths), manifest_path=manifest_path)
