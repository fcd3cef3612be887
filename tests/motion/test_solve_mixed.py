"""The solver with audio and motion evidence together (pure)."""

from __future__ import annotations

import pytest

from syncam import config
from syncam.sync.solve import solve
from syncam.types import Match, Method

A, M = Method.AUDIO, Method.MOTION


def test_sound_outweighs_motion_and_motion_places_the_silent_clip() -> None:
    truth = [0.0, 1.5, -0.7]
    matches = [Match(0, 1, 1.5002, 0.8, A),
               Match(0, 1, 1.530, 0.9, M),  # motion says 30 ms later: audio must win
               Match(0, 2, -0.7 - 0.012, 0.6, M), Match(1, 2, -2.2 + 0.008, 0.55, M)]
    sol = solve(3, matches, 0)
    off = [p.offset for p in sol.placements]
    assert off[1] == pytest.approx(truth[1], abs=0.002)
    assert off[2] == pytest.approx(truth[2], abs=0.015)
    assert sol.placements[1].method is A and sol.placements[2].method is M
    assert all(v.used for v in sol.verdicts)


def test_motion_loops_have_their_own_tolerance() -> None:
    # three motion matches whose loop is off by 45 ms: fine for motion, not for audio
    ms = [Match(0, 1, 1.0, 0.6, M), Match(1, 2, 1.0, 0.6, M), Match(0, 2, 2.045, 0.6, M)]
    assert all(v.used for v in solve(3, ms, 0).verdicts)
    audio = [Match(m.a, m.b, m.lag, m.confidence, A) for m in ms]
    assert not all(v.used for v in solve(3, audio, 0).verdicts)
    assert config.LOOP_TOLERANCE < 0.045 < config.LOOP_TOLERANCE_MOTION


def test_a_wrong_motion_match_is_outvoted() -> None:
    ms = [Match(0, 1, 1.0, 0.9, A), Match(1, 2, 0.5, 0.5, M), Match(0, 2, 1.5, 0.5, M),
          Match(2, 3, 2.0, 0.5, M), Match(1, 3, 2.5, 0.5, M), Match(0, 3, 0.2, 0.7, M)]
    sol = solve(4, ms, 0)
    assert sol.placements[3].offset == pytest.approx(3.5, abs=1e-6)
    assert [v.used for v in sol.verdicts] == [True, True, True, True, True, False]
