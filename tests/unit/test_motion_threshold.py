"""The motion threshold from a null distribution (sync/score.threshold_from_null) and its use in the
solver (sync/solve.threshold): numpy arrays and Match objects, no media."""

from __future__ import annotations

import numpy as np
import pytest

from syncam import config
from syncam.sync.score import motion_threshold, threshold_from_null, thresholds_from_null
from syncam.sync.solve import solve, threshold
from syncam.types import Match, Method


def test_threshold_is_the_next_step_above_every_null_score() -> None:
    rng = np.random.default_rng(1)
    null = np.minimum(rng.beta(1, 30, 900), 0.4)  # mostly near 0, a tail
    null[17] = 0.431
    t = threshold_from_null(null, bound=1 / 300)
    assert t == pytest.approx(0.45)
    assert (null >= t).sum() == 0
    null[17] = 0.45  # a score on a step: the next step
    assert threshold_from_null(null, bound=1 / 300) == pytest.approx(0.5)


def test_too_few_null_pairs_cannot_give_the_bound() -> None:
    with pytest.raises(ValueError, match="900 are needed"):
        threshold_from_null(np.zeros(899), bound=1 / 300)
    assert threshold_from_null(np.zeros(100), bound=0.03) == pytest.approx(0.05)


def test_thresholds_per_span_from_each_bins_null() -> None:
    """Each bin of lags searched gets the step above its own null; a shorter search never less."""
    rng = np.random.default_rng(2)
    span = np.concatenate([rng.uniform(0, 2, 900), rng.uniform(2, 5, 900), rng.uniform(5, 9, 900)])
    null = np.minimum(rng.beta(1, 40, 2700), 0.2)
    null[100], null[1000], null[2000] = 0.61, 0.33, 0.21  # one tail per bin, highest when short
    table = thresholds_from_null(span, null, (0.0, 2.0, 5.0), 1 / 300)
    assert [s for s, _ in table] == [0.0, 2.0, 5.0]
    assert [t for _, t in table] == pytest.approx([0.65, 0.35, 0.25])
    null[2000] = 0.41  # a long bin's unlucky tail raises the shorter bins beneath it
    assert [t for _, t in thresholds_from_null(span, null, (0.0, 2.0, 5.0), 1 / 300)] == \
        pytest.approx([0.65, 0.45, 0.45])
    with pytest.raises(ValueError, match="searched 5-inf s: 899 null pairs"):
        thresholds_from_null(span[:-1], null[:-1], (0.0, 2.0, 5.0), 1 / 300)


def test_motion_threshold_is_its_spans_bin() -> None:
    table = ((0.0, 1.05), (2.0, 0.5), (5.0, 0.3))
    assert [motion_threshold(s, table) for s in (0.0, 1.99, 2.0, 4.9, 5.0, 600.0)] == [
        1.05, 1.05, 0.5, 0.5, 0.3, 0.3]


def test_motion_has_its_own_threshold_by_span_scaled_with_the_users() -> None:
    last, (start, value) = config.MOTION_THRESHOLDS[-1][0], config.MOTION_THRESHOLDS[0]
    assert threshold(Method.AUDIO) == config.MIN_CONFIDENCE
    assert threshold(Method.AUDIO, 0.5, searched=100.0) == 0.5
    assert threshold(Method.MOTION, searched=start) == pytest.approx(value)
    assert threshold(Method.MOTION, searched=last + 60) == pytest.approx(
        config.MOTION_THRESHOLDS[-1][1])
    assert threshold(Method.MOTION, 2 * config.MIN_CONFIDENCE, searched=last) == pytest.approx(
        2 * config.MOTION_THRESHOLDS[-1][1])
    spans = [s for s, _ in config.MOTION_THRESHOLDS]
    needs = [t for _, t in config.MOTION_THRESHOLDS]
    assert spans == sorted(spans) and needs == sorted(needs, reverse=True)


def test_the_solver_places_by_each_methods_threshold() -> None:
    """Three clips: 1 by sound, 2 by motion; each match just above or below its own threshold, for
    a long search and for the shortest."""
    sound = Match(0, 1, 1.5, config.MIN_CONFIDENCE + 0.01, Method.AUDIO)
    for searched, need in config.MOTION_THRESHOLDS:
        if need > 1:  # no confidence passes
            continue
        for conf, placed in ((need - 0.01, False), (need + 0.01, True)):
            picture = Match(0, 2, -2.0, conf, Method.MOTION, searched=searched)
            sol = solve(3, [sound, picture], 0)
            assert [p is not None for p in sol.placements] == [True, True, placed]
            if placed:
                assert sol.placements[2].offset == pytest.approx(-2.0)
    # a confidence that passes a long search's threshold does not pass the shortest's
    short, long_ = config.MOTION_THRESHOLDS[0], config.MOTION_THRESHOLDS[-1]
    between = (min(short[1], 1.0) + long_[1]) / 2
    assert solve(3, [sound, Match(0, 2, -2.0, between, Method.MOTION, searched=long_[0])],
                 0).placements[2] is not None
    assert solve(3, [sound, Match(0, 2, -2.0, between, Method.MOTION, searched=short[0])],
                 0).placements[2] is None
