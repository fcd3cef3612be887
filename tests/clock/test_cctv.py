"""CCTV cameras of one recorder, made from real footage with the clock drawn by ffmpeg from each
frame's own time: placed by their clocks within a frame, the wall clock at timeline 0 within 40 ms,
a recorder a day off placed by its picture with its error reported, a jump, a misread stretch, a
date-only stamp. One align run over all of them (the suite's time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from syncam import manifest
from syncam.clock.parse import parse
from syncam.media import ffmpeg
from syncam.pipeline import align
from tests.clock.cctv import Overlay, make

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
E = datetime(2017, 11, 13, 15, 14, 7, tzinfo=timezone.utc).timestamp()


@dataclass(frozen=True)
class Cam:
    name: str
    epoch: float  # its clock at its first frame
    fps: float
    truth: float  # its offset on cam1's timeline (every clock one wall clock)


@pytest.fixture(scope="session")
def cctv(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Cam]]:
    """cam1 (the reference) and dayoff film the street; cam2-4 and jump look at quiet places
    (a still of the street, cropped elsewhere, with sensor noise): nothing they show moves with
    anything another camera shows, so only their clocks can place them."""
    folder = str(tmp_path_factory.mktemp("cctv"))
    bikes = os.path.join(DATA, "bikes.mp4")
    cams: list[Cam] = []

    def cam(name: str, epoch: float, fps: str, **kw: object) -> None:
        make(bikes, os.path.join(folder, name), epoch=epoch, fps=fps, **kw)  # type: ignore[arg-type]
        num, _, den = fps.partition("/")
        cams.append(Cam(name, epoch, float(num) / float(den or 1), 0.0))

    cam("cam1.mp4", E, "25", crop=(0, 0, 320, 272), duration=9.0)
    cam("cam2.mp4", E + 3.7, "15", still=True, start=1.0, crop=(320, 0, 320, 272),
        size=(640, 360), duration=8.0,
        overlay=Overlay(fmt="%d.%m.%Y %H:%M:%S", font="liberation", size=13, x=440, y=330,
                        style="box"))
    cam("cam3.mp4", E - 2.45, "12.5", still=True, start=4.0, crop=(100, 60, 320, 200),
        size=(352, 288), gray=True, duration=8.0,
        overlay=Overlay(fmt="%m/%d/%Y %I:%M:%S %p", font="dejavu-mono", size=11, x=8, y=268,
                        style="shadow"))
    cam("cam4.mp4", E + 1.1, "30000/1001", still=True, start=7.0, crop=(200, 0, 440, 272),
        size=(480, 360), crf=30, duration=8.0, glitch=(5.0, 5.9, 7.0),
        overlay=Overlay(fmt="%a %d-%m-%Y %H:%M:%S", font="nimbus-sans", size=16, x=200, y=10,
                        style="outline"))
    # white outlined 14 px text over a light ground: read before as a time of day without its date
    # (a dated clock placed as if it had none), now its date and time, by the vote
    cam("cam5.mp4", E + 2.85, "30000/1001", still=True, start=1.3, size=(352, 288), crf=28,
        duration=8.0, overlay=Overlay(fmt="%Y/%m/%d %H:%M:%S", font="nimbus-mono", size=14, x=52,
                                      y=266, style="outline"))
    # a recorder set a day wrong, whose picture is cam1's from a second later: content places it
    cam("dayoff.mp4", E + 1.0 + 86400.0, "25", start=1.0, crop=(0, 0, 320, 272), duration=8.0,
        overlay=Overlay(font="liberation-mono", size=14, x=20, y=540))
    cam("jump.mp4", E + 4.2, "25", still=True, start=9.0, crop=(0, 100, 640, 172),
        size=(640, 360), duration=9.0, jump=(6.0, 3600.0),
        overlay=Overlay(font="dejavu-bold", size=18, x=300, y=320, style="box", color="yellow"))
    make(bikes, os.path.join(folder, "dateonly.mp4"), epoch=E, start=2.0, duration=6.0,
         crop=(320, 0, 320, 272), size=(352, 288), overlay=Overlay(fmt="%Y-%m-%d", size=14))
    # truth: every clock one wall clock (the day-off one: its picture's place, a second on)
    return folder, [Cam(c.name, c.epoch, c.fps, 1.0 if c.name == "dayoff.mp4" else c.epoch - E)
                    for c in cams]


@pytest.fixture(scope="session")
def aligned(cctv: tuple[str, list[Cam]]) -> manifest.Manifest:
    folder, cams = cctv
    paths = [os.path.join(folder, c.name) for c in cams] + [os.path.join(folder, "dateonly.mp4")]
    return align(paths, workers=2)


def _entry(m: manifest.Manifest, name: str) -> manifest.ClipEntry:
    return next(c for c in m.clips if c.name == name)


@pytest.mark.slow
def test_cameras_of_one_recorder_placed_by_their_clocks(aligned: manifest.Manifest,
                                                         cctv: tuple[str, list[Cam]]) -> None:
    _, cams = cctv
    for cam in cams:
        c = _entry(aligned, cam.name)
        assert c.placed and c.offset is not None, (cam.name, c.reason)
        assert abs(c.offset - cam.truth) <= 1 / cam.fps, (cam.name, c.offset, cam.truth)
        assert c.clock is not None and c.clock.readings >= 5
        assert parse(c.clock.text) is not None
    for name in ("cam2.mp4", "cam3.mp4", "cam4.mp4", "cam5.mp4", "jump.mp4"):  # nothing shared
        c = _entry(aligned, name)
        if c.method == "clock":
            assert c.reason == manifest.CLOCK_REASON
    assert all(_entry(aligned, n).method == "clock"
               for n in ("cam2.mp4", "cam3.mp4", "cam4.mp4", "cam5.mp4"))
    assert _entry(aligned, "cam5.mp4").clock.format == "%Y/%m/%d %H:%M:%S"  # type: ignore[union-attr]
    formats = {_entry(aligned, c.name).clock.format for c in cams}  # type: ignore[union-attr]
    assert {"%d.%m.%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%a %d-%m-%Y %H:%M:%S"} <= formats


@pytest.mark.slow
def test_wall_clock_at_zero_within_40_ms(aligned: manifest.Manifest) -> None:
    assert aligned.wall_clock is not None and "cam1.mp4" in aligned.wall_clock.sources
    at = datetime.fromisoformat(aligned.wall_clock.at_zero.replace("Z", "+00:00")).timestamp()
    assert abs(at - E) <= 0.040
    assert aligned.wall_clock.at_zero.endswith("Z") and len(aligned.wall_clock.at_zero) == 24


@pytest.mark.slow
def test_a_day_off_is_placed_by_its_picture_and_its_error_reported(
        aligned: manifest.Manifest) -> None:
    c = _entry(aligned, "dayoff.mp4")
    assert c.method == "motion" and c.offset is not None and abs(c.offset - 1.0) <= 0.04
    assert c.clock is not None and c.clock.error_s is not None
    assert abs(c.clock.error_s - 86400.0) <= 0.040
    # the note says how far off, to the millisecond (+1 d 00:00:00.0xx, or +23:59:59.9xx when the
    # picture's placement is a few ms early): error_s above holds the number
    assert any(n.startswith("dayoff.mp4: its clock is +") and "off the wall clock" in n
               for n in aligned.notes), aligned.notes
    assert "dayoff.mp4" not in aligned.wall_clock.sources  # type: ignore[union-attr]


@pytest.mark.slow
def test_jump_splits_the_clock_and_misreads_are_counted(aligned: manifest.Manifest) -> None:
    j = _entry(aligned, "jump.mp4").clock
    assert j is not None and len(j.segments) == 2
    assert j.segments[1].jump_s is not None and abs(j.segments[1].jump_s - 3600) <= 0.1
    assert abs(j.segments[1].start - 6.0) <= 1.0  # placed to the second it shows
    assert any("jump.mp4: its clock jumps" in n for n in aligned.notes)
    glitch = _entry(aligned, "cam4.mp4").clock  # a second showing a time 7 s off
    assert glitch is not None and glitch.rejected >= 1


@pytest.mark.slow
def test_date_only_stamp_is_no_clock(aligned: manifest.Manifest) -> None:
    assert _entry(aligned, "dateonly.mp4").clock is None


@pytest.mark.slow
def test_manifest_round_trips_with_clock_fields(aligned: manifest.Manifest, tmp_path: object) -> None:
    again = manifest.from_dict(__import__("json").loads(aligned.to_json()))
    assert again.wall_clock == aligned.wall_clock
    assert _entry(again, "jump.mp4").clock == _entry(aligned, "jump.mp4").clock


def test_region_frames_args_crop_grey_seek() -> None:
    args = ffmpeg.region_frames_args("-odd name.mp4", 0, (10, 20, 300, 24), start=12.5,
                                     duration=3.0)
    assert args[args.index("-i") + 1] == "-odd name.mp4"
    assert args.index("-ss") < args.index("-i") and args[args.index("-ss") + 1] == "12.500000"
    graph = args[args.index("-filter_complex") + 1]
    assert graph.startswith("[0:0]format=gray,crop=300:24:10:20:exact=1")
    assert "showinfo" in graph and args[-1] == "pipe:"


@pytest.mark.slow
def test_clocks_of_clips_placed_by_picture_are_measured_by_default(
        cctv: tuple[str, list[Cam]]) -> None:
    """Every clip placed by its picture: the clocks are still read (a quick look finds one) and the
    recorder a day off has its error measured."""
    folder, _ = cctv
    m = align([os.path.join(folder, n) for n in ("cam1.mp4", "dayoff.mp4")], workers=2)
    day = _entry(m, "dayoff.mp4")
    assert day.method == "motion" and day.clock is not None and day.clock.error_s is not None
    assert abs(day.clock.error_s - 86400.0) <= 0.040
    assert m.wall_clock is not None and m.wall_clock.sources == ("cam1.mp4",)


@pytest.mark.slow
def test_an_unplaced_clip_without_a_clock_is_read_first(
        cctv: tuple[str, list[Cam]], tmp_path: object) -> None:
    """A clip that nothing places has its clock read before the others'. It shows none, so the others
    are read only because a quick look finds a clock on a clip without sound (the recorder a day off,
    whose error is measured as when every clip is placed)."""
    folder, _ = cctv
    other = make(os.path.join(DATA, "bigbuckbunny.mp4"), os.path.join(str(tmp_path), "film.mp4"),
                 epoch=E, duration=5.0, size=(352, 288), clock=False)
    seen: list[tuple[int, str]] = []
    m = align([os.path.join(folder, n) for n in ("cam1.mp4", "dayoff.mp4")] + [other], workers=2,
              progress=lambda p: seen.append((p.total, p.item)) if p.stage == "clock" else None)
    assert _entry(m, "film.mp4").offset is None and _entry(m, "film.mp4").clock is None
    assert seen[0] == (1, "film.mp4") and sorted(item for _, item in seen[1:]) == [
        "cam1.mp4", "dayoff.mp4"]
    day = _entry(m, "dayoff.mp4")
    assert day.clock is not None and day.clock.error_s is not None
    assert abs(day.clock.error_s - 86400.0) <= 0.040
