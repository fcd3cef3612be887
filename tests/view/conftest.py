"""Events for ``syncam view``, aligned by the real ``syncam align``, served by the real ``syncam view``,
watched by Debian's chromium through Playwright (one browser for the session).

``main``: four cameras on four codec/container pairs at 25, 29.97, 30 and 50 fps; camera D is three
MOV takes (the middle one with PCM sound, which needs a proxy, as the MJPEG AVI does). ``drifting``:
three 50 fps cameras whose clocks run at 0, +300 and -300 ppm (sound resampled exactly, as
tests/e2e/test_drift.py does).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests import mediagen as g
from tests.conftest import SYNCAM, run_cli

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        # the page's sound plays without a click (a person clicks play; a test cannot)
        "--autoplay-policy=no-user-gesture-required"]


@dataclass(frozen=True)
class Served:
    folder: str
    manifest: str
    url: str
    clips: list[dict[str, Any]]  # the manifest's clip entries
    base: dict[str, float]  # clip name -> its file's media time at clip time zero (ffprobe)
    stderr: str
    proc: subprocess.Popen[str]


def base_time(path: str) -> float:
    """Media time of a file's first video frame as a browser counts it, read with ffprobe: its
    container time, a file starting before zero shifted to start at zero."""
    out = subprocess.run([shutil.which("ffprobe") or "ffprobe", "-v", "error", "-show_entries",
                          "format=start_time:stream=start_time,codec_type", "-of", "json", path],
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    start = float(data["format"]["start_time"])
    video = next(s for s in data["streams"] if s["codec_type"] == "video")
    return float(video["start_time"]) - min(start, 0.0)


def serve(folder: str, manifest: str, cache: str) -> Served:
    proc = subprocess.Popen([*SYNCAM, "view", manifest, "--no-browser", "--cache-dir", cache],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise AssertionError(f"no URL printed: {url!r} {proc.communicate()[1]}")
    with open(manifest, encoding="utf-8") as fh:
        clips = json.load(fh)["clips"]
    base = {c["name"]: base_time(c["path"]) for c in clips if c["placed"]}
    return Served(folder, manifest, url, clips, base, "", proc)


def stop(s: Served) -> tuple[int, str]:
    s.proc.send_signal(signal.SIGTERM)
    _, err = s.proc.communicate(timeout=10)
    return s.proc.returncode, err


MAIN_SIZE = "320x180"
MAIN = [
    g.Camera("cam_a.mp4", 0.0, 32.0, **g.H264_AAC, fps="25", size=MAIN_SIZE, seed=1),
    g.Camera("cam b.avi", 2.0, 30.0, **g.MJPEG_PCM, fps="30000/1001", size=MAIN_SIZE, seed=2),
    g.Camera("cam_c.webm", 1.0, 31.0, **g.VP9_OPUS, fps="30", size=MAIN_SIZE, seed=3),
    g.Camera("D_take1.mov", 0.5, 8.5, **g.H264_AAC, fps="50", size=MAIN_SIZE, seed=4),
    g.Camera("D_take2.mov", 9.5, 7.0, **g.MOV_H264_PCM, fps="50", size=MAIN_SIZE, seed=5),
    g.Camera("D_take3.mov", 17.0, 15.0, **g.H264_AAC, fps="50", size=MAIN_SIZE, seed=6),
]
DRIFT_SECONDS = 120.0  # at 90 s, align's slope for +300 ppm was just too uncertain to report
DRIFT = [(g.Camera("ref.mp4", 0.0, DRIFT_SECONDS, seed=7), 0.0),
         (g.Camera("fast.mp4", 2.5, DRIFT_SECONDS, seed=12), 300.0),
         (g.Camera("slow.mp4", 1.0, DRIFT_SECONDS, seed=9), -300.0)]


@pytest.fixture(scope="session")
def main_event(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = str(tmp_path_factory.mktemp("view main"))
    master = g.master_audio(40.0, seed=31)
    paths = [g.record(folder, master, c) for c in MAIN]
    manifest = os.path.join(folder, "event.json")
    done = run_cli("align", *paths, "-o", manifest, "--camera", "D=*D_take*")
    assert done.returncode == 0, done.stderr
    s = serve(folder, manifest, os.path.join(folder, "cache"))
    yield s
    stop(s)


@pytest.fixture(scope="session")
def drifting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = str(tmp_path_factory.mktemp("view drift"))
    master = g.master_audio(DRIFT_SECONDS + 5, seed=32)
    paths = []
    for cam, ppm in DRIFT:
        path = os.path.join(folder, cam.name)
        g.encode(path, duration=cam.duration, fps="50", size="160x90", vcodec=g.H264_AAC["vcodec"],
                 audio=g.drifting_audio(master, cam, ppm), acodec=g.H264_AAC["acodec"])
        paths.append(path)
    manifest = os.path.join(folder, "event.json")
    done = run_cli("align", *paths, "-o", manifest)
    assert done.returncode == 0, done.stderr
    s = serve(folder, manifest, os.path.join(folder, "cache"))
    yield s
    stop(s)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (scripts/system-deps.sh --test "
                    "does, where apt is available) to run the browser tests of syncam view")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is absent: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
