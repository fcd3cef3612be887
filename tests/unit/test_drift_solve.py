"""Drift lines and the drift-aware solver on hand-made observations."""

from __future__ import annotations

import numpy as np
import pytest

from syncam.sync.drift import fit, fit_line
from syncam.sync.solve import solve
from syncam.types import Match, Method, Observation

OFFSET = [0.0, 12.5, -4.0]
RATE = [0.0, 80e-6, -120e-6]  # clip clocks against the reference's


def observations(a: int, b: int, times: np.ndarray, noise: float = 20e-6,
                 seed: int = 0) -> tuple[Observation, ...]:
    """Windows of a pair under the exact time maps: at clip-a time t, offset_b - offset_a as seen."""
    rng = np.random.default_rng(seed)
    out = []
    for t in times:
        T = OFFSET[a] + t * (1 + RATE[a])
        tb = (T - OFFSET[b]) / (1 + RATE[b])
        out.append(Observation(time=float(t), lag=float(t - tb + rng.normal(0, noise)), score=20.0))
    return tuple(out)


def pair(a: int, b: int, seconds: float = 300.0, conf: float = 0.9, **kw) -> Match:  # type: ignore[no-untyped-def]
    times = np.arange(2.0, seconds, 4.0)
    obs = observations(a, b, times, **kw)
    return Match(a, b, obs[len(obs) // 2].lag, conf, Method.AUDIO, observations=obs,
                 centre=float(times.mean()))


def test_line_rejects_outlier_windows() -> None:
    t = np.arange(0.0, 300.0, 4.0)
    lag = 1.0 + 150e-6 * t + np.random.default_rng(1).normal(0, 20e-6, len(t))
    lag[[5, 30, 60]] += [0.02, -0.005, 0.011]  # windows that locked onto something else
    line = fit_line(t, lag, np.full(len(t), 20.0))
    assert line is not None
    assert line.slope * 1e6 == pytest.approx(150.0, abs=0.5)
    assert line.inliers == len(t) - 3
    assert line.slope_stderr * 1e6 < 0.5 and line.measurable


def test_windows_below_the_score_floor_do_not_count() -> None:
    t = np.arange(0.0, 100.0, 4.0)
    z = np.where(np.arange(len(t)) % 2 == 0, 20.0, 2.0)  # every other window is noise
    lag = np.where(z > 10, 0.5 + 50e-6 * t, 0.5 + np.random.default_rng(2).uniform(-0.03, 0.03, len(t)))
    line = fit_line(t, lag, z)
    assert line is not None and line.inliers == (z > 10).sum()
    assert line.slope * 1e6 == pytest.approx(50.0, abs=1.0)


def test_short_overlap_is_not_measurable_and_says_why() -> None:
    obs = observations(0, 1, np.arange(2.0, 20.0, 4.0))
    line = fit(obs)
    assert line is not None and not line.measurable
    assert "too short" in line.why_not


def test_three_clocks_solved_together() -> None:
    matches = [pair(0, 1, seed=1), pair(1, 2, seed=2), pair(0, 2, seed=3)]
    sol = solve(3, matches, 0)
    for c in range(3):
        p = sol.placements[c]
        assert p is not None
        assert p.drift_ppm == pytest.approx(RATE[c] * 1e6, abs=0.5)
        assert p.offset == pytest.approx(OFFSET[c], abs=1e-4)
        assert p.to_timeline(300.0) == pytest.approx(OFFSET[c] + 300.0 * (1 + RATE[c]), abs=1e-4)
        assert p.drift_note == ""
    assert sol.placements[0].drift_ppm == 0.0 and sol.placements[0].offset == 0.0
    assert sol.placements[1].drift_ppm_stderr is not None and sol.placements[1].drift_ppm_stderr < 0.5
    assert sol.placements[1].offset_stderr is not None and sol.placements[1].offset_stderr < 1e-4
    assert all(v.used and v.reason == "" for v in sol.verdicts)
    assert all(abs(v.residual) < 1e-4 for v in sol.verdicts)  # type: ignore[arg-type]


def test_drift_loop_is_consistent_where_one_lag_per_pair_is_not() -> None:
    """Each pair's single lag is read at its own moment: with 200 ppm between clocks, lags taken
    minutes apart break the loop by more than its 20 ms tolerance. Read at one instant they agree."""
    global RATE
    saved = RATE
    RATE = [0.0, 200e-6, -200e-6]
    try:
        times = [np.arange(2.0, 120.0, 4.0), np.arange(500.0, 620.0, 4.0), np.arange(250.0, 370.0, 4.0)]
        matches = []
        for (a, b), ts, s in zip(((0, 1), (1, 2), (0, 2)), times, (1, 2, 3)):
            obs = observations(a, b, ts, seed=s)
            matches.append(Match(a, b, obs[0].lag, 0.9, Method.AUDIO, observations=obs,
                                 centre=float(ts.mean())))
        sol = solve(3, matches, 0)
        assert all(v.used for v in sol.verdicts)
        assert sol.placements[2].drift_ppm == pytest.approx(-200.0, abs=1.0)  # type: ignore[union-attr]
    finally:
        RATE = saved


def test_drift_off_fits_offsets_only_and_says_so() -> None:
    sol = solve(2, [pair(0, 1, seed=4)], 0, drift=False)
    p = sol.placements[1]
    assert p is not None and p.drift_ppm == 0.0 and p.drift_ppm_stderr is None
    assert "--drift off" in p.drift_note


def test_short_pair_reports_no_drift_with_its_reason() -> None:
    sol = solve(2, [pair(0, 1, seconds=20.0, seed=5)], 0)
    p = sol.placements[1]
    assert p is not None and p.drift_ppm == 0.0 and p.drift_ppm_stderr is None
    assert "too short" in p.drift_note


def test_verdicts_say_why_a_match_was_not_used() -> None:
    wrong = Match(0, 2, OFFSET[2] - OFFSET[0] + 3.0, 0.95, Method.AUDIO, centre=100.0)
    weak = Match(1, 2, 0.0, 0.05, Method.AUDIO)
    sol = solve(3, [pair(0, 1, seed=6), pair(1, 2, seed=7), pair(0, 2, seed=8), wrong, weak], 0)
    reasons = [v.reason for v in sol.verdicts]
    assert reasons == ["", "", "", "contradicted", "below threshold"]


def test_a_match_outside_the_reference_group_is_superseded() -> None:
    other = Match(2, 3, 1.0, 0.9, Method.AUDIO)  # agrees with itself, joins nothing to the reference
    sol = solve(4, [pair(0, 1, seed=9), other], 0)
    assert [v.reason for v in sol.verdicts] == ["", "superseded"]
    assert sol.placements[2] is None and sol.placements[3] is None


def test_unknown_drift_mode_is_a_usage_error_before_any_work() -> None:
    from syncam.errors import UsageError
    from syncam.pipeline import align
    with pytest.raises(UsageError, match="drift mode 'maybe'; choose one of auto, off") as err:
        align(["/nonexistent/a.mp4", "/nonexistent/b.mp4"], drift="maybe")
    assert err.value.option == "drift"  # the CLI words it as --drift
