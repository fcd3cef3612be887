"""Peak scores shared by every search: the confidence rule, the noise maximum, sub-sample peaks.

**Confidence** (0..1), comparable across clip lengths and across searches::

    confidence = 1 - max(runner_up, noise_max) / peak

``peak`` is the best z-score, ``runner_up`` the best one away from it, and ``noise_max = sqrt(2 ln L)``
the height the largest of ``L`` searched standard-normal values reaches. An unrelated pair has a peak
near the noise maximum: confidence ~0. A periodic signal (a loop of music) has a runner-up as high as
the peak: confidence ~0, however strong the peak. How often unrelated recordings still reach a given
confidence was measured (bench/calibrate.py); config.MIN_CONFIDENCE is set from that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Peak:
    lag: float  # seconds, offset_b - offset_a
    z: float
    runner_up: float
    noise_max: float
    overlap: float  # seconds
    lags: int = 0  # how many lags the search scored (noise_max is that many's)

    @property
    def confidence(self) -> float:
        return confidence(self.z, self.runner_up, self.noise_max)


def confidence(peak: float, runner_up: float, noise_max: float) -> float:
    """The module docstring's score: 1 - max(runner_up, noise_max) / peak, within 0..1."""
    if peak <= 0:
        return 0.0
    return float(min(1.0, max(0.0, 1.0 - max(runner_up, noise_max) / peak)))


def noise_max(lags: int) -> float:
    """Height the largest of ``lags`` standard-normal values reaches: sqrt(2 ln L)."""
    return math.sqrt(2.0 * math.log(max(lags, 2)))


def robust_standardise_rows(rows: np.ndarray) -> np.ndarray:
    """Each row of a 2-D array as (row - median) / (1.4826 MAD): a standard normal scale that a few
    true peaks do not inflate. All rows at once: the window evidence standardises up to 128 curves a
    pair, and one call per row cost more than the medians."""
    med = np.median(rows, axis=1, keepdims=True)
    mad = np.median(np.abs(rows - med), axis=1, keepdims=True) * 1.4826
    return (rows - med) / np.where(mad > 1e-12, mad, 1.0).astype(mad.dtype)


def robust_standardise(z: np.ndarray) -> np.ndarray:
    """:func:`robust_standardise_rows` of one curve."""
    return robust_standardise_rows(z[np.newaxis])[0]


def parabolic(y: np.ndarray, i: int) -> float:
    """Sub-sample position of the peak at ``i`` from a parabola through its neighbours."""
    if i <= 0 or i >= len(y) - 1:
        return 0.0
    left, mid, right = float(y[i - 1]), float(y[i]), float(y[i + 1])
    if not (math.isfinite(left) and math.isfinite(right)):
        return 0.0
    denom = left - 2.0 * mid + right
    if denom >= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / denom, -0.5, 0.5))


def band_limited_peak(r: np.ndarray, m: int, up: int = 32, half: int = 16) -> float:
    """Peak position of a band-limited correlation, to ~1/100 sample.

    A parabola through three samples of a whitened (sinc-shaped) peak is biased by up to 0.1 sample;
    upsampling +-``half`` samples around it by ``up`` (FFT interpolation) and then fitting the parabola
    removes that bias for a few thousand operations.
    """
    lo, hi = max(0, m - half), min(len(r), m + half + 1)
    if hi - lo < 5:
        return m + parabolic(r, m)
    fine = fourier_upsample(r[lo:hi], up)
    k = int(np.argmax(fine))
    return lo + (k + parabolic(fine, k)) / up


def fourier_upsample(x: np.ndarray, up: int) -> np.ndarray:
    """``x`` (real, periodic) at ``up`` times its rate by zero-padding its spectrum: what
    ``scipy.signal.resample(x, len(x) * up)`` computes, without importing scipy.signal (0.7 s of CPU,
    a fifth of a 3-clip align's own work, for a few dozen samples a window)."""
    n = len(x)
    spectrum = np.fft.rfft(x)
    if n % 2 == 0:  # the Nyquist bin is shared between +-n/2 in the longer spectrum
        spectrum[-1] *= 0.5
    return np.fft.irfft(spectrum, n * up) * up


def threshold_from_null(null: np.ndarray, bound: float, step: float = 0.05) -> float:
    """The lowest multiple of ``step`` above every confidence in ``null`` (unrelated pairs' scores).

    With none of n null pairs reaching it, the false-placement rate per pair is below 3/n at 95 %
    (the rule of three); ``bound`` is that rate, so n must be at least 3/bound (ValueError if not).
    """
    need = math.ceil(3.0 / bound - 1e-9)
    if len(null) < need:
        raise ValueError(f"{len(null)} null pairs bound the false-placement rate only to "
                         f"{3.0 / max(len(null), 1):.4f}; {need} are needed for {bound:g}")
    return round((math.floor(float(np.max(null)) / step + 1e-9) + 1) * step, 6)


def thresholds_from_null(searched: np.ndarray, null: np.ndarray, edges: tuple[float, ...],
                         bound: float, step: float = 0.05) -> tuple[tuple[float, float], ...]:
    """Per span of lags searched, the threshold :func:`threshold_from_null` gives that span's null
    pairs: ``((edge, threshold), ...)`` for the bins [edges[k], edges[k+1]) (the last open above).

    A short search has few independent lags: its best unrelated lag is judged against no real
    runner-up, and reaches a far higher confidence than a long search's. Each bin must hold the
    3/bound null pairs the bound needs (ValueError names the bin otherwise). Each threshold is then
    raised to every longer bin's: a shorter search never needs less than a longer one (a bin's
    sampling luck does not make short searches easier to pass).
    """
    searched, null = np.asarray(searched, dtype=float), np.asarray(null, dtype=float)
    found = []
    for k, lo in enumerate(edges):
        hi = edges[k + 1] if k + 1 < len(edges) else math.inf
        inside = null[(searched >= lo) & (searched < hi)]
        try:
            found.append(threshold_from_null(inside, bound, step))
        except ValueError as exc:
            raise ValueError(f"searched {lo:g}-{hi:g} s: {exc}") from None
    for k in range(len(found) - 2, -1, -1):
        found[k] = max(found[k], found[k + 1])
    return tuple(zip((float(e) for e in edges), found))


def motion_threshold(searched: float, table: tuple[tuple[float, float], ...]) -> float:
    """The confidence a motion match needs when its scan searched ``searched`` seconds of lags: the
    threshold of the last bin of ``table`` ((from seconds, threshold), ascending) that starts at or
    below it; the first bin's below its start."""
    need = table[0][1]
    for start, value in table:
        if searched >= start:
            need = value
    return need
