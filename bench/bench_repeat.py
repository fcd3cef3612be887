"""Issue 19's speed, memory and correctness figures, on events whose sound repeats (tests/repeatgen.py).

Sections (each beside ffmpeg decoding the same sound one clip after another, in the same run):
  long11   3 x 11 min of one event (target: align <= 1.0x the decode)
  long60   3 x 60 min (targets: <= 1.0x, peak RSS <= 600 MB)
  many     the issue's event: 47 clips of 15-90 s (targets: <= 2.0x, <= 1 GB)
  warm     re-align of the 3 x 11 min with the signature cache filled by long11 (target: < 0.5 s)
  scaling  10, 25, 50, 100 clips of one event: time and pairs searched

`syncam align` runs as a user runs it (the CLI, in a fresh process, a fresh cache folder); its peak
RSS is the process's own high-water mark (VmHWM) and, sampled every 20 ms, that of its whole tree
with the ffmpeg decoders. Right/wrong/unplaced are judged against the event's truth: wrong = placed
more than 1 ms from the truth, or placed at all when it is another event's recording.

Usage: python bench/bench_repeat.py [--only long11,many] [--scaling 10,25,50,100]
Events are generated once into bench/out/repeat/ (a folder per event and parameters) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.bench import _tree_rss_mb, decode_alone  # noqa: E402
from tests import repeatgen  # noqa: E402
from tests.repeatgen import AMBIGUOUS, PLACED, Truth  # noqa: E402

OUT = os.path.join(ROOT, "bench", "out", "repeat")
TOLERANCE = 0.001  # seconds
SECTIONS = ("long11", "long60", "many", "warm", "scaling")

# The CLI as a user runs it; at exit, the process's own peak RSS and the in-process wall time
_CHILD = """
import atexit, os, runpy, sys, time
t0 = time.perf_counter()
def done():
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
    with open(os.environ["BENCH_REPEAT_STATS"], "w") as fh:
        fh.write(f"{int(hwm) / 1024} {time.perf_counter() - t0}")
atexit.register(done)
sys.argv = ["syncam", *sys.argv[1:]]
runpy.run_module("syncam", run_name="__main__")
"""


def cli_align(paths: list[str], cache: str, manifest: str) -> dict:
    """`syncam align` in a fresh process: wall time, peak RSS, its manifest (as JSON)."""
    stats = manifest + ".stats"
    env = dict(os.environ, BENCH_REPEAT_STATS=stats)
    t, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, "align", *paths, "-o", manifest,
                             "--cache-dir", cache], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.02)
    wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
    if proc.returncode not in (0, 3):  # 3: some clip unplaced, which these events expect
        raise SystemExit(f"syncam align failed with exit code {proc.returncode}")
    with open(stats) as fh:
        hwm, inside = (float(v) for v in fh.read().split())
    with open(manifest, encoding="utf-8") as fh:
        m = json.load(fh)
    return {"wall": wall, "cpu": cpu, "in_process": inside, "rss_mb": hwm, "rss_tree_mb": peak,
            "manifest": m}


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process and its descendants: a figure
    that load from other work on the machine changes far less than wall time."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def pairs(m: dict) -> tuple[int | None, int | None]:
    """(searched, skipped) as the manifest records them; (None, None) where it does not (before
    issue 19 every pair was searched)."""
    p = m.get("pairs")
    if isinstance(p, dict):
        return p.get("searched"), p.get("skipped")
    return None, None


def judge(m: dict, truth: Truth) -> dict[str, int]:
    """Counts of right / wrong / unplaced against the truth."""
    ref = m["reference"]
    out = {"right": 0, "wrong": 0, "ambiguous_placed_right": 0, "unplaced_should_place": 0,
           "unplaced_right": 0}
    for i, c in enumerate(m["clips"]):
        start = truth.starts[i]
        if c["placed"]:
            ok = (start is not None and truth.starts[ref] is not None
                  and abs(c["offset"] - truth.offset(i, ref)) <= TOLERANCE)
            out["right" if ok else "wrong"] += 1
            # at its true place by chance: nothing told the replays apart (should be unplaced)
            out["ambiguous_placed_right"] += ok and truth.roles[i] == AMBIGUOUS
        elif truth.roles[i] == PLACED:
            out["unplaced_should_place"] += 1
        else:
            out["unplaced_right"] += 1
    out["ambiguous"] = truth.roles.count(AMBIGUOUS)
    return out


def measure(name: str, paths: list[str], truth: Truth, *, cache: str | None = None,
            targets: str = "") -> dict:
    """Decode alone, then align (fresh cache unless ``cache``); one line of figures."""
    decode_alone(paths, 2)  # warm the page cache: both sides then read from memory
    cpu = _children_cpu()
    seq = decode_alone(paths, 1)
    seq_cpu = _children_cpu() - cpu
    fresh = cache is None
    cache = cache or tempfile.mkdtemp(prefix="syncam-bench-cache-")
    with tempfile.TemporaryDirectory() as tmp:
        r = cli_align(paths, cache, os.path.join(tmp, "manifest.json"))
    if fresh:
        shutil.rmtree(cache, ignore_errors=True)
    n = len(paths)
    searched, skipped = pairs(r["manifest"])
    verdict = judge(r["manifest"], truth)
    row = {"section": name, "clips": n, "audio_s": truth_seconds(paths), "decode_sequential_s": seq,
           "decode_cpu_s": seq_cpu, "align_s": r["wall"], "align_cpu_s": r["cpu"],
           "align_in_process_s": r["in_process"], "load_average": os.getloadavg()[0],
           "ratio": r["wall"] / seq, "rss_mb": r["rss_mb"], "rss_tree_mb": r["rss_tree_mb"],
           "pairs_total": n * (n - 1) // 2, "pairs_searched": searched, "pairs_skipped": skipped,
           **verdict, "targets": targets}
    shown = "not recorded" if searched is None else f"{searched} searched, {skipped} skipped"
    print(f"  {name}: {n} clips | ffmpeg decode one after another {seq:.2f} s | syncam align "
          f"{r['wall']:.2f} s ({r['in_process']:.2f} s in process) = {row['ratio']:.2f}x | CPU: "
          f"decode {seq_cpu:.2f} s, align {r['cpu']:.2f} s (load {row['load_average']:.1f}) | peak RSS "
          f"{r['rss_mb']:.0f} MB (with ffmpeg {r['rss_tree_mb']:.0f} MB) | pairs: {shown} of "
          f"{row['pairs_total']} | right {verdict['right']} (of which ambiguous clips placed by "
          f"chance {verdict['ambiguous_placed_right']}), WRONG {verdict['wrong']}, unplaced "
          f"that should be placed {verdict['unplaced_should_place']}, rightly unplaced "
          f"{verdict['unplaced_right']}  [targets: {targets}]", flush=True)
    return row


def truth_seconds(paths: list[str]) -> float:
    from syncam.media.probe import probe
    return round(sum(probe(p).duration for p in paths), 1)


def long_paths(minutes: float) -> tuple[list[str], Truth]:
    return repeatgen.long_event(os.path.join(OUT, f"long-{minutes:g}min-3clips"), minutes)


def many_paths(n: int, seed: int = 5) -> tuple[list[str], Truth]:
    return repeatgen.materialise(os.path.join(OUT, f"many_phones-n{n}-seed{seed}"),
                                 lambda: repeatgen.many_phones(n, seed))


def run(only: list[str] | None = None, scaling: tuple[int, ...] = (10, 25, 50, 100)) -> dict:
    want = set(only or SECTIONS)
    results: dict = {}
    if "long11" in want or "warm" in want:
        paths, truth = long_paths(11.0)
        cache = tempfile.mkdtemp(prefix="syncam-bench-warm-")
        try:
            results["long11"] = measure("3 x 11 min", paths, truth, cache=cache,
                                        targets="<= 1.0x")
            if "warm" in want:
                results["warm"] = measure("3 x 11 min, warm cache", paths, truth, cache=cache,
                                          targets="< 0.5 s")
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    if "many" in want:
        paths, truth = many_paths(47)
        results["many"] = measure("47 clips", paths, truth, targets="<= 2.0x, <= 1 GB")
    if "long60" in want:
        paths, truth = long_paths(60.0)
        results["long60"] = measure("3 x 60 min", paths, truth, targets="<= 1.0x, <= 600 MB")
    if "scaling" in want:
        rows = []
        for n in scaling:
            paths, truth = many_paths(n)
            rows.append(measure(f"scaling {n} clips", paths, truth))
        results["scaling"] = rows
        print(f"  {'clips':>5} {'audio s':>8} {'decode s':>9} {'align s':>8} {'ratio':>6} "
              f"{'pairs searched':>15} {'of':>6} {'right':>6} {'wrong':>6}")
        for r in rows:
            print(f"  {r['clips']:>5} {r['audio_s']:>8.0f} {r['decode_sequential_s']:>9.2f} "
                  f"{r['align_s']:>8.2f} {r['ratio']:>6.2f} "
                  f"{'-' if r['pairs_searched'] is None else r['pairs_searched']:>15} "
                  f"{r['pairs_total']:>6} {r['right']:>6} {r['wrong']:>6}")
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "results.json")
    kept = {}  # sections run before (--only) stay, each with its latest figures
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            kept = json.load(fh)
    with open(path + ".part", "w", encoding="utf-8") as fh:
        json.dump({**kept, **results}, fh, indent=1)
    os.replace(path + ".part", path)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", default="", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    ap.add_argument("--scaling", default="10,25,50,100", help="clip counts of the scaling table")
    args = ap.parse_args()
    only = [s for s in args.only.split(",") if s]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown section {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    run(only, tuple(int(n) for n in args.scaling.split(",")))


if __name__ == "__main__":
    main()
