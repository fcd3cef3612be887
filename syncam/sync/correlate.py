"""match(a, b) -> Match: FFT cross-correlation with a confidence score. Pure numpy/scipy.

Two stages:

1. **Coarse**, over every possible lag: normalised cross-correlation of the two feature sequences,
   computed with one FFT. Each lag's value is turned into a z-score, ``ncc * sqrt(overlap)``, which
   under "unrelated" is roughly standard normal whatever the overlap, then re-standardised with the
   median and MAD over all lags (features are not white; this absorbs it). Lags with less than
   ``min_overlap`` seconds of shared material are not searched.

2. **Fine**, when both signatures carry a waveform: GCC-PHAT (phase transform, i.e. whitened
   cross-correlation) of up to ``FINE_WINDOW`` seconds of the overlap, searched within
   ``FINE_SEARCH`` of the coarse lag, with parabolic sub-sample interpolation. Whitening makes the peak
   one sample wide whatever the microphones' frequency responses (`make bench` measures it against
   plain correlation).

**Confidence** (0..1), comparable across clip lengths::

    confidence = 1 - max(runner_up, noise_max) / peak

``peak`` is the best z-score, ``runner_up`` the best one farther than the exclusion zone from it
(``PEAK_EXCLUSION`` for audio, the wider ``PEAK_EXCLUSION_MOTION`` for motion's broader peaks), and
``noise_max = sqrt(2 ln L)`` the height that the largest of ``L`` searched lags of pure noise reaches.
An unrelated pair has a peak near the noise maximum: confidence ~0. A periodic signal (repetitive
music) has a runner-up as high as the peak: confidence ~0, however strong the peak. A real match's
peak grows with the shared duration while the noise maximum grows only with sqrt(log L).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.fft
from scipy.signal import fftconvolve, resample

from syncam import config
from syncam.types import Match, Method, Signature


@dataclass(frozen=True)
class Peak:
    lag: float  # seconds, offset_b - offset_a
    z: float
    runner_up: float
    noise_max: float
    overlap: float  # seconds

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


def _parabolic(y: np.ndarray, i: int) -> float:
    """Sub-sample position of the peak at ``i`` from a parabola through its neighbours."""
    if i <= 0 or i >= len(y) - 1:
        return 0.0
    left, mid, right = float(y[i - 1]), float(y[i]), float(y[i + 1])
    denom = left - 2.0 * mid + right
    if denom >= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / denom, -0.5, 0.5))


def _band_limited_peak(r: np.ndarray, m: int, up: int = 32, half: int = 16) -> float:
    """Peak position of a band-limited correlation, to ~1/100 sample.

    A parabola through three samples of a whitened (sinc-shaped) peak is biased by up to 0.1 sample;
    upsampling +-``half`` samples around it by ``up`` (FFT interpolation) and then fitting the parabola
    removes that bias for a few thousand operations.
    """
    lo, hi = max(0, m - half), min(len(r), m + half + 1)
    if hi - lo < 5:
        return m + _parabolic(r, m)
    fine = resample(r[lo:hi], (hi - lo) * up)
    k = int(np.argmax(fine))
    return lo + (k + _parabolic(fine, k)) / up


def _robust_standardise(z: np.ndarray) -> np.ndarray:
    med = np.median(z)
    mad = np.median(np.abs(z - med)) * 1.4826
    return (z - med) / (mad if mad > 1e-12 else 1.0)


def coarse_peaks(x: np.ndarray, y: np.ndarray, rate: float, *, start_x: float = 0.0,
                 start_y: float = 0.0, min_overlap: float = config.MIN_OVERLAP,
                 max_offset: float | None = None, exclusion: float = config.PEAK_EXCLUSION,
                 count: int = 1) -> list[Peak]:
    """Up to ``count`` best lags (offset_y - offset_x, seconds), best first, each farther than
    ``exclusion`` from the others; a peak's ``runner_up`` is the best of the others.

    ``x[i]`` is at clip time ``start_x + i/rate`` of clip x, likewise for y. Empty when no lag gives
    ``min_overlap`` seconds of overlap within ``max_offset``.
    """
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    nx, ny = len(x), len(y)
    if nx < 2 or ny < 2:
        return []
    c = fftconvolve(x, y[::-1], mode="full")  # c[m] = sum_j x[j+k] y[j], k = m - (ny-1)
    k = np.arange(-(ny - 1), nx)
    lo = np.maximum(0, k)
    hi = np.minimum(nx, ny + k)
    n = hi - lo
    cx = np.concatenate(([0.0], np.cumsum(x.astype(np.float64) ** 2)))
    cy = np.concatenate(([0.0], np.cumsum(y.astype(np.float64) ** 2)))
    ex = cx[hi] - cx[lo]
    ey = cy[hi - k] - cy[lo - k]
    lag = (start_x - start_y) + k / rate
    valid = (n >= max(2, int(math.ceil(min_overlap * rate)))) & (ex > 0) & (ey > 0)
    if max_offset is not None:
        valid &= np.abs(lag) <= max_offset + 0.5 / rate
    if not valid.any():
        return []
    z = np.full(len(c), -np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        z[valid] = c[valid] / np.sqrt(ex[valid] * ey[valid]) * np.sqrt(n[valid])
    z[valid] = _robust_standardise(z[valid])
    noise = noise_max(int(valid.sum()))
    excl = max(1, int(round(exclusion * rate)))
    work = z.copy()
    found: list[tuple[float, float, float]] = []  # (lag, z, overlap)
    for _ in range(max(2, count)):  # always look at two: the runner-up is part of the confidence
        best = int(np.argmax(work))
        if not np.isfinite(work[best]):
            break
        frac = _parabolic(z, best) if np.isfinite(z[max(best - 1, 0)]) and np.isfinite(
            z[min(best + 1, len(z) - 1)]) else 0.0
        found.append((float(lag[best] + frac / rate), float(z[best]), float(n[best] / rate)))
        work[max(0, best - excl): best + excl + 1] = -np.inf
    peaks = [Peak(lag=f[0], z=f[1], noise_max=noise, overlap=f[2],
                  runner_up=max([0.0] + [g[1] for g in found if g is not f]))
             for f in found]
    return peaks[:count]


def coarse_peak(x: np.ndarray, y: np.ndarray, rate: float, **kw: object) -> Peak | None:
    """The best lag of :func:`coarse_peaks`, or None."""
    peaks = coarse_peaks(x, y, rate, count=1, **kw)  # type: ignore[arg-type]
    return peaks[0] if peaks else None


def gcc_phat_refine(fa: np.ndarray, fb: np.ndarray, rate: float, lag0: float, *,
                    start_a: float = 0.0, start_b: float = 0.0,
                    window: float = config.FINE_WINDOW, search: float = config.FINE_SEARCH,
                    beta: float = 1.0) -> tuple[float, float] | None:
    """Refine ``lag0`` (offset_b - offset_a) with whitened correlation of the waveforms.

    ``beta`` = 1 is the full phase transform, 0 is plain correlation. Returns (lag, peak z-score) or
    None when the overlap at ``lag0`` is too short to correlate.
    """
    # clip-a time ta and clip-b time tb of one event: tb = ta - lag. Overlap in clip-a time:
    t0 = max(start_a, start_b + lag0)
    t1 = min(start_a + len(fa) / rate, start_b + len(fb) / rate + lag0)
    margin = int(math.ceil(search * rate))
    if t1 - t0 < 4 * search:
        return None
    mid = 0.5 * (t0 + t1)
    half = min(window, t1 - t0) / 2 - search
    ia = int(round((mid - half - start_a) * rate))
    n = int(2 * half * rate)
    ib = int(round((mid - half - lag0 - start_b) * rate))
    if n < 16 or ia < 0 or ia + n > len(fa):
        return None
    x = fa[ia: ia + n]
    y0 = ib - margin
    y = fb[max(0, y0): ib + n + margin]
    pad_front = max(0, -y0)
    if pad_front or len(y) < n + 2 * margin - pad_front:
        y = np.concatenate([np.zeros(pad_front, np.float32), y,
                            np.zeros(max(0, n + 2 * margin - pad_front - len(y)), np.float32)])
    nfft = scipy.fft.next_fast_len(len(x) + len(y))
    spec = np.conj(scipy.fft.rfft(x, nfft)) * scipy.fft.rfft(y, nfft)
    if beta > 0:
        spec /= np.maximum(np.abs(spec), 1e-12) ** beta
    r = scipy.fft.irfft(spec, nfft)[: 2 * margin + 1]  # r[m] = sum_n x[n] y[n+m]
    m = int(np.argmax(r))
    z = float(_robust_standardise(r)[m])
    m_frac = _band_limited_peak(r, m)
    # x[n] = fa[ia+n] matches y[n+m] = fb[y0+n+m]  ->  lag = ta - tb
    lag = (start_a + ia / rate) - (start_b + (y0 + m_frac) / rate)
    return float(lag), z


EXCLUSION = {Method.AUDIO: config.PEAK_EXCLUSION, Method.MOTION: config.PEAK_EXCLUSION_MOTION}


def match(a: Signature, b: Signature, ia: int = 0, ib: int = 1, *,
          min_overlap: float = config.MIN_OVERLAP, max_offset: float | None = None,
          min_fine_z: float = config.FINE_MIN_Z, exclusion: float | None = None) -> Match | None:
    """Match two signatures of the same method and rate. ``ia``/``ib`` name the clips in the Match.

    ``exclusion``: half-width of the best peak in seconds, where no runner-up is sought (default: the
    method's, see EXCLUSION). Motion signatures carry no waveform, so they stop after the coarse stage,
    whose parabolic peak interpolation on the 100/s grid is already well inside one frame.
    """
    if a.method != b.method:
        raise ValueError("signatures must be of one method")
    if a.rate != b.rate:
        raise ValueError("signatures must share a rate; resample first")
    peaks = coarse_peaks(a.values, b.values, a.rate, start_x=a.start, start_y=b.start,
                         min_overlap=min_overlap, max_offset=max_offset,
                         exclusion=EXCLUSION[a.method] if exclusion is None else exclusion,
                         count=config.CANDIDATES if a.fine is not None else 1)
    if not peaks:
        return None
    best = peaks[0]
    result = Match(a=ia, b=ib, lag=best.lag, confidence=best.confidence, method=a.method,
                   peak=best.z, runner_up=max(best.runner_up, best.noise_max), overlap=best.overlap)
    if a.fine is None or b.fine is None or a.fine_rate != b.fine_rate:
        return result

    def refine(lag0: float) -> tuple[float, float] | None:
        return gcc_phat_refine(a.fine, b.fine, float(a.fine_rate), lag0,  # type: ignore[arg-type]
                               start_a=a.fine_start, start_b=b.fine_start)

    fine = refine(best.lag)
    # the coarse lag stays when the waveforms do not correlate clearly (different sounds, or too
    # little overlap): a weak fine peak is noise and would move a good coarse answer
    if fine is not None and fine[1] >= min_fine_z:
        result = replace(result, lag=fine[0])
    if (best.confidence >= config.AMBIGUOUS_BELOW or len(peaks) < 2
            or best.z < config.AMBIGUOUS_MIN_PEAK * best.noise_max):
        return result
    # The envelope sees strong matches it cannot tell apart: a loop of music, a repeated chant. In a
    # live recording the repeats still differ (the crowd, the room, the playing), and the whitened
    # waveforms show it: rank every nearly-as-good envelope lag on a short stretch of waveform, with
    # the same confidence rule, and refine the winner on the full window. Weak envelope peaks (near
    # the noise maximum) are no evidence to choose among: there one chance coincidence of two
    # impulsive sounds on the waveform would make a confident wrong answer.
    contenders = [p for p in peaks if p.z >= config.CANDIDATE_RATIO * best.z and p.z >= p.noise_max]
    ranked = []
    for p in contenders:
        f = gcc_phat_refine(a.fine, b.fine, float(a.fine_rate), p.lag, start_a=a.fine_start,
                            start_b=b.fine_start, window=config.RANK_WINDOW)
        if f is not None:
            ranked.append((f[1], p))
    ranked.sort(key=lambda t: -t[0])
    if len(ranked) < 2 or ranked[0][0] < min_fine_z:
        return result
    window = 2 * int(math.ceil(config.FINE_SEARCH * float(a.fine_rate))) + 1
    noise = noise_max(len(ranked) * window)
    (z1, winner), (z2, _) = ranked[0], ranked[1]
    score = confidence(z1, z2, noise)
    if score <= best.confidence:
        return result
    final = refine(winner.lag)
    return Match(a=ia, b=ib, lag=final[0] if final and final[1] >= min_fine_z else winner.lag,
                 confidence=score, method=a.method, peak=z1, runner_up=max(z2, noise),
                 overlap=winner.overlap)
