"""End to end on real encoded footage: cameras placed by what they see, alone or with sound."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from syncam import align
from syncam.cli import main
from syncam.errors import MediaError
from syncam.sync.solve import threshold
from syncam.types import Method

pytestmark = pytest.mark.slow


def _errors(manifest, event) -> list[float]:
    """Signed error of every clip's offset in seconds (None when unplaced)."""
    ref = event.starts[manifest.reference]
    return [None if c.offset is None else c.offset - (s - ref)
            for c, s in zip(manifest.clips, event.starts)]


def _assert_within_a_frame(manifest, event) -> None:
    errors = _errors(manifest, event)
    for i, err in enumerate(errors):
        if i == manifest.reference:
            continue
        frame = 1.0 / min(event.fps[i], event.fps[manifest.reference])
        assert err is not None, manifest.clips[i].reason
        assert abs(err) < frame, (manifest.clips[i].name, err, frame)


def test_street_cameras_of_all_rates_crops_and_codecs(street) -> None:
    m = align(street.paths, method="motion")
    assert not m.unplaced
    _assert_within_a_frame(m, street)
    # (stricter than one frame: the sub-frame stage, energy and optical flow; the worst is the
    # 59.94 fps camera that sees a third of the view, at 3.8 ms: 4.9 ms with energy alone)
    assert max(abs(e) for e in _errors(m, street)) < 0.0045
    assert {c.method for c in m.clips} == {"motion"}
    # every match is right; one (0.46) is below motion's threshold for its 8-14 s search (the null
    # reaches 0.458 there: config.MOTION_THRESHOLDS), so not evidence; every other one is used
    assert all(x.method == "motion" and x.used == (x.confidence >= threshold(Method.MOTION,
                                                                             searched=8.0))
               for x in m.matches)
    assert sum(x.used for x in m.matches) >= 5
    assert min(x.confidence for x in m.matches) > 0.4
    assert m.settings.method == "motion"


def test_a_quarter_frame_at_25_29_97_and_30_fps(precise) -> None:
    """The sub-frame stage: every camera within a quarter of its own frame of the truth, the one that
    sees 60 % of the reference's view included."""
    m = align(precise.paths, method="motion")
    assert m.reference == 0
    for clip, err, fps in zip(m.clips, _errors(m, precise), precise.fps):
        assert err is not None, clip.reason
        assert abs(err) < 0.25 / fps, (clip.name, err)


def test_av_lag_per_camera_with_both(av) -> None:
    """--method both: the picture places each camera within a quarter frame, and the gap to its sound
    is its A/V lag, within 5 ms of the truth (0, 15 and 50 ms)."""
    m = align(av.paths, method="both")
    assert m.reference == 0
    for clip, err, fps, lag in zip(m.clips, _errors(m, av), av.fps, av.av_lags):
        assert err is not None, clip.reason
        assert abs(err) < 0.25 / fps, (clip.name, err)
        assert clip.av_lag is not None and clip.av_lag_stderr is not None, clip.name
        assert abs(clip.av_lag - lag) <= 0.005, (clip.name, clip.av_lag, lag)
        assert clip.method == "motion"
    assert all(x.used for x in m.matches)
    # sound first (the default): each camera is placed by its sound, so its picture is early by the lag
    auto = align(av.paths)
    for clip, err, lag in zip(auto.clips, _errors(auto, av), av.av_lags):
        assert clip.method == "audio" and clip.av_lag is None
        assert err == pytest.approx(-lag, abs=0.002), clip.name


def test_auto_uses_motion_for_clips_without_sound(street) -> None:
    m = align(street.paths[:2])  # default method auto; the street clips have no audio stream
    assert m.clips[1].method == "motion"
    assert abs(_errors(m, street)[1]) < 0.25 / street.fps[1]


def test_variable_frame_rate_phone(vfr) -> None:
    m = align(vfr.paths, method="motion")
    _assert_within_a_frame(m, vfr)
    assert abs(_errors(m, vfr)[1]) < 0.25 / vfr.fps[1]


def test_flashes_in_a_still_scene(flashes) -> None:
    m = align(flashes.paths, method="auto")
    _assert_within_a_frame(m, flashes)
    assert m.matches[0].confidence > 0.3


def test_mixed_event_sound_and_motion_in_one_solve(mixed) -> None:
    m = align(mixed.paths, method="auto")
    errors = _errors(m, mixed)
    assert [c.method for c in m.clips] == ["audio", "audio", "motion"]
    assert abs(errors[1]) < 0.002  # placed by sound: to the millisecond
    _assert_within_a_frame(m, mixed)
    kinds = {(x.a, x.b): x.method for x in m.matches}
    assert kinds == {(0, 1): "audio", (0, 2): "motion", (1, 2): "motion"}
    both = align(mixed.paths, method="both")
    # both: the pictures place the cameras with sound, and their sounds lag nothing (true lag 0)
    assert [c.method for c in both.clips] == ["motion", "motion", "motion"]
    assert abs(_errors(both, mixed)[1]) < 0.25 / mixed.fps[1]
    assert both.clips[1].av_lag is not None and abs(both.clips[1].av_lag) <= 0.005
    assert both.clips[2].av_lag is None  # no sound: nothing to lag
    assert sorted(x.method for x in both.matches) == ["audio", "motion", "motion", "motion"]


def test_unrelated_silent_clip_is_unplaced(street, odd) -> None:
    m = align([*street.paths[:2], odd["pattern"]])
    assert m.clips[2].offset is None and not m.clips[2].placed
    assert "motion" in m.clips[2].reason
    assert m.clips[1].placed


def test_bad_inputs(street, odd) -> None:
    two = street.paths[:2]
    with pytest.raises(MediaError, match="sound.m4a: has no video stream.*--method auto or audio"):
        align([*two, odd["sound"]], method="motion")
    with pytest.raises(MediaError, match="still.png: is a still image"):
        align([*two, odd["png"]])
    with pytest.raises(MediaError, match="-wide 25.mp4: has no audio stream.*--method auto or motion"):
        align(two, method="audio")
    m = align([*two, odd["one_frame"], odd["frozen"], odd["sound"]])
    reasons = [c.reason for c in m.clips[2:]]
    assert "too short to show motion" in reasons[0]
    assert "never changes" in reasons[1]
    assert "no video" in reasons[2]
    assert [c.placed for c in m.clips] == [True, True, False, False, False]


def test_cli_method_option(tmp_path, street, odd) -> None:
    out = tmp_path / "out manifest.json"
    runner = CliRunner()
    res = runner.invoke(main, ["align", "--method", "motion", *street.paths[:2], "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "motion" in res.output
    doc = json.loads(out.read_text())
    assert doc["settings"]["method"] == "motion" and doc["clips"][1]["method"] == "motion"
    res = runner.invoke(main, ["align", "-m", "auto", *street.paths[:2], odd["pattern"], "-o",
                               str(out)])
    assert res.exit_code == 3
    res = runner.invoke(main, ["align", "-m", "motion", street.paths[0], odd["sound"], "-o",
                               str(tmp_path / "x.json")])
    assert res.exit_code == 1 and "has no video stream" in res.output
    assert "Traceback" not in res.output and not os.path.exists(tmp_path / "x.json")
    res = runner.invoke(main, ["align", "-m", "sight", *street.paths[:2]])
    assert res.exit_code == 2
