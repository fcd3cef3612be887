"""SIGTERM and SIGHUP stop align, render and batch the way Ctrl-C does: every ffmpeg child stopped,
temporary files removed, nothing under the final name, exit 128 + the signal's number.

The signal goes to syncam's process alone (``kill PID``, a service manager's stop, a closed ssh session),
not to its whole process group as a terminal's Ctrl-C does: syncam must stop its children itself.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from syncam import manifest
from syncam.media.probe import probe
from syncam.types import Method, Placement, Solution
from tests.conftest import Event

pytestmark = pytest.mark.slow
SIGNALS = [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)]


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def _is_ffmpeg(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return os.path.basename(fh.read().split(b"\0")[0]) in (b"ffmpeg", b"ffprobe")
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _stop_while_ffmpeg_runs(args: list[str], sig: int, folder: str, *, temp: str | None = None,
                            settle: float = 0.5) -> tuple[int, str, set[int]]:
    """Start syncam, wait until an ffmpeg runs under it (and ``temp`` exists), send ``sig`` to syncam
    alone; return its exit code, its stderr and the ffmpeg processes it had."""
    proc = subprocess.Popen([sys.executable, "-m", "syncam", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    ffmpegs: set[int] = set()
    while not ffmpegs or (temp and not glob.glob(os.path.join(folder, temp))):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        ffmpegs = {p for p in _descendants(proc.pid) if _is_ffmpeg(p)}
        time.sleep(0.02)
    time.sleep(settle)
    ffmpegs |= {p for p in _descendants(proc.pid) if _is_ffmpeg(p)}
    os.kill(proc.pid, sig)
    _, stderr = proc.communicate(timeout=30)
    return proc.returncode, stderr, ffmpegs


def _assert_clean_stop(code: int, expected: int, stderr: str, ffmpegs: set[int], folder: str) -> None:
    assert code == expected, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "interrupted" in lines[0] and "Traceback" not in stderr, stderr
    time.sleep(0.2)
    assert not [p for p in ffmpegs if _alive(p)], "ffmpeg left running"
    assert not glob.glob(os.path.join(folder, ".*")), os.listdir(folder)  # no hidden temporary


def _hashes(paths: list[str]) -> dict[str, str]:
    out = {}
    for path in paths:
        with open(path, "rb") as fh:
            out[path] = hashlib.sha256(fh.read()).hexdigest()
    return out


@pytest.mark.parametrize("sig, expected", SIGNALS)
def test_align_stops_on_signal(event: Event, tmp_path, sig: int, expected: int) -> None:
    out = os.path.join(tmp_path, "m.json")
    before = _hashes(event.paths)
    code, stderr, ffmpegs = _stop_while_ffmpeg_runs(
        ["align", *event.paths, "-o", out, "--no-cache", "--method", "both"], sig, str(tmp_path))
    _assert_clean_stop(code, expected, stderr, ffmpegs, str(tmp_path))
    assert not os.path.exists(out) and _hashes(event.paths) == before


@pytest.fixture(scope="module")
def placed(event: Event, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A manifest of the event with its true offsets (no alignment needed)."""
    clips = [probe(p) for p in event.paths]
    placements = tuple(Placement(event.truth(i), confidence=1.0, method=Method.AUDIO)
                       for i in range(len(clips)))
    m = manifest.build(clips, Solution(reference=0, placements=placements, verdicts=()), reasons={})
    path = os.path.join(str(tmp_path_factory.mktemp("placed")), "manifest.json")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(m.to_json())
    return path


@pytest.mark.parametrize("sig, expected", SIGNALS)
def test_render_stops_on_signal(placed: str, tmp_path, sig: int, expected: int) -> None:
    out = os.path.join(tmp_path, "slow.mp4")
    inputs = [placed, *(c["path"] for c in json.load(open(placed, encoding="utf-8"))["clips"])]
    before = _hashes(inputs)
    code, stderr, ffmpegs = _stop_while_ffmpeg_runs(
        ["render", placed, "-o", out, "--width", "1920", "--height", "1080", "--fps", "60",
         "--preset", "veryslow"], sig, str(tmp_path), temp=".slow.*")
    _assert_clean_stop(code, expected, stderr, ffmpegs, str(tmp_path))
    assert not os.path.exists(out) and _hashes(inputs) == before


@pytest.mark.parametrize("sig, expected, jobs", [(*s, "1") for s in SIGNALS]
                         + [(signal.SIGTERM, 143, "2")])
def test_batch_stops_on_signal(event: Event, tmp_path, sig: int, expected: int, jobs: str) -> None:
    """With --render, each event is an alignment and then a mosaic: both must stop and clean up,
    in this process (-j 1) or in pool workers (-j 2, two events)."""
    out = str(tmp_path / "out")
    jobs_file = str(tmp_path / "jobs.json")
    before = _hashes(event.paths)
    with open(jobs_file, "w", encoding="utf-8") as fh:
        json.dump([{"name": name, "clips": event.paths} for name in ("one", "two")], fh)
    code, stderr, ffmpegs = _stop_while_ffmpeg_runs(
        ["batch", "--jobs-file", jobs_file, "-o", out, "--no-cache", "--render", "-j", jobs], sig,
        str(tmp_path), settle=1.0)
    _assert_clean_stop(code, expected, stderr, ffmpegs, str(tmp_path))
    leftovers = [os.path.join(r, f) for r, _, files in os.walk(out) for f in files]
    assert not [f for f in leftovers if os.path.basename(f).startswith(".")], leftovers
    assert not [f for f in leftovers if f.endswith(".mp4")], leftovers  # no mosaic: both stopped
    assert _hashes(event.paths) == before
