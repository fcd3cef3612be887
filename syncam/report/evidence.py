"""The numbers a report draws, rebuilt from signatures: correlation curves, instants, the shared event.

Pure numpy: no files, no processes, no plotting. The curves are recomputed here from the coarse
features (sound envelope or motion) rather than kept by ``align``: the report works from a manifest
and its clips alone, and the signature cache makes recomputing them cost milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from syncam import config
from syncam.types import Signature


@dataclass(frozen=True, eq=False)
class Curve:
    """Correlation of two clips' features at every lag (lag = offset_b - offset_a, seconds).

    ``z`` is the normalised correlation as a z-score (``ncc * sqrt(overlap)``, re-standardised by its
    median and MAD over a regular sample of the lags), the scale ``align``'s confidence is computed
    on. ``noise`` is the height the largest of that many lags of pure noise reaches,
    ``sqrt(2 ln L)``.
    """

    lags: np.ndarray
    z: np.ndarray
    peak_lag: float
    peak_z: float
    runner_lag: float | None  # best lag farther than the exclusion zone from the peak
    runner_z: float | None
    noise: float


def _correlate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Full linear cross-correlation by FFT (numpy's: scipy's import alone costs a report more)."""
    n = len(x) + len(y) - 1
    size = 1 << (n - 1).bit_length()
    c = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(y[::-1], size), size)
    return c[:n]


def _decimate(v: np.ndarray, factor: int) -> np.ndarray:
    """Means of ``factor`` samples (the tail that does not fill a block dropped), in float64."""
    if factor <= 1:
        return np.asarray(v, dtype=np.float64)
    return v[: len(v) // factor * factor].reshape(-1, factor).mean(axis=1, dtype=np.float64)


def _quantile(v: np.ndarray, q: float) -> float:
    """np.quantile's (linear) by one partition: np.median and np.percentile import numpy.ma, 30 ms
    of a report's start."""
    at = q * (len(v) - 1)
    lo = int(math.floor(at))
    hi = min(lo + 1, len(v) - 1)
    part = np.partition(v, (lo, hi))
    return float(part[lo]) + (at - lo) * (float(part[hi]) - float(part[lo]))


def _robust_scale(z: np.ndarray) -> tuple[float, float]:
    """Median and MAD (as a standard deviation) of ``z``, from at most REPORT_ROBUST_SAMPLES of its
    values taken at a regular step: a curve's noise over half a million lags is as well described by
    65 thousand of them, at a tenth of the cost."""
    sample = z[:: max(1, len(z) // config.REPORT_ROBUST_SAMPLES)]
    med = _quantile(sample, 0.5)
    return med, _quantile(np.abs(sample - med), 0.5) * 1.4826


def correlation_curve(a: Signature, b: Signature, *, min_overlap: float, exclusion: float,
                      max_samples: int | None = None) -> Curve | None:
    """The curve of two signatures of one kind and rate; None when no lag overlaps ``min_overlap``.

    ``max_samples``: when the two signatures hold more samples together, both are first averaged
    over blocks of the smallest whole number of samples that brings them under it (the same for
    both, so lags are unchanged; a 10-minute pair of 2 kHz sound envelopes is drawn at 200 Hz)."""
    if len(a.values) < 2 or len(b.values) < 2 or a.rate != b.rate:
        return None
    factor = max(1, math.ceil((len(a.values) + len(b.values)) / max_samples)) if max_samples else 1
    x = _decimate(np.asarray(a.values), factor)
    y = _decimate(np.asarray(b.values), factor)
    nx, ny, rate = len(x), len(y), a.rate / factor
    if nx < 2 or ny < 2:
        return None
    c = _correlate(x, y)  # c[m] = sum_j x[j+k] y[j], k = m - (ny-1)
    k = np.arange(-(ny - 1), nx)
    lo, hi = np.maximum(0, k), np.minimum(nx, ny + k)
    n = hi - lo
    cx = np.concatenate(([0.0], np.cumsum(x ** 2)))
    cy = np.concatenate(([0.0], np.cumsum(y ** 2)))
    ex, ey = cx[hi] - cx[lo], cy[hi - k] - cy[lo - k]
    valid = (n >= max(2, math.ceil(min_overlap * rate))) & (ex > 0) & (ey > 0)
    if not valid.any():
        return None
    lags = ((a.start - b.start) + k / rate)[valid]
    z = c[valid] / np.sqrt(ex[valid] * ey[valid]) * np.sqrt(n[valid])
    med, mad = _robust_scale(z)
    z = (z - med) / (mad if mad > 1e-12 else 1.0)
    best = int(np.argmax(z))
    away = np.abs(lags - lags[best]) > exclusion
    runner = int(np.argmax(np.where(away, z, -np.inf))) if away.any() else None
    return Curve(lags=lags, z=z, peak_lag=float(lags[best]), peak_z=float(z[best]),
                 runner_lag=float(lags[runner]) if runner is not None else None,
                 runner_z=float(z[runner]) if runner is not None else None,
                 noise=math.sqrt(2.0 * math.log(max(len(z), 2))))


def thin(lags: np.ndarray, z: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``points`` of a curve for drawing: each the highest of its run of lags, so no peak that
    a reader must see is lost by the thinning."""
    if len(z) <= points:
        return lags, z
    step = math.ceil(len(z) / points)
    cut = len(z) // step * step
    blocks = z[:cut].reshape(-1, step)
    pick = np.argmax(blocks, axis=1) + np.arange(len(blocks)) * step
    if cut < len(z):
        pick = np.append(pick, cut + int(np.argmax(z[cut:])))
    return lags[pick], z[pick]


def around(lags: np.ndarray, z: np.ndarray, centre: float, half: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """The part of a curve within ``half`` seconds of ``centre``, at full resolution."""
    keep = np.abs(lags - centre) <= half
    return lags[keep], z[keep]


def instants(start: float, end: float, count: int) -> list[float]:
    """``count`` timeline instants spread evenly over [start, end]: the middles of equal stretches,
    so the first and last are inside the event, not on its edges. Rounded to the millisecond."""
    span = end - start
    return [round(start + (k + 0.5) * span / count, 3) for k in range(count)]


def clip_time(offset: float, drift_ppm: float | None, timeline: float) -> float:
    """Clip time at a timeline instant: the inverse of types.Placement.to_timeline."""
    return (timeline - offset) / (1.0 + (drift_ppm or 0.0) * 1e-6)


@dataclass(frozen=True)
class Track:
    """A clip's sound envelope placed on the timeline: ``values[k]`` is at ``start + k / rate``."""

    start: float
    rate: float
    values: np.ndarray


def strongest_shared_event(tracks: list[Track]) -> float | None:
    """Timeline instant of the loudest onset heard by at least two clips, or None without two that
    overlap.

    Each envelope is scaled by its own 99th percentile (gain-blind; of at most REPORT_ROBUST_SAMPLES
    of its values, at a regular step); at each instant the score is the *second* highest of the
    clips sounding then, so an event loud on one camera only never wins. Found block by block: the
    second highest of the clips' maxima over a block of REPORT_EVENT_BLOCK instants bounds every
    score in it, so only the blocks whose bound beats the best score found are scored instant by
    instant (the first of equal scores wins, as argmax's).
    """
    if len(tracks) < 2:
        return None
    rate = tracks[0].rate
    t0 = min(t.start for t in tracks)
    t1 = max(t.start + len(t.values) / rate for t in tracks)
    n = int(math.ceil((t1 - t0) * rate)) + 1
    block = config.REPORT_EVENT_BLOCK
    rows: list[tuple[int, np.ndarray, float]] = []  # (first instant, envelope, scale) of each clip
    bound = np.full((len(tracks), -(-n // block)), -np.inf)
    for r, t in enumerate(tracks):
        step = max(1, len(t.values) // config.REPORT_ROBUST_SAMPLES)
        scale = _quantile(np.asarray(t.values[::step]), 0.99) or 1.0
        i0 = int(round((t.start - t0) * rate))
        part = np.asarray(t.values)[: n - i0]
        rows.append((i0, part, scale))
        if part.size:
            b0, b1 = i0 // block, (i0 + part.size - 1) // block
            edges = np.arange(b0, b1 + 1) * block - i0
            edges[0] = 0
            # a block's largest scaled value is its largest or smallest value over the scale
            bound[r, b0: b1 + 1] = np.maximum(np.maximum.reduceat(part, edges) / scale,
                                              np.minimum.reduceat(part, edges) / scale)
    top = np.partition(bound, -2, axis=0)[-2]
    best, at = -np.inf, -1
    for b in np.argsort(-top, kind="stable"):
        if not np.isfinite(top[b]) or top[b] < best or (top[b] == best and b * block > at):
            break
        lo, hi = b * block, min(n, (b + 1) * block)
        grid = np.full((len(tracks), hi - lo), -np.inf)
        for row, (i0, part, scale) in zip(grid, rows):
            a, z = max(lo, i0), min(hi, i0 + part.size)
            if a < z:
                row[a - lo: z - lo] = np.asarray(part[a - i0: z - i0], dtype=np.float64) / scale
        second = np.partition(grid, -2, axis=0)[-2]  # the second highest at every instant
        k = int(np.argmax(second))
        if second[k] > best or (second[k] == best and lo + k < at):
            best, at = float(second[k]), lo + k
    if at < 0:
        return None
    return float(t0 + at / rate)
