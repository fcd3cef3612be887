"""Report speed: `syncam report` of a 3-camera, 10-minute event next to `syncam align` of it.

Target: the report takes at most 20 % of the time aligning takes (issue 23: a 10-minute 3-camera
event; `--cameras 4` adds a fourth camera, the event this bench measured before). Both run as a user
runs them, each in a fresh process (`python -m syncam ...`, interpreter and imports included, modules
compiled once as an installed syncam's are). align starts from an
empty signature cache (its first run on the footage); report runs after it, as it would, and reads the
signatures align left in the cache. Also timed: `align --report` against `align` alone (what asking
for the page costs within one run). Best of REPEATS for each, wall and CPU time (the command and its
ffmpegs), with the load average before and after: on a shared machine wall times move with the load;
clips are generated once into bench/out/.

    python bench/bench_report.py [--minutes 10] [--cameras 3]
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

from syncam import config  # noqa: E402
from tests import mediagen  # noqa: E402
from tests.mediagen import H264_AAC, MOV_H264_PCM, VP9_OPUS, Camera  # noqa: E402

OUT = os.path.join(ROOT, "bench", "out")
TARGET = 0.20
REPEATS = 3


def event(minutes: float, cameras: int = 3) -> list[str]:
    """The first ``cameras`` of four cameras of ``minutes`` each, partly overlapping, 320x180
    pictures; made once."""
    folder = os.path.join(OUT, f"report-{minutes:g}min")
    length = minutes * 60.0
    starts = [0.0, length * 0.1, length * 0.25, length * 0.4]
    cams = [Camera("cam1.mp4", starts[0], length, **H264_AAC, size="320x180", seed=1),
            Camera("cam2.mov", starts[1], length, **MOV_H264_PCM, sample_rate=44100, fps="30",
                   size="320x180", snr_db=6.0, band=(250.0, 4000.0), seed=2),
            Camera("cam3.webm", starts[2], length, **VP9_OPUS, fps="30", size="320x180", seed=3),
            Camera("cam4.mp4", starts[3], length, **H264_AAC, fps="50", size="320x180", seed=4)]
    return mediagen.record_event(folder, cams, seed=12)[:cameras]


def _env(cache: str) -> dict[str, str]:
    """The commands' environment: their signature cache, and Python allowed to keep its compiled
    modules (a shell with PYTHONDONTWRITEBYTECODE set compiles syncam's 30-80 modules again in every
    process, which an installed syncam never does: 0.06 s of every report, more of align)."""
    env = {**os.environ, config.CACHE_ENV: cache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _cpu() -> float:
    """CPU seconds of this process's finished children (a syncam process and its ffmpegs)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def _timed(args: list[str], cache: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one syncam command in a fresh process."""
    env = _env(cache)
    t, c = time.perf_counter(), _cpu()
    done = subprocess.run([sys.executable, "-m", "syncam", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t, _cpu() - c
    if done.returncode not in (0, 3):
        raise SystemExit(f"syncam {args[0]} failed: {done.stderr.strip()}")
    return wall, cpu


_STAGES = """
import json, sys, time
t0 = time.perf_counter()
import syncam
from syncam.cache import SignatureCache
t1 = time.perf_counter()
from syncam.report.build import check_extras
check_extras()
t2 = time.perf_counter()
marks = {}
from syncam.report import report
report(sys.argv[1], sys.argv[2], cache=SignatureCache(),
       progress=lambda p: marks.setdefault(p.item, time.perf_counter()))
t3 = time.perf_counter()
print(json.dumps({"import syncam": t1 - t0, "import jinja2 and the plots": t2 - t1,
                  "probe clips": marks["clips"] - t2,
                  "signatures from the cache": marks["signatures"] - marks["clips"],
                  "curves (compute + draw)": marks["curves"] - marks["signatures"],
                  "timeline, graph, sound, frames": marks["page"] - marks["curves"],
                  "page": t3 - marks["page"]}))
"""


def stages(manifest: str, out: str, cache: str) -> dict[str, float]:
    """Where one report's time goes, measured inside a fresh process."""
    env = _env(cache)
    done = subprocess.run([sys.executable, "-c", _STAGES, manifest, out], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(minutes: float = 10.0, cameras: int = 3) -> dict:
    paths = event(minutes, cameras)
    load_before = os.getloadavg()[0]
    aligns, reports, both = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench report ") as tmp:
        manifest = os.path.join(tmp, "event.json")
        for k in range(REPEATS):  # alternate; each align starts from an empty cache
            cache = os.path.join(tmp, f"cache{k}")
            aligns.append(_timed(["align", *paths, "-o", manifest], cache))
            reports.append(_timed(["report", manifest, "-o", os.path.join(tmp, "r.html")], cache))
            if k == 0:
                parts = stages(manifest, os.path.join(tmp, "r3.html"), cache)
            shutil.rmtree(cache)
            both.append(_timed(["align", *paths, "-o", manifest, "--report",
                                os.path.join(tmp, "r2.html")], cache + "b"))
            shutil.rmtree(cache + "b")
        size = os.path.getsize(os.path.join(tmp, "r.html"))
    align, rep, combined = (min(w for w, _ in x) for x in (aligns, reports, both))
    align_cpu, rep_cpu = (min(c for _, c in x) for x in (aligns, reports))
    load = os.getloadavg()[0]
    return {"cameras": len(paths), "minutes": minutes, "align_s": round(align, 3),
            "report_s": round(rep, 3), "ratio": round(rep / align, 3),
            "align_with_report_s": round(combined, 3),
            "report_share_in_one_run": round((combined - align) / align, 3),
            # CPU seconds (each command and its ffmpegs): what a shared machine's load changes least
            "align_cpu_s": round(align_cpu, 3), "report_cpu_s": round(rep_cpu, 3),
            "cpu_ratio": round(rep_cpu / align_cpu, 3),
            "page_kb": round(size / 1024), "target": TARGET,
            "load_average": [round(load_before, 1), round(load, 1)],
            "report_stages_s": {k: round(v, 3) for k, v in parts.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--cameras", type=int, choices=(3, 4), default=3)
    args = ap.parse_args()
    r = run(args.minutes, args.cameras)
    print(f"\n[report] {r['cameras']} cameras x {r['minutes']:g} min, best of {REPEATS}, fresh "
          f"processes, load average {r['load_average'][0]} before, {r['load_average'][1]} after "
          "(2 cores)")
    print(f"  {'syncam align (empty cache)':<34}{r['align_s']:>8.2f} s   CPU {r['align_cpu_s']:.2f} s")
    print(f"  {'syncam report (after it)':<34}{r['report_s']:>8.2f} s   CPU {r['report_cpu_s']:.2f} s"
          f"   page {r['page_kb']} KB")
    verdict = "met" if r["ratio"] <= TARGET else "MISSED"
    print(f"  {'report / align':<34}{r['ratio'] * 100:>7.0f} %   (target <= {TARGET:.0%}: {verdict}; "
          f"by CPU {r['cpu_ratio'] * 100:.0f} %)")
    print(f"  {'syncam align --report':<34}{r['align_with_report_s']:>8.2f} s   "
          f"(+{r['report_share_in_one_run'] * 100:.0f} % over align alone)")
    print("  where one report's time goes (one run, in its process):")
    for stage, seconds in r["report_stages_s"].items():
        print(f"    {stage:<32}{seconds:>8.2f} s")


if __name__ == "__main__":
    main()
