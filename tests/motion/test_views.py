"""Short silent views of footage the motion stage was not tuned on (tests/motionviews.py): each is
placed within a quarter frame, or, below motion's threshold, left unplaced with the right lag among
its motion candidates."""

from __future__ import annotations

import pytest

from syncam import align, manifest
from tests import motionviews as mv

pytestmark = pytest.mark.slow


def test_short_silent_views_within_a_quarter_frame_or_listed(short_views: mv.Views,
                                                             tmp_path) -> None:
    m = align(short_views.paths, method="motion", cache=None)
    ref = short_views.starts[m.reference]
    placed = 0
    for i, clip in enumerate(m.clips):
        if i == m.reference:
            continue
        truth = short_views.starts[i] - ref
        quarter = 0.25 / short_views.fps[i]
        if clip.offset is not None:
            placed += 1
            assert abs(clip.offset - truth) < quarter, (clip.name, clip.offset - truth, quarter)
            continue
        # unplaced: its motion candidates are listed, the right place among them
        assert clip.candidates, (clip.name, clip.reason)
        assert "picture" in (clip.reason or ""), clip.reason
        offsets = [c["offset"] for c in clip.candidates if c["offset"] is not None]
        assert min(abs(o - truth) for o in offsets) < quarter, (clip.name, offsets, truth)
    assert placed >= 1  # the pair sharing the most (the wide view and the phone) is sure enough
    path = tmp_path / "m.json"  # the candidates survive the schema-validated round trip
    path.write_text(m.to_json())
    assert [list(c.candidates) for c in manifest.load(str(path)).clips] == [
        list(c.candidates) for c in m.clips]
