"""Issue 8's hard conditions, on real recordings encoded by ffmpeg (tests/hardgen.py): every clip that
shares sound is placed within 1 ms, and a clip that shares none stays unplaced."""

from __future__ import annotations

import os

import pytest

import syncam
from tests import hardgen

pytestmark = pytest.mark.slow
TOLERANCE = 0.001  # seconds


@pytest.fixture(scope="session")
def hard_media(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("hard"))


def aligned(folder: str, name: str) -> tuple[list[hardgen.Take], syncam.Manifest]:
    takes = hardgen.CONDITIONS[name]()
    paths = hardgen.write(os.path.join(folder, name), takes)
    return takes, syncam.align(paths, reference=paths[0])


@pytest.mark.parametrize("name", ["hall", "phone", "short_shared", "loop_live", "short_clips", "chain"])
def test_every_clip_that_shares_sound_is_placed_within_a_millisecond(hard_media: str, name: str) -> None:
    takes, m = aligned(hard_media, name)
    for take, clip in zip(takes, m.clips):
        if take.truth is None:
            assert not clip.placed, f"{clip.name} belongs to no other clip but was placed"
            continue
        assert clip.placed, f"{clip.name}: {clip.reason}"
        assert clip.offset == pytest.approx(take.truth - takes[0].truth, abs=TOLERANCE), clip.name  # type: ignore[operator]


def test_a_bare_loop_is_left_unplaced_with_its_candidates(hard_media: str) -> None:
    """Nothing differs between the repeats: no lag can be chosen, and the right one is among the
    candidates the manifest lists for a person to pick."""
    takes, m = aligned(hard_media, "loop_bare")
    for take, clip in list(zip(takes, m.clips))[1:]:
        assert not clip.placed
        offsets = [c["offset"] for c in clip.candidates if c["offset"] is not None]
        assert any(abs(o - take.truth) < TOLERANCE for o in offsets), clip.candidates  # type: ignore[operator]


def test_unrelated_recordings_of_many_lengths_are_never_placed(hard_media: str) -> None:
    takes, m = aligned(hard_media, "unrelated")
    assert [c.placed for c in m.clips] == [True] + [False] * (len(takes) - 1)
    assert max(c.confidence for c in m.clips[1:]) < 0.2
