"""The solver with audio and motion evidence together (pure)."""

from __future__ import annotations

import itertools

import pytest

from syncam import config
from syncam.sync.solve import solve
from syncam.types import Match, Method

A, M = Method.AUDIO, Method.MOTION
# seconds of lags each motion match's scan searched: a long one, whose threshold these confidences pass
# (sync/solve.threshold; the threshold itself is tested in tests/unit/test_motion_threshold.py)
LONG = 60.0


def pic(a: int, b: int, lag: float, confidence: float) -> Match:
    """A motion match of a long scan."""
    return Match(a, b, lag, confidence, M, searched=LONG)


def test_sound_outweighs_motion_and_motion_places_the_silent_clip() -> None:
    truth = [0.0, 1.5, -0.7]
    matches = [Match(0, 1, 1.5002, 0.8, A),
               pic(0, 1, 1.530, 0.9),  # motion says 30 ms later: audio must win
               pic(0, 2, -0.7 - 0.012, 0.6), pic(1, 2, -2.2 + 0.008, 0.55)]
    sol = solve(3, matches, 0)
    off = [p.offset for p in sol.placements]
    assert off[1] == pytest.approx(truth[1], abs=0.002)
    assert off[2] == pytest.approx(truth[2], abs=0.015)
    assert sol.placements[1].method is A and sol.placements[2].method is M
    assert all(v.used for v in sol.verdicts)


def test_motion_loops_have_their_own_tolerance() -> None:
    # three motion matches whose loop is off by 45 ms: fine for motion, not for audio
    ms = [pic(0, 1, 1.0, 0.6), pic(1, 2, 1.0, 0.6), pic(0, 2, 2.045, 0.6)]
    assert all(v.used for v in solve(3, ms, 0).verdicts)
    audio = [Match(m.a, m.b, m.lag, m.confidence, A) for m in ms]
    assert not all(v.used for v in solve(3, audio, 0).verdicts)
    assert config.LOOP_TOLERANCE < 0.045 < config.LOOP_TOLERANCE_MOTION


def test_a_wrong_motion_match_is_outvoted() -> None:
    ms = [Match(0, 1, 1.0, 0.9, A), pic(1, 2, 0.5, 0.5), pic(0, 2, 1.5, 0.5),
          pic(2, 3, 2.0, 0.5), pic(1, 3, 2.5, 0.5), pic(0, 3, 0.2, 0.7)]
    sol = solve(4, ms, 0)
    assert sol.placements[3].offset == pytest.approx(3.5, abs=1e-6)
    assert [v.used for v in sol.verdicts] == [True, True, True, True, True, False]


def _event(lags: list[float], pictures: list[float], sound: set[int], picture: set[int],
           noise: float = 0.0) -> list[Match]:
    """Every pair's matches for clips whose pictures sit at ``pictures`` and whose sound lags its
    picture by ``lags``: sound matches between clips in ``sound``, motion ones between those in
    ``picture``; ``noise`` seconds added to motion lags, alternating in sign."""
    out = []
    n = len(pictures)
    for k, (a, b) in enumerate(itertools.combinations(range(n), 2)):
        if a in sound and b in sound:
            # a sound that is late puts its clip early: the sound's own offset is picture - lag
            out.append(Match(a, b, (pictures[b] - lags[b]) - (pictures[a] - lags[a]), 0.9, A))
        if a in picture and b in picture:
            out.append(pic(a, b, pictures[b] - pictures[a] + noise * (-1) ** k, 0.6))
    return out


def test_av_lag_is_measured_and_the_picture_places_the_clip() -> None:
    pictures, lags = [0.0, 2.0, -1.25, 4.0], [0.0, 0.05, 0.015, 0.0]
    ms = _event(lags, pictures, sound={0, 1, 2, 3}, picture={0, 1, 2, 3}, noise=0.002)
    sol = solve(4, ms, 0, av_lag=True)
    for c in range(4):
        p = sol.placements[c]
        assert p is not None and p.av_lag is not None and p.av_lag_stderr is not None
        assert p.offset == pytest.approx(pictures[c], abs=0.003)
        assert p.av_lag == pytest.approx(lags[c], abs=0.003)
        assert p.method is M  # the picture places every clip that has both
    assert sol.placements[0].av_lag == 0.0 and sol.placements[0].av_lag_stderr == 0.0
    assert all(v.used and abs(v.residual or 0.0) < 0.005 for v in sol.verdicts)
    # without the unknown, sound places every clip: its picture is early by the lag
    plain = solve(4, ms, 0)
    assert plain.placements[1].offset == pytest.approx(1.95, abs=1e-3)
    assert plain.placements[1].av_lag is None


def test_a_clip_with_one_kind_of_evidence_is_not_moved() -> None:
    # clip 2 has sound only, clip 3 picture only: neither gets a lag, neither moves
    pictures, lags = [0.0, 2.0, 3.0, -1.0], [0.0, 0.04, 0.0, 0.0]
    ms = _event(lags, pictures, sound={0, 1, 2}, picture={0, 1, 3})
    sol = solve(4, ms, 0, av_lag=True)
    placed = [p for p in sol.placements if p is not None]
    assert len(placed) == 4
    for c in (2, 3):
        assert placed[c].av_lag is None
        assert placed[c].offset == pytest.approx(pictures[c], abs=1e-5)
    assert placed[1].av_lag == pytest.approx(0.04, abs=1e-5)
    assert placed[1].offset == pytest.approx(2.0, abs=1e-5)


def test_an_unmeasurable_lag_stays_near_zero_with_a_wide_error() -> None:
    # a sound-only reference: the two cameras' lags are known only relative to each other
    pictures, lags = [0.0, 1.0, 2.0], [0.0, 0.03, 0.03]
    ms = _event(lags, pictures, sound={0, 1, 2}, picture={1, 2})
    sol = solve(3, ms, 0, av_lag=True)
    p1, p2 = sol.placements[1], sol.placements[2]
    assert p1 is not None and p2 is not None and p1.av_lag is not None and p2.av_lag is not None
    assert p2.av_lag - p1.av_lag == pytest.approx(0.0, abs=1e-4)
    assert abs(p1.av_lag) < 0.03 and p1.av_lag_stderr is not None
    assert p1.av_lag_stderr > 0.05  # the prior's width: nothing measured it
