"""How high do unrelated pictures score? The null distribution behind config.MOTION_MIN_CONFIDENCE.

The motion counterpart of calibrate.py. A pool of real clips is cut from the three real videos in
tests/data (street traffic, a man talking in a moving car, an animated film): stretches of 5 to 16 s,
played at 0.5x to 1.5x (retimed: every frame kept, at the source's rate times the speed, so no clip
repeats or drops frames in a pattern that another shares), whole or cropped to a half or a third of
the view, some darker or noisy, each encoded on its own. Every pair of clips from two different videos
is matched by syncam's motion matcher, and so is every pair from one video whose stretches do not
overlap (the same footage far apart in time), at the same speed. A pair from one video with
overlapping stretches is not a null pair and is never made.

Prints the distribution of the confidence, the worst pairs, and how many reach
config.MOTION_MIN_CONFIDENCE (a false placement).

Usage: python bench/calibrate_motion.py [--clips 60] [--seed 1] [--length 5 16]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from syncam import config  # noqa: E402
from syncam.media import ffmpeg  # noqa: E402
from syncam.media.probe import probe  # noqa: E402
from syncam.pipeline import motion_signature_of  # noqa: E402
from syncam.sync.correlate import match  # noqa: E402
from syncam.sync.score import threshold_from_null  # noqa: E402
from syncam.types import Signature  # noqa: E402
from tests import mediagen as g  # noqa: E402

VIDEOS = {"bikes.mp4": (10.0, 25.0), "carphone.mp4": (4.0, 30000 / 1001),
          "bigbuckbunny.mp4": (5.28, 25.0)}  # name -> (seconds, frames per second)
SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5)
LENGTH = (5.0, 16.0)  # seconds of clip, drawn uniformly (motion needs 5 s of overlap); --length
CROPS = ((0.0, 0.0, 1.0, 1.0), (0.25, 0.25, 0.5, 0.5), (0.0, 0.5, 0.5, 0.5), (0.6, 0.1, 0.34, 0.34),
         (0.3, 0.6, 0.34, 0.34))
LOOKS = ("", "eq=brightness=-0.1:contrast=0.8", "noise=alls=8:allf=t")


@dataclass(frozen=True)
class Piece:
    video: str
    t0: float  # source seconds
    t1: float
    speed: float
    path: str


def cut(folder: str, k: int, rng: np.random.Generator,
        lengths: tuple[float, float] = LENGTH) -> Piece:
    """One random clip of the pool: a stretch of one video at one speed, crop and look."""
    video = str(rng.choice(list(VIDEOS)))
    speed = float(rng.choice(SPEEDS))
    length = float(rng.uniform(*lengths)) * speed  # source seconds for the clip's length
    seconds, fps = VIDEOS[video]
    length = min(length, seconds - 0.2)
    t0 = float(rng.uniform(0.0, seconds - length))
    x, y, w, h = CROPS[int(rng.integers(len(CROPS)))]
    look = LOOKS[int(rng.integers(len(LOOKS)))]
    chain = (f"trim={t0:.3f}:{t0 + length:.3f},setpts=(PTS-STARTPTS)/{speed},"
             f"crop=trunc(iw*{w}/2)*2:trunc(ih*{h}/2)*2:iw*{x}:ih*{y},scale=320:180")
    if look:
        chain += "," + look
    path = os.path.join(folder, f"clip{k:03d}.mp4")
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y",
                    "-i", os.path.join(g.DATA, video), "-vf", chain, "-an", "-c:v", "libx264",
                    "-preset", "ultrafast", "-crf", "24", "-pix_fmt", "yuv420p",
                    "-r", f"{fps * speed:.4f}", path], check=True)
    return Piece(video, t0, t0 + length, speed, path)


def unrelated(a: Piece, b: Piece) -> bool:
    """Two different videos, or one video's stretches that do not overlap, at one speed."""
    if a.video != b.video:
        return True
    return a.speed == b.speed and (a.t1 <= b.t0 or b.t1 <= a.t0)


def run(clips: int = 60, seed: int = 1,
        out: str = os.path.join(ROOT, "bench", "out", "calibration_motion.json"),
        lengths: tuple[float, float] = LENGTH) -> dict:
    """Cut ``clips`` clips, match every unrelated pair; print the distribution; return (and write to
    ``out``) it."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        pool = [cut(tmp, k, rng, lengths) for k in range(clips)]
        sigs: list[Signature] = [motion_signature_of(probe(p.path)) for p in pool]
    rows = []
    for i in range(len(pool)):
        for j in range(i + 1, len(pool)):
            if not unrelated(pool[i], pool[j]):
                continue
            m = match(sigs[i], sigs[j])
            rows.append({"a": pool[i].video, "b": pool[j].video, "speed_a": pool[i].speed,
                         "speed_b": pool[j].speed,
                         "seconds_a": round(sigs[i].duration, 2),
                         "seconds_b": round(sigs[j].duration, 2),
                         "confidence": 0.0 if m is None else round(m.confidence, 4),
                         "lag": None if m is None else round(m.lag, 3)})
    wall = time.perf_counter() - t0
    conf = np.array([r["confidence"] for r in rows])
    false = int((conf >= config.MOTION_MIN_CONFIDENCE).sum())
    q = {p: float(np.quantile(conf, p / 100)) for p in (50, 90, 99, 100)}
    print(f"{len(rows)} unrelated pairs of {clips} clips ({wall:.0f} s): confidence median "
          f"{q[50]:.3f}, 90th {q[90]:.3f}, 99th {q[99]:.3f}, max {q[100]:.3f}")
    same = [r["confidence"] for r in rows if r["a"] == r["b"]]
    if same:
        print(f"  one video far apart in time: {len(same)} pairs, highest {max(same):.3f}")
    for r in sorted(rows, key=lambda r: -r["confidence"])[:5]:
        lag = float("nan") if r["lag"] is None else r["lag"]
        print(f"  {r['confidence']:.3f} at {lag:+.2f} s: {r['a']} ({r['seconds_a']:g} s, "
              f"{r['speed_a']:g}x) ~ {r['b']} ({r['seconds_b']:g} s, {r['speed_b']:g}x)")
    print(f"false placements at MOTION_MIN_CONFIDENCE {config.MOTION_MIN_CONFIDENCE}: {false} of "
          f"{len(rows)}")
    try:  # the threshold that sound's false-placement bound (1 in 300 at 95 %) would need
        print(f"sound's bound (below 1 in 300) needs {threshold_from_null(conf, 1 / 300)}")
    except ValueError as exc:
        print(f"sound's bound: {exc}")
    result = {"pairs": rows, "quantiles": q, "false": false,
              "motion_min_confidence": config.MOTION_MIN_CONFIDENCE}
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        json.dump(result, fh, indent=1)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--length", type=float, nargs=2, default=LENGTH, metavar=("SHORTEST", "LONGEST"),
                    help="clip lengths in seconds (capped by the source at its speed)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "calibration_motion.json"))
    args = ap.parse_args()
    run(args.clips, args.seed, args.out, tuple(args.length))


if __name__ == "__main__":
    main()
