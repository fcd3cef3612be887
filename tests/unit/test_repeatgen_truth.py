"""The truth of the repeated-sound events (tests/repeatgen.classify) follows from their layout alone."""

from __future__ import annotations

import pytest

from tests import repeatgen
from tests.repeatgen import AMBIGUOUS, PLACED, UNRELATED, Master


def _master() -> Master:
    m = Master(200.0)
    m.play(repeatgen.FANFARE, 35.0, 95.0, 155.0)  # 8 s
    return m


def test_a_phone_inside_a_replay_is_ambiguous_with_every_replay_heard_by_a_placed_phone() -> None:
    spans = [(0.0, 60.0), (45.0, 110.0), (90.0, 140.0), (36.5, 41.5), None]
    roles, candidates = repeatgen.classify(spans, _master())
    assert roles == (PLACED, PLACED, PLACED, AMBIGUOUS, UNRELATED)
    assert candidates[3] == (36.5, 96.5)  # the third replay (155 s) is heard by no placed phone


def test_a_link_needs_ten_seconds_heard_once_outside_the_replays() -> None:
    m = _master()
    # 14 s of overlap, 8 of them the replay: 6 s heard once is no link, and the phone shares more
    # than a second of it with a placed phone, so its truth is not clear-cut
    with pytest.raises(ValueError, match="neither linked nor ambiguous"):
        repeatgen.classify([(0.0, 43.0), (29.0, 60.0)], m)
    roles, _ = repeatgen.classify([(0.0, 47.0), (29.0, 60.0)], m)  # 10 s heard once
    assert roles == (PLACED, PLACED)


def test_quiet_holds_no_sound_heard_once() -> None:
    m = Master(100.0, quiet=[(40.0, 70.0)])
    assert repeatgen.heard_once((0.0, 60.0), (30.0, 90.0), m.once()) == pytest.approx(10.0)
