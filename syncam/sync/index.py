"""Landmark index: which pairs of clips share sound, and at which lags, without trying every pair.

API::

    votes = vote([sig.landmarks for sig in signatures])   # types.Landmarks, one per clip
    for v in votes:       # PairVote: pairs in order, best lag first within each pair
        v.a, v.b          # clip indices, a < b
        v.lag             # offset_b - offset_a in seconds (types.py's sign convention), to ~a hop
        v.votes           # anchor peaks that agree on this lag (its bin and both neighbours)
        v.significance    # -log10 of the expected number of the pair's lag bins with as many votes
                          # by chance; only peaks >= config.INDEX_MIN_SIGNIFICANCE are returned
        v.runner_up       # votes of the pair's best other lag peak (0: none)
        v.expected        # chance votes expected at this lag
    vote(marks, min_significance=-inf)   # every lag peak with >= min_votes, chance ones included

THE LAG (types.py's convention): a sound heard at clip-a time ``ta`` and clip-b time ``tb`` happened at
one timeline instant, ``offset_a + ta = offset_b + tb``, so it votes for ``lag = offset_b - offset_a =
ta - tb``, with ``ta``, ``tb`` clip times (``Landmarks.start`` included).

How: every landmark of every clip goes into one array sorted by hash (an inverted index); each group of
equal hashes yields a coincidence for every two of its entries from different clips, counted in a lag
histogram per pair (one bin a hop). Groups larger than ``hash_cap`` (a stationary sound repeating one
hash through a clip, or a hash too common to tell anything) are dropped before their pairs are formed,
so the work is the number of landmarks times the typical group size: pairs that share no sound cost
only their chance coincidences (which grow as the square of all landmarks over the 2^19 hashes), and
memory is one counter per lag of each pair. A vote is an anchor peak of clip a: its several landmarks
that agree on one lag count once (a chance likeness of two sounds brings several pairs of one peak
along), counted in a second pass only where the raw counts could reach ``min_votes``. A lag between
two hops splits its votes between two bins, and a room moves a peak by a frame either way, so each
bin is scored with both neighbours added (measured on the encoded reverberant hall: 3 of 10 pairs
reach the threshold, 2 with the larger neighbour only), and peaks closer than two hops merge. Every
pair keeps up to ``max_lags`` peaks (a sound played twice gives two lags), which the whitened search
then confirms and refines: nothing is placed by the index alone.

Significance: without shared sound, a pair's coincidences fall at random lags, as many at lag ``d`` as
the overlap of the clips there allows. With ``M`` coincidences in the pair (but those of its best
peak), clip lengths ``Fa``, ``Fb`` frames, a merged bin at ``d`` expects ``lam = 3 M overlap(d) / (Fa
Fb)`` chance votes (Poisson; raw coincidences, so an upper bound on chance anchor votes). The
significance of ``v`` votes is ``-log10(bins x P(Poisson(lam) >= v))``, the expected number of bins of
that pair reaching ``v`` by chance: the same threshold then means the same for a 4 s and a 60 min clip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import gammainc

from syncam import config
from syncam.types import Landmarks

_MERGE = 2  # lag peaks closer than this many hops are one peak
_CHUNK = 2_000_000  # coincidences counted at a time (32 MB of cells and times)


@dataclass(frozen=True)
class PairVote:
    """One lag peak of a pair: ``b`` sits ``lag`` seconds after ``a`` (lag = offset_b - offset_a)."""

    a: int
    b: int
    lag: float  # seconds, vote-weighted between the two merged hop bins
    votes: int  # anchor peaks voting in the lag's bin and its two neighbours
    significance: float  # -log10(expected chance bins with as many votes); > 0: fewer than one
    runner_up: int = 0  # votes of this pair's best other lag peak
    expected: float = 0.0  # chance votes expected in this lag's merged bin


def vote(marks: Sequence[Landmarks], *, min_votes: int = config.INDEX_MIN_VOTES,
         min_significance: float = config.INDEX_MIN_SIGNIFICANCE,
         max_lags: int = config.INDEX_MAX_LAGS, hash_cap: int = config.INDEX_HASH_CAP
         ) -> list[PairVote]:
    """Lag peaks of every pair of clips with at least ``min_votes`` agreeing landmarks and
    ``min_significance``, up to ``max_lags`` per pair, ordered by pair then votes (see the module
    docstring). ``min_significance=-inf`` keeps chance peaks too (calibration)."""
    n = len(marks)
    hops = {m.hop for m in marks}
    if len(hops) > 1:
        raise ValueError("landmarks of different hops cannot be compared")
    sizes = np.array([len(m) for m in marks], dtype=np.int64)
    if n < 2 or sizes.sum() == 0:
        return []
    frames = np.array([max(m.frames, 1) for m in marks], dtype=np.int64)
    # the lag histogram of pair (a, b), a < b: lags -(Fb - 1) .. Fa - 1 frames, with _MERGE empty bins
    # either side so that neighbours never cross into another pair
    a_all, b_all = np.triu_indices(n, 1)
    width = frames[a_all] + frames[b_all] - 1 + 2 * _MERGE
    first = np.concatenate([[0], np.cumsum(width)[:-1]])
    zero = np.zeros((n, n), dtype=np.int64)  # bin of lag 0 of each pair
    zero[a_all, b_all] = first + _MERGE + frames[b_all] - 1
    counts = np.zeros(int(width.sum()), dtype=np.int32)

    hashes = np.concatenate([m.hashes for m in marks]).astype(np.uint64)
    times = np.concatenate([m.times for m in marks]).astype(np.int64)
    clip = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.argsort((hashes << np.uint64(16)) | clip.astype(np.uint64))
    hashes, times, clip = hashes[order], times[order], clip[order]
    del order
    # groups of equal hashes; keep those small enough that span two clips
    cut = np.flatnonzero(hashes[1:] != hashes[:-1]) + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [len(hashes)]])
    g = ends - starts
    keep = (g >= 2) & (g <= hash_cap) & (clip[starts] != clip[ends - 1])
    rest = np.repeat(np.where(keep, g, 0), g) - (np.arange(len(hashes)) - np.repeat(starts, g)) - 1
    # entry i pairs with entries i + 1 .. i + rest[i] (same group, sorted by clip: clip[i] <= clip[j])
    for cells, _ in _coincidences(clip, times, rest, zero, _CHUNK):
        np.add(counts, np.bincount(cells, minlength=len(counts)), out=counts, casting="unsafe")
    # votes: the landmarks of one anchor peak that agree on a lag count once (a chance likeness of
    # two sounds brings several pairs of one peak along). Counted where the raw counts could reach
    # min_votes (and their neighbours).
    near = _merged(counts) >= min_votes
    near[1:] |= near[:-1].copy()
    near[:-1] |= near[1:].copy()
    found: list[np.ndarray] = []
    for cells, ta in _coincidences(clip, times, rest, zero, _CHUNK):
        inside = near[cells]
        found.append(_distinct(cells[inside] * (int(frames.max()) + 1) + ta[inside]))
    anchors = np.zeros_like(counts)
    if found:
        distinct = _distinct(np.concatenate(found)) // (int(frames.max()) + 1)
        np.add(anchors, np.bincount(distinct, minlength=len(counts)), out=anchors, casting="unsafe")
    return _peaks(counts, anchors, marks, frames, a_all, b_all, first, zero, min_votes,
                  min_significance, max_lags)


def _merged(c: np.ndarray) -> np.ndarray:
    """Each bin plus both neighbours (one temporary the size of ``c``, which holds every lag of every
    pair; each pair's histogram has empty margins, so ``c`` has at least five bins)."""
    out = np.empty_like(c)
    out[0], out[-1] = c[1], c[-2]
    np.add(c[:-2], c[2:], out=out[1:-1])
    out += c
    return out


def _distinct(x: np.ndarray) -> np.ndarray:
    """The distinct values of ``x``, sorted (np.unique hashes integers in numpy >= 2.3, measured
    20x slower than sorting on these keys)."""
    x = np.sort(x)
    return x[np.concatenate([[True], x[1:] != x[:-1]])] if len(x) else x


def _coincidences(clip: np.ndarray, times: np.ndarray, rest: np.ndarray, zero: np.ndarray,
                  chunk: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(histogram cell, clip-a frame) of every two entries of a hash group from different clips, in
    chunks of about ``chunk``: entry i pairs with entries i + 1 .. i + rest[i]."""
    idx = np.flatnonzero(rest > 0)
    cells: list[np.ndarray] = []
    ta: list[np.ndarray] = []
    held, k = 0, 1
    while len(idx):
        j = idx + k
        ca, cb = clip[idx], clip[j]
        other = ca != cb
        i, j = idx[other], j[other]
        ta.append(times[i])
        cells.append(zero[ca[other], cb[other]] + times[i] - times[j])
        held += len(i)
        if held >= chunk:
            yield np.concatenate(cells), np.concatenate(ta)
            cells, ta, held = [], [], 0
        k += 1
        idx = idx[rest[idx] >= k]
    if cells:
        yield np.concatenate(cells), np.concatenate(ta)


def _peaks(raw: np.ndarray, c: np.ndarray, marks: Sequence[Landmarks], frames: np.ndarray,
           a_all: np.ndarray, b_all: np.ndarray, first: np.ndarray, zero: np.ndarray,
           min_votes: int, min_significance: float, max_lags: int) -> list[PairVote]:
    """Lag peaks of every pair's histogram (all pairs' histograms laid end to end: ``raw`` counts
    every coincidence, ``c`` the anchor peaks that vote)."""
    merged = _merged(c)
    cand = np.flatnonzero(merged >= min_votes)
    if len(cand) == 0:
        return []
    # a peak: no bin within _MERGE has more merged votes (ties: the earlier bin wins)
    ok = np.ones(len(cand), bool)
    for d in range(-_MERGE, _MERGE + 1):
        if d:
            other = merged[np.clip(cand + d, 0, len(merged) - 1)]
            ok &= (merged[cand] > other) if d < 0 else (merged[cand] >= other)
    cand = cand[ok]
    del ok, merged
    votes = _merged(c)[cand].astype(np.int64)
    pair = np.searchsorted(first, cand, side="right") - 1
    # per pair, best first; the runner-up of the best is the second, of the others the best
    order = np.lexsort((-votes, pair))
    cand, votes, pair = cand[order], votes[order], pair[order]
    head = np.searchsorted(pair, pair, side="left")
    rank = np.arange(len(pair)) - head
    last = np.searchsorted(pair, pair, side="right") - 1
    runner = np.where(rank == 0, np.where(last > head, votes[np.minimum(head + 1, last)], 0),
                      votes[head])
    del last
    # chance model per pair: all its coincidences but those of its best peak (a true match there
    # would inflate it), spread by overlap
    heads = np.flatnonzero(rank == 0)
    total = np.add.reduceat(raw, first, dtype=np.int64).astype(np.float64)
    hb = cand[heads]
    total[pair[heads]] -= raw[hb] + raw[hb - 1] + raw[hb + 1]
    background = np.maximum(total, 1.0)
    a, b = a_all[pair], b_all[pair]
    bins = cand - zero[a, b]  # lag in frames
    fa, fb = frames[a].astype(np.float64), frames[b].astype(np.float64)
    overlap = np.clip(np.minimum(fa, fb + bins) - np.maximum(0, bins), 1, None)
    lam = 3.0 * background[pair] * overlap / (fa * fb)
    # P(votes or more) of a Poisson count: P(X >= v) = P(v, lam), the regularised lower incomplete
    # gamma function
    signif = -np.log10(np.clip((fa + fb) * np.maximum(gammainc(votes, lam), 1e-300), 1e-300, None))
    keep = np.flatnonzero((rank < max_lags) & (signif >= min_significance))
    cand, bins, a, b = cand[keep], bins[keep], a[keep], b[keep]
    # the lag between the bin and its larger neighbour, weighted by their votes
    lc, rc = c[cand - 1].astype(np.int64), c[cand + 1].astype(np.int64)  # margins: in range
    nb = np.maximum(lc, rc)
    frac = bins + np.where(rc > lc, 1, -1) * nb / np.maximum(c[cand] + nb, 1)
    starts = np.array([m.start for m in marks])
    lag = frac * marks[0].hop + starts[a] - starts[b]
    return [PairVote(a=int(a[k]), b=int(b[k]), lag=float(lag[k]), votes=int(votes[j]),
                     significance=float(signif[j]), runner_up=int(runner[j]),
                     expected=float(lam[j])) for k, j in enumerate(keep)]
