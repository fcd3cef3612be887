"""Burned-in clocks: how fast a clock is read beside ffmpeg's own decode, and how often it is read right.

* speed: a 10-minute 704x576 25 fps CCTV clip (the street footage looped, a clock drawn by ffmpeg from
  each frame's time); syncam's clock reading (find, windows, fit) against ``ffmpeg -i clip -f null -``,
  interleaved; target <= 0.5x. Peak RSS of this process is reported (frames are streamed).
* hour: the same for a 60-minute clip, read once (--only hour; not in make bench: the clip takes
  minutes to make): time and memory must not grow with the length beyond the seeks.
* accuracy: N generated overlays (formats, fonts, 10-24 px, positions, outline/box/shadow/plain,
  white/yellow, 12.5-29.97 fps, grey, quiet and busy grounds, crf 23-32); a clip is right when its clock
  reads, at clip time 0, its true time within one of its frames. Target: >= 99% of clips, none wrong.
  The OCR engines used are reported: RapidOCR only with the clock-rapid extra installed.

Run: python bench/bench_clock.py [--scale 1] (make bench runs it through bench/bench.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from syncam.clock import rapid  # noqa: E402
from syncam.clock.read import read_clock  # noqa: E402
from syncam.media import ffmpeg  # noqa: E402
from syncam.media.probe import probe  # noqa: E402
from tests.clock.cctv import Overlay, drawtext, make  # noqa: E402

OUT = os.path.join(ROOT, "bench", "out", "clock")
BIKES = os.path.join(ROOT, "tests", "data", "bikes.mp4")
E = datetime(2017, 11, 13, 15, 14, 7, tzinfo=timezone.utc).timestamp()
FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%d-%m-%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S",
           "%m/%d/%Y %I:%M:%S %p", "%a %Y-%m-%d %H:%M:%S", "%a %d.%m.%Y %H:%M:%S", "%H:%M:%S",
           "%H:%M:%S %d-%m-%Y"]
FONTS = ["dejavu", "dejavu-mono", "dejavu-bold", "liberation", "liberation-mono", "nimbus-mono",
         "nimbus-sans"]
STYLES = ["outline", "box", "shadow", "plain"]


def long_clip(minutes: float) -> str:
    path = os.path.join(OUT, f"cctv-{minutes:g}min.mp4")
    if not os.path.exists(path):
        os.makedirs(OUT, exist_ok=True)
        chain = f"scale=704:576,fps=25,{drawtext(E, Overlay(size=16))},format=yuv420p"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-i", BIKES,
                        "-t", f"{minutes * 60:.0f}", "-vf", chain, "-an", "-c:v", "libx264",
                        "-preset", "veryfast", "-crf", "28", "-g", "50", path + ".tmp.mp4"],
                       check=True)
        os.replace(path + ".tmp.mp4", path)
    return path


def speed(minutes: float = 10.0, repeats: int = 2) -> dict:
    path = long_clip(minutes)
    clip = probe(path)
    decode, reading = [], []
    result = None
    for _ in range(repeats):  # interleaved, so that load on the machine hits both alike
        t = time.perf_counter()
        subprocess.run([ffmpeg.find_binary("ffmpeg"), "-v", "error", "-i", path, "-f", "null", "-"],
                       check=True)
        decode.append(time.perf_counter() - t)
        t = time.perf_counter()
        result = read_clock(clip)
        reading.append(time.perf_counter() - t)
    assert result is not None
    out = {"minutes": minutes, "ffmpeg_decode_s": round(min(decode), 2),
           "clock_read_s": round(min(reading), 2),
           "ratio": round(min(reading) / min(decode), 3), "target": 0.5,
           "offset_error_ms": round((result.segment.clock(0.0) - E) * 1000, 1),
           "readings": result.readings, "rejected": result.rejected,
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    print(f"  {minutes:g}-minute 704x576 25 fps: ffmpeg decode {out['ffmpeg_decode_s']} s, clock "
          f"{out['clock_read_s']} s = {out['ratio']}x (target <= 0.5x); clock at 0 off by "
          f"{out['offset_error_ms']} ms; {out['readings']} seconds read, {out['rejected']} rejected; "
          f"peak RSS {out['peak_rss_mb']} MB")
    return out


def accuracy(n: int, seed: int = 5, pick: set[int] | None = None) -> dict:
    rng = random.Random(seed)
    folder = os.path.join(OUT, "overlays")
    os.makedirs(folder, exist_ok=True)
    right, wrong, misses = 0, 0, []
    rejected = unread = 0
    for k in range(n):
        size = rng.choice([(352, 288), (640, 360), (704, 576)])
        font_px = rng.randint(10, 24) if size[0] > 352 else rng.randint(10, 16)
        fmt = rng.choice(FORMATS)
        o = Overlay(fmt=fmt, font=rng.choice(FONTS), size=font_px,
                    x=rng.randint(4, size[0] // 3), y=rng.choice([rng.randint(4, 20),
                                                                   size[1] - font_px - 8]),
                    color=rng.choice(["white", "white", "yellow"]), style=rng.choice(STYLES))
        fps = rng.choice(["12.5", "15", "25", "30000/1001"])
        epoch = E + rng.uniform(0, 86400 * 30)
        still = rng.random() < 0.5
        path = os.path.join(folder, f"o{k:03d}.mp4")
        if not os.path.exists(path):
            make(BIKES, path, epoch=epoch, start=rng.uniform(0, 3), duration=6.0, size=size,
                 fps=fps, overlay=o, crf=rng.choice([23, 28, 32]), gray=rng.random() < 0.2,
                 still=still)
        else:
            rng.uniform(0, 3), rng.choice([23, 28, 32]), rng.random()  # keep the sequence
        if pick is not None and k not in pick:
            continue
        clip = probe(path)
        got = read_clock(clip)
        frame = 1 / float(clip.fps or 25)
        truth = epoch if "%d" in fmt else epoch % 86400
        ok = got is not None and abs(got.segment.clock(0.0) - truth) <= frame
        right += ok
        wrong += got is not None and not ok
        verdict = "right" if ok else "WRONG" if got is not None else "unread"
        kept = "" if got is None else (f", {got.readings} seconds kept, {got.rejected} rejected, "
                                       f"{got.unread} unread")
        print(f"    {k + 1}/{n} {os.path.basename(path)}: {verdict} "
              f"({fmt}, {o.font} {font_px} px {o.style} {o.color}, {fps} fps"
              f"{', still' if still else ''}{kept}); {right}/{k + 1} right so far", flush=True)
        if got is not None:
            rejected += got.rejected
            unread += got.unread
        if not ok:
            misses.append({"clip": os.path.basename(path), "format": fmt, "font": o.font,
                           "px": font_px, "style": o.style, "color": o.color, "fps": fps,
                           "still": still,
                           "error_s": None if got is None else round(got.segment.clock(0.0) - truth,
                                                                    3)})
    n = n if pick is None else len(pick)
    engines = "Tesseract and RapidOCR" if rapid.available() else "Tesseract alone"
    out = {"clips": n, "right": right, "wrong": wrong, "unread": n - right - wrong,
           "share": round(right / max(1, n), 4), "target": 0.99, "engines": engines,
           "rejected_seconds": rejected, "unread_seconds": unread, "misses": misses}
    print(f"  {n} generated overlays: {right} read right ({100 * out['share']:.1f}%, target 99%), "
          f"{wrong} read wrong (target 0), {n - right - wrong} unread; OCR: {engines}")
    for m in misses:
        print(f"    miss: {m}")
    return out


def run(scale: float = 1.0) -> dict:
    return {"speed": speed(10.0 * min(1.0, scale)), "accuracy": accuracy(max(20, int(200 * scale)))}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", choices=["speed", "hour", "accuracy"])
    ap.add_argument("--pick", help="accuracy: only these overlays (comma-separated numbers)")
    args = ap.parse_args()
    if args.only == "speed":
        res: dict = {"speed": speed(10.0 * min(1.0, args.scale))}
    elif args.only == "hour":
        res = {"hour": speed(60.0, repeats=1)}
    elif args.only == "accuracy":
        res = {"accuracy": accuracy(max(20, int(200 * args.scale)), pick=None if not args.pick else
                                    {int(v) for v in args.pick.split(",")})}
    else:
        res = run(args.scale)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "results.json"), "w", encoding="utf-8") as fh:
        json.dump(res, fh, indent=2)
