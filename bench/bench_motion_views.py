"""Silent views of footage the motion stage was not tuned on: every camera's error against a quarter
frame.

The events are tests/motionviews.py's (a real car interior and an animated film, neither the street
footage of bench_av.py): crops down to a third and off-centre, exposure and noise, 12.5 to 60 fps,
each view its own encoding, frames either the master's own, dropped (real resampling) or
motion-interpolated. Each event is aligned with ``--method motion``; per camera the error of the
coarse curve alone (the sub-frame stage off) and of the stage as it runs, against a quarter of that
camera's frame, and how its frames were made. Then the car filmed with sound, each camera's sound late
on its picture by 0 to 50 ms, aligned with ``--method both``: A/V lag and its standard error.

Usage: ``python bench/bench_motion_views.py``
"""

from __future__ import annotations

import os
import sys
import tempfile
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import syncam  # noqa: E402
from bench.bench_av import errors_ms  # noqa: E402
from tests import motionviews  # noqa: E402


def rows(label: str, ev: motionviews.Views) -> list[dict]:
    with mock.patch("syncam.sync.subframe.refine", return_value=None):
        coarse = syncam.align(ev.paths, method="motion", cache=None)
    fine = syncam.align(ev.paths, method="motion", cache=None)
    out = []
    for i, (clip, fps, how, c_err, f_err) in enumerate(zip(fine.clips, ev.fps, ev.resample,
                                                           errors_ms(coarse, ev),
                                                           errors_ms(fine, ev))):
        quarter = 250.0 / fps
        out.append({"event": label, "camera": clip.name, "fps": round(fps, 3), "frames": how,
                    "coarse_ms": c_err, "subframe_ms": f_err, "quarter_ms": round(quarter, 2),
                    "confidence": clip.confidence,
                    "within": f_err is not None and abs(f_err) < quarter,
                    "nearest_candidate_ms": nearest_candidate_ms(i, clip, ev)})
    return out


def nearest_candidate_ms(i: int, clip: syncam.ClipEntry, ev: motionviews.Views) -> float | None:
    """Unplaced view ``i``'s candidate nearest the truth (its lag against the other clip, ms)."""
    if clip.offset is not None or not clip.candidates:
        return None
    return min((round((c["lag"] - (ev.starts[i] - ev.starts[c["against"]])) * 1e3, 2)
                for c in clip.candidates), key=abs)


def av_rows(ev: motionviews.AvViews) -> list[dict]:
    """Per camera of the A/V event: --method both's A/V lag and picture error against the truth."""
    both = syncam.align(ev.paths, method="both", cache=None)
    out = []
    for clip, fps, lag, err in zip(both.clips, ev.fps, ev.av_lags, errors_ms(both, ev)):
        got = None if clip.av_lag is None else round(clip.av_lag * 1e3, 2)
        out.append({"camera": clip.name, "true_lag_ms": lag * 1e3, "av_lag_ms": got,
                    "av_lag_stderr_ms": None if clip.av_lag_stderr is None
                    else round(clip.av_lag_stderr * 1e3, 2),
                    "lag_error_ms": None if got is None else round(got - lag * 1e3, 2),
                    "picture_error_ms": err, "quarter_ms": round(250.0 / fps, 2)})
    return out


def _print(table: list[dict]) -> None:
    keys = list(table[0])
    widths = [max(len(k), *(len(str(r[k])) for r in table)) for k in keys]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths)))
    for r in table:
        print("  ".join(str(r[k]).ljust(w) for k, w in zip(keys, widths)))


def run(folder: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        table = rows("car", motionviews.car(tmp)) + rows("bunny", motionviews.bunny(tmp))
        lags = av_rows(motionviews.av_car(tmp))
    print("silent views: offset error (ms), coarse curve alone and with the sub-frame stage, against "
          "a quarter frame")
    _print(table)
    within = sum(r["within"] for r in table)
    near = sum(r["nearest_candidate_ms"] is not None and abs(r["nearest_candidate_ms"]) < r["quarter_ms"]
               for r in table)
    print(f"within a quarter frame: {within} of {len(table)} placed so; {near} more unplaced, with a "
          "candidate that close")
    print("\nthe car with sound (--method both): A/V lag per camera against the truth (target +-5 ms)")
    _print(lags)
    return {"views": table, "within": within, "cameras": len(table), "av": lags}


if __name__ == "__main__":
    run()
