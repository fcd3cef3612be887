"""Media for the motion tests, built once per session from the real street footage in tests/data."""

from __future__ import annotations

import os
import subprocess

import pytest

from syncam.media import ffmpeg
from tests import mediagen as g
from tests import motionevents as ev
from tests import motionviews as mv


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("motion media"))


@pytest.fixture(scope="session")
def master(media: str) -> str:
    return g.video_master(os.path.join(media, "master.mkv"))


@pytest.fixture(scope="session")
def street(media: str, master: str) -> ev.Event:
    return ev.street(media, master)


@pytest.fixture(scope="session")
def precise(media: str, master: str) -> ev.Event:
    return ev.precise(media, master)


@pytest.fixture(scope="session")
def vfr(media: str, master: str) -> ev.Event:
    return ev.vfr(media, master)


@pytest.fixture(scope="session")
def flashes(media: str) -> ev.Event:
    return ev.flashes(media)


@pytest.fixture(scope="session")
def mixed(media: str, master: str) -> ev.Event:
    return ev.mixed(media, master)


@pytest.fixture(scope="session")
def av(media: str, master: str) -> ev.AvEvent:
    return ev.av(media, master)


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def odd(media: str) -> dict[str, str]:
    """Unrelated and broken inputs: lavfi test pattern, sound only, a still image, a 1-frame clip,
    a still picture as video."""
    folder = os.path.join(media, "odd")
    os.makedirs(folder)
    out = {k: os.path.join(folder, v) for k, v in {
        "pattern": "pattern.mp4", "sound": "sound.m4a", "png": "still.png",
        "one_frame": "one frame.mp4", "frozen": "frozen.mp4"}.items()}
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "12", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv420p", out["pattern"])
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "12", "-c:a", "aac",
            out["sound"])
    bikes = os.path.join(g.DATA, "bikes.mp4")
    _ffmpeg("-i", bikes, "-frames:v", "1", out["png"])
    _ffmpeg("-i", bikes, "-frames:v", "1", "-c:v", "libx264", "-preset", "ultrafast",
            out["one_frame"])
    _ffmpeg("-loop", "1", "-i", out["png"], "-t", "10", "-r", "25", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv420p", out["frozen"])
    return out


@pytest.fixture(scope="session")
def short_views(media: str) -> mv.Views:
    return mv.short(media)
