"""Clock drift: accuracy over 5 to 60 minutes, and what drift costs align.

Section ``sweep``: pairs cut from one long real-speech event (tests/mediagen.master_audio, built at
8 kHz here to keep an hour in memory), camera b resampled exactly (rational polyphase) to a clock
``ppm`` fast, at offsets of either sign; matched and solved as align does (signals -> match ->
solve), without encoding. Per case: drift error (ppm), error of the time map at the start and the end
of the overlap (ms), and the seconds match + solve took.

Section ``cost``: three 10-minute clips (AAC in .m4a), once without drift and once at 0 / +80 / -120
ppm, full ``syncam.align`` with ``drift="auto"`` against ``drift="off"`` (best of --repeat runs each,
no signature cache), and how many clips each placed.

Usage: python bench/bench_drift.py [--minutes 5,10,20] [--long] [--only sweep|cost] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import syncam  # noqa: E402
from syncam import config  # noqa: E402
from syncam.media import ffmpeg  # noqa: E402
from syncam.signals.audio import audio_signature  # noqa: E402
from syncam.sync.correlate import match  # noqa: E402
from syncam.sync.solve import solve  # noqa: E402
from tests import mediagen  # noqa: E402
from tests.mediagen import Camera  # noqa: E402

PPMS = (20.0, -20.0, 80.0, -80.0, 150.0, -150.0, 300.0, -300.0, 0.0)


def sweep_case(master: np.ndarray, minutes: float, ppm: float, offset: float) -> dict:
    rate = mediagen.MASTER_RATE
    dur = minutes * 60.0
    a = Camera("a", max(0.0, -offset) + 1.0, dur, seed=1)
    b = Camera("b", max(0.0, offset) + 1.0, dur, seed=2, band=(200.0, 3500.0), snr_db=15.0)
    sa = audio_signature(mediagen.camera_audio(master, a), rate)
    sb = audio_signature(mediagen.drifting_audio(master, b, ppm), rate)
    t0 = time.perf_counter()
    m = match(sa, sb, 0, 1)
    sol = solve(2, [m] if m is not None else [], 0)
    wall = time.perf_counter() - t0
    p = sol.placements[1]
    row = {"minutes": minutes, "ppm": ppm, "offset": offset, "seconds": round(wall, 2)}
    if p is None:
        return {**row, "placed": False}
    # overlap in clip-b time: where both recorded
    t_lo = max(0.0, a.start - b.start)
    t_hi = min(dur, (a.start + dur - b.start) / (1 + ppm * 1e-6))
    errs = []
    for t in (t_lo, t_hi):
        truth = b.start - a.start + t * (1 + ppm * 1e-6)
        errs.append((p.to_timeline(t) - truth) * 1e3)
    return {**row, "placed": True, "drift": round(p.drift_ppm, 3),
            "drift_err": round(p.drift_ppm - ppm, 3), "stderr": p.drift_ppm_stderr,
            "start_ms": round(errs[0], 3), "end_ms": round(errs[1], 3), "note": p.drift_note}


def sweep(minutes: list[float]) -> list[dict]:
    mediagen.MASTER_RATE = config.AUDIO_RATE  # an hour of 48 kHz would not fit beside the others
    rows = []
    for mins in minutes:
        master = mediagen.master_audio(mins * 60.0 + 40.0, seed=31)
        for k, ppm in enumerate(PPMS):
            offset = 17.3 if k % 2 == 0 else -11.6
            row = sweep_case(master, mins, ppm, offset)
            rows.append(row)
            print(row, flush=True)
        del master
    mediagen.MASTER_RATE = 48000
    return rows


def table(rows: list[dict]) -> str:
    out = ["| minutes | ppm | offset s | drift error ppm | +- | start ms | end ms | match+solve s |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if not r["placed"]:
            out.append(f"| {r['minutes']:g} | {r['ppm']:+g} | {r['offset']:+g} | not placed | | | | "
                       f"{r['seconds']} |")
            continue
        se = f"{r['stderr']:.2f}" if r["stderr"] is not None else "-"
        out.append(f"| {r['minutes']:g} | {r['ppm']:+g} | {r['offset']:+g} | {r['drift_err']:+.2f} | "
                   f"{se} | {r['start_ms']:+.3f} | {r['end_ms']:+.3f} | {r['seconds']} |")
    return "\n".join(out)


def _encode(folder: str, master: np.ndarray, cams: list[tuple[Camera, float]]) -> list[str]:
    paths = []
    for cam, ppm in cams:
        wav = os.path.join(folder, cam.name + ".wav")
        mediagen.write_wav(wav, mediagen.drifting_audio(master, cam, ppm), mediagen.MASTER_RATE)
        path = os.path.join(folder, cam.name)
        subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", wav,
                        "-c:a", "aac", "-b:a", "96k", path], check=True)
        os.remove(wav)
        paths.append(path)
    return paths


def cost(repeat: int) -> list[dict]:
    """align's wall time with drift auto and off, on three 10-minute clips without and with drift."""
    master = mediagen.master_audio(640.0, seed=32)
    sets = {"0/0/0 ppm": (0.0, 0.0, 0.0), "0/+80/-120 ppm": (0.0, 80.0, -120.0)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, ppms in sets.items():
            folder = os.path.join(tmp, label.replace("/", "_"))
            os.makedirs(folder)
            cams = [(Camera(f"cam{i}.m4a", start, 600.0, seed=10 + i), ppm)
                    for i, (start, ppm) in enumerate(zip((5.0, 0.0, 12.0), ppms))]
            paths = _encode(folder, master, cams)
            walls: dict[str, float] = {}
            placed: dict[str, int] = {}
            for mode in ("off", "auto") * repeat:
                t0 = time.perf_counter()
                m = syncam.align(paths, cache=None, drift=mode)
                walls[mode] = min(walls.get(mode, float("inf")), time.perf_counter() - t0)
                placed[mode] = sum(c.placed for c in m.clips)
            row = {"clips": label, "off_s": round(walls["off"], 2), "auto_s": round(walls["auto"], 2),
                   "added_percent": round(100 * (walls["auto"] / walls["off"] - 1), 1),
                   "placed_off": placed["off"], "placed_auto": placed["auto"]}
            print(row, flush=True)
            rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", default="5,10,20")
    ap.add_argument("--long", action="store_true", help="add 60-minute pairs")
    ap.add_argument("--only", choices=("sweep", "cost"))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    minutes = [float(m) for m in args.minutes.split(",")] + ([60.0] if args.long else [])
    if args.only in (None, "sweep"):
        print(table(sweep(minutes)))
    if args.only in (None, "cost"):
        cost(args.repeat)


if __name__ == "__main__":
    main()
