"""Reading small grey frames and their presentation times from real encoded clips."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from syncam.errors import FFmpegError
from syncam.media import ffmpeg
from syncam.media.probe import probe
from syncam.pipeline import motion_signature_of

pytestmark = pytest.mark.slow  # every test decodes frames with ffmpeg


def test_args_are_pure_and_keep_odd_paths_whole() -> None:
    args = ffmpeg.gray_frames_args("/clips/-dash ünï space.mp4", 2, 96, 64)
    assert "/clips/-dash ünï space.mp4" in args  # one argument, absolute, not an option
    graph = args[args.index("-filter_complex") + 1]
    assert graph.startswith("[0:2]scale=96:64:flags=area") and "format=gray" in graph
    assert "showinfo=checksum=0" in graph
    assert args[args.index("-fps_mode") + 1] == "passthrough"
    assert "-copyts" in args and args[args.index("-pix_fmt") + 1] == "gray"


def _probe_pts(path: str) -> list[float]:
    out = subprocess.run([ffmpeg.find_binary("ffprobe"), "-v", "error", "-select_streams", "v:0",
                          "-show_entries", "frame=best_effort_timestamp_time", "-of", "json", path],
                         check=True, capture_output=True).stdout
    return [float(f["best_effort_timestamp_time"]) for f in json.loads(out)["frames"]]


def test_times_are_the_real_presentation_times_of_a_vfr_clip(vfr) -> None:
    phone = vfr.paths[1]
    clip = probe(phone)
    assert clip.video[0].variable_fps
    args = ffmpeg.gray_frames_args(phone, clip.video[0].index, 96, 64)
    got = list(ffmpeg.read_gray_frames(args, 96, 64, what=phone, block=50))
    frames = np.concatenate([f for f, _ in got])
    times = np.concatenate([t for _, t in got])
    assert frames.shape[1:] == (64, 96) and frames.dtype == np.uint8
    assert max(len(f) for f, _ in got) == 50  # memory is bounded by the block size
    np.testing.assert_allclose(times, _probe_pts(phone), atol=1e-3)
    gaps = np.diff(times)
    assert gaps.max() > 1.8 / 30 and gaps.min() == pytest.approx(1 / 30, abs=2e-3)


def test_container_start_time_is_clip_time_zero(tmp_path, street) -> None:
    # MPEG-TS starts its clock at 1.4 s: the signature must still be in clip time
    ts = str(tmp_path / "camera.ts")
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-i", street.paths[0],
                    "-c", "copy", ts], check=True)
    clip = probe(ts)
    assert clip.origin > 1.0
    sig = motion_signature_of(clip)
    assert 0.0 <= sig.start < 0.03 and sig.duration == pytest.approx(clip.duration, abs=0.1)


def test_ffmpeg_failure_is_reported_with_the_file(tmp_path, street) -> None:
    broken = tmp_path / "broken.mp4"
    data = open(street.paths[0], "rb").read()
    broken.write_bytes(data[: len(data) // 3])
    args = ffmpeg.gray_frames_args(str(broken), 0, 96, 64)
    args[args.index("-filter_complex") + 1] += ",nosuchfilter"
    with pytest.raises(FFmpegError, match="broken.mp4"):
        list(ffmpeg.read_gray_frames(args, 96, 64, what=str(broken)))


def test_truncated_clip_yields_the_frames_it_has(tmp_path, street) -> None:
    # a Matroska file cut short (a card pulled out mid-recording): what is there is used
    broken = tmp_path / "cut short.mkv"
    data = open(street.paths[2], "rb").read()
    broken.write_bytes(data[: int(len(data) * 0.6)])
    sig = motion_signature_of(probe(str(broken)))
    assert 3.0 < sig.duration < 8.0
