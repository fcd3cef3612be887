"""The solve's choice between a pair's candidate lags when sound repeats (sync/repeats.py, solve.py).

Matches are built by hand: each carries the clip-a times of the windows that support it and how
many windows of its overlap had sound in both clips, as sync/correlate.py measures them.
"""

from __future__ import annotations

import numpy as np
import pytest

from syncam.sync import repeats
from syncam.sync.solve import solve
from syncam.types import Match, Method, Observation

W = 4.0  # window length (config.OBS_WINDOW)
JINGLE = (20.0, 60.0, 100.0)  # timeline starts of one jingle the PA plays three times


def heard(a: int, b: int, truth: list[float], lag: float, span: tuple[float, float],
          supported: list[tuple[float, float]]) -> Match:
    """A sound match of clips a, b at ``lag``: windows every 4 s of the timeline ``span`` (their
    shared stretch at that lag); a window supports the lag when it lies in a ``supported`` stretch
    (timeline, as heard by clip a)."""
    centres = np.arange(span[0] + W / 2, span[1] - W / 2 + 1e-9, W)
    support = tuple(float(t - truth[a]) for t in centres
                    if any(lo <= t - W / 2 and t + W / 2 <= hi for lo, hi in supported))
    return Match(a=a, b=b, lag=lag, confidence=0.9, method=Method.AUDIO, peak=20.0,
                 centre=(span[0] + span[1]) / 2 - truth[a], support=support, usable=len(centres))


def event() -> tuple[list[float], list[Match]]:
    """Clips 0-3 overlap on sound heard once; clip 4 lies wholly inside the second jingle."""
    truth = [0.0, 15.0, 56.0, 40.0, 61.0]
    true = [  # (a, b, shared timeline stretch): every window of it supports the true lag
        (0, 1, (15.0, 47.0)), (0, 3, (40.0, 48.0)), (1, 3, (40.0, 48.0)), (2, 3, (56.0, 68.0)),
        (2, 4, (60.0, 64.0)), (3, 4, (60.0, 64.0))]
    matches = [heard(a, b, truth, truth[b] - truth[a], span, [span]) for a, b, span in true]
    # replays: clip a's first jingle meets clip b's second one. At that lag only the jingle agrees;
    # the rest of the shared stretch (speech heard once) does not
    shift = JINGLE[1] - JINGLE[0]
    for a, b in ((0, 2), (1, 2), (0, 4), (1, 4)):
        lag = truth[b] - truth[a] - shift
        lo = max(truth[a], truth[b] - shift)
        hi = min(truth[a] + 48.0, truth[b] - shift + (34.0 if b == 2 else 4.0))
        matches.append(heard(a, b, truth, lag, (lo, hi), [(JINGLE[0], JINGLE[0] + 6.0)]))
    return truth, matches


def test_replayed_lags_lose_to_what_was_heard_once_and_a_clip_inside_a_replay_is_unplaced() -> None:
    truth, matches = event()
    sol = solve(5, matches, 0)
    for c in (0, 1, 2, 3):
        placement = sol.placements[c]
        assert placement is not None and placement.offset == pytest.approx(truth[c], abs=1e-9)
    assert sol.placements[4] is None  # inside the jingle: the first or the second replay
    options = dict(sol.ambiguous)[4]
    offsets = sorted(o.offset for o in options if o.offset is not None)
    assert offsets == pytest.approx([truth[4] - (JINGLE[1] - JINGLE[0]), truth[4]], abs=1e-6)
    reasons = {(v.match.a, v.match.b): v.reason for v in sol.verdicts}
    assert reasons[0, 2] == reasons[1, 2] == "repeat"
    assert reasons[2, 4] == "ambiguous"


def test_the_majority_does_not_decide_between_a_replay_and_sound_heard_once() -> None:
    """More replay matches than true ones for clip 2 (four against one): still placed at its truth."""
    truth, matches = event()
    extra = [heard(a, 2, truth, truth[2] - truth[a] - 40.0, (max(truth[a], 16.0), 40.0),
                   [(JINGLE[0], JINGLE[0] + 6.0)]) for a in (0, 1)]
    sol = solve(5, matches + extra, 0)
    placement = sol.placements[2]
    assert placement is not None and placement.offset == pytest.approx(truth[2], abs=1e-9)


def test_a_few_shared_seconds_that_never_repeat_still_place_a_clip() -> None:
    """Three clips that share only a 5 s burst (each hears its own sound otherwise): nothing
    contradicts the burst, so it places them, however little of each overlap it explains."""
    truth = [0.0, 13.5, -11.75]
    burst = [(20.0, 25.0)]
    matches = [heard(a, b, truth, truth[b] - truth[a], (max(truth[a], truth[b]), 48.0), burst)
               for a, b in ((0, 1), (0, 2), (1, 2))]
    sol = solve(3, matches, 0)
    assert all(p is not None for p in sol.placements) and not sol.ambiguous


def test_a_two_clip_chain_joined_to_the_rest_only_by_a_replay_is_unplaced() -> None:
    """Clips 1 and 2 agree with each other on sound heard once, but only a replayed jingle joins
    them to clip 0, and the jingle is known to repeat (clip 0 and clip 3 heard two of its replays)."""
    truth = [0.0, 70.0, 80.0, 40.0]
    shift = JINGLE[1] - JINGLE[0]
    matches = [
        heard(0, 3, truth, 40.0, (40.0, 48.0), [(40.0, 48.0)]),  # heard once: places clip 3
        # clip 0's first jingle and clip 3's second one (3 windows of its 4 s grid are the jingle)
        heard(0, 3, truth, 40.0 - shift, (20.0, 40.0), [(JINGLE[0], JINGLE[0] + 6.0)]),
        heard(1, 2, truth, 10.0, (80.0, 96.0), [(80.0, 96.0)]),  # the chain's own sound
        # clip 1 heard the third jingle; clip 0 the first, clip 3 the second
        heard(0, 1, truth, 70.0 - (JINGLE[2] - JINGLE[0]), (0.0, 48.0), [(JINGLE[0], JINGLE[0] + 6.0)]),
    ]
    sol = solve(4, matches, 0)
    assert sol.placements[3] is not None
    assert sol.placements[1] is None and sol.placements[2] is None


def test_support_counts_windows_that_agree_clear_of_noise() -> None:
    obs = [Observation(2.0, 1.0, 20.0), Observation(6.0, 1.0015, 9.0), Observation(10.0, 1.0, 4.0),
           Observation(14.0, 1.03, 15.0)]
    assert repeats.support(obs, 1.0) == (2.0, 6.0)


def test_usable_windows_need_sound_in_both_clips() -> None:
    rate = 100.0
    fa = np.ones(2000, dtype=np.float32)
    fb = np.ones(2000, dtype=np.float32)
    fb[400:1200] = 0.0  # b is silent from 4 s to 12 s of its own time
    obs = [Observation(t, 0.0, 10.0) for t in (2.0, 8.0, 14.0)]
    assert repeats.usable(fa, fb, rate, obs, 0.0) == 2
    # at lag 6 s a's 2 s window meets nothing of b, its 14 s window b's silence
    assert repeats.usable(fa, fb, rate, obs, 6.0) == 1
