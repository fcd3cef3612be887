"""Benchmark of `syncam batch`: 8 events x 3 clips x 2 minutes (x scale).

Measures, on footage built with tests/mediagen.py:
  * --jobs 1 vs --jobs 2 with a cold signature cache (the speed-up of event parallelism),
  * the same batch again with a warm cache (--force: every event re-aligned, nothing decoded),
  * the other possible unit of work, one clip's signature per task (then the events from the
    warm cache), to compare against one event per task.

    python bench/bench_batch.py --scale 0.05     # a quick check (clips of 10 s)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from syncam import pipeline, probe  # noqa: E402
from syncam.batch import batch, is_clip_name  # noqa: E402
from syncam.cache import SignatureCache  # noqa: E402
from syncam.types import Method  # noqa: E402
from tests import mediagen  # noqa: E402

EVENTS = 8
CLIPS = 3
CLIP_SECONDS = 120.0
MIN_CLIP_SECONDS = 10.0  # below this, clips would share less than the matcher's minimum overlap


def build(folder: str, scale: float) -> float:
    """Write the events into ``folder``; return the clip duration."""
    d = max(MIN_CLIP_SECONDS, CLIP_SECONDS * scale)
    for e in range(EVENTS):
        master = mediagen.master_audio(d * 1.3 + 1.0, seed=100 + e)
        event = os.path.join(folder, f"event {e:02d}")
        os.makedirs(event)
        for k, start in enumerate((0.0, 0.13 * d, 0.27 * d)[:CLIPS]):
            mediagen.record(event, master, mediagen.Camera(
                f"cam{k}.mp4", start=start, duration=d, seed=10 * e + k, **mediagen.H264_AAC))
    return d


def _signature(path: str, cache_dir: str) -> None:
    pipeline.extract(probe(path), Method.AUDIO, SignatureCache(cache_dir))


def _timed_batch(root: str, **kwargs) -> float:
    t0 = time.perf_counter()
    result = batch([root], force=True, **kwargs)
    seconds = time.perf_counter() - t0
    if result.exit_code != 0:
        bad = [(e.name, e.status.value, e.error) for e in result.events if e.status.value != "aligned"]
        raise RuntimeError(f"benchmark batch did not align every event: {bad}")
    return seconds


def run(scale: float = 1.0) -> dict:
    """Build the events, time the batch variants, return the figures (seconds)."""
    with tempfile.TemporaryDirectory(prefix="syncam-bench-batch-") as tmp:
        root = os.path.join(tmp, "events")
        t0 = time.perf_counter()
        d = build(root, scale)
        built = time.perf_counter() - t0
        jobs1 = _timed_batch(root, jobs=1, cache_dir=os.path.join(tmp, "cache1"))
        warm_dir = os.path.join(tmp, "cache2")
        jobs2 = _timed_batch(root, jobs=2, cache_dir=warm_dir)
        warm = _timed_batch(root, jobs=2, cache_dir=warm_dir)

        clip_dir = os.path.join(tmp, "cache3")
        clips = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(root) for f in fs
                       if is_clip_name(f))
        t0 = time.perf_counter()
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(_signature, clips, [clip_dir] * len(clips)))
        clip_unit = time.perf_counter() - t0 + _timed_batch(root, jobs=2, cache_dir=clip_dir)
    return {"events": EVENTS, "clips_per_event": CLIPS, "clip_seconds": d, "build_s": built,
            "jobs1_cold_s": jobs1, "jobs2_cold_s": jobs2, "speedup_jobs2": jobs1 / jobs2,
            "jobs2_warm_s": warm, "warm_vs_cold": warm / jobs2, "clip_unit_jobs2_s": clip_unit}


def _table(r: dict) -> str:
    rows = [
        (f"build {r['events']} events x {r['clips_per_event']} clips x {r['clip_seconds']:.0f} s",
         f"{r['build_s']:.1f} s"),
        ("batch --jobs 1 (cold cache)", f"{r['jobs1_cold_s']:.2f} s"),
        ("batch --jobs 2 (cold cache)", f"{r['jobs2_cold_s']:.2f} s"),
        ("  speed-up", f"x{r['speedup_jobs2']:.2f}"),
        ("batch --jobs 2 --force (warm cache)", f"{r['jobs2_warm_s']:.2f} s"),
        ("  warm / cold", f"{r['warm_vs_cold']:.2f}"),
        ("unit = one clip's signature, 2 processes", f"{r['clip_unit_jobs2_s']:.2f} s"),
    ]
    w = max(len(a) for a, _ in rows)
    return "\n".join(f"{a.ljust(w)}  {b}" for a, b in rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SYNCAM_BENCH_SCALE",
                                                                            "1.0")),
                        help="clip length factor (1.0 = 2-minute clips)")
    print(_table(run(parser.parse_args().scale)))
