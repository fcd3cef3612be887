"""Motion to a fraction of a frame, and A/V lag per camera, measured on the motion test events.

The events are tests/motionevents.py's (real street footage at 25/29.97/30/50/59.94 fps, crops down
to a third of the view, several codecs; the A/V event adds real speech and claps in a room, each
camera's sound late by 0, 15 or 50 ms). They are made afresh in a temporary folder (~1 min).

* **motion**: every camera's offset error with the coarse curve alone (the sub-frame stage switched
  off, as before it existed), with the stage on motion energy alone (optical flow off:
  ``config.MOTION_FLOW_SPAN = 0``), and with the stage as it runs (energy and flow), against a
  quarter of the camera's frame (the target).
* **av**: ``--method both``: each camera's picture error and A/V lag against the truth (target
  +-5 ms), beside ``auto`` (sound-first), which places each camera by its sound.
* **cost**: align's wall time, ``auto`` against ``both`` (and ``both`` with optical flow off), on the
  A/V event; and the solver alone with and without the A/V-lag unknowns, on that event's matches.

Usage: ``python bench/bench_av.py``
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from typing import Protocol
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import syncam  # noqa: E402
from syncam import config  # noqa: E402
from syncam.manifest import Manifest  # noqa: E402
from syncam.sync import solve as solve_mod  # noqa: E402
from syncam.types import Match, Method  # noqa: E402
from tests import mediagen, motionevents  # noqa: E402


class _Truth(Protocol):
    @property
    def starts(self) -> list[float]:  # each clip's true start on the event's clock
        ...


def errors_ms(m: Manifest, ev: _Truth) -> list[float | None]:
    """Each clip's offset error (ms) against the truth, relative to the manifest's reference."""
    ref = ev.starts[m.reference]
    return [None if c.offset is None else round((c.offset - (s - ref)) * 1e3, 2)
            for c, s in zip(m.clips, ev.starts)]


def motion_rows(events: dict[str, motionevents.Event]) -> list[dict]:
    rows = []
    for label, ev in events.items():
        with mock.patch("syncam.sync.subframe.refine", return_value=None):
            coarse = syncam.align(ev.paths, method="motion", cache=None)
        with mock.patch.object(config, "MOTION_FLOW_SPAN", 0.0):
            energy = syncam.align(ev.paths, method="motion", cache=None)
        fine = syncam.align(ev.paths, method="motion", cache=None)
        for clip, fps, c_err, e_err, f_err in zip(fine.clips, ev.fps, errors_ms(coarse, ev),
                                                  errors_ms(energy, ev), errors_ms(fine, ev)):
            quarter = 250.0 / fps
            rows.append({"event": label, "camera": clip.name, "fps": round(fps, 3),
                         "coarse_ms": c_err, "energy_ms": e_err, "subframe_ms": f_err,
                         "quarter_frame_ms": round(quarter, 2),
                         "within": f_err is not None and abs(f_err) < quarter})
    return rows


def av_rows(ev: motionevents.AvEvent) -> list[dict]:
    both = syncam.align(ev.paths, method="both", cache=None)
    auto = syncam.align(ev.paths, method="auto", cache=None)
    rows = []
    for clip, fps, lag, b_err, a_err in zip(both.clips, ev.fps, ev.av_lags, errors_ms(both, ev),
                                           errors_ms(auto, ev)):
        got = None if clip.av_lag is None else round(clip.av_lag * 1e3, 2)
        rows.append({"camera": clip.name, "true_lag_ms": lag * 1e3, "av_lag_ms": got,
                     "av_lag_stderr_ms": None if clip.av_lag_stderr is None
                     else round(clip.av_lag_stderr * 1e3, 2),
                     "lag_error_ms": None if got is None else round(got - lag * 1e3, 2),
                     "picture_error_both_ms": b_err, "picture_error_auto_ms": a_err,
                     "quarter_frame_ms": round(250.0 / fps, 2)})
    return rows


def cost(ev: motionevents.AvEvent, repeat: int = 3) -> dict:
    walls: dict[str, float] = {}
    flow_off = mock.patch.object(config, "MOTION_FLOW_SPAN", 0.0)
    for name, method in (("auto", "auto"), ("both", "both"), ("no_flow", "both")) * repeat:
        with flow_off if name == "no_flow" else contextlib.nullcontext():
            t0 = time.perf_counter()
            syncam.align(ev.paths, method=method, cache=None)
            walls[name] = min(walls.get(name, float("inf")), time.perf_counter() - t0)
    m = syncam.align(ev.paths, method="both", cache=None)
    matches = [Match(x.a, x.b, x.lag, x.confidence, Method(x.method)) for x in m.matches]
    solver: dict[bool, float] = {}
    for lagged in (False, True) * 50:
        t0 = time.perf_counter()
        solve_mod.solve(len(m.clips), matches, m.reference, av_lag=lagged)
        solver[lagged] = min(solver.get(lagged, float("inf")), time.perf_counter() - t0)
    return {"align_auto_s": round(walls["auto"], 2), "align_both_s": round(walls["both"], 2),
            "align_both_flow_off_s": round(walls["no_flow"], 2),
            "solve_ms": round(solver[False] * 1e3, 2),
            "solve_with_av_lag_ms": round(solver[True] * 1e3, 2)}


def _print(rows: list[dict]) -> None:
    keys = list(rows[0])
    widths = [max(len(k), *(len(str(r[k])) for r in rows)) for k in keys]
    print("  ".join(k.ljust(w) for k, w in zip(keys, widths)))
    for r in rows:
        print("  ".join(str(r[k]).ljust(w) for k, w in zip(keys, widths)))


def run(folder: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        master = mediagen.video_master(os.path.join(tmp, "master.mkv"))
        events = {"street": motionevents.street(tmp, master),
                  "precise": motionevents.precise(tmp, master),
                  "vfr": motionevents.vfr(tmp, master)}
        av = motionevents.av(tmp, master)
        print("motion: offset error (ms): the coarse curve alone, the sub-frame stage on motion energy "
              "alone, and as it runs (energy and optical flow)")
        motion = motion_rows({**events, "av": av})
        _print(motion)
        print("\nA/V lag (--method both) and picture placement, beside auto (sound-first)")
        lags = av_rows(av)
        _print(lags)
        print("\ncost on the A/V event")
        spent = cost(av)
        print(spent)
    return {"motion": motion, "av": lags, "cost": spent}


if __name__ == "__main__":
    run()
