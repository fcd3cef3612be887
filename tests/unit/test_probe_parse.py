"""The ffprobe JSON -> Clip parser, on output recorded from real files (tests/data/probe)."""

from __future__ import annotations

import json
import os
from fractions import Fraction

import pytest

from syncam.media.probe import clip_from_probe, needs_first_decode

PROBES = os.path.join(os.path.dirname(__file__), "..", "data", "probe")


def parse(name: str, **kw: object):  # type: ignore[no-untyped-def]
    with open(os.path.join(PROBES, name), encoding="utf-8") as fh:
        return clip_from_probe(f"/x/{name}", json.load(fh), size=1, mtime=0.0, **kw)


def test_phone_rotation_creation_time_and_timecode() -> None:
    clip = parse("phone_rot.mov.json")
    assert clip.video[0].rotation == 90
    assert (clip.video[0].width, clip.video[0].height) == (192, 108)
    assert clip.fps == Fraction(30)
    assert clip.creation_time == "2026-05-01T12:00:00.000000Z"
    assert clip.timecode == "01:02:03:04"
    assert clip.sample_rate == 44100 and clip.audio[0].codec == "aac"
    assert len(clip.video) == 1  # the timecode data track is not a video stream


def test_webm_opus_negative_start_and_first_decoded_sample() -> None:
    clip = parse("cam_c.webm.json")
    assert clip.start == pytest.approx(-0.007)
    assert clip.origin == pytest.approx(0.007)  # time zero is the first video frame
    assert clip.audio[0].start == pytest.approx(-0.007)
    assert clip.duration == pytest.approx(-0.007 + 60.008 - 0.007, abs=1e-6)  # format end - origin
    # the first decoded sample, when known, replaces the packet start (Opus pre-skip)
    assert parse("cam_c.webm.json", first_audio=0.0).audio[0].start == 0.0


def test_avi_ntsc_rate_as_exact_fraction() -> None:
    clip = parse("cam_b_phone.avi.json")
    assert clip.fps == Fraction(30000, 1001)
    assert clip.audio[0].sample_rate == 16000 and clip.audio[0].codec == "pcm_s16le"
    assert not clip.video[0].variable_fps


def test_variable_frame_rate_detected() -> None:
    clip = parse("vfr.mp4.json")
    assert clip.video[0].variable_fps
    assert clip.audio == ()


def test_cover_art_is_not_video() -> None:
    data = {"format": {"format_name": "mp3", "duration": "10.0", "start_time": "0"},
            "streams": [{"index": 0, "codec_type": "audio", "codec_name": "mp3",
                         "sample_rate": "44100", "channels": 2, "start_time": "0"},
                        {"index": 1, "codec_type": "video", "codec_name": "mjpeg",
                         "disposition": {"attached_pic": 1}}]}
    clip = clip_from_probe("/x/a.mp3", data, size=1, mtime=0.0)
    assert clip.video == () and clip.duration == pytest.approx(10.0)


@pytest.mark.parametrize("name, second_run", [
    ("cam_c.webm.json", True),  # Opus in WebM: pre-skip moves the first decoded sample
    ("phone_rot.mov.json", False),  # AAC in MOV starts at its first packet
])
def test_a_second_ffprobe_run_only_where_priming_may_move_the_first_sample(name: str,
                                                                           second_run: bool) -> None:
    with open(os.path.join(PROBES, name), encoding="utf-8") as fh:
        data = json.load(fh)
    assert needs_first_decode(data) is second_run
    data["format"]["format_name"] = "matroska,webm"  # Matroska's CodecDelay may shift any codec
    assert needs_first_decode(data)
    data["streams"] = [s for s in data["streams"] if s.get("codec_type") != "audio"]
    assert not needs_first_decode(data)  # nothing to decode
