"""Make the demo event that `make demo` aligns: four cameras from real recordings.

Sound: a BBC radio interview (tests/data/timbl_1.mp3). Picture: real street footage
(tests/data/bikes.mp4), played forwards and backwards at several speeds so that no stretch of motion
repeats. Each camera sees its own crop, hears the interview through its own microphone (gain,
frequency response, noise), uses its own codec, and starts at its own moment:

    1_stage_left.mp4   h264/aac 48 kHz, 25 fps       starts at  0.0 s of the event
    2_phone.mov        h264/aac 16 kHz, 30 fps       starts at  7.3 s (phone mic, 6 dB SNR)
    3_wide.webm        vp9/opus 48 kHz, 25 fps       starts at 11.9 s
    4_cctv.mp4         h264, no sound, 15 fps        starts at  4.0 s (zoomed in on the middle)

so `syncam align` should find offsets 0, +7.300, +11.907 s by sound (the WebM muxer writes Opus's
first sample 7 ms before the first video frame, and an offset is where the first *frame* sits) and
about +4.0 s by motion for the camera without sound.
Usage: python examples/make_demo.py FOLDER
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402

from syncam.media.ffmpeg import find_binary  # noqa: E402
from tests import mediagen  # noqa: E402
from tests.mediagen import Camera  # noqa: E402

CAMERAS = [
    (Camera("1_stage_left.mp4", 0.0, 34.0, **mediagen.H264_AAC, fps="25", snr_db=25.0, seed=1),
     "crop=iw/2:ih:0:0,scale=480:-2"),
    (Camera("2_phone.mov", 7.3, 34.0, vcodec=["-c:v", "libx264", "-preset", "veryfast"],
            acodec=["-c:a", "aac", "-b:a", "48k"], sample_rate=16000, fps="30", snr_db=6.0,
            band=(300.0, 3400.0), gain=0.4, seed=2),
     "crop=iw/2:ih:iw/2:0,scale=480:-2"),
    (Camera("3_wide.webm", 11.9, 34.0, **mediagen.VP9_OPUS, fps="25", snr_db=15.0, seed=3),
     "scale=640:-2"),
    (Camera("4_cctv.mp4", 4.0, 30.0, vcodec=["-c:v", "libx264", "-preset", "veryfast", "-crf", "30"],
            fps="15", audio=False),
     "crop=iw*0.5:ih*0.7:iw*0.25:ih*0.15,scale=320:-2"),
]

# The street: bikes.mp4 (10 s) forwards and backwards at 1x, 1.5x, 2x and 1.25x: 51 s, no repeats.
STREET = ("[0:v]split=7[a][b][c][d][e][f][g];"
          "[a]setpts=PTS-STARTPTS[p0];[b]reverse,setpts=PTS-STARTPTS[p1];"
          "[c]setpts=(PTS-STARTPTS)/1.5[p2];[d]reverse,setpts=(PTS-STARTPTS)/1.5[p3];"
          "[e]setpts=(PTS-STARTPTS)/2[p4];[f]reverse,setpts=(PTS-STARTPTS)/2[p5];"
          "[g]setpts=(PTS-STARTPTS)/1.25[p6];"
          "[p0][p1][p2][p3][p4][p5][p6]concat=n=7:v=1,fps=25[out]")


def main(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    speech = mediagen._speech("timbl_1.mp3").astype(np.float32)
    rng = np.random.default_rng(0)
    master = speech / np.abs(speech).max() * 0.5 + 0.005 * rng.standard_normal(len(speech)).astype(
        np.float32)
    ffmpeg = find_binary("ffmpeg")
    with tempfile.TemporaryDirectory() as tmp:
        street = os.path.join(tmp, "street.mkv")
        subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i",
                        os.path.join(mediagen.DATA, "bikes.mp4"), "-filter_complex", STREET,
                        "-map", "[out]", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0",
                        street], check=True)
        for cam, crop in CAMERAS:
            out = os.path.join(folder, cam.name)
            sound: list[str] = []
            if cam.audio:
                wav = os.path.join(tmp, "a.wav")
                mediagen.write_wav(wav, mediagen.camera_audio(master, cam), mediagen.MASTER_RATE)
                sound = ["-i", wav, "-map", "1:a", *cam.acodec, "-ar", str(cam.sample_rate)]
            # each camera films the street from its own start on the event clock
            subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-y", "-ss", f"{cam.start:.3f}",
                            "-i", street, *sound[:2], "-map", "0:v", *sound[2:],
                            "-vf", f"setpts=PTS-STARTPTS,{crop},fps={cam.fps}",
                            *cam.vcodec, "-pix_fmt", "yuv420p", "-t", f"{cam.duration}", out],
                           check=True)
            print(f"made {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "examples", "demo"))
