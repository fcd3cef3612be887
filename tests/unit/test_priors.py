"""Metadata priors (pure): parsing clocks, placing a take nothing heard, noting a wrong clock."""

from __future__ import annotations

from fractions import Fraction

import pytest

from syncam.sync.priors import Prior, apply, parse_creation_time, parse_timecode, prior
from syncam.types import Method, Placement, Solution


def test_timecodes_and_creation_times() -> None:
    assert parse_timecode("01:00:00:00", Fraction(25)) == 3600.0
    assert parse_timecode("00:00:01:12", Fraction(25)) == pytest.approx(1.48)
    # drop-frame: 00:01:00;02 is frame 1800 at 30000/1001
    assert parse_timecode("00:01:00;02", Fraction(30000, 1001)) == pytest.approx(1800 * 1001 / 30000)
    assert parse_timecode("garbage", Fraction(25)) is None
    assert parse_creation_time("2026-05-01T10:00:00.000000Z") == 1777629600.0
    assert parse_creation_time("1904-01-01T00:00:00Z") is None  # the container's zero: not set
    assert prior("2026-05-01T10:00:00Z", "00:00:10:00", Fraction(25)) == Prior(10.0, "timecode")
    assert prior("2026-05-01T10:00:00Z", None, None) == Prior(1777629600.0, "creation time")


def _apply(placements, priors, cameras=("a", "a", "a", "b")):
    return apply(Solution(0, tuple(placements), ()), priors, cameras, [10.0] * len(cameras),
                 [f"t{i}" for i in range(len(cameras))], confidence=0.1, tolerance=2.0,
                 overlap_tolerance=0.1)


def test_an_unplaced_take_is_placed_from_its_nearest_sibling_on_the_clock() -> None:
    pl = [Placement(0.0, confidence=0.9, method=Method.AUDIO), Placement(50.0, confidence=0.9),
          None, Placement(3.0, confidence=0.9)]
    clock = [Prior(1000.0, "creation time"), Prior(1050.0, "creation time"),
             Prior(1075.0, "creation time"), Prior(5.0, "creation time")]
    solution, reasons, notes = _apply(pl, clock)
    assert solution.placements[2] == Placement(75.0, confidence=0.1, method=Method.METADATA)
    assert solution.placements[:2] == tuple(pl[:2]) and not reasons and not notes


def test_evidence_is_never_overridden_and_a_wrong_clock_is_noted() -> None:
    pl = [Placement(0.0, confidence=0.9), Placement(50.0, confidence=0.9), None, None]
    clock = [Prior(1000.0, "creation time"), Prior(1000.0 + 86400 + 50, "creation time"),
             Prior(1005.0, "creation time"), None]
    solution, reasons, notes = _apply(pl, clock)
    assert solution.placements[:2] == tuple(pl[:2])
    assert len(notes) == 1 and "t1 started +86450.0 s after t0, by sound/picture +50.0 s" in notes[0]
    # t2's clock puts it over t0 (0..10 s): refused, with the reason
    assert solution.placements[2] is None and "over t0" in reasons[2]


def test_a_timecode_is_not_compared_with_a_wall_clock() -> None:
    pl = [Placement(0.0, confidence=0.9), None, None, None]
    clock = [Prior(10.0, "timecode"), Prior(1000.0, "creation time"), None, None]
    solution, reasons, notes = _apply(pl, clock)
    assert solution.placements[1] is None and not notes
