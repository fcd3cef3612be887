"""How high do unrelated recordings score? The null distribution behind config.MIN_CONFIDENCE.

Builds pairs of real recordings that do not belong together (tests/data: read speech by four
speakers, a song, orchestral, string and jazz music, whale song, a bird, a trumpet loop, babble, and
near-silence with mains hum), of many lengths (3 to 120 s each, drawn independently), and matches
each pair with syncam's audio matcher as align does: the whole-overlap searches with every strong
candidate lag (sync/correlate.match_all), and the fingerprint index's votes with the search around
each voted lag (sync/index.vote, correlate.match_voted). A pair scores its highest candidate.
The two clips of a pair never share a source recording, except
speech of one reader cut from stretches that do not overlap; music is never paired with itself (a song
repeats its own chorus note for note, which is shared sound, not a null pair).

Prints the distribution of the confidence, the highest null score of each search, and how many pairs
reach config.MIN_CONFIDENCE (a false placement).

Usage: python bench/calibrate.py [--pairs 240] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
from scipy.signal import resample_poly

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from syncam import config  # noqa: E402
from syncam.signals.audio import audio_signature  # noqa: E402
from syncam.signals.landmarks import landmarks  # noqa: E402
from syncam.sync.correlate import match_all, match_voted  # noqa: E402
from syncam.sync.index import vote  # noqa: E402
from tests import hardgen  # noqa: E402

RATE = config.AUDIO_RATE
SOURCES = {  # name -> kind
    "reader_198.ogg": "speech", "reader_3436.ogg": "speech", "reader_5703.ogg": "speech",
    "timbl_1.mp3": "speech", "r4_excerpt.ogg": "speech",
    "lets_go_fishin.ogg": "music", "sugar_plum_fairy.ogg": "music", "vibe_ace.ogg": "music",
    "hungarian_dance_5.ogg": "music", "trumpet_loop.ogg": "music",
    "humpback.ogg": "nature", "robin.ogg": "nature",
    "babble": "babble", "hum": "hum",
}
LENGTHS = (3.0, 4.5, 8.0, 15.0, 30.0, 60.0, 120.0)


def source(name: str, seconds: float, rng: np.random.Generator, voices: int) -> np.ndarray:
    """``seconds`` of a source at 8 kHz, from a random start (looped where the recording is short)."""
    n = int(seconds * RATE)
    if name == "hum":  # an empty room: mains hum and its harmonics, hiss
        t = np.arange(n) / RATE
        f = rng.choice([50.0, 60.0]) * rng.uniform(0.998, 1.002)
        x = sum(np.sin(2 * np.pi * f * k * t + rng.uniform(0, 6.3)) / k for k in (1, 2, 3))
        return (0.01 * x + 0.002 * rng.standard_normal(n)).astype(np.float32)
    if name == "babble":
        x = hardgen.babble(seconds, 3, first=voices)
    else:
        x = hardgen.sound(name)
    x = resample_poly(x, 1, 6).astype(np.float32)  # 48 kHz -> 8 kHz
    start = int(rng.integers(0, max(1, len(x) - n))) if len(x) > n else 0
    x = np.resize(np.roll(x, -start), n)
    return (x + rng.standard_normal(n).astype(np.float32) * 0.003).astype(np.float32)


def pairs(count: int, rng: np.random.Generator) -> list[tuple[str, str, float, float]]:
    names = list(SOURCES)
    out = []
    while len(out) < count:
        a, b = rng.choice(names, 2)
        if a == b and SOURCES[a] != "speech":
            continue
        out.append((str(a), str(b), float(rng.choice(LENGTHS)), float(rng.choice(LENGTHS))))
    return out


def _unrelated(a: str, b: str, la: float, lb: float, rng: np.random.Generator, k: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The two clips of null pair ``k``: one reader is cut from the recording's two halves, which
    never overlap; other sources from random starts."""
    if a == b:
        whole = resample_poly(hardgen.sound(a), 1, 6).astype(np.float32)
        half = len(whole) // 2
        return np.resize(whole[:half], int(la * RATE)), np.resize(whole[half:], int(lb * RATE))
    return source(a, la, rng, 2 * k % 60), source(b, lb, rng, (2 * k + 30) % 60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=240)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "calibration.json"))
    ap.add_argument("--voted", action="store_true",
                    help="only the search around index-voted lags, at random lags of each pair")
    args = ap.parse_args()
    if args.voted:
        run_voted(args.pairs, args.seed)
    else:
        run(args.pairs, args.seed, args.out)


def run_voted(count: int, seed: int, lags: int = 4) -> dict:
    """The search around voted lags on its own: unrelated pairs searched at ``lags`` random lags each,
    as if the index had voted for them (it seldom does: 1 of 900 null pairs above). How confident
    can that search make a wrong lag look?"""
    rng = np.random.default_rng(seed)
    best = []
    t0 = time.perf_counter()
    worst: list[tuple[float, str, str]] = []
    for k, (a, b, la, lb) in enumerate(pairs(count, rng)):
        xa, xb = _unrelated(a, b, la, lb, rng, k)
        sa, sb = audio_signature(xa, RATE), audio_signature(xb, RATE)
        tried = list(rng.uniform(-lb + 1.0, la - 1.0, lags))  # lags that leave some overlap
        found = match_voted(sa, sb, 0, 1, tried)
        best.append(max((m.confidence for m in found), default=0.0))
        worst.append((best[-1], f"{a} ({la:g} s)", f"{b} ({lb:g} s)"))
    conf = np.array(best)
    false = int((conf >= config.MIN_CONFIDENCE).sum())
    print(f"{count} unrelated pairs x {lags} random lags searched as voted ({time.perf_counter() - t0:.0f}"
          f" s): confidence median {np.median(conf):.3f}, 99th {np.quantile(conf, 0.99):.3f}, max "
          f"{conf.max():.3f}; at MIN_CONFIDENCE {config.MIN_CONFIDENCE}: {false}")
    for c, a, b in sorted(worst, reverse=True)[:5]:
        print(f"  {c:.3f} {a} ~ {b}")
    return {"max": float(conf.max()), "false": false, "pairs": count}


def run(count: int, seed: int, out: str = os.path.join(ROOT, "bench", "out", "calibration.json")
        ) -> dict:
    """Match ``count`` unrelated pairs; print the distribution; return (and write to ``out``) it."""
    rng = np.random.default_rng(seed)
    rows = []
    t0 = time.perf_counter()
    for k, (a, b, la, lb) in enumerate(pairs(count, rng)):
        xa, xb = _unrelated(a, b, la, lb, rng, k)
        sa, sb = audio_signature(xa, RATE), audio_signature(xb, RATE)
        voted = [v.lag for v in vote([landmarks(xa, RATE), landmarks(xb, RATE)])]
        found = match_all(sa, sb) + (match_voted(sa, sb, 0, 1, voted) if voted else [])
        m = max(found, key=lambda c: c.confidence, default=None)
        rows.append({"a": a, "b": b, "seconds_a": la, "seconds_b": lb,
                     "confidence": 0.0 if m is None else m.confidence,
                     "search": "" if m is None else m.search, "voted": len(voted)})
    wall = time.perf_counter() - t0
    conf = np.array([r["confidence"] for r in rows])
    false = int((conf >= config.MIN_CONFIDENCE).sum())
    q = {p: float(np.quantile(conf, p / 100)) for p in (50, 90, 99, 100)}
    print(f"{len(rows)} unrelated pairs ({wall:.0f} s): confidence median {q[50]:.3f}, 90th {q[90]:.3f}, "
          f"99th {q[99]:.3f}, max {q[100]:.3f}")
    for search in sorted({r["search"] for r in rows}):
        top = max(r["confidence"] for r in rows if r["search"] == search)
        n = sum(r["search"] == search for r in rows)
        print(f"  decided by {search or 'none':<8} {n:4d} pairs, highest confidence {top:.3f}")
    worst = sorted(rows, key=lambda r: -r["confidence"])[:5]
    for r in worst:
        print(f"  {r['confidence']:.3f} {r['search']:<8} {r['a']} ({r['seconds_a']:g} s) ~ {r['b']} "
              f"({r['seconds_b']:g} s)")
    print(f"false placements at MIN_CONFIDENCE {config.MIN_CONFIDENCE}: {false} of {len(rows)}")
    result = {"pairs": rows, "quantiles": q, "false": false, "min_confidence": config.MIN_CONFIDENCE}
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        json.dump(result, fh, indent=1)
    return result


if __name__ == "__main__":
    main()
