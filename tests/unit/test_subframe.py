"""The motion sub-frame stage on numpy arrays: paired cells find a lag between samples, and the coarse,
energy and flow estimates vote."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from syncam.sync.subframe import refine, vote

RATE = 50.0


def _events(seconds: float, cells: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Times (s) of random events per cell: each cell sees its own things happen."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0, seconds, (cells, int(seconds))), rng.uniform(0.5, 1.5, (cells, int(seconds)))


def _curves(events: tuple[np.ndarray, np.ndarray], t0: float, seconds: float,
            noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """Rows at RATE from scene time t0: each cell's events as Gaussian pulses (40 ms), exactly
    placed (so a lag between samples shows), plus noise."""
    times, sizes = events
    t = t0 + np.arange(int(seconds * RATE)) / RATE
    out = np.zeros((len(t), times.shape[0]))
    for c in range(times.shape[0]):
        out[:, c] = (sizes[c] * np.exp(-0.5 * ((t[:, None] - times[c]) / 0.04) ** 2)).sum(axis=1)
    out += noise * gaussian_filter1d(np.random.default_rng(seed).standard_normal(out.shape), 2,
                                     axis=0)
    return out.astype(np.float16)


def test_a_lag_between_samples_is_found_to_a_millisecond() -> None:
    ev = _events(40, 6, seed=1)
    a = _curves(ev, 0.0, 40)
    # camera b starts 3.4567 s into the scene: its offset relative to a is +3.4567 s
    b = _curves(ev, 3.4567, 30)
    lag = refine(a, b, RATE, 3.46, 0.08)
    assert lag is not None and abs(lag - 3.4567) < 0.001


def test_starts_off_row_zero_and_a_coarse_guess_a_few_ms_off() -> None:
    ev = _events(40, 6, seed=2)
    a = _curves(ev, 0.0, 40)
    b = _curves(ev, 3.4567, 30)
    # the same rows, said to start 0.2 s and 0.5 s into each clip: the lag moves by the difference
    lag = refine(a, b, RATE, 3.4567 + 0.2 - 0.5 + 0.012, 0.08, start_a=0.2, start_b=0.5)
    assert lag is not None and abs(lag - (3.4567 + 0.2 - 0.5)) < 0.001


def test_the_median_of_three_estimates_outvotes_one_astray() -> None:
    """Energy curves in which three of b's four cells see their events 30 ms late put the refined lag
    ~20 ms off; the coarse lag and flow curves that agree on the truth outvote it. Of two estimates
    the mean counts; a missing one is left out."""
    ev = _events(40, 4, seed=3)
    a = _curves(ev, 0.0, 40, noise=0.4, seed=4)
    b_ev = (ev[0].copy(), ev[1])
    b_ev[0][1:] += 0.03  # three of b's cells see their events 30 ms late (a mis-timed view)
    b = _curves(b_ev, 2.0, 30, noise=0.4, seed=5)
    flow = _events(40, 8, seed=6)
    fa, fb = _curves(flow, 0.0, 40), _curves(flow, 2.0, 30)
    energy = refine(a, b, RATE, 2.0, 0.08)
    moved = refine(fa, fb, RATE, 2.0, 0.08)
    assert energy is not None and moved is not None
    assert abs(energy - 2.0) > 0.015 and abs(moved - 2.0) < 0.004
    assert abs(vote(2.003, energy, moved) - 2.0) < 0.004
    assert vote(2.003, energy, None) == (2.003 + energy) / 2
    assert vote(2.003) == 2.003
    assert refine(fa, fb[:100], RATE, 2.0, 0.08, min_rows=250) is None


def test_no_peak_inside_the_reach_or_too_little_overlap() -> None:
    ev = _events(40, 4, seed=7)
    a = _curves(ev, 0.0, 40)
    b = _curves(ev, 3.0, 30)
    assert refine(a, b, RATE, 3.5, 0.08) is None  # the truth is 0.5 s away: the curve only falls
    assert refine(a, b[:5], RATE, 3.0, 0.08) is None
