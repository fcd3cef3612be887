"""match(a, b) -> Match: where clip b sits relative to clip a, with a calibrated confidence.

Motion signatures: one normalised cross-correlation over every lag (sync/scan.py), whose peak is then
refined to a fraction of a frame on the cells' smoothed curves (``Signature.fine``, sync/subframe.py).

Audio signatures (whitened sound, see signals/audio.py) go through up to three searches, and the one
that is surest decides:

1. **Scan**: the whole overlap's whitened correlation over every lag, at 8 kHz (long pairs: 2 kHz).
   As sensitive as whole-clip GCC-PHAT (it *is* GCC-PHAT, whitened frame by frame), in bounded memory.
2. **Windows** (pairs short enough, WINDOW_SEARCH_BUDGET): each few-second window of the shorter clip
   searched over every lag of the other on the 8 kHz signal. A few seconds of shared sound inside
   minutes of unrelated sound stand out in their own window, where the whole overlap drowns them.
3. **Loop**: when the scan finds several strong lags it cannot tell apart (a loop of music), every
   window is scored at each of them, and a lag wins only where windows prefer it clearly over each
   rival (the shout, the fill, the phrase that differs between repeats). Windows that fit every
   repeat equally set the noise of that comparison. No clear winner: the lags go into
   ``Match.candidates`` for a person to choose from.

4. **Drift** (only when none of these is sure, on pairs of a minute or more): a drifting clock moves
   the lag through the overlap and smears the scan's peak; segments of one clip are searched in the
   other, each pooled over the lags a drift can reach, and added (``drift_search``).

Then the chosen lag is refined on the 8 kHz signal, window by window (sync/windows.py): the windows'
own lags are the match's ``observations`` (clock drift is fitted on them), and their summed curve
gives the lag to a few microseconds. Every confidence is the rule of sync/score.py; how high unrelated
recordings reach with it was measured (bench/calibrate.py), and config.MIN_CONFIDENCE rests on that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.fft
from scipy.ndimage import maximum_filter1d

from syncam import config
from syncam.sync import repeats, subframe
from syncam.sync.drift import LineFit, fit_line, track
from syncam.sync.scan import coarse_peaks, halve, taking_turns
from syncam.sync.score import Peak, confidence, noise_max, robust_standardise, robust_standardise_rows
from syncam.sync.windows import curves, evidence, evidence_from_rows, overlap, window_starts
from syncam.types import Candidate, Match, Method, Signature

EXCLUSION = {Method.AUDIO: config.PEAK_EXCLUSION, Method.MOTION: config.PEAK_EXCLUSION_MOTION}
MIN_OVERLAP = {Method.AUDIO: config.MIN_OVERLAP, Method.MOTION: config.MOTION_MIN_OVERLAP}


@dataclass(frozen=True)
class _Verdict:
    """One search's answer: a lag, its confidence, and the scores it rests on."""

    lag: float
    confidence: float
    peak: float
    runner_up: float
    search: str


def _scan_verdict(p: Peak) -> _Verdict:
    return _Verdict(p.lag, p.confidence, p.z, max(p.runner_up, p.noise_max), "scan")


def window_search(a: Signature, b: Signature, *, max_offset: float | None = None,
                  window: float = config.SEARCH_WINDOW) -> _Verdict | None:
    """Search 2: every window of the shorter clip against every lag of the other (8 kHz, whitened).

    A window is searched at the lags where it lies wholly inside the other clip. Its confidence counts
    all windows' lags in its noise maximum (the best of n windows of noise is higher than one's), so
    a long unrelated pair gains nothing from having many windows.
    """
    fa, fb = a.fine, b.fine
    assert fa is not None and fb is not None and a.fine_rate is not None
    rate = float(a.fine_rate)
    flip = len(fb) < len(fa)  # windows come from the shorter clip
    short, long_ = ((fb, fa) if flip else (fa, fb))
    short, long_ = short.astype(np.float32), long_.astype(np.float32)
    s_start, l_start = (b.fine_start, a.fine_start) if flip else (a.fine_start, b.fine_start)
    dur = len(short) / rate
    starts = window_starts(s_start, s_start + dur, window, window / 2, config.SEARCH_MAX_WINDOWS)
    n = int(round(min(window, dur) * rate))
    lags = len(long_) - n + 1
    if len(starts) == 0 or n < config.MIN_WINDOW * rate or lags < 1:
        return None
    nfft = scipy.fft.next_fast_len(len(long_) + n, real=True)
    spec_long = scipy.fft.rfft(long_, nfft)
    cum = np.concatenate(([0.0], np.cumsum(np.square(long_, dtype=np.float64))))
    e_long = cum[n: n + lags] - cum[:lags]  # energy of long_[j: j + n]
    excl = int(round(config.PEAK_EXCLUSION * rate))
    noise = noise_max(lags * len(starts)) * config.WINDOW_NOISE_FACTOR
    best: _Verdict | None = None
    for t in starts:
        i0 = int(round((t - s_start) * rate))
        seg = short[i0: i0 + n]
        e_seg = float(np.dot(seg, seg))
        if e_seg <= 0:
            continue
        # r[j] = sum_i seg[i] long_[i + j]; lag (offset_long - offset_short) = t - l_start - j / rate
        r = scipy.fft.irfft(np.conj(scipy.fft.rfft(seg, nfft)) * spec_long, nfft)[:lags]
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(e_long > 0, r / np.sqrt(np.maximum(e_long, 1e-30) * e_seg) * math.sqrt(n),
                         0.0)
        lag_of = (t - l_start) - np.arange(lags) / rate
        if max_offset is not None:
            z[np.abs(lag_of) > max_offset] = -np.inf
        finite = z[np.isfinite(z)]
        if len(finite) < 2:
            continue
        sample = finite[:: max(1, len(finite) // 200_000)]
        med = float(np.median(sample))
        mad = float(np.median(np.abs(sample - med))) * 1.4826 or 1.0
        j = int(np.argmax(z))
        peak = (float(z[j]) - med) / mad
        z[max(0, j - excl): j + excl + 1] = -np.inf
        runner = (float(z.max()) - med) / mad
        lag = float(lag_of[j])
        v = _Verdict(-lag if flip else lag, confidence(peak, runner, noise), peak,
                     max(runner, noise), "windows")
        if best is None or v.confidence > best.confidence:
            best = v
    return best


def loop_tournament(a: Signature, b: Signature, lags: list[float]) -> _Verdict | None:
    """Search 3: which of several equally strong lags do the windows that differ prefer?

    Every window valid at all ``lags`` is scored at each (its whitened correlation peak within
    +-LOOP_SEARCH, in its own robust standard deviations). For lag c against rival r, the windows'
    score differences d = z(c) - z(r) are scaled by their own spread (most windows fit both: their
    differences are the noise) and the largest one for c is weighed against the largest one for r
    and against the noise maximum of that many windows. The winner must beat every rival.
    """
    fa, fb = a.fine, b.fine
    assert fa is not None and fb is not None and a.fine_rate is not None
    rate = float(a.fine_rate)
    t0, t1 = -math.inf, math.inf
    for lag in lags:
        lo, hi = overlap(len(fa) / rate, len(fb) / rate, a.fine_start, b.fine_start, lag,
                         config.LOOP_SEARCH)
        t0, t1 = max(t0, lo), min(t1, hi)
    starts = window_starts(t0, t1, config.LOOP_WINDOW, config.LOOP_WINDOW / 2, config.LOOP_MAX_WINDOWS)
    if len(starts) < 4:
        return None
    z = np.empty((len(lags), len(starts)))
    for k, lag in enumerate(lags):
        rows, _ = curves(fa, fb, rate, lag, starts, config.LOOP_WINDOW, config.LOOP_SEARCH,
                         start_a=a.fine_start, start_b=b.fine_start)
        z[k] = robust_standardise_rows(rows).max(axis=1)
    noise = noise_max(len(starts) * (len(lags) - 1))
    best: _Verdict | None = None
    for c in range(len(lags)):
        worst: _Verdict | None = None
        for r in range(len(lags)):
            if r == c:
                continue
            d = z[c] - z[r]
            spread = max(1.4826 * float(np.median(np.abs(d - np.median(d)))), config.LOOP_MIN_SPREAD)
            for_c, for_r = float(d.max()) / spread, float(-d.min()) / spread
            v = _Verdict(lags[c], confidence(for_c, for_r, noise), for_c, max(for_r, noise), "loop")
            if worst is None or v.confidence < worst.confidence:
                worst = v
        if worst is not None and (best is None or worst.confidence > best.confidence):
            best = worst
    return best


def drift_search(a: Signature, b: Signature, *,
                 max_offset: float | None = None) -> tuple[_Verdict, LineFit] | None:
    """Search 4: segments of the shorter clip against all of the other, pooled over the lags a
    drifting clock reaches, added (config.DRIFT_SEGMENT). Returns the verdict (lag at the middle of
    clip a's part of the overlap) and the line through the segments' own peaks, in clip-a time."""
    rate = float(a.rate)
    flip = len(b.values) < len(a.values)
    short, long_ = (b, a) if flip else (a, b)
    xs, xl = short.values.astype(np.float32), long_.values.astype(np.float32)
    n = int(round(config.DRIFT_SEGMENT * rate))
    lags = len(xl) - n + 1
    if len(xs) < 2 * n or lags < 1:
        return None
    starts = window_starts(0.0, len(xs) / rate, config.DRIFT_SEGMENT, config.DRIFT_SEGMENT,
                           config.DRIFT_SEGMENTS)
    pool = int(math.ceil(config.DRIFT_MAX_PPM * 1e-6 * len(xs) / rate / 2 * rate))
    # lags are kept in blocks of a quarter pool (their best value and where it is): the sum needs
    # the pool's resolution only, and 100 whole curves of an hour would not fit in memory
    block = max(1, pool // 4)
    reach = -(-pool // block)  # the pool in blocks
    nfft = scipy.fft.next_fast_len(len(xl) + n, real=True)
    spec_long = scipy.fft.rfft(xl, nfft, workers=config.FFT_WORKERS)
    cum = np.concatenate(([0.0], np.cumsum(np.square(xl, dtype=np.float64))))
    e_long = cum[n: n + lags] - cum[:lags]
    nb = -(-lags // block)
    # common block axis: lag (offset_long - offset_short) = short.start - long.start - J / rate with
    # J = j - i0, block index (J + len(xs)) // block
    total = np.zeros((len(xs) + len(xl)) // block + 2, dtype=np.float64)
    count = np.zeros(len(total), dtype=np.int32)
    kept: list[tuple[int, int, np.ndarray, np.ndarray]] = []  # i0, shift, block max, its index j
    for t in starts:
        i0 = int(round(t * rate))
        seg = xs[i0: i0 + n]
        e_seg = float(np.dot(seg, seg))
        if e_seg <= 0 or len(seg) < n:
            continue
        r = scipy.fft.irfft(np.conj(scipy.fft.rfft(seg, nfft, workers=config.FFT_WORKERS)) * spec_long,
                            nfft, workers=config.FFT_WORKERS)[:lags]
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(e_long > 0, r / np.sqrt(np.maximum(e_long, 1e-30) * e_seg) * math.sqrt(n),
                         0.0)
        z = _standardised(z)
        zb = np.concatenate([z, np.full(nb * block - lags, -np.inf)]).reshape(nb, block)
        arg = zb.argmax(axis=1)
        bmax = zb[np.arange(nb), arg]
        pooled = _standardised(maximum_filter1d(bmax, 2 * reach + 1))
        shift = (len(xs) - i0) // block
        total[shift: shift + nb] += pooled
        count[shift: shift + nb] += 1
        kept.append((i0, shift, bmax, arg + np.arange(nb) * block))
    if len(kept) < config.DRIFT_MIN_WINDOWS:
        return None
    need = max(config.DRIFT_MIN_WINDOWS, len(kept) // 4)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(count >= need, total / np.sqrt(np.maximum(count, 1)), -np.inf)
    lag_of = (short.start - long_.start) - (np.arange(len(total)) * block - len(xs)) / rate
    if max_offset is not None:
        score[np.abs(lag_of) > max_offset + pool / rate] = -np.inf
    valid = np.isfinite(score)
    if valid.sum() < 2:
        return None
    score[valid] = robust_standardise(score[valid])
    k = int(np.argmax(score))
    peak = float(score[k])
    excl = 2 * reach + int(math.ceil(config.PEAK_EXCLUSION * rate / block))
    rest = score.copy()
    rest[max(0, k - excl): k + excl + 1] = -np.inf
    runner = float(rest.max()) if np.isfinite(rest).any() else 0.0
    # the pooled values of neighbouring lags are one value: the independent lags are fewer
    noise = noise_max(max(2, int(valid.sum()) // (2 * reach + 1)))
    # each segment's own peak within the pool around the winner: a line of lag against time
    times, seg_lags, zs = [], [], []
    for i0, shift, bmax, where in kept:
        b_c = k - shift  # this segment's block of the winning lag
        lo, hi = max(0, b_c - reach - 1), min(len(bmax), b_c + reach + 2)
        if hi <= lo:
            continue
        best = lo + int(np.argmax(bmax[lo:hi]))
        lag = (short.start - long_.start) - (int(where[best]) - i0) / rate  # offset_long - offset_short
        t_short = short.start + (i0 + n / 2) / rate
        times.append(t_short + lag if flip else t_short)  # in clip-a time
        seg_lags.append(-lag if flip else lag)
        zs.append(float(bmax[best]))
    line = fit_line(np.array(times), np.array(seg_lags), np.array(zs), min_score=config.DRIFT_MIN_Z)
    if line is None or line.inliers < config.DRIFT_MIN_WINDOWS:
        return None  # no line of clear segment peaks: not a drifting pair
    lag = float(line.at(line.t_mean))
    return _Verdict(lag, confidence(peak, runner, noise), peak, max(runner, noise), "drift"), line


def _standardised(z: np.ndarray) -> np.ndarray:
    """robust_standardise with the median and MAD of at most ~100 000 evenly spaced values (exact
    to a fraction of a percent, and 10x cheaper on a long curve)."""
    sample = z[:: max(1, len(z) // 100_000)]
    sample = sample[np.isfinite(sample)]
    med = float(np.median(sample))
    mad = 1.4826 * float(np.median(np.abs(sample - med))) or 1.0
    return (z - med) / mad


def _window_search_affordable(a: Signature, b: Signature) -> bool:
    assert a.fine is not None and b.fine is not None
    short, long_ = sorted((len(a.fine), len(b.fine)))
    windows = max(1, short / (config.SEARCH_WINDOW / 2 * float(a.fine_rate or 1)))
    return windows * long_ <= config.WINDOW_SEARCH_BUDGET


def _motion_candidates(peaks: list[Peak], lag: float) -> tuple[Candidate, ...]:
    """A motion match's best lags, best first (the first at its refined lag): where a person should
    look if the solver does not trust the match (its threshold is the solver's, scaled by the user's
    --min-confidence, so every motion match keeps them; the manifest lists them for unplaced clips)."""
    return tuple(Candidate(lag=round(lag if k == 0 else p.lag, 6), score=round(p.z, 2))
                 for k, p in enumerate(peaks))


def match(a: Signature, b: Signature, ia: int = 0, ib: int = 1, *,
          min_overlap: float | None = None, max_offset: float | None = None,
          exclusion: float | None = None, drift: bool = True) -> Match | None:
    """The pair's best match (see :func:`match_all`, whose first answer it is); None when no lag can
    be searched at all."""
    found = match_all(a, b, ia, ib, min_overlap=min_overlap, max_offset=max_offset,
                      exclusion=exclusion, drift=drift)
    return found[0] if found else None


def match_all(a: Signature, b: Signature, ia: int = 0, ib: int = 1, *,
              min_overlap: float | None = None, max_offset: float | None = None,
              exclusion: float | None = None, drift: bool = True,
              windows: bool = True, fine_scan: bool = True) -> list[Match]:
    """Match two signatures of the same method and rate: the best match first, then (audio) the
    pair's other strong lags, each its own candidate Match. ``ia``/``ib`` name the clips.
    ``windows``: run the window search where affordable (False: the scan, loop and drift searches
    only). ``fine_scan``: scan pairs under 10 minutes together at 8 kHz (False: at 2 kHz, as longer
    pairs are, four times cheaper; the lag is refined at 8 kHz either way).

    Replayed sound (a jingle the PA plays three times, a playback song in every take) gives a pair
    several strong lags. Each one that stands above the noise as far as a match must
    (config.ALTERNATIVE_MIN) is kept with its own windowed evidence: which windows of the overlap
    support it (``Match.support``) out of those with sound in both clips (``Match.usable``). The
    solver then chooses one lag per pair for the whole event (sync/solve.py, sync/repeats.py).

    ``drift``: the windows follow a drifting lag (sync/drift.track), so that the observations span
    the whole overlap of clocks that run at different rates; False measures all at one lag.
    ``exclusion``: half-width of the best peak in seconds, where no runner-up is sought (default: the
    method's, see EXCLUSION). ``min_overlap``: lags sharing less are not searched (default: the
    method's). Empty when no lag can be searched at all.
    """
    if a.method != b.method:
        raise ValueError("signatures must be of one method")
    if a.rate != b.rate:
        raise ValueError("signatures must share a rate; resample first")
    audio = (a.method is Method.AUDIO and a.fine is not None and b.fine is not None
             and a.fine_rate == b.fine_rate)
    xa, xb, rate, sa, sb = a.values, b.values, a.rate, a.start, b.start
    together = (len(a.values) + len(b.values)) / a.rate
    if audio and fine_scan and together <= config.SCAN_FULL_SECONDS:
        assert a.fine is not None and b.fine is not None  # audio says both have it
        xa, xb, rate, sa, sb = a.fine, b.fine, float(a.fine_rate or 1), a.fine_start, b.fine_start
    excl = EXCLUSION[a.method] if exclusion is None else exclusion
    need = MIN_OVERLAP[a.method] if min_overlap is None else min_overlap
    if not audio and min(a.duration, b.duration) < need:
        return []  # a clip shorter than motion's overlap: its few lags have no null to judge them by
    # a big scan's turn (scan.taking_turns) is taken before an hours-long pair's signals are halved,
    # so that only one pair at a time holds its halved copies
    with taking_turns(len(xa) + len(xb)):
        if audio and together > config.SCAN_HALF_SECONDS:  # hours: half the rate, half the memory
            xa, xb, rate = halve(a.values), halve(b.values), a.rate / 2
        peaks = coarse_peaks(xa, xb, rate, start_x=sa, start_y=sb, min_overlap=need,
                             max_offset=max_offset, exclusion=excl,
                             count=config.CANDIDATES if audio else config.CANDIDATES_REPORTED)
    if not audio:
        return [] if not peaks else [_motion_match(a, b, ia, ib, peaks, xa, xb, rate, sa, sb)]
    del xa, xb  # an hours-long pair's halved copies: the rest reads the signatures' own signals
    verdicts = [_scan_verdict(peaks[0])] if peaks else []
    if windows and _window_search_affordable(a, b):
        w = window_search(a, b, max_offset=max_offset)
        if w is not None:
            verdicts.append(w)
    contenders: list[Peak] = []
    if peaks:
        best = peaks[0]
        contenders = [p for p in peaks if p.z >= config.CANDIDATE_RATIO * best.z]
        # several strong lags that the scan cannot tell apart: a loop. Weak ones (near the noise
        # maximum) are no evidence to choose among.
        if (len(contenders) >= 2 and best.confidence < config.AMBIGUOUS_BELOW
                and best.z >= config.AMBIGUOUS_MIN_PEAK * best.noise_max):
            t = loop_tournament(a, b, [p.lag for p in contenders])
            if t is not None:
                verdicts.append(t)
    if not verdicts:
        return []
    chosen = max(verdicts, key=lambda v: v.confidence)
    guess: LineFit | None = None
    if (drift and chosen.confidence < config.MIN_CONFIDENCE
            and min(a.duration, b.duration) >= config.DRIFT_SEARCH_MIN):
        found = drift_search(a, b, max_offset=max_offset)
        if found is not None and found[0].confidence > chosen.confidence:
            chosen, guess = found
    # the pair's strong lags: close to the best (the loop tournament's contenders), each standing
    # above the noise as far as a match must. A best lag that is clearly ahead of them all by the
    # pair's own evidence is distinct (what differs between the repeats was heard); one that is not
    # is scored, like its rivals, against the rest (the quiet), and the solver chooses among them.
    strong = [p for p in contenders
              if confidence(p.z, 0.0, p.noise_max) >= config.ALTERNATIVE_MIN]
    quiet = max((p.z for p in peaks if p not in strong), default=0.0)
    distinct = len(strong) >= 2 and chosen.confidence >= config.ALTERNATIVE_MIN
    if len(strong) >= 2 and not distinct:
        chosen = replace(chosen, confidence=confidence(chosen.peak, quiet, peaks[0].noise_max),
                         runner_up=max(quiet, peaks[0].noise_max))
    first = _confirmed(a, b, ia, ib, chosen, drift=drift, guess=guess)
    first = replace(first, distinct=first.distinct or (distinct and _explains(first.support,
                                                                             first.usable)))
    if len(strong) >= 2 and not distinct:
        first = replace(first, candidates=tuple(Candidate(lag=round(p.lag, 6), score=round(p.z, 2))
                                                for p in strong[: config.CANDIDATES_REPORTED]))
    others = [_Verdict(p.lag, confidence(p.z, quiet, p.noise_max), p.z, max(quiet, p.noise_max),
                       "scan") for p in strong if abs(p.lag - first.lag) > excl]
    return [first, *(_confirmed(a, b, ia, ib, v, drift=False, guess=None)
                     for v in others[: config.ALTERNATIVES])]


def _motion_match(a: Signature, b: Signature, ia: int, ib: int, peaks: list[Peak], xa: np.ndarray,
                  xb: np.ndarray, rate: float, sa: float, sb: float) -> Match:
    """The motion match at the scan's best peak, refined by the sub-frame stage: the coarse lag, the
    cells' energy and their optical flow each give a lag, and the median wins (subframe.vote)."""
    p = peaks[0]
    lag = p.lag
    if a.fine is not None and b.fine is not None and a.fine_rate and a.fine_rate == b.fine_rate:
        fine_rate = float(a.fine_rate)
        energy = subframe.refine(a.fine, b.fine, fine_rate, p.lag, config.MOTION_REFINE_REACH,
                                 start_a=a.fine_start, start_b=b.fine_start,
                                 span=config.MOTION_REFINE_SPAN)
        moved = None if a.flow is None or b.flow is None else subframe.refine(
            a.flow, b.flow, fine_rate, p.lag, config.MOTION_REFINE_REACH,
            start_a=a.flow_start, start_b=b.flow_start, span=config.MOTION_REFINE_SPAN,
            min_rows=int(config.MOTION_FLOW_MIN_OVERLAP * fine_rate))
        lag = subframe.vote(p.lag, energy, moved)
    t0, t1 = overlap(len(xa) / rate, len(xb) / rate, sa, sb, lag, 0.0)
    return Match(a=ia, b=ib, lag=lag, confidence=p.confidence, method=a.method, peak=p.z,
                 runner_up=max(p.runner_up, p.noise_max), overlap=p.overlap, search="scan",
                 centre=(t0 + t1) / 2, candidates=_motion_candidates(peaks, lag),
                 searched=p.lags / rate)


def _confirmed(a: Signature, b: Signature, ia: int, ib: int, chosen: _Verdict, *, drift: bool,
               guess: LineFit | None, searched: _Confirmed | None = None) -> Match:
    """The audio match at a verdict's lag: refined on the 8 kHz signal window by window, with the
    windows that support it (sync/repeats.py). ``searched``: the window curves a voted lag was
    searched on, which hold the refinement's too (read from them, not computed again)."""
    fa, fb = a.fine, b.fine
    assert fa is not None and fb is not None
    rate = float(a.fine_rate or 1)
    ev = (evidence(fa, fb, rate, chosen.lag, start_a=a.fine_start, start_b=b.fine_start)
          if searched is None else
          evidence_from_rows(searched.rows, searched.lag0, searched.starts, searched.length, rate,
                             chosen.lag))
    lag = chosen.lag
    if ev is not None and ev.z >= config.FINE_MIN_Z and abs(ev.lag - chosen.lag) <= config.FINE_SEARCH:
        lag = ev.lag
    shared = overlap(len(fa) / rate, len(fb) / rate, a.fine_start, b.fine_start, lag, 0.0)
    observations = ev.observations if ev is not None else ()
    support = repeats.support(observations, lag)
    usable = repeats.usable(fa, fb, rate, observations, lag, start_a=a.fine_start,
                            start_b=b.fine_start)
    if drift and ev is not None:
        observations = track(fa, fb, rate, chosen.lag, observations,
                             start_a=a.fine_start, start_b=b.fine_start, guess=guess)
    return Match(a=ia, b=ib, lag=lag, confidence=chosen.confidence, method=Method.AUDIO,
                 peak=chosen.peak, runner_up=chosen.runner_up,
                 overlap=max(0.0, shared[1] - shared[0]),
                 observations=observations, search=chosen.search,
                 centre=(shared[0] + shared[1]) / 2, support=support, usable=usable,
                 distinct=chosen.search == "loop" and _explains(support, usable))


def _explains(support: tuple[float, ...], usable: int) -> bool:
    """Does a lag explain most of its overlap (config.EXPLAIN_STRONG)? A lag told apart from its
    rivals counts as distinct only then: the rivals may all be replays."""
    return usable > 0 and len(support) >= config.EXPLAIN_STRONG * usable


@dataclass(frozen=True)
class _Confirmed:
    """The search around a voted lag: its verdict, and the window curves it was read from."""

    verdict: _Verdict
    rows: np.ndarray
    lag0: float  # lag of column 0
    starts: np.ndarray
    length: float


def confirm_lag(fa: np.ndarray, fb: np.ndarray, rate: float, lag: float, *, start_a: float = 0.0,
                start_b: float = 0.0) -> _Confirmed | None:
    """The whitened search of the overlap at ``lag`` +- CONFIRM_REACH: its windows' curves added,
    the peak's z against the best lag away from it and the noise maximum of the lags searched (the
    confidence rule of sync/score.py over this range)."""
    t0, t1 = overlap(len(fa) / rate, len(fb) / rate, start_a, start_b, lag, 0.0)
    if t1 - t0 < config.MIN_WINDOW:
        return None
    starts = window_starts(t0, t1, config.OBS_WINDOW, config.OBS_WINDOW, config.OBS_MAX_WINDOWS)
    if t1 - (starts[-1] + config.OBS_WINDOW) >= config.MIN_WINDOW:  # the overlap's last seconds too
        starts = np.append(starts, t1 - config.OBS_WINDOW)
    length = min(config.OBS_WINDOW, t1 - t0)
    rows, lag0 = curves(fa, fb, rate, lag, starts, length, config.CONFIRM_REACH, start_a=start_a,
                        start_b=start_b)
    # the first and last lags of window curves carry an edge artefact of the phase transform on
    # windows of unequal length (z of 10-14 on unrelated sound): they are left out
    excl = int(round(config.PEAK_EXCLUSION * rate))
    total = robust_standardise(rows.sum(axis=0)[excl: rows.shape[1] - excl])
    j = int(np.argmax(total))
    rest = total.copy()
    rest[max(0, j - excl): j + excl + 1] = -np.inf
    runner = float(rest.max()) if np.isfinite(rest).any() else 0.0
    noise = noise_max(len(total))
    peak = float(total[j])
    verdict = _Verdict(float(lag0 - (j + excl) / rate), confidence(peak, runner, noise), peak,
                       max(runner, noise), "index")
    return _Confirmed(verdict, rows, lag0, starts, length)


def match_voted(a: Signature, b: Signature, ia: int, ib: int, lags: list[float], *,
                drift: bool = True) -> list[Match]:
    """Matches at the lags a fingerprint index voted for (sync/index.py), best first: each lag is
    searched on the whitened sound +-CONFIRM_REACH around it (:func:`confirm_lag`), never taken on
    the index's word. Several lags that stand: the loop tournament compares them. It can only choose
    among the lags voted for, and the true one may not be among them (two phones that each heard a
    replay of one jingle and little else in common), so its winner counts as distinct only where it
    explains most of its overlap (see :func:`_confirmed`)."""
    fa, fb = a.fine, b.fine
    assert fa is not None and fb is not None and a.fine_rate is not None
    rate = float(a.fine_rate)
    found: list[_Verdict] = []
    curves_of: dict[int, _Confirmed] = {}  # the window curves each voted lag was searched on
    for lag in lags:
        c = confirm_lag(fa, fb, rate, lag, start_a=a.fine_start, start_b=b.fine_start)
        if c is not None and all(abs(c.verdict.lag - f.lag) > config.PEAK_EXCLUSION for f in found):
            found.append(c.verdict)
            curves_of[id(c.verdict)] = c
    found.sort(key=lambda v: -v.confidence)
    if not found:
        return []
    strong = [v for v in found if v.confidence >= config.ALTERNATIVE_MIN]
    if len(strong) >= 2:
        t = loop_tournament(a, b, [v.lag for v in strong])
        if t is not None and t.confidence >= config.ALTERNATIVE_MIN:
            found = [t, *[v for v in found if abs(v.lag - t.lag) > config.PEAK_EXCLUSION]]
    first = _confirmed(a, b, ia, ib, found[0], drift=drift, guess=None,
                       searched=curves_of.get(id(found[0])))
    return [first, *(_confirmed(a, b, ia, ib, v, drift=False, guess=None,
                                searched=curves_of.get(id(v)))
                     for v in found[1: 1 + config.ALTERNATIVES])]
