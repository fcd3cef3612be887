"""The pure motion signature: numpy frames in, Signature out (no ffmpeg)."""

from __future__ import annotations

import numpy as np
import pytest

from syncam.signals.empty import is_still
from syncam.signals.motion import MotionFeatures, flow_cells, motion_signature, motion_values
from syncam.sync.correlate import match

H, W = 64, 96


def scene(t: np.ndarray, seed: int = 0) -> np.ndarray:
    """Frames at times ``t`` of blobs that come and go at random moments and move while there
    (defined in continuous time, so any frame times can sample it)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:H, 0:W]
    frames = np.full((len(t), H, W), 60.0)
    for _ in range(40):
        t0, life = rng.uniform(0, 20), rng.uniform(0.3, 2.0)
        x0, y0, r = rng.uniform(0, W), rng.uniform(0, H), rng.uniform(3, 8)
        vx, vy = rng.uniform(-30, 30, 2)
        for k in np.flatnonzero((t >= t0) & (t < t0 + life)):
            dt = t[k] - t0
            frames[k][(xx - x0 - vx * dt) ** 2 + (yy - y0 - vy * dt) ** 2 < r * r] = 200.0
    return frames.clip(0, 255).astype(np.uint8)


def blocks(frames: np.ndarray, times: np.ndarray, size: int = 37):
    for i in range(0, len(frames), size):
        yield frames[i:i + size], times[i:i + size]


def test_vfr_and_frame_rate_do_not_move_the_match() -> None:
    # one scene filmed at 25 fps from t=0, and at ~30 fps with a third of the frames dropped at
    # random from t=2.51: the match must find lag 2.51 within one 25 fps frame
    rng = np.random.default_rng(1)
    ta = np.arange(0, 20, 1 / 25)
    tb = np.arange(0, 14, 1 / 30) + 2.51
    tb = tb[np.r_[True, rng.uniform(size=len(tb) - 1) > 0.33]]
    a = motion_signature(blocks(scene(ta), ta))
    b = motion_signature(blocks(scene(tb), tb), start=2.51)  # b's clip time zero is t=2.51
    m = match(a, b)
    assert m is not None and m.confidence > 0.4
    assert m.lag == pytest.approx(2.51, abs=0.02)
    # reading those VFR frames as if they were steady 30 fps puts them wrong
    naive = motion_signature(blocks(scene(tb), 2.51 + np.arange(len(tb)) / 30), start=2.51)
    bad = match(a, naive)
    assert bad is None or abs(bad.lag - 2.51) > 0.04 or bad.confidence < 0.25


def test_block_size_does_not_change_the_signature() -> None:
    t = np.arange(0, 8, 1 / 30)
    frames = scene(t, seed=4)
    one = motion_signature([(frames, t)])
    many = motion_signature(blocks(frames, t, size=5))
    np.testing.assert_allclose(one.values, many.values, atol=1e-4)
    assert one.rate == 100.0 and one.start == pytest.approx(0.0)


def test_optical_flow_says_which_way_things_move_and_only_inside_its_window() -> None:
    """A textured square moving right in the top-left cell: flow +x there, little elsewhere or in y.
    Flow rows cover only the frames inside the window, whatever the block size."""
    yy, xx = np.mgrid[0:H, 0:W]
    texture = (128 + 60 * np.sin(xx / 1.7) * np.cos(yy / 2.3)).astype(np.uint8)
    f0 = np.full((H, W), 60, np.uint8)
    f1 = f0.copy()
    f0[2:12, 1:11] = texture[2:12, 1:11]
    f1[2:12, 3:13] = texture[2:12, 1:11]  # 2 pixels right
    cells = flow_cells(f0, f1, (4, 4))
    x, y = cells[:16], cells[16:]
    assert x[0] > 0.3 and abs(y[0]) < 0.2 * x[0]
    assert np.abs(x[1:]).max() < 0.25 * x[0] and np.abs(y).max() < 0.25 * x[0]
    t = np.arange(0, 6, 1 / 25)
    frames = scene(t, seed=5)
    for size in (7, 50):
        feats = MotionFeatures(flow_window=(2.0, 4.0))
        for fr, tt in blocks(frames, t, size=size):
            feats.add(fr, tt)
        times, flow = feats.flow_rows()
        assert times[0] >= 2.0 and times[-1] <= 4.0 and len(flow) == len(times) - 1 == 50
    sig = motion_signature(blocks(frames, t), flow_window=(2.0, 4.0))
    assert sig.flow is not None and sig.flow.shape[1] == 128 and 2.0 <= sig.flow_start < 2.05
    assert motion_signature(blocks(frames, t)).flow is None


def test_flash_in_a_still_scene_is_the_signature() -> None:
    t = np.arange(0, 12, 1 / 25)
    frames = np.full((len(t), H, W), 50, np.uint8)
    frames += np.random.default_rng(0).integers(0, 3, frames.shape, dtype=np.uint8)  # sensor noise
    lit = (t >= 4.0) & (t < 4.2)
    frames[lit] += 60
    sig = motion_signature([(frames, t)])
    peak_time = sig.start + np.argmax(sig.values) / sig.rate
    assert peak_time == pytest.approx(3.98, abs=0.03)  # light on between the frames at 3.96 and 4.0
    low_time = sig.start + np.argmin(sig.values) / sig.rate
    assert low_time == pytest.approx(4.18, abs=0.03)  # and off again
    assert sig.values.max() > 10 * np.median(np.abs(sig.values))


def test_local_event_counts_against_busy_background() -> None:
    # noise everywhere, and one quiet corner cell where a small object appears: its own cell's
    # normalisation must make it stand out of the frame-wide noise
    t = np.arange(0, 10, 1 / 25)
    rng = np.random.default_rng(2)
    frames = rng.integers(80, 120, (len(t), H, W)).astype(np.uint8)
    frames[:, :16, :24] = 100  # a still corner
    frames[(t > 5.0) & (t < 5.5), 2:8, 2:8] = 250
    v = motion_signature([(frames, t)]).values
    event = np.zeros(len(v), bool)
    event[480:520] = event[530:570] = True  # it appears at 5.0 s and vanishes at 5.5 s
    assert v[480:520].max() > 3 * np.abs(v[~event]).max()
    assert v[530:570].max() > 3 * np.abs(v[~event]).max()


def test_still_and_too_short_pictures() -> None:
    t = np.arange(0, 10, 1 / 25)
    frozen = np.full((len(t), H, W), 90, np.uint8)
    assert is_still(motion_signature([(frozen, t)]))
    assert is_still(motion_signature([(frozen[:1], t[:1])]))
    assert is_still(motion_signature([]))
    assert not is_still(motion_signature([(scene(t), t)]))


def test_broken_timestamps_are_skipped() -> None:
    t = np.arange(0, 6, 1 / 25)
    frames = scene(t)
    broken = t.copy()
    broken[10] = np.nan
    broken[20] = broken[19]  # a repeated time
    feats = MotionFeatures()
    feats.add(frames, broken)
    times, light, energy = feats.arrays()
    assert len(times) == len(t) - 2 and np.all(np.diff(times) > 0)
    assert len(light) == len(energy) == len(times) - 1


def test_motion_values_time_base() -> None:
    times = np.array([0.013, 0.053, 0.093, 0.133])
    start, values = motion_values(times, np.zeros(3), np.ones((3, 16)))
    assert start == pytest.approx(0.02) and len(values) == 12


def test_a_clip_shorter_than_motions_overlap_is_not_matched_and_spans_are_recorded() -> None:
    # a 4 s clip cut from a 20 s one: below MOTION_MIN_OVERLAP (5 s) no lag has the overlap motion
    # needs, so none is scored (its few lags would have no null to judge them by); a 7 s clip's scan
    # records the seconds of lags it searched, which motion's threshold depends on
    ta = np.arange(0, 20, 1 / 25)
    a = motion_signature(blocks(scene(ta), ta))
    for seconds in (4.0, 7.0):
        tb = np.arange(0, seconds, 1 / 25) + 6.0
        b = motion_signature(blocks(scene(tb), tb), start=6.0)
        m = match(a, b)
        if seconds < 5.0:
            assert m is None
            continue
        assert m is not None and m.lag == pytest.approx(6.0, abs=0.02)
        assert m.searched == pytest.approx(a.duration + b.duration - 2 * 5.0, abs=0.03)
