"""The motion threshold from a null distribution (sync/score.threshold_from_null) and its use in the
solver (sync/solve.threshold): numpy arrays and Match objects, no media."""

from __future__ import annotations

import numpy as np
import pytest

from syncam import config
from syncam.sync.score import threshold_from_null
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


def test_motion_has_its_own_threshold_scaled_with_the_users() -> None:
    assert threshold(Method.AUDIO) == config.MIN_CONFIDENCE
    assert threshold(Method.MOTION) == pytest.approx(config.MOTION_MIN_CONFIDENCE)
    assert threshold(Method.AUDIO, 0.5) == 0.5
    assert threshold(Method.MOTION, 2 * config.MIN_CONFIDENCE) == pytest.approx(
        2 * config.MOTION_MIN_CONFIDENCE)


def test_the_solver_places_by_each_methods_threshold() -> None:
    """Three clips: 1 by sound, 2 by motion; each match just above or below its own threshold."""
    below_m = config.MOTION_MIN_CONFIDENCE - 0.01
    above_m = config.MOTION_MIN_CONFIDENCE + 0.01
    sound = Match(0, 1, 1.5, config.MIN_CONFIDENCE + 0.01, Method.AUDIO)
    placed = solve(3, [sound, Match(0, 2, -2.0, above_m, Method.MOTION)], 0)
    assert [p is not None for p in placed.placements] == [True, True, True]
    assert placed.placements[2].offset == pytest.approx(-2.0)
    unplaced = solve(3, [sound, Match(0, 2, -2.0, below_m, Method.MOTION)], 0)
    assert [p is not None for p in unplaced.placements] == [True, True, False]
