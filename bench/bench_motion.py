"""Motion-signature speed against ffmpeg alone, in one run.

Three 10-minute (x ``scale``) 1080p clips of real street footage (tests/data/bikes.mp4, played
forwards and backwards, upscaled) are made once into bench/out/ with a fast encoder. For each clip we
time, in one run on the same machine:

* ``ffmpeg``: ffmpeg alone decoding it to the same small grey frames (same filter graph, written to
  /dev/null): the floor any motion signature built on ffmpeg has to pay;
* ``ffmpeg+pts``: the same with ``showinfo`` logging every frame's presentation time, which is how
  syncam gets real timestamps (the cost of timing variable-frame-rate footage right);
* ``ffprobe pts``: the alternative way to get timestamps, a second demuxing pass reading packet times;
* ``syncam``: ``syncam.pipeline.extract(clip, Method.MOTION)``, the whole motion signature.

Target: syncam <= 1.3 x ffmpeg. Usage: ``python bench/bench_motion.py [--scale 0.05]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from syncam import config  # noqa: E402
from syncam.media import ffmpeg  # noqa: E402
from syncam.media.probe import probe  # noqa: E402
from syncam.pipeline import extract  # noqa: E402
from syncam.types import Method  # noqa: E402

OUT = os.path.join(HERE, "out")
RATES = ("30", "25", "30000/1001")
TARGET = 1.3


def make_clip(seconds: float, fps: str, index: int) -> str:
    """A 1080p H.264 clip of real street motion, made once and kept in bench/out/."""
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"street-1080p-{index}-{seconds:.0f}s.mp4")
    if os.path.exists(path):
        return path
    bikes = os.path.join(ROOT, "tests", "data", "bikes.mp4")
    graph = ("[0:v]split[f][b];[b]reverse,trim=start_frame=1,setpts=PTS-STARTPTS[r];"
             "[f][r]concat=n=2:v=1,setpts=N/25/TB,loop=loop=-1:size=499,"
             f"trim=start_frame={index * 97},setpts=PTS-STARTPTS,"
             f"scale=1920:1080:flags=bicubic,fps={fps}[v]")
    tmp = path + ".part.mp4"
    subprocess.run([ffmpeg.find_binary("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", bikes,
                    "-filter_complex", graph, "-map", "[v]", "-t", f"{seconds:.3f}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p",
                    tmp], check=True)
    os.replace(tmp, path)
    return path


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def _decode_only(path: str, stream: int, with_pts: bool) -> None:
    width, height = config.MOTION_SIZE
    args = ffmpeg.gray_frames_args(path, stream, width, height, scaler=config.MOTION_SCALER)
    if not with_pts:  # the same graph without the timestamp logger
        i = args.index("-filter_complex") + 1
        args[i] = args[i].replace(";[s1]showinfo=checksum=0[s2]", "")
        args[args.index("[s2]")] = "[s1]"
    args[args.index("pipe:")] = "/dev/null"
    ffmpeg.run([*args, "-y"], what=path)


def _probe_pts(path: str, stream: int) -> None:
    ffmpeg.run([ffmpeg.find_binary("ffprobe"), "-v", "error", "-select_streams", str(stream),
                "-show_entries", "packet=pts_time", "-of", "csv=p=0", path], what=path)


def run(scale: float = 1.0) -> dict:
    """Time motion signatures of three 10 x ``scale`` minute 1080p clips next to ffmpeg alone."""
    seconds = max(6.0, 600.0 * scale)
    clips = [probe(make_clip(seconds, fps, i)) for i, fps in enumerate(RATES)]
    rows = []
    for clip in clips:
        stream = clip.video[0].index
        row = {"clip": clip.name, "seconds": round(clip.duration, 2), "fps": float(clip.fps or 0)}
        row["ffmpeg"] = _timed(lambda: _decode_only(clip.path, stream, with_pts=False))
        row["ffmpeg+pts"] = _timed(lambda: _decode_only(clip.path, stream, with_pts=True))
        row["ffprobe pts"] = _timed(lambda: _probe_pts(clip.path, stream))
        row["syncam"] = _timed(lambda: extract(clip, Method.MOTION))
        rows.append(row)
    total = {k: sum(r[k] for r in rows) for k in ("ffmpeg", "ffmpeg+pts", "ffprobe pts", "syncam")}
    ratio = total["syncam"] / total["ffmpeg"]
    return {"scale": scale, "clips": rows, "total": total, "ratio": ratio, "target": TARGET,
            "ok": ratio <= TARGET, "cores": os.cpu_count(),
            "python_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _table(result: dict) -> str:
    cols = ("ffmpeg", "ffmpeg+pts", "ffprobe pts", "syncam")
    lines = [f"{'clip':<28}{'length':>8}" + "".join(f"{c:>13}" for c in cols)]
    for r in result["clips"]:
        lines.append(f"{r['clip']:<28}{r['seconds']:>7.0f}s" + "".join(f"{r[c]:>12.2f}s" for c in cols))
    lines.append(f"{'total':<36}" + "".join(f"{result['total'][c]:>12.2f}s" for c in cols))
    lines.append(f"syncam / ffmpeg = {result['ratio']:.2f} (target <= {result['target']}: "
                 f"{'ok' if result['ok'] else 'MISSED'}); Python peak RSS "
                 f"{result['python_peak_rss_mb']:.0f} MB; {result['cores']} cores")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1.0)),
                        help="fraction of the 10-minute clip length (default 1; 0.05 = 30 s clips)")
    print(_table(run(parser.parse_args().scale)))
