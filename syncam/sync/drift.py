"""Clock drift of one pair: the lag's slope over time, from the windows' own lags. Pure numpy.

Two clocks that run at rates differing by ``r`` see their lag move by ``r`` seconds per second:
300 ppm over 10 minutes is 180 ms. :func:`track` measures every window around the lag a line
predicts for it (the central windows first, then outward, refitting as it goes), so windows far
from the centre are not lost outside the +-FINE_SEARCH of one lag. :func:`fit_line` fits
``lag = intercept + slope * time`` robustly (Huber-weighted least squares, then windows further than
DRIFT_REJECT robust deviations from the line are rejected), and says how sure the slope is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from syncam import config
from syncam.sync.score import band_limited_peak, robust_standardise
from syncam.sync.windows import curves
from syncam.types import Observation


@dataclass(frozen=True)
class LineFit:
    """``lag(t) = intercept + slope * t`` over clip-a times ``t``, from ``inliers`` windows."""

    intercept: float  # seconds, lag at t = 0
    slope: float  # seconds per second (1e-6 = 1 ppm)
    slope_stderr: float
    t_mean: float  # mean time of the inliers: the line's value there is uncorrelated with the slope
    t_spread: float  # standard deviation of the inliers' times
    sigma: float  # robust RMS of the inliers' residuals (seconds), floored at DRIFT_MIN_SIGMA
    inliers: int
    span: float  # seconds between the first and the last inlier

    def at(self, t: float | np.ndarray) -> float | np.ndarray:
        return self.intercept + self.slope * t

    @property
    def measurable(self) -> bool:
        """Enough windows over enough time for the slope to mean something (config.DRIFT_*)."""
        return (self.inliers >= config.DRIFT_MIN_WINDOWS and self.span >= config.DRIFT_MIN_SPAN
                and self.slope_stderr * 1e6 <= config.DRIFT_MAX_STDERR_PPM)

    @property
    def why_not(self) -> str:
        if self.inliers < config.DRIFT_MIN_WINDOWS or self.span < config.DRIFT_MIN_SPAN:
            return (f"overlap too short to measure drift ({self.inliers} windows over "
                    f"{self.span:.0f} s)")
        if not self.measurable:
            return (f"drift too uncertain to report (+-{self.slope_stderr * 1e6:.1f} ppm from "
                    f"{self.inliers} windows)")
        return ""


def fit_line(times: np.ndarray, lags: np.ndarray, scores: np.ndarray, *,
             min_score: float = config.DRIFT_MIN_Z) -> LineFit | None:
    """Robust line through the windows scoring at least ``min_score``; None with fewer than 3."""
    t = np.asarray(times, dtype=float)
    y = np.asarray(lags, dtype=float)
    keep = np.asarray(scores, dtype=float) >= min_score
    if keep.sum() < 3:
        return None
    t, y = t[keep], y[keep]
    # start from the median line through the windows (robust to a minority of wrong windows)
    slope = _theil_sen(t, y)
    intercept = float(np.median(y - slope * t))
    w = np.ones_like(t)
    for _ in range(config.DRIFT_ITERATIONS):
        r = y - (intercept + slope * t)
        scale = max(1.4826 * float(np.median(np.abs(r - np.median(r)))), config.DRIFT_MIN_SIGMA)
        u = np.abs(r) / (config.DRIFT_HUBER * scale)
        w = np.where(u <= 1.0, 1.0, 1.0 / np.maximum(u, 1e-12))
        w[np.abs(r) > config.DRIFT_REJECT * scale] = 0.0
        if w.sum() < 3 or np.count_nonzero(w) < 3:
            return None
        tm = float(np.sum(w * t) / np.sum(w))
        den = float(np.sum(w * (t - tm) ** 2))
        if den <= 0:
            return None
        slope = float(np.sum(w * (t - tm) * y) / den)
        intercept = float(np.sum(w * (y - slope * t)) / np.sum(w))
    inl = w > 0
    ti, ri = t[inl], (y - (intercept + slope * t))[inl]
    n = len(ti)
    sigma = max(float(np.sqrt(np.sum(ri ** 2) / max(n - 2, 1))), config.DRIFT_MIN_SIGMA)
    spread = float(np.std(ti))
    stderr = sigma / (spread * math.sqrt(n)) if spread > 0 else math.inf
    return LineFit(intercept=intercept, slope=slope, slope_stderr=stderr, t_mean=float(ti.mean()),
                   t_spread=spread, sigma=sigma, inliers=n, span=float(ti.max() - ti.min()))


def _theil_sen(t: np.ndarray, y: np.ndarray) -> float:
    """Median of the pairwise slopes (of at most ~100 evenly chosen points: bounded cost)."""
    idx = np.unique(np.round(np.linspace(0, len(t) - 1, min(len(t), 100))).astype(int))
    ts, ys = t[idx], y[idx]
    i, j = np.triu_indices(len(ts), 1)
    dt = ts[j] - ts[i]
    ok = dt > 0
    return float(np.median((ys[j] - ys[i])[ok] / dt[ok])) if ok.any() else 0.0


def fit(observations: tuple[Observation, ...]) -> LineFit | None:
    """:func:`fit_line` over a match's observations."""
    if len(observations) < 3:
        return None
    return fit_line(np.array([o.time for o in observations]), np.array([o.lag for o in observations]),
                    np.array([o.score for o in observations]))


def _measure(fa: np.ndarray, fb: np.ndarray, rate: float, lag: float, start: float, length: float,
             search: float, start_a: float, start_b: float) -> Observation:
    rows, lag0 = curves(fa, fb, rate, lag, np.array([start]), length, search,
                        start_a=start_a, start_b=start_b)
    row = rows[0]
    j = int(np.argmax(row))
    z = float(robust_standardise(row)[j])
    return Observation(time=float(start + length / 2),
                       lag=float(lag0 - band_limited_peak(row, j) / rate),
                       score=round(min(z, config.MAX_SCORE), 2))


def track(fa: np.ndarray, fb: np.ndarray, rate: float, lag: float,
          observations: tuple[Observation, ...], *,
          start_a: float = 0.0, start_b: float = 0.0, window: float = config.OBS_WINDOW,
          search: float = config.FINE_SEARCH, guess: LineFit | None = None) -> tuple[Observation, ...]:
    """Re-measure the windows that the drift line puts away from the lag they were measured at.

    ``observations`` come from windows.evidence at ``lag`` (windows of ``window`` s). The windows near
    the lag where the sound agrees are fitted; every window whose predicted lag is more than a third of
    ``search`` from the lag it was measured around, and which lies within twice the fitted span, is
    measured again around its prediction; repeat until nothing moves. A pair without drift re-measures
    nothing. ``guess``: a first line (from the drift search): every window is first measured around it.
    """
    obs = list(observations)
    if len(obs) < 3:
        return observations
    measured_at = np.full(len(obs), float(lag))
    if guess is not None:
        for k, o in enumerate(obs):
            p = float(guess.at(o.time))
            if abs(p - lag) > search / 3:
                obs[k] = _measure(fa, fb, rate, p, o.time - window / 2, window, search,
                                  start_a, start_b)
                measured_at[k] = p
    for _ in range(config.DRIFT_TRACK_ROUNDS):
        t = np.array([o.time for o in obs])
        y = np.array([o.lag for o in obs])
        z = np.array([o.score for o in obs])
        trusted = np.abs(y - measured_at) <= search * 0.9  # a peak at the edge is no measurement
        line = fit_line(t[trusted], y[trusted], z[trusted])
        if line is None:
            break
        inl = trusted & (z >= config.DRIFT_MIN_Z)
        lo, hi = float(t[inl].min()), float(t[inl].max())
        reach = max(hi - lo, config.DRIFT_MIN_SPAN)
        pred = np.asarray(line.at(t))
        redo = np.flatnonzero((np.abs(pred - measured_at) > search / 3)
                              & (t >= lo - reach) & (t <= hi + reach))
        if len(redo) == 0:
            break
        for k in map(int, redo):
            obs[k] = _measure(fa, fb, rate, float(pred[k]), obs[k].time - window / 2, window, search,
                              start_a, start_b)
            measured_at[k] = pred[k]
    return tuple(obs)

