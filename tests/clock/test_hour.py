"""Long DVR recordings, made from real footage with the clock drawn by ffmpeg, read in windows.

An hour of one DVR whose clock runs 200 ppm fast (a cheap crystal: 17 s a day), and a minute of
another of its cameras 40 minutes in: the hour is read with no jump where there is none and its
clock's rate measured, and the minute is placed by its clock at that rate, within one of its frames
(at the rate 1 it would be 0.48 s, six frames, late). And 20 minutes of a DVR whose clock moves an
hour on (summer time) 11 minutes in, with a minute of another camera before the change and one after:
each placed by the stretch of the clock its reading falls in (by the longest stretch, the one after
the change was an hour late)."""

from __future__ import annotations

import os

import pytest

from syncam.clock.read import read_clock
from syncam.media.probe import probe
from syncam.pipeline import align
from tests.clock.cctv import Overlay, recorder
from tests.clock.test_cctv import DATA, E

pytestmark = pytest.mark.slow

FAST_PPM = 200.0
LATER = 2400.0  # the minute's place on the hour's timeline (s)


@pytest.fixture(scope="module")
def dvr(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(the hour: 5 fps QCIF, ISO clock in a box; the minute: 12.5 fps, day-first clock, shadowed)."""
    folder = str(tmp_path_factory.mktemp("dvr"))
    bikes = os.path.join(DATA, "bikes.mp4")
    hour = recorder(bikes, os.path.join(folder, "hall 1h.mp4"), epoch=E, duration=3600.0, fps="5",
                    crop=(0, 0, 320, 272), size=(176, 144), fast_ppm=FAST_PPM,
                    overlay=Overlay(size=12, x=4, y=128, style="box"))
    minute = recorder(bikes, os.path.join(folder, "door.mp4"),
                      epoch=E + LATER * (1 + FAST_PPM * 1e-6), duration=60.0, fps="12.5", at=5.0,
                      crop=(320, 0, 320, 272), size=(176, 144), fast_ppm=FAST_PPM,
                      overlay=Overlay(fmt="%d.%m.%Y %H:%M:%S", size=11, x=60, y=4, style="shadow"))
    return hour, minute


def test_an_hour_is_read_in_windows_with_its_rate_and_no_false_jump(dvr: tuple[str, str]) -> None:
    clock = read_clock(probe(dvr[0]))
    assert clock is not None
    # each window reads what the one before predicts (its first second starts mid-second; an hour
    # on, minutes show digits the first seconds never did): before, a window 12 minutes on was read
    # 6 minutes off, counted as two jumps, and the clock's rate came out 159 ppm
    assert len(clock.segments) == 1 and clock.rejected == 0
    assert abs(clock.segment.clock(0.0) - E) <= 1 / 5  # one frame
    assert clock.segment.rate_measured
    assert abs((clock.segment.rate - 1) * 1e6 - FAST_PPM) <= 50  # turnovers bracketed to 0.2 s


def test_a_clip_of_the_same_recorder_is_placed_at_its_clocks_rate(dvr: tuple[str, str]) -> None:
    m = align(list(dvr), workers=2)
    hour, minute = m.clips
    assert hour.clock is not None and hour.clock.rate_ppm is not None
    assert abs(hour.clock.rate_ppm - FAST_PPM) <= 50
    assert minute.method == "clock" and minute.offset is not None
    assert abs(minute.offset - LATER) <= 1 / 12.5, minute.offset


@pytest.fixture(scope="module")
def summer(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str]:
    """(20 minutes at 12.5 fps whose clock jumps +1 h at 660 s; a minute at 300 s; one at 960 s)."""
    folder = str(tmp_path_factory.mktemp("summer"))
    bikes = os.path.join(DATA, "bikes.mp4")
    hall = recorder(bikes, os.path.join(folder, "hall.mp4"), epoch=E, duration=1200.0, fps="12.5",
                    crop=(0, 0, 320, 272), size=(176, 144), jump=(660.0, 3600.0),
                    overlay=Overlay(fmt="%H:%M:%S", size=16, x=4, y=122, style="box"))
    gate = recorder(bikes, os.path.join(folder, "gate.mp4"), epoch=E + 300.0, duration=60.0,
                    fps="15", at=8.0, crop=(160, 0, 320, 272), size=(176, 144),
                    overlay=Overlay(fmt="%H:%M:%S", size=14, x=4, y=4, style="outline"))
    door = recorder(bikes, os.path.join(folder, "door.mp4"), epoch=E + 3600.0 + 960.0,
                    duration=60.0, fps="12.5", at=5.0, crop=(320, 0, 320, 272), size=(176, 144),
                    overlay=Overlay(fmt="%H:%M:%S", size=14, x=60, y=4, style="shadow"))
    return hall, gate, door


def test_clips_are_placed_by_the_stretch_of_a_jumping_clock_they_fall_in(
        summer: tuple[str, str, str]) -> None:
    m = align(list(summer), workers=2)
    hall, gate, door = m.clips
    assert hall.clock is not None and len(hall.clock.segments) == 2
    assert hall.clock.segments[1].jump_s is not None
    assert abs(hall.clock.segments[1].jump_s - 3600.0) <= 0.2
    assert gate.method == "clock" and gate.offset is not None
    assert abs(gate.offset - 300.0) <= 1 / 15, gate.offset
    assert door.method == "clock" and door.offset is not None
    assert abs(door.offset - 960.0) <= 1 / 12.5, door.offset
