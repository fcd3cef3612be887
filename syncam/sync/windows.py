"""Windowed evidence: where in the clips two signals agree, and on which lag. Pure numpy/scipy.

A pair's overlap at a lag is cut into windows of a few seconds; each window's whitened waveform is
correlated (GCC-PHAT) with the other clip's, over +-``search`` around the lag. Each window gives one
:class:`~syncam.types.Observation` (its time in clip a, its own best lag, its z-score). A true lag
collects many agreeing windows; an unrelated pair scatters. The windows' correlation curves, added,
are the whole overlap's whitened correlation: its peak is the refined lag, to a few microseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from syncam import config
from syncam.sync.score import band_limited_peak, robust_standardise, robust_standardise_rows
from syncam.types import Observation

_BATCH = 16  # windows transformed at once: bounded memory (~10 MB at 4 s windows)


@dataclass(frozen=True)
class WindowEvidence:
    """Windowed evidence around one lag."""

    observations: tuple[Observation, ...]
    lag: float  # the peak of the summed curve (offset_b - offset_a, seconds)
    z: float  # its robust z-score


def overlap(len_a: float, len_b: float, start_a: float, start_b: float, lag: float,
            margin: float) -> tuple[float, float]:
    """Clip-a times [t0, t1) where both clips have sound at ``lag``, ``margin`` in from both ends."""
    t0 = max(start_a, start_b + lag) + margin
    t1 = min(start_a + len_a, start_b + len_b + lag) - margin
    return t0, t1


def window_starts(t0: float, t1: float, window: float, hop: float, most: int) -> np.ndarray:
    """Start times of windows of ``window`` s every ``hop`` s in [t0, t1); evenly thinned to ``most``.

    Shorter than one window: one window over all of it.
    """
    if t1 - t0 < window:
        return np.array([t0]) if t1 - t0 > 0 else np.zeros(0)
    count = int(math.floor((t1 - t0 - window) / hop)) + 1
    starts = t0 + hop * np.arange(count)
    if count > most:
        starts = starts[np.round(np.linspace(0, count - 1, most)).astype(int)]
    return starts


def curves(fa: np.ndarray, fb: np.ndarray, rate: float, lag: float, starts: np.ndarray, length: float,
           search: float, *, start_a: float = 0.0, start_b: float = 0.0) -> tuple[np.ndarray, float]:
    """Whitened correlation of each window of a (clip-a times ``starts``, ``length`` s) with b around
    ``lag``: rows of 2m+1 values, m = search * rate. Returns (rows, lag of column 0); column j is at
    lag ``lag0 - j / rate`` (a later match in b means a smaller lag)."""
    import scipy.fft  # here: the solver imports this module (drift), and a warm re-align only solves

    n = max(16, int(round(length * rate)))
    m = int(math.ceil(search * rate))
    nfft = scipy.fft.next_fast_len(2 * n + 2 * m, real=True)
    rows = np.empty((len(starts), 2 * m + 1), dtype=np.float32)
    ias = np.round((starts - start_a) * rate).astype(int)
    # b sample that meets a's sample ia at `lag` (tb = ta - lag): one whole-sample shift for all windows,
    # so that every row's column j is the same lag and the rows can be added
    ibs = ias + int(round((start_a - start_b - lag) * rate))
    # column j pairs fa[ia + i] with fb[ib - m + i + j]:
    # lag_j = (start_a + ia/rate) - (start_b + (ib - m + j)/rate); report it for the first window
    for s in range(0, len(starts), _BATCH):
        xs = np.zeros((min(_BATCH, len(starts) - s), n), dtype=np.float32)
        ys = np.zeros((len(xs), n + 2 * m), dtype=np.float32)
        for w in range(len(xs)):
            ia, ib = ias[s + w], ibs[s + w] - m
            a0, a1 = max(0, ia), min(len(fa), ia + n)
            if a1 > a0:
                xs[w, a0 - ia: a1 - ia] = fa[a0:a1]
            b0, b1 = max(0, ib), min(len(fb), ib + n + 2 * m)
            if b1 > b0:
                ys[w, b0 - ib: b1 - ib] = fb[b0:b1]
        spec = np.conj(scipy.fft.rfft(xs, nfft, axis=1)) * scipy.fft.rfft(ys, nfft, axis=1)
        spec /= np.maximum(np.abs(spec), 1e-20)
        rows[s: s + len(xs)] = scipy.fft.irfft(spec, nfft, axis=1)[:, : 2 * m + 1]
    lag0 = (start_a - start_b) - (int(round((start_a - start_b - lag) * rate)) - m) / rate
    return rows, float(lag0)


def evidence(fa: np.ndarray, fb: np.ndarray, rate: float, lag: float, *, start_a: float = 0.0,
             start_b: float = 0.0, window: float = config.OBS_WINDOW,
             search: float = config.FINE_SEARCH, most: int = config.OBS_MAX_WINDOWS,
             agree: float = config.AGREE) -> WindowEvidence | None:
    """Observations of every window of the overlap at ``lag``, and the lag of their summed curve.

    The curve adds the windows whose own lag is within ``agree`` of ``lag`` (all windows when none
    is). None when the overlap is shorter than ``config.MIN_WINDOW``.
    """
    t0, t1 = overlap(len(fa) / rate, len(fb) / rate, start_a, start_b, lag, search)
    if t1 - t0 < config.MIN_WINDOW:
        return None
    starts = window_starts(t0, t1, window, window, most)
    length = min(window, t1 - t0)
    rows, lag0 = curves(fa, fb, rate, lag, starts, length, search, start_a=start_a, start_b=start_b)
    return evidence_from_rows(rows, lag0, starts, length, rate, lag, search=search, agree=agree)


def evidence_from_rows(rows: np.ndarray, lag0: float, starts: np.ndarray, length: float, rate: float,
                       lag: float, *, search: float = config.FINE_SEARCH,
                       agree: float = config.AGREE) -> WindowEvidence:
    """:func:`evidence` from window curves already computed (:func:`curves`, column 0 at ``lag0``)
    over at least +-``search`` around ``lag``: the columns +-``search`` around it are used."""
    m = int(math.ceil(search * rate))
    c = int(round((lag0 - lag) * rate))
    lo = min(max(0, c - m), max(0, rows.shape[1] - (2 * m + 1)))
    rows, lag0 = rows[:, lo: lo + 2 * m + 1], lag0 - lo / rate
    obs = []
    best = rows.argmax(axis=1)
    zs = robust_standardise_rows(rows)[np.arange(len(rows)), best]
    for t, row, j, z in zip(starts, rows, best, zs):
        obs.append(Observation(time=float(t + length / 2),
                               lag=float(lag0 - band_limited_peak(row, int(j)) / rate),
                               score=round(min(float(z), config.MAX_SCORE), 2)))
    near = np.array([abs(o.lag - lag) <= agree for o in obs])
    total = rows[near].sum(axis=0) if near.any() else rows.sum(axis=0)
    j = int(np.argmax(total))
    return WindowEvidence(observations=tuple(obs), lag=float(lag0 - band_limited_peak(total, j) / rate),
                          z=float(robust_standardise(total)[j]))
