"""Which clips get a browser proxy, the proxy's command, and a real proxy: same frames, same times,
made once per version of the clip."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from syncam.media import ffmpeg
from syncam.media.probe import probe
from syncam.view.proxies import ProxyCache, Wanted, needs_proxy, prepare
from tests import mediagen as g

MP4 = "mov,mp4,m4a,3gp,3g2,mj2"


def data(container: str, video: str | None, audio: str | None, pix: str = "yuv420p") -> dict:
    streams = []
    if video:
        streams.append({"index": 0, "codec_type": "video", "codec_name": video, "pix_fmt": pix})
    if audio:
        streams.append({"index": 1, "codec_type": "audio", "codec_name": audio})
    return {"format": {"format_name": container}, "streams": streams}


@pytest.mark.parametrize(("container", "ext", "video", "audio", "pix", "plays"), [
    (MP4, ".mp4", "h264", "aac", "yuv420p", True),
    (MP4, ".mov", "h264", "aac", "yuv420p", True),
    (MP4, ".mov", "h264", "pcm_s16le", "yuv420p", False),
    (MP4, ".mov", "prores", "pcm_s24le", "yuv422p10le", False),
    (MP4, ".mov", "dnxhd", "pcm_s16le", "yuv422p", False),
    (MP4, ".mp4", "hevc", "aac", "yuv420p", False),
    (MP4, ".mp4", "h264", "aac", "yuv422p", False),
    (MP4, ".mp4", "h264", "aac", "yuv420p10le", False),
    (MP4, ".m4a", None, "aac", "", True),
    ("matroska,webm", ".webm", "vp9", "opus", "yuv420p", True),
    ("matroska,webm", ".webm", "vp8", "vorbis", "yuv420p", True),
    ("matroska,webm", ".mkv", "h264", "pcm_s16le", "yuv420p", False),
    ("matroska,webm", ".mkv", "vp9", "opus", "yuv420p", False),
    ("avi", ".avi", "mjpeg", "pcm_s16le", "yuvj422p", False),
    ("mpegts", ".ts", "h264", "aac", "yuv420p", False),
])
def test_what_browsers_play(container: str, ext: str, video: str | None, audio: str,
                            pix: str, plays: bool) -> None:
    why = needs_proxy(data(container, video, audio, pix), 0 if video else None, 1, ext)
    assert (why == "") == plays, why


def test_proxy_command_keeps_timestamps_and_streams() -> None:
    args = ffmpeg.proxy_args("-odd name.avi", "/tmp/out.mp4", video_stream=2, audio_stream=1,
                             height=720, crf=23, preset="veryfast", audio_bitrate="128k")
    assert args[args.index("-i") + 1] == "-odd name.avi"
    assert ["-map", "0:2"] == args[args.index("0:2") - 1: args.index("0:2") + 1]
    assert "0:1" in args and "passthrough" in args and "libx264" in args and "aac" in args
    assert any("min(720" in a for a in args)
    no_audio = ffmpeg.proxy_args("a.avi", "o.mp4", video_stream=0, audio_stream=None, height=480,
                                 crf=23, preset="veryfast", audio_bitrate="128k")
    assert "aac" not in no_audio


def frame_times(path: str) -> list[float]:
    out = subprocess.run([ffmpeg.find_binary("ffprobe"), "-v", "error", "-select_streams", "v:0",
                          "-show_entries", "frame=best_effort_timestamp_time", "-of", "json", path],
                         capture_output=True, text=True, check=True).stdout
    return [float(f["best_effort_timestamp_time"]) for f in json.loads(out)["frames"]]


@pytest.mark.slow
def test_a_real_proxy_has_the_clip_frames_and_is_made_once(tmp_path: Any) -> None:
    clip_path = str(tmp_path / "cam b.avi")
    g.encode(clip_path, duration=3.0, fps="30000/1001", size="320x240", vcodec=g.MJPEG_PCM["vcodec"],
             audio=g.master_audio(4.0, seed=5)[: 3 * 48000], acodec=g.MJPEG_PCM["acodec"])
    clip = probe(clip_path)
    cache = ProxyCache(str(tmp_path / "cache"), height=144)
    wanted = [Wanted(0, clip, clip.video[0].index, clip.audio[0].index)]
    seen: list[Any] = []
    served = prepare(wanted, cache, seen.append)[0]
    assert served.proxy_reason and served.path.startswith(str(tmp_path / "cache"))
    assert seen and seen[-1].stage == "proxy"
    made = probe(served.path)
    assert made.video[0].codec == "h264" and made.audio[0].codec == "aac"
    assert made.video[0].height == 144 and made.video[0].width == 192
    original, proxy = frame_times(clip_path), frame_times(served.path)
    assert len(proxy) == len(original)
    assert max(abs(a - b) for a, b in zip(original, proxy)) < 1e-3
    assert served.base == pytest.approx(0.0, abs=1e-3)
    # again: the cached proxy, untouched; then a changed clip gets a new one in the same slot
    stamp = os.stat(served.path).st_mtime_ns
    assert prepare(wanted, cache)[0].path == served.path
    assert os.stat(served.path).st_mtime_ns == stamp
    os.utime(clip_path, (1e9, 1e9))
    changed = [Wanted(0, probe(clip_path), clip.video[0].index, clip.audio[0].index)]
    assert cache.get(changed[0].clip, clip.video[0].index, clip.audio[0].index) is None
    assert prepare(changed, cache)[0].path == served.path
    assert os.stat(served.path).st_mtime_ns != stamp
