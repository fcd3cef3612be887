"""The overlap rule for takes of one camera, on solutions built in the test."""

from __future__ import annotations

from syncam.sync.takes import reject_overlaps
from syncam.types import Method, Placement, Solution


def _solution(*placements: Placement | None, reference: int = 0) -> Solution:
    return Solution(reference=reference, placements=placements, verdicts=())


def test_touching_takes_stay_placed() -> None:
    s = _solution(Placement(0.0, confidence=0.9, method=Method.AUDIO),
                  Placement(10.05, confidence=0.8, method=Method.AUDIO))
    out, reasons = reject_overlaps(s, [10.1, 5.0], ["a", "a"], ["1", "2"], tolerance=0.1)
    assert out is s and reasons == {}


def test_the_less_confident_overlapping_take_is_unplaced() -> None:
    s = _solution(Placement(0.0, confidence=0.9), Placement(5.0, confidence=0.4),
                  Placement(8.0, confidence=0.7), Placement(3.0, confidence=0.2))
    out, reasons = reject_overlaps(s, [10.0, 10.0, 10.0, 10.0], ["a", "a", "b", "c"],
                                   ["1", "2", "3", "4"], tolerance=0.1)
    assert [p is not None for p in out.placements] == [True, False, True, True]
    assert "overlapped 1, another take of camera 'a', by 5.00 s" in reasons[1]


def test_the_reference_is_never_the_one_unplaced() -> None:
    s = _solution(Placement(0.0, confidence=0.1), Placement(5.0, confidence=0.9), reference=0)
    out, reasons = reject_overlaps(s, [10.0, 10.0], ["a", "a"], ["1", "2"], tolerance=0.1)
    assert out.placements[0] is not None and out.placements[1] is None and set(reasons) == {1}


def test_one_camera_per_clip_names_are_distinct() -> None:
    from syncam.cameras import assign

    paths = ["/f/a/GOPR0001.MP4", "/f/b/GOPR0001.MP4", "/f/b/phone.mov", "/f/c/x.mp4"]
    assert assign(paths) == ["a/GOPR0001", "b/GOPR0001", "phone", "x"]
    assert assign(paths, rules=[("x", "/f/b/*.mov")]) == ["a/GOPR0001", "b/GOPR0001", "x", "c/x"]
    assert assign(paths, devices=["Sony 12", None, "Sony 12", None]) == [
        "Sony 12", "GOPR0001", "Sony 12", "x"]


def test_a_device_is_named_by_its_serial_number_only() -> None:
    from syncam.cameras import device_of

    assert device_of({"com.apple.quicktime.make": "Apple", "com.apple.quicktime.model":
                      "iPhone 15", "com.apple.quicktime.camera.identifier": "Back"}) \
        == "Apple iPhone 15 Back"
    assert device_of({"make": "Sony", "model": "FX3", "SERIAL": "5012345"}) == "Sony FX3 5012345"
    assert device_of({"make": "Apple", "model": "iPhone 15"}) is None  # two guests, two cameras
    assert device_of({"handler_name": "VideoHandler"}) is None
