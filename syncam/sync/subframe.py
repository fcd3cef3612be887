"""refine(a, b, lag) -> lag: a motion match's lag to a fraction of a frame. Pure numpy.

The coarse search (sync/scan.py) scores one curve per camera: the motion of the whole view. Two
cameras rarely see the same view, so that curve mixes shared events with ones only the wider camera
sees, and its peak lands a few milliseconds off. Here each camera brings one smoothed curve per cell
of a fine grid, plus its light change (signals/motion.fine_curves), and every cell of one camera is
correlated with every cell of the other at each shift around the coarse lag. Cells that see the same
things correlate clearly at the right shift; each cell is paired with its best partner (in both
directions), weighted by the square of that correlation, and the weighted sum of the pairs' curves
gives the lag, to a fraction of a sample by a parabola. Cells that see nothing shared, or nothing at
all, weigh little. Where both cameras have optical-flow curves (the middle of each clip), their cells
are paired the same way on their own: energy says how much changed, flow which way it moved.

Three estimates of the lag then vote (:func:`vote`): the coarse peak, the energy pairing's and the
flow pairing's; the median wins. Each goes astray on some footage: flow pairs the wrong cells where
two views share little (a third of a car's window against the driver: 56 ms off), energy where a
crop's brightness is changed (13-36 ms on an animated film), the coarse curve where a zoomed view
sees different events (5-8 ms on the street). They rarely go astray together (figures in config.py).
"""

from __future__ import annotations

import numpy as np

from syncam.sync.score import parabolic


def _columns(x: np.ndarray) -> np.ndarray:
    """Columns with mean 0 and norm 1 (a column that never changes stays 0)."""
    x = x.astype(np.float32)
    x -= x.mean(axis=0)
    norm = np.linalg.norm(x, axis=0)
    return x / np.where(norm > 0, norm, 1.0)


def pair_curve(xa: np.ndarray, xb: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Weighted sum over paired cells of their correlation at each shift.

    ``xa`` (n, ca), ``xb`` (m, cb); at shift s, row j of b is compared with row j + s of a, over the
    rows of b that every shift keeps inside a (the caller makes sure there are some).
    """
    lo = max(0, -int(shifts.min()))
    hi = min(len(xb), len(xa) - int(shifts.max()))
    b = _columns(xb[lo:hi])
    r = np.stack([_columns(xa[lo + s: hi + s]).T @ b for s in shifts])  # (shifts, ca, cb)
    best = np.maximum(r.max(axis=0), 0.0)
    weight = np.zeros_like(best)
    cols = np.arange(best.shape[1])
    rows = best.argmax(axis=0)
    weight[rows, cols] = best[rows, cols] ** 2  # each cell of b with its best cell of a
    rows = np.arange(best.shape[0])
    cols = best.argmax(axis=1)
    weight[rows, cols] = best[rows, cols] ** 2  # and each cell of a with its best cell of b
    return np.einsum("kij,ij->k", r, weight)


def _curve(a: np.ndarray, b: np.ndarray, lags: np.ndarray, base: int, span_rows: float | None,
           min_rows: int) -> np.ndarray | None:
    """:func:`pair_curve` at the lags ``lags`` (in rows; row 0 of b meets row ``lag - base`` of a),
    over the middle ``span_rows`` of the overlap; None when the overlap has fewer than ``min_rows``."""
    shifts = lags - base
    lo = max(0, -int(shifts.min()))
    hi = min(len(b), len(a) - int(shifts.max()))
    if span_rows is not None and hi - lo > span_rows:
        cut = int((hi - lo - span_rows) // 2)
        lo, hi = lo + cut, hi - cut
    if hi - lo < min_rows:
        return None
    return pair_curve(a, b[lo:hi], shifts + lo)


def refine(a: np.ndarray, b: np.ndarray, rate: float, lag: float, reach: float, *,
           start_a: float = 0.0, start_b: float = 0.0, span: float | None = None,
           min_rows: int = 8) -> float | None:
    """The lag (offset_b - offset_a) within ``reach`` seconds of ``lag`` where the paired cells of
    ``a`` and ``b`` ((rows, cells) curves at ``rate``, row 0 at clip time ``start_a``/``start_b``)
    agree best. ``span``: use at most that many seconds of the overlap, its middle. None when no peak
    lies inside the reach, or the overlap has fewer than ``min_rows`` rows."""
    half = max(1, int(np.ceil(reach * rate)))
    centre = int(round(lag * rate))
    lags = np.arange(centre - half, centre + half + 1)
    base = int(round((start_a - start_b) * rate))
    span_rows = None if span is None else span * rate
    curve = _curve(a, b, lags, base, span_rows, min_rows)
    if curve is None or curve.max() <= 0:
        return None
    k = int(np.argmax(curve))
    if not 0 < k < len(curve) - 1:
        return None
    return (start_a - start_b - base / rate) + (float(lags[k]) + parabolic(curve, k)) / rate


def vote(coarse: float, *refined: float | None) -> float:
    """The median of the coarse lag and the refined ones that exist (of two: their mean)."""
    return float(np.median([coarse, *(x for x in refined if x is not None)]))
