"""The search over every lag: normalised cross-correlation of two whole signals, in bounded memory.

``coarse_peaks`` correlates two feature sequences (whitened sound, or motion at 100/s)
with one FFT and turns each lag's value into a z-score, ``ncc * sqrt(overlap)``: under "unrelated" it
is roughly standard normal whatever the overlap. It is then re-standardised with the median and MAD
over all lags (features are never perfectly white; this absorbs it). Lags with less than
``min_overlap`` seconds of shared material are not searched.

Memory: an hour against an hour at 4 kHz is 29 M lags. Nothing of that length is held in float64:
the correlation is float32, the overlap energies come from cumulative sums per 32-sample block, and
the lags are scored in chunks that keep only each 'exclusion'-wide block's best lag.
"""

from __future__ import annotations

import contextlib
import math
import threading

import numpy as np
import scipy.fft
from scipy.ndimage import convolve1d

from syncam import config
from syncam.sync.score import Peak, noise_max, parabolic

_CHUNK = 1 << 18  # lags scored at once (a few MB of temporaries)
_BIG_FFT = 1 << 22  # scans whose correlation is longer than this take turns
_BIG = threading.RLock()  # re-entrant: a caller may take its turn before it calls coarse_peaks


class _Energy:
    """Sum of squares of any index range of a signal, from its cumulative sum.

    The running sum is accumulated in float64 a block at a time and stored in float32: each stored
    value is then exact to 6e-8 of the total, so the energy of the shortest range searched (2 s of an
    hour) is good to 1e-4, in 4 bytes a sample instead of 8.
    """

    def __init__(self, x: np.ndarray) -> None:
        self.cum = np.empty(len(x) + 1, dtype=np.float32)
        self.cum[0] = 0.0
        total = 0.0
        for s in range(0, len(x), _CHUNK):
            part = np.cumsum(np.square(x[s: s + _CHUNK], dtype=np.float64)) + total
            self.cum[s + 1: s + 1 + len(part)] = part
            total = float(part[-1])

    def range(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return self.cum[hi].astype(np.float64) - self.cum[lo]


def _correlate(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, int]:
    """r with r[k mod nfft] = sum_j x[j+k] y[j] for -len(y) < k < len(x); float32, one FFT each."""
    nfft = scipy.fft.next_fast_len(len(x) + len(y) - 1, real=True)
    spec = scipy.fft.rfft(x, nfft, workers=config.FFT_WORKERS)
    other = scipy.fft.rfft(y, nfft, workers=config.FFT_WORKERS)
    np.conjugate(other, out=other)
    spec *= other
    del other
    r = scipy.fft.irfft(spec, nfft, workers=config.FFT_WORKERS)
    del spec
    return r.astype(np.float32, copy=False), nfft


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
    base = start_x - start_y  # lag of k = 0
    need = max(2, int(math.ceil(min_overlap * rate)))
    k_lo, k_hi = -(ny - 1), nx - 1  # k: x[j+k] pairs with y[j]
    if max_offset is not None:
        k_lo = max(k_lo, int(math.floor((-max_offset - 0.5 / rate - base) * rate)))
        k_hi = min(k_hi, int(math.ceil((max_offset + 0.5 / rate - base) * rate)))
    # overlap n(k) = min(nx, ny + k) - max(0, k) >= need
    k_lo = max(k_lo, need - ny)
    k_hi = min(k_hi, nx - need)
    if k_hi < k_lo:
        return []
    # Big scans take turns (a lock) from their correlation until their lags are scored: each holds
    # the correlation and both energies (~16 bytes a lag: 110 MB for two hour-long clips at 1 kHz),
    # two at once would add that to an event's peak memory, and the FFTs already use every core.
    with taking_turns(nx + ny):
        return _scan(x, y, rate, base, k_lo, k_hi, exclusion, count)


def taking_turns(samples: int) -> contextlib.AbstractContextManager[object]:
    """The turn a scan of two signals ``samples`` long together waits for: one big scan at a time
    (see coarse_peaks); a small one goes at once."""
    big = scipy.fft.next_fast_len(samples - 1, real=True) > _BIG_FFT
    return _BIG if big else contextlib.nullcontext()


def _scan(x: np.ndarray, y: np.ndarray, rate: float, base: float, k_lo: int, k_hi: int,
          exclusion: float, count: int) -> list[Peak]:
    """:func:`coarse_peaks` over the lags k_lo..k_hi (k: x[j+k] pairs with y[j]; lag of k = 0:
    ``base``)."""
    nx, ny = len(x), len(y)
    r, nfft = _correlate(x, y)
    ex, ey = _Energy(x), _Energy(y)

    def raw(k: np.ndarray) -> np.ndarray:
        lo = np.maximum(0, k)
        hi = np.minimum(nx, ny + k)
        n = (hi - lo).astype(np.float64)
        e = ex.range(lo, hi) * ey.range(lo - k, hi - k)
        c = r[np.where(k >= 0, k, nfft + k)].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(e > 0, c / np.sqrt(np.maximum(e, 1e-300)) * np.sqrt(n), 0.0)
        return z

    total = k_hi - k_lo + 1
    stride = max(1, total // 200_000)  # the median and MAD of 200 000 lags are exact to 0.3 %
    sample = raw(np.arange(k_lo, k_hi + 1, stride))
    med = float(np.median(sample))
    mad = float(np.median(np.abs(sample - med))) * 1.4826 or 1.0
    del sample

    # best lag of every exclusion-wide block
    excl = max(1, int(round(exclusion * rate)))
    best_z: list[np.ndarray] = []
    best_k: list[np.ndarray] = []
    for c0 in range(k_lo, k_hi + 1, _CHUNK - _CHUNK % excl):
        ks = np.arange(c0, min(c0 + _CHUNK - _CHUNK % excl, k_hi + 1))
        z = (raw(ks) - med) / mad
        pad = (-len(z)) % excl
        zb = np.concatenate([z, np.full(pad, -np.inf)]).reshape(-1, excl)
        arg = zb.argmax(axis=1)
        best_z.append(zb[np.arange(len(arg)), arg])
        best_k.append(ks[0] + np.arange(len(arg)) * excl + arg)
    bz = np.concatenate(best_z)
    bk = np.concatenate(best_k)
    noise = noise_max(total)
    found: list[tuple[int, float]] = []
    for _ in range(max(2, count)):  # always two: the runner-up is part of the confidence
        i = int(np.argmax(bz))
        if not np.isfinite(bz[i]):
            break
        k = int(bk[i])
        found.append((k, float(bz[i])))
        near = np.abs(bk - k) <= excl
        bz[near] = -np.inf
    peaks = []
    for k, score in found:
        around = (raw(np.array([k - 1, k, k + 1])) - med) / mad
        if k - 1 < k_lo:
            around[0] = -np.inf
        if k + 1 > k_hi:
            around[2] = -np.inf
        frac = parabolic(around, 1)
        n = min(nx, ny + k) - max(0, k)
        peaks.append(Peak(lag=base + (k + frac) / rate, z=score, noise_max=noise, overlap=n / rate,
                          runner_up=max([0.0] + [g for kk, g in found if kk != k]), lags=total))
    return peaks[:count]


def _halving_filter() -> tuple[np.ndarray, np.ndarray]:
    """scipy.signal.resample_poly(x, 1, 2)'s low-pass (firwin(41, 0.5, window=("kaiser", 5.0))),
    split into its even and odd taps (the odd ones behind a zero, so both are centred alike)."""
    m = np.arange(41) - 20.0
    h = 0.5 * np.sinc(0.5 * m) * np.kaiser(41, 5.0)
    h /= h.sum()
    return h[0::2], np.concatenate([[0.0], h[1::2]])


_EVEN, _ODD = _halving_filter()


def halve(x: np.ndarray) -> np.ndarray:
    """``x`` at half its rate, float32: what ``scipy.signal.resample_poly(x, 1, 2)`` gives (to
    float32 rounding), in two polyphase convolutions, without importing scipy.signal (0.7 s of CPU)
    or its float64 copies of an hour-long signal."""
    n_out = (len(x) + 1) // 2
    odd = np.zeros(n_out, dtype=np.float32)
    odd[: len(x) // 2] = x[1::2]
    out = convolve1d(x[0::2], _EVEN, mode="constant", output=np.float32)
    out += convolve1d(odd, _ODD, mode="constant", output=np.float32)
    return out


def coarse_peak(x: np.ndarray, y: np.ndarray, rate: float, **kw: object) -> Peak | None:
    """The best lag of :func:`coarse_peaks`, or None."""
    peaks = coarse_peaks(x, y, rate, count=1, **kw)  # type: ignore[arg-type]
    return peaks[0] if peaks else None

