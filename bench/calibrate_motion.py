"""How high do unrelated pictures score? The null distribution behind config.MOTION_THRESHOLDS.

The motion counterpart of calibrate.py. A pool of real clips is cut from the three real videos in
tests/data (street traffic, a man talking in a moving car, an animated film): stretches of 5 to 16 s,
played at 0.5x to 1.5x (retimed: every frame kept, at the source's rate times the speed, so no clip
repeats or drops frames in a pattern that another shares), whole or cropped to a half or a third of
the view, some darker or noisy, each encoded on its own. Every pair of clips from two different videos
is matched by syncam's motion matcher, and so is every pair from one video whose stretches do not
overlap (the same footage far apart in time), at the same speed. A pair from one video with
overlapping stretches is not a null pair and is never made. A clip shorter than
config.MOTION_MIN_OVERLAP (the sources are 4-10 s long, so many at 1x and above) is matched with
nothing: such pairs are counted but are no part of the distribution.

Prints the distribution of the confidence by the seconds of lags the scan searched (the bins of
config.MOTION_THRESHOLDS: a short search's best unrelated lag has no real runner-up and scores far
higher), the worst pairs, the threshold sound's bound needs in each bin, and how many pairs reach
their bin's threshold (false placements). ``--merge`` summarises several runs' outputs together.

Usage: python bench/calibrate_motion.py [--clips 60] [--seed 1] [--length 5 16] [--keep pool.pkl]
       python bench/calibrate_motion.py --merge run1.json run2.json ...
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from syncam import config  # noqa: E402
from syncam.media import ffmpeg  # noqa: E402
from syncam.media.probe import probe  # noqa: E402
from syncam.pipeline import motion_signature_of  # noqa: E402
from syncam.sync.correlate import match  # noqa: E402
from syncam.sync.score import motion_threshold, threshold_from_null  # noqa: E402
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
        lengths: tuple[float, float] = LENGTH, keep: str | None = None) -> dict:
    """Cut ``clips`` clips, match every unrelated pair; print the distribution; return (and write to
    ``out``) it. ``keep``: also pickle the pool's pieces and signatures there."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        pool = [cut(tmp, k, rng, lengths) for k in range(clips)]
        sigs: list[Signature] = [motion_signature_of(probe(p.path)) for p in pool]
    if keep:  # the pool's signatures, to score other rules on without decoding again
        with open(keep, "wb") as fh:
            pickle.dump({"pool": [asdict(p) for p in pool], "signatures": sigs}, fh)
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
                         "lag": None if m is None else round(m.lag, 3),
                         "overlap": 0.0 if m is None else round(m.overlap, 2),
                         "searched": 0.0 if m is None else round(m.searched, 2),
                         "peak": 0.0 if m is None else round(m.peak, 3),
                         "runner_up": 0.0 if m is None else round(m.runner_up, 3)})
    wall = time.perf_counter() - t0
    print(f"{len(rows)} unrelated pairs of {clips} clips ({wall:.0f} s)")
    result = summary(rows)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        json.dump(result, fh, indent=1)
    return result


def summary(rows: list[dict]) -> dict:
    """Print the null distribution of the pairs a lag could be searched for, by seconds of lags
    searched (the bins of config.MOTION_THRESHOLDS), the worst pairs, how many reach the threshold of
    their span (false placements), and the thresholds sound's bound needs per bin."""
    searched = [r for r in rows if r["lag"] is not None]
    conf = np.array([r["confidence"] for r in searched])
    span = np.array([r["searched"] for r in searched])
    print(f"{len(searched)} of {len(rows)} pairs share {config.MOTION_MIN_OVERLAP:g} s at some lag "
          "(the rest cannot be matched at all)")
    if not len(conf):
        return {"pairs": rows}
    q = {p: float(np.quantile(conf, p / 100)) for p in (50, 90, 99, 100)}
    print(f"confidence median {q[50]:.3f}, 90th {q[90]:.3f}, 99th {q[99]:.3f}, max {q[100]:.3f}")
    edges = [e for e, _ in config.MOTION_THRESHOLDS]
    for k, lo in enumerate(edges):
        hi = edges[k + 1] if k + 1 < len(edges) else np.inf
        inside = conf[(span >= lo) & (span < hi)]
        if not len(inside):
            continue
        try:  # the threshold that sound's false-placement bound (1 in 300 at 95 %) needs here
            need = f"bound needs {threshold_from_null(inside, 1 / 300):g}"
        except ValueError:
            need = f"too few for the bound ({int(np.ceil(3 * 300))} needed)"
        print(f"  searched {lo:g}-{hi:g} s: {len(inside)} pairs, 99th {np.quantile(inside, 0.99):.3f}, "
              f"max {inside.max():.3f}, {need}; threshold "
              f"{motion_threshold(lo, config.MOTION_THRESHOLDS):g}")
    same = [r["confidence"] for r in searched if r["a"] == r["b"]]
    if same:
        print(f"  one video far apart in time: {len(same)} pairs, highest {max(same):.3f}")
    for r in sorted(searched, key=lambda r: -r["confidence"])[:5]:
        print(f"  {r['confidence']:.3f} at {r['lag']:+.2f} s, {r['searched']:g} s searched: {r['a']} "
              f"({r['seconds_a']:g} s, {r.get('speed_a', 1):g}x) ~ {r['b']} ({r['seconds_b']:g} s, "
              f"{r.get('speed_b', 1):g}x)")
    false = int(sum(c >= motion_threshold(s, config.MOTION_THRESHOLDS) for c, s in zip(conf, span)))
    print(f"false placements at config.MOTION_THRESHOLDS: {false} of {len(searched)}")
    return {"pairs": rows, "quantiles": q, "false": false,
            "motion_thresholds": [list(t) for t in config.MOTION_THRESHOLDS]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--length", type=float, nargs=2, default=LENGTH, metavar=("SHORTEST", "LONGEST"),
                    help="clip lengths in seconds (capped by the source at its speed)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "calibration_motion.json"))
    ap.add_argument("--keep", help="also pickle the pool's signatures to this file")
    ap.add_argument("--merge", nargs="+", metavar="JSON",
                    help="summarise the pairs of earlier runs' outputs together (nothing is cut)")
    args = ap.parse_args()
    if args.merge:
        rows = []
        for path in args.merge:
            with open(path) as fh:
                rows += json.load(fh)["pairs"]
        summary(rows)
        return
    run(args.clips, args.seed, args.out, tuple(args.length), args.keep)


if __name__ == "__main__":
    main()
