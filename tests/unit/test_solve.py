"""The global solver on hand-made matches."""

from __future__ import annotations

import pytest

from syncam.sync.solve import solve
from syncam.types import Match, Method

TRUE = [0.0, -20.0, 50.0, -30.0, 170.0]


def m(a: int, b: int, conf: float = 0.9, err: float = 0.0) -> Match:
    return Match(a, b, TRUE[b] - TRUE[a] + err, conf, Method.AUDIO)


def offsets(sol):  # type: ignore[no-untyped-def]
    return [p.offset if p else None for p in sol.placements]


def test_all_pairs_consistent() -> None:
    sol = solve(5, [m(a, b) for a in range(5) for b in range(a + 1, 5)], 0)
    assert offsets(sol) == pytest.approx(TRUE)
    assert all(v.used for v in sol.verdicts)


def test_chain_through_another_clip() -> None:
    sol = solve(3, [m(0, 1), m(1, 2)], 0)  # 2 overlaps only 1, 1 overlaps 0
    assert offsets(sol) == pytest.approx(TRUE[:3])


def test_one_wrong_pair_moves_nothing() -> None:
    matches = [m(a, b) for a in range(5) for b in range(a + 1, 5)]
    matches[1] = m(0, 2, conf=0.99, err=3.7)  # the most confident match is the wrong one
    sol = solve(5, matches, 0)
    assert offsets(sol) == pytest.approx(TRUE, abs=1e-9)
    bad = [v for v in sol.verdicts if not v.used]
    assert len(bad) == 1 and bad[0].match.b == 2 and bad[0].residual == pytest.approx(3.7)


def test_weighted_fit_of_slightly_disagreeing_pairs() -> None:
    sol = solve(3, [m(0, 1, 0.9, +0.002), m(1, 2, 0.9), m(0, 2, 0.9)], 0)
    # the 2 ms disagreement is shared by the least-squares fit, not dumped on one clip
    assert abs(offsets(sol)[1] - TRUE[1]) < 0.002 and abs(offsets(sol)[2] - TRUE[2]) < 0.002


def test_clip_without_evidence_is_unplaced() -> None:
    sol = solve(4, [m(0, 1), m(1, 2), m(0, 3, conf=0.05)], 0)
    assert offsets(sol)[3] is None  # a weak match is not evidence
    assert offsets(sol)[:3] == pytest.approx(TRUE[:3])


def test_reference_that_matches_nothing_is_replaced() -> None:
    sol = solve(3, [m(1, 2)], 0)
    assert sol.reference in (1, 2) and sol.requested_reference == 0
    assert sol.placements[0] is None
    ref = sol.reference
    assert sol.placements[ref].offset == 0.0


def test_separate_groups_only_the_reference_group_is_placed() -> None:
    sol = solve(4, [m(0, 1), m(2, 3)], 0)
    assert offsets(sol)[:2] == pytest.approx(TRUE[:2]) and offsets(sol)[2:] == [None, None]


def test_audio_and_motion_matches_of_one_pair_are_each_judged() -> None:
    """--method both: every pair carries an audio and a motion match. The audio matches must get
    their own loop votes; otherwise the rougher motion matches (here 30 ms off per clip, consistent
    among themselves) are accepted first and the exact audio matches rejected against them."""
    audio = [m(a, b, conf=0.9) for a in range(4) for b in range(a + 1, 4)]
    motion = [Match(a, b, TRUE[b] - TRUE[a] + 0.03 * (b - a), 0.6, Method.MOTION,
                    searched=60.0)  # a long scan: its threshold is below 0.6
              for a in range(4) for b in range(a + 1, 4)]
    sol = solve(4, [*audio, *motion], 0)
    assert offsets(sol) == pytest.approx(TRUE[:4], abs=0.001)
    assert all(v.used for v in sol.verdicts if v.match.method is Method.AUDIO)
