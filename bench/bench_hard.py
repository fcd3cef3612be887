"""The hard conditions of issue 8: syncam beside a plain whole-clip GCC-PHAT, in one run.

For each condition of tests/hardgen.py: every clip placed within 1 ms / placed wrong / unplaced, for
syncam (`syncam.align`) and for the baseline (whole-clip GCC-PHAT at 16 kHz, the reference clip
against each other clip, argmax over every lag, the 40-line method people write first; it always
"places", so its wrong answers count as wrong placements).

Usage: python bench/bench_hard.py [--only hall,loop_live] [--out bench/out/hard]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import scipy.fft

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import syncam  # noqa: E402
from syncam.media import ffmpeg  # noqa: E402
from tests import hardgen  # noqa: E402

TOLERANCE = 0.001  # seconds


def baseline_lag(ref: np.ndarray, clip: np.ndarray, rate: int) -> float:
    """offset_clip - offset_ref by plain whole-clip GCC-PHAT (every lag, argmax)."""
    nfft = scipy.fft.next_fast_len(len(ref) + len(clip))
    spec = scipy.fft.rfft(ref, nfft) * np.conj(scipy.fft.rfft(clip, nfft))
    spec /= np.maximum(np.abs(spec), 1e-12)
    r = scipy.fft.irfft(spec, nfft)
    k = int(np.argmax(r))
    if k > nfft // 2:
        k -= nfft
    return k / rate  # ref[n + k] ~ clip[n]: the clip starts k samples into the reference


def run_condition(name: str, folder: str) -> dict:
    takes = hardgen.CONDITIONS[name]()
    paths = hardgen.write(os.path.join(folder, name), takes)
    ref = next(i for i, t in enumerate(takes) if t.truth is not None)
    t0 = time.perf_counter()
    m = syncam.align(paths, reference=paths[ref], cache=None)
    wall = time.perf_counter() - t0
    rows = []
    pcm16 = [ffmpeg.decode_audio(p, 16000, 0, 200.0) for p in paths]
    for i, t in enumerate(takes):
        if i == ref:
            continue
        truth = None if t.truth is None else t.truth - takes[ref].truth  # type: ignore[operator]
        c = m.clips[i]
        s_off = c.offset if c.placed else None
        b_off = baseline_lag(pcm16[ref], pcm16[i], 16000)
        rows.append({"clip": os.path.basename(paths[i]), "truth": truth,
                     "syncam": s_off, "syncam_conf": c.confidence, "syncam_verdict": verdict(s_off, truth),
                     "baseline": b_off, "baseline_verdict": verdict(b_off, truth)})
    return {"condition": name, "seconds": wall, "rows": rows}


def verdict(offset: float | None, truth: float | None) -> str:
    if offset is None:
        return "unplaced" if truth is not None else "right (unplaced)"
    if truth is None:
        return "WRONG"
    return "within 1 ms" if abs(offset - truth) <= TOLERANCE else "WRONG"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default=",".join(hardgen.CONDITIONS))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "hard"))
    args = ap.parse_args()
    run(args.out, args.only.split(","))


def run(out: str, only: list[str] | None = None) -> dict:
    """Every condition, a table on stdout; returns (and writes to OUT/results.json) all rows."""
    results = []
    totals = {"syncam": {}, "baseline": {}}
    print(f"{'condition':<14}{'clip':<26}{'truth s':>10}{'syncam s':>11}{'conf':>6}  {'syncam':<17}"
          f"{'baseline s':>11}  baseline")
    for name in only or list(hardgen.CONDITIONS):
        res = run_condition(name, out)
        results.append(res)
        for r in res["rows"]:
            for who in ("syncam", "baseline"):
                v = r[f"{who}_verdict"]
                totals[who][v] = totals[who].get(v, 0) + 1
            fmt = (lambda x: "-" if x is None else f"{x:+.4f}")
            print(f"{name:<14}{r['clip']:<26}{fmt(r['truth']):>10}{fmt(r['syncam']):>11}"
                  f"{r['syncam_conf']:>6.2f}  {r['syncam_verdict']:<17}{fmt(r['baseline']):>11}  "
                  f"{r['baseline_verdict']}")
    print("totals:", json.dumps(totals))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as fh:
        json.dump({"results": results, "totals": totals}, fh, indent=1)
    return {"results": results, "totals": totals}


if __name__ == "__main__":
    main()
