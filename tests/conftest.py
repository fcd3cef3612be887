"""Session fixtures: test media is built once per run, with ffmpeg, from the real recordings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from syncam import config
from tests import mediagen
from tests.mediagen import (
    H264_AAC,
    MJPEG_PCM,
    MOV_H264_PCM,
    MPEG4_MP3,
    VP9_OPUS,
    Camera,
    first_audio_sample_time,
)

SYNCAM = [sys.executable, "-m", "syncam"]


@dataclass
class Event:
    """Cameras recorded from one master soundtrack; ``truth(i)`` is clip i's true offset."""

    folder: str
    cameras: list[Camera]
    paths: list[str]

    def truth(self, i: int, ref: int = 0) -> float:
        """Offset of clip i's first frame on the timeline of clip ``ref``, per the sign convention.

        The cameras' sound starts at ``Camera.start`` of the master; where a container puts the first
        audio sample a little before or after the first frame (Opus in WebM does), that is read from
        the file with ffprobe.
        """
        a = [first_audio_sample_time(p) for p in (self.paths[i], self.paths[ref])]
        return self.cameras[i].start - self.cameras[ref].start + a[1] - a[0]


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """align caches signatures by default: the suite uses its own folder, never the user's cache.

    Set in os.environ (not monkeypatch, which is per test) so that every CLI subprocess inherits it.
    """
    folder = str(tmp_path_factory.mktemp("signature-cache"))
    before = os.environ.get(config.CACHE_ENV)
    os.environ[config.CACHE_ENV] = folder
    yield folder
    if before is None:
        del os.environ[config.CACHE_ENV]
    else:
        os.environ[config.CACHE_ENV] = before


@pytest.fixture(autouse=True)
def media_tests_are_marked_slow(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make test-fast` (-m "not slow") must not decode media: a test that starts ffmpeg or ffprobe
    without the slow mark fails, saying so. (Session fixtures that build media are set up before
    this function-scoped guard, and only slow tests request them.)"""
    if request.node.get_closest_marker("slow"):
        return
    real_init = subprocess.Popen.__init__

    def guarded(self: subprocess.Popen, args: Any, *rest: Any, **kwargs: Any) -> None:
        program = args[0] if isinstance(args, (list, tuple)) and args else args
        if os.path.basename(str(program)) in ("ffmpeg", "ffprobe") or (
                isinstance(args, (list, tuple)) and list(args[1:3]) == ["-m", "syncam"]):
            pytest.fail(f"{request.node.nodeid} runs {program}: mark it @pytest.mark.slow")
        real_init(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)


@pytest.fixture(scope="session")
def master() -> np.ndarray:
    return mediagen.master_audio(240.0, seed=0)


@pytest.fixture(scope="session")
def event(tmp_path_factory: pytest.TempPathFactory, master: np.ndarray) -> Event:
    """Five cameras of one 4-minute event: four codec/container pairs, 16/44.1/48 kHz, 25/29.97/30/50
    fps, a phone at 0 dB SNR, an offset of -30 s and one of +170 s, a camera that overlaps only
    another non-reference camera, and names with spaces, unicode and a leading '-'."""
    folder = str(tmp_path_factory.mktemp("event"))
    cams = [
        Camera("cam_a.mp4", 30.0, 60.0, **H264_AAC, fps="25", seed=1),
        Camera("cam b phone.avi", 10.0, 50.0, **MJPEG_PCM, sample_rate=16000, fps="30000/1001",
               snr_db=0.0, band=(300.0, 3400.0), gain=0.3, seed=2),
        Camera("-cam_c.webm", 80.0, 60.0, **VP9_OPUS, fps="30", seed=3),
        Camera("kamera_d ü.mov", 0.0, 240.0, **MOV_H264_PCM, sample_rate=44100, fps="50", seed=4),
        Camera("cam_e.mp4", 200.0, 30.0, **MPEG4_MP3, sample_rate=44100, fps="25", seed=5),
    ]
    paths = [mediagen.record(folder, master, c) for c in cams]
    return Event(folder, cams, paths)


@pytest.fixture(scope="session")
def unrelated_clip(tmp_path_factory: pytest.TempPathFactory) -> str:
    """30 s of other speech (a different reader, a different text) over room noise."""
    folder = str(tmp_path_factory.mktemp("unrelated"))
    r4 = mediagen._speech("r4_excerpt.ogg")
    rng = np.random.default_rng(7)
    parts = [r4, r4[::-1], r4[: len(r4) // 2][::-1], r4[len(r4) // 2:]]
    sound = np.concatenate([np.concatenate([p, np.zeros(int(rng.uniform(0.2, 1.5) * 48000))])
                            for p in parts * 2])
    sound = np.resize(sound, 30 * 48000) * 0.5 + rng.standard_normal(30 * 48000) * 0.01
    path = os.path.join(folder, "unrelated.mp4")
    mediagen.encode(path, duration=30.0, fps="25", size="160x120", audio=sound.astype(np.float32),
                    **H264_AAC)
    return path


def run_cli(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it (python -m syncam), with its real exit code and streams."""
    return subprocess.run([*SYNCAM, *args], capture_output=True, text=True, cwd=cwd,
                          stdin=subprocess.DEVNULL)
