"""``syncam split`` on a release built from real footage: 8 shots from 4 cameras (one of them a
lookalike of another, one seen three times) behind a title card, out of time order, with letterbox and
pillarbox bars, a dissolve and a voice-over across two cuts."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from syncam.media import ffmpeg
from tests.conftest import SYNCAM
from tests.split.conftest import SplitRun

pytestmark = pytest.mark.slow


def _truth_cameras(run: SplitRun) -> list[str | None]:
    return [s.camera for s in run.release.shots]


def test_every_cut_is_found_on_its_frame(split_run: SplitRun) -> None:
    shots = split_run.listing["shots"]
    found = [s["first_frame"] for s in shots]
    truth = list(split_run.release.starts)
    assert len(found) == len(truth), (found, truth)
    for f, t in zip(found, truth):
        assert abs(f - t) <= 1, (found, truth)  # the dissolve's midpoint too
    # contiguous, and the last shot ends on the last frame
    assert all(a["last_frame"] + 1 == b["first_frame"] for a, b in zip(shots, shots[1:]))
    assert shots[-1]["last_frame"] == split_run.release.frames - 1
    assert split_run.listing["fps"] == "25"


def test_shots_fall_into_the_true_cameras_and_the_title_is_left_out(split_run: SplitRun) -> None:
    shots = split_run.listing["shots"]
    truth = _truth_cameras(split_run)
    assert shots[0]["kind"] == "title" and shots[0]["camera"] is None and shots[0]["path"] is None
    found = [s["camera"] for s in shots]
    # the same partition, named in order of first appearance
    names: dict[str, str] = {}
    for t in truth:
        if t is not None and t not in names:
            names[t] = f"cam{len(names) + 1:02d}"
    assert found == [None if t is None else names[t] for t in truth]
    assert len(names) == 4  # the lookalike (D) is not merged with A
    assert sorted(os.listdir(split_run.folder)) == ["cam01", "cam02", "cam03", "cam04", "shots.json"]


def test_sound_laid_over_cuts_is_marked_and_left_out(split_run: SplitRun) -> None:
    shots = split_run.listing["shots"]
    a, b = split_run.release.voice or (0, 0)
    over = [s["start"] < b - 0.01 and s["end"] > a + 0.01 for s in shots]
    assert [s["audio"] for s in shots] == [
        "none" if s["camera"] is None else "overlay" if o else "own" for s, o in zip(shots, over)]
    assert sum(over) == 3


def test_written_shots_are_frame_accurate_and_without_bars(split_run: SplitRun) -> None:
    rel = split_run.release
    for s in split_run.listing["shots"]:
        if s["path"] is None:
            continue
        path = os.path.join(split_run.folder, s["path"])
        assert s["path"].startswith(f"{s['camera']}/{s['index']:02d}_")
        info = ffmpeg.probe_json(path)
        video = [st for st in info["streams"] if st["codec_type"] == "video"]
        audio = [st for st in info["streams"] if st["codec_type"] == "audio"]
        frames = s["last_frame"] - s["first_frame"] + 1
        assert int(video[0]["nb_frames"]) == frames, s
        assert float(video[0]["duration"]) == pytest.approx(frames / 25, abs=0.5 / 25)
        assert s["end"] - s["start"] == pytest.approx(frames / 25, abs=1e-3)
        assert bool(audio) == (s["audio"] == "own")
        # the picture the camera saw, bars removed (cropdetect keeps sides even: within 2 px)
        view = rel.cameras[rel.shots[s["index"]].camera or ""]
        assert abs(int(video[0]["width"]) - view.size[0]) <= 2, (s, view)
        assert abs(int(video[0]["height"]) - view.size[1]) <= 2, (s, view)


def test_a_shot_file_starts_on_its_first_frame(split_run: SplitRun) -> None:
    """The first frame of a written shot is the release's frame first_frame, pixel for pixel (up to
    the two encodings): checked against the frames either side."""
    import numpy as np

    s = split_run.listing["shots"][2]  # no bars: the release's frame is the shot's frame
    path = os.path.join(split_run.folder, s["path"])
    rel = split_run.release.path
    size = (160, 90)
    shot = ffmpeg.frames_at(path, 0, [(0.0, 0.0)], (0, 0, *size), size, slack=0.001)[0]
    diffs = []
    for f in (s["first_frame"] - 1, s["first_frame"], s["first_frame"] + 1):
        t = f / 25
        frame = ffmpeg.frames_at(rel, 0, [(max(0.0, t - 0.5), t - max(0.0, t - 0.5))],
                                 (0, 0, *size), size, slack=0.001)[0]
        diffs.append(float(np.abs(frame.astype(int) - shot.astype(int)).mean()))
    assert diffs[1] < min(diffs[0], diffs[2]), diffs


def test_existing_output_is_refused_unless_forced(split_run: SplitRun, tmp_path) -> None:
    proc = subprocess.run([*SYNCAM, "split", split_run.release.path, "-o", split_run.folder],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "not empty" in proc.stderr and "--force" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_no_video_is_one_line(tmp_path) -> None:
    wav = os.path.join(tmp_path, "sound.wav")
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-v", "error", "-f", "lavfi", "-i",
                    "sine=d=1", wav], check=True)
    out = os.path.join(tmp_path, "out")
    proc = subprocess.run([*SYNCAM, "split", wav, "-o", out], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "has no video stream" in proc.stderr
    assert not os.path.exists(out)


def test_a_file_without_cuts_is_one_shot(tmp_path) -> None:
    clip = os.path.join(tmp_path, "one.mp4")
    src = os.path.join(os.path.dirname(__file__), "..", "data", "bikes.mp4")
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-v", "error", "-i", src, "-vf",
                    "trim=start_frame=140:end_frame=185,setpts=PTS-STARTPTS", "-c:v", "libx264",
                    "-preset", "ultrafast", clip], check=True)
    out = os.path.join(tmp_path, "out")
    subprocess.run([*SYNCAM, "split", clip, "-o", out], check=True, capture_output=True)
    with open(os.path.join(out, "shots.json"), encoding="utf-8") as f:
        shots = json.load(f)["shots"]
    assert [(s["first_frame"], s["last_frame"], s["camera"], s["kind"]) for s in shots] == [
        (0, 44, "cam01", "camera")]
    assert shots[0]["audio"] == "none"
    # --force replaces it whole
    subprocess.run([*SYNCAM, "split", clip, "-o", out, "--force"], check=True, capture_output=True)
    assert sorted(os.listdir(out)) == ["cam01", "shots.json"]
    assert not [e for e in os.listdir(tmp_path) if e.startswith(".")]  # no temporary left


def test_each_shot_file_keeps_its_cameras_clock_on_the_right_frames(split_run: SplitRun) -> None:
    """The burned-in clock turns over (a new second) on exactly the frames of each written shot
    where the event's time crosses a whole second: the shot is the camera's frames, none lost or
    shifted."""
    import numpy as np

    rel = split_run.release
    checked = 0
    for s in split_run.listing["shots"]:
        if s["path"] is None:
            continue
        view = rel.cameras[rel.shots[s["index"]].camera or ""]
        path = os.path.join(split_run.folder, s["path"])
        info = ffmpeg.probe_json(path)["streams"][0]
        w, h = int(info["width"]), int(info["height"])
        raw = subprocess.run([ffmpeg.find_binary("ffmpeg"), "-v", "error", "-i", path, "-f",
                              "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True,
                             check=True).stdout
        frames = np.frombuffer(raw, np.uint8).reshape(-1, h, w).astype(int)
        x, y = view.clock  # the seconds' digits, at the end of "YYYY-MM-DD HH:MM:SS"
        digits = frames[:, max(y - 2, 0): y + 20, x + 140: x + 185]
        change = np.abs(np.diff(digits, axis=0)).mean(axis=(1, 2))  # change[k-1]: into frame k
        n = len(frames)
        times = [rel.event_time(s["index"], s["first_frame"] + k) for k in range(n)]
        turns = [k for k in range(1, n - 1) if int(times[k] + 1e-9) != int(times[k - 1] + 1e-9)]
        assert turns, s
        for k in turns:
            around = change[max(k - 3, 0): k + 2]
            assert change[k - 1] == around.max() and change[k - 1] > 2 * np.median(change), (s, k)
            checked += 1
    assert checked >= 20
