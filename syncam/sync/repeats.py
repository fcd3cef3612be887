"""Sound heard more than once: which lags it supports, and which placements it leaves ambiguous. Pure.

A PA that replays a jingle, a playback song in every take, a chorus: the replayed seconds of two
clips agree at the lag of every pair of replays, while the rest of the overlap (sound that happened
once) agrees only at the true lag. So a lag is weighed by the windows of its overlap that support it
(:func:`support`, :func:`usable`): the true lag of two clips that heard the same room explains most
of their overlap, a replay's lag only the replayed stretch.

The solver (sync/solve.py) chooses one lag per pair. Then every strong lag the solution contradicts
marks a *repeated stretch* of the timeline: the windows that supported it, at both of the places
they were heard (:func:`repeated_stretches`). A match whose supporting windows all lie in repeated
stretches tells nothing about which replay a clip heard, nor, where sound repeats, does a match that
explains less than half of its overlap (:func:`distinctive` says no for both), and a clip
that only such matches connect to the reference is left unplaced, with every place it fits
(sync/solve.py). A match decided by the loop tournament heard what tells the repeats apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from syncam import config
from syncam.types import Match, Method, Observation


def support(observations: Sequence[Observation], lag: float, *, agree: float = config.SUPPORT_AGREE,
            min_z: float = config.SUPPORT_Z) -> tuple[float, ...]:
    """Clip-a times of the windows whose own lag agrees with ``lag`` and stands clear of noise."""
    return tuple(round(o.time, 3) for o in observations
                 if o.score >= min_z and abs(o.lag - lag) <= agree)


def usable(fa: np.ndarray, fb: np.ndarray, rate: float, observations: Sequence[Observation], lag: float,
           *, start_a: float = 0.0, start_b: float = 0.0, window: float = config.OBS_WINDOW,
           least: float = config.USABLE_SOUND) -> int:
    """How many of the windows (centred at the observations' times, clip-a) have sound in both clips
    at ``lag``: at least ``least`` of their whitened samples are not gated to zero (silence, a muted
    track) in each."""
    count = 0
    for o in observations:
        ok = True
        for x, start, centre in ((fa, start_a, o.time), (fb, start_b, o.time - lag)):
            i0 = max(0, int(round((centre - window / 2 - start) * rate)))
            i1 = min(len(x), int(round((centre + window / 2 - start) * rate)))
            if i1 - i0 < window * rate / 4 or np.count_nonzero(x[i0:i1]) < least * (i1 - i0):
                ok = False
                break
        count += ok
    return count


@dataclass(frozen=True)
class Stretch:
    """Timeline [start, end) whose sound is heard again ``shift`` seconds later (or earlier)."""

    start: float
    end: float
    shift: float


def repeated_stretches(contradicted: Sequence[Match], offsets: Mapping[int, float],
                       reach: float = config.REPEAT_REACH) -> list[Stretch]:
    """The timeline stretches that the strong lags a solution contradicts were measured on: each
    supporting window's middle +-``reach``, at both places it was heard (clip a's, and clip b's that
    the lag pairs it with). Another window whose middle falls there shares most of its sound with
    that window; one further away may support its lag with what it heard once."""
    out: list[Stretch] = []
    for m in contradicted:
        if m.a not in offsets or m.b not in offsets:
            continue
        # the window at clip-a time s was heard again in b at b-time s - lag, which the solution
        # puts at offsets[b] + s - lag on the timeline
        shift = offsets[m.b] - m.lag - offsets[m.a]
        for s in m.support:
            t = offsets[m.a] + s
            out.append(Stretch(t - reach, t + reach, shift))
            out.append(Stretch(t + shift - reach, t + shift + reach, -shift))
    return out


def _inside(t: float, stretches: Sequence[Stretch]) -> bool:
    return any(s.start <= t < s.end for s in stretches)


def distinctive(m: Match, offsets: Mapping[int, float], stretches: Sequence[Stretch]) -> bool:
    """Does ``m`` rest on sound that was heard once? Yes for motion (no repeats are judged there),
    for a lag the loop tournament chose, and, in an event without repeats, for every lag. Where
    sound repeats, a lag must explain its overlap (more of its windows with sound in both clips
    agree than disagree: a replay's lag explains only the replayed seconds), and a supporting window
    (or, with none, its overlap's middle) must lie outside every repeated stretch."""
    if m.method is not Method.AUDIO or m.distinct or not stretches:
        return True
    base = offsets.get(m.a)
    if base is None:
        return True
    if m.usable and 2 * len(m.support) <= m.usable:
        return False
    times = m.support or ((m.centre,) if m.centre is not None else ())
    return any(not _inside(base + s, stretches) for s in times)


def shifts_at(offset: float, m: Match, stretches: Sequence[Stretch], placed_at: float) -> list[float]:
    """Offsets a clip placed at ``offset`` by match ``m`` (its clip a placed at ``placed_at``) would
    also fit: moved by the shift of each repeated stretch its supporting windows lie in."""
    out = []
    for s in m.support:
        t = placed_at + s
        out += [offset + st.shift for st in stretches if st.start <= t < st.end]
    return out
