"""Short silent views of footage the motion stage was not tuned on (tests/motionviews.py): each is
placed within a quarter frame, or, below motion's threshold for its span, left unplaced with the right
place among its motion candidates."""

from __future__ import annotations

import pytest

from syncam import align, manifest
from tests import motionviews as mv

pytestmark = pytest.mark.slow


def _check(m: manifest.Manifest, views: mv.Views) -> int:
    """Assert every clip placed within a quarter frame, or unplaced with the right place among its
    candidates; return how many were placed."""
    ref = views.starts[m.reference]
    placed = 0
    for i, clip in enumerate(m.clips):
        if i == m.reference:
            continue
        truth = views.starts[i] - ref
        quarter = 0.25 / views.fps[i]
        if clip.offset is not None:
            placed += 1
            assert abs(clip.offset - truth) < quarter, (clip.name, clip.offset - truth, quarter)
            continue
        assert clip.candidates, (clip.name, clip.reason)
        assert "picture" in (clip.reason or ""), clip.reason
        offsets = [c["offset"] for c in clip.candidates if c["offset"] is not None]
        assert min(abs(o - truth) for o in offsets) < quarter, (clip.name, offsets, truth)
    return placed


def test_short_silent_views_within_a_quarter_frame_or_listed(short_views: mv.Views,
                                                             tmp_path) -> None:
    m = align(short_views.paths, method="motion", cache=None)
    # 6.5-7 s views search 3-3.5 s of lags; their right matches score ~0.31, where unrelated pictures
    # reach 0.57 (motion's null, config.MOTION_THRESHOLDS): none may be placed, each lists its place
    assert _check(m, short_views) == 0, [(c.name, c.confidence) for c in m.clips]
    assert all(c.placed == (i == m.reference) for i, c in enumerate(m.clips))
    # a threshold no match reaches (--min-confidence 0.99 scales motion's with it): every view but the
    # reference is unplaced, and lists where its picture fits best, the right place among them
    strict = align(short_views.paths, method="motion", cache=None, min_confidence=0.99)
    assert len(strict.unplaced) == len(strict.clips) - 1
    assert _check(strict, short_views) == 0
    path = tmp_path / "m.json"  # the candidates survive the schema-validated round trip
    path.write_text(strict.to_json())
    assert [list(c.candidates) for c in manifest.load(str(path)).clips] == [
        list(c.candidates) for c in strict.clips]
