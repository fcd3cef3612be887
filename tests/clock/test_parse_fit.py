"""The clock's pure parts on strings and arrays: parsing formats, deciding date order, the clock's
rules and line, splitting frames into seconds, where the clock is, and the post-solve placement."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import numpy as np
import pytest

from syncam.clock.find import Finder
from syncam.clock.fit import ClipClock, Run, Segment, fit, unwrap_days
from syncam.clock.parse import decide, iso, parse
from syncam.clock.seconds import phase, split, text_level
from syncam.sync.clocks import place
from syncam.types import Method, Placement, Solution

E = datetime(2017, 11, 13, 15, 14, 7, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize("text, fmt, orders", [
    ("2017-11-13 15:14:07", "%Y-%m-%d %H:%M:%S", ("ymd",)),
    ("2017/11/13 15:14:07", "%Y/%m/%d %H:%M:%S", ("ymd",)),
    ("13-11-2017 15:14:07", "%d-%m-%Y %H:%M:%S", ("dmy",)),
    ("13.11.2017 15:14:07", "%d.%m.%Y %H:%M:%S", ("dmy",)),
    ("11/13/2017 03:14:07 PM", "%m/%d/%Y %I:%M:%S %p", ("mdy",)),
    ("MON 2017-11-13 15:14:07", "%a %Y-%m-%d %H:%M:%S", ("ymd",)),
    ("Mon 13.11.2017 15:14:07", "%a %d.%m.%Y %H:%M:%S", ("dmy",)),
    ("15:14:07 13-11-2017", "%H:%M:%S %d-%m-%Y", ("dmy",)),
    ("CAM 3  2017-11-13  15:14:07  REC", "%Y-%m-%d %H:%M:%S", ("ymd",)),
])
def test_formats_parse_to_the_same_instant(text: str, fmt: str, orders: tuple[str, ...]) -> None:
    s = parse(text)
    assert s is not None and s.orders == orders and s.format() == fmt
    assert s.seconds() == E


def test_twelve_hour_clock_and_time_only() -> None:
    assert parse("11/13/2017 12:00:01 AM").hour == 0  # type: ignore[union-attr]
    assert parse("11/13/2017 12:00:01 PM").hour == 12  # type: ignore[union-attr]
    t = parse("15:14:07")
    assert t is not None and t.fields is None and t.seconds() == 15 * 3600 + 14 * 60 + 7
    assert parse("13:71:07") is None and parse("2017-13-40 10:00:00") is None


def test_date_only_and_noise_are_no_clock() -> None:
    assert parse("13.11.2017") is None
    assert parse("CAM 03") is None


def test_ambiguous_dates_are_decided_by_readings_or_reported() -> None:
    a, b = parse("03/04/2017 10:00:00"), parse("13/04/2017 10:00:00")
    assert a is not None and b is not None and a.orders == ("dmy", "mdy")
    assert decide([a]).order is None and decide([a]).ambiguous == ("dmy", "mdy")
    assert decide([a, b]).order == "dmy"  # a day above 12 in one reading decides for all
    assert decide([a], "mdy").order == "mdy"
    # 03/04/2017 is Monday 3 April read day-first, Saturday 4 March read month-first
    monday = parse("MON 03/04/2017 10:00:00")
    assert monday is not None and decide([monday]).order == "dmy"
    assert decide([monday]).how == "the weekday"


def test_iso_has_milliseconds() -> None:
    assert iso(E + 0.25) == "2017-11-13T15:14:07.250Z"
    assert iso(3600 * 15 + 0.5, dated=False) == "15:00:00.500"


def _runs(offset: float, fps: float, seconds: float, rate: float = 1.0,
          start: float = 0.0) -> list[Run]:
    """The runs a clock offset + rate * t shows, sampled at ``fps`` from clip time ``start``."""
    t = start + np.arange(int(seconds * fps)) / fps
    v = np.floor(offset + rate * t)
    out: list[Run] = []
    for ti, vi in zip(t, v):
        if out and out[-1].value == vi:
            out[-1] = Run(out[-1].first, float(ti), vi)
        else:
            out.append(Run(float(ti), float(ti), float(vi)))
    return out


KW = {"jump_tolerance": 1.5, "min_runs": 3, "rate_min_span": 120.0, "slack": 0.2}


@pytest.mark.parametrize("fps", [12.5, 15.0, 25.0, 30000 / 1001])
def test_line_within_a_frame_from_turnovers(fps: float) -> None:
    for frac in (0.0, 0.13, 0.5, 0.91):
        f = fit(_runs(E + frac, fps, 10.0), **KW)
        assert f is not None and len(f.segments) == 1 and f.rejected == 0
        assert abs(f.segments[0].offset - (E + frac)) <= 1 / fps


def test_rate_measured_over_long_spans_only() -> None:
    long = fit(_runs(E, 25.0, 600.0, rate=1 + 80e-6), **KW)
    assert long is not None and long.segments[0].rate_measured
    # within 30 ppm: under half a frame over the ten minutes
    assert abs((long.segments[0].rate - 1) * 1e6 - 80) < 30
    short = fit(_runs(E, 25.0, 10.0, rate=1 + 80e-6), **KW)
    assert short is not None and not short.segments[0].rate_measured


def test_misreads_dropped_and_counted() -> None:
    runs = _runs(E, 25.0, 12.0)
    runs[4] = Run(runs[4].first, runs[4].last, runs[4].value + 6)  # "7" read as "1"  # type: ignore
    runs[8] = Run(runs[8].first, runs[8].last, runs[8].value + 1)  # one off  # type: ignore
    runs[2] = Run(runs[2].first, runs[2].last, None)
    f = fit(runs, **KW)
    assert f is not None and f.rejected == 2 and f.unread == 1 and len(f.segments) == 1
    assert abs(f.segments[0].offset - E) <= 0.04


def test_jump_splits_into_segments() -> None:
    runs = _runs(E, 25.0, 6.0) + _runs(E + 3600, 25.0, 6.0, start=6.0)
    f = fit(runs, **KW)
    assert f is not None and len(f.segments) == 2
    assert abs(f.segments[1].jump - 3600) < 0.05  # type: ignore[operator]
    assert abs(f.segments[1].offset - (E + 3600)) <= 0.04


def test_a_window_misread_between_agreeing_stretches_is_no_jump() -> None:
    runs = _runs(E, 25.0, 8.0) + [Run(r.first, r.last, r.value - 360)  # type: ignore[operator]
                                  for r in _runs(E, 25.0, 4.0, start=60.0)] \
        + _runs(E, 25.0, 8.0, start=120.0)
    f = fit(runs, **KW)
    assert f is not None and len(f.segments) == 1 and f.rejected == 4


def test_text_that_never_changes_is_no_clock() -> None:
    runs = [Run(k * 1.0, k + 0.96, E) for k in range(8)]
    assert fit(runs, **KW) is None


def test_midnight_wraps_for_clocks_without_a_date() -> None:
    assert unwrap_days([86398.0, 86399.0, None, 0.0, 1.0]) == [86398.0, 86399.0, None, 86400.0,
                                                                86401.0]


def _digits(seed: int = 0) -> np.ndarray:
    """Ten 9x6 digit pictures (bright strokes on dark)."""
    rng = np.random.default_rng(seed)
    return (rng.random((10, 9, 6)) > 0.55).astype(np.float32) * 200 + 30


def test_seconds_split_at_the_turnover_behind_a_busy_background() -> None:
    fps, at = 25.0, 0.36
    times = np.arange(200) / fps
    digits = _digits()
    rng = np.random.default_rng(1)
    shown = digits[np.floor(times - at).astype(int) % 10]
    ground = rng.uniform(0, 150, shown.shape)  # the see-through text's ground moves every frame
    boxes = np.where(shown > 100, shown, ground).astype(np.float32)
    level = text_level(boxes)
    p = phase(times, boxes, 1 / fps, level)
    assert abs(((p - at + 0.5) % 1.0) - 0.5) <= 1 / fps
    starts = split(times, boxes, p, level)
    truth = [int(np.ceil((k + at) * fps - 1e-9)) for k in range(0, 8)]
    assert starts == truth


def test_finder_finds_the_seconds_digit_not_the_moving_ground() -> None:
    h, w, fps = 120, 160, 25.0
    rng = np.random.default_rng(2)
    digits = _digits(3).astype(np.uint8)
    finder = Finder(40)
    for k in range(int(3.4 * fps)):
        t = k / fps
        frame = np.full((h, w), 40, np.uint8)
        frame[60:120, :] = rng.integers(0, 255, (60, w), dtype=np.uint8)  # a busy road below
        frame[10:19, 100:106] = digits[int(np.floor(t + 0.3)) % 10]
        frame[10:19, 90:96] = digits[4]  # a digit that does not change
        finder.feed(frame[None], np.array([t]))
    found = finder.candidates(left=3, right=1, margin=0.5)
    assert found and found[0].digit[0] in range(99, 102) and found[0].digit[1] in range(9, 12)
    assert len(found[0].turnovers) >= 3


def _clock(offset: float, dated: bool = True) -> ClipClock:
    seg = Segment(start=0.0, end=10.0, offset=offset, rate=1.0, rate_measured=False, runs=10,
                  jump=None)
    return ClipClock(text="", format="", region=(0, 0, 1, 1), readings=10, rejected=0, unread=0,
                     segments=(seg,), placing=0, dated=dated, order="ymd")


def test_clocks_place_what_content_did_not_and_report_a_wrong_day() -> None:
    # clip 0: reference, clock right; 1: placed by content at +1 s, its clock a day off;
    # 2 and 3: nothing heard or seen, placed by their clocks
    sol = Solution(reference=0, placements=(Placement(0.0, method=Method.AUDIO),
                                            Placement(1.0, method=Method.MOTION), None, None),
                   verdicts=())
    clocks = [_clock(E), _clock(E + 1 + 86400.02), _clock(E + 5.5), None]
    out = place(sol, clocks, ["", "", "", ""], [25.0] * 4, ["a", "b", "c", "d"],
                contradicts_frames=2.0, confidence=0.2)
    p = out.solution.placements
    assert p[1] is not None and p[1].offset == 1.0 and p[1].method is Method.MOTION
    assert p[2] is not None and abs(p[2].offset - 5.5) < 1e-6 and p[2].method is Method.CLOCK
    assert p[3] is None
    assert out.at_zero == E and out.wall_from == (0,)
    assert abs(out.errors[1] - 86400.02) < 1e-6 and out.errors[0] == 0.0  # type: ignore[operator]
    assert any("b: its clock is +1 d 00:00:00.020 off" in n for n in out.notes)


def test_a_recorder_group_shares_its_measured_error() -> None:
    sol = Solution(reference=0, placements=(Placement(0.0, method=Method.AUDIO),
                                            Placement(2.0, method=Method.AUDIO), None, None),
                   verdicts=())
    # clips 1 and 2 are one DVR set 3600 s fast; clip 3 a DVR nothing measured
    clocks = [_clock(E), _clock(E + 2 + 3600), _clock(E + 3600 + 7), _clock(E + 9)]
    out = place(sol, clocks, ["", "dvr", "dvr", "other"], [25.0] * 4, list("abcd"),
                contradicts_frames=2.0, confidence=0.2)
    p = out.solution.placements
    assert p[2] is not None and abs(p[2].offset - 7) < 1e-6 and out.errors[2] == 3600
    assert p[3] is not None and abs(p[3].offset - 9) < 1e-6 and out.errors[3] is None


def test_a_clock_that_runs_fast_places_by_its_measured_rate() -> None:
    """One recorder whose clock runs 200 ppm fast: the hour-long reference measured that rate, so a
    clip that only its clock places, 40 minutes on, sits where the clock says at that rate (at the
    rate 1 it would be 0.48 s late); its own rate, measured alike, is no drift against the timeline."""
    fast = 1.0 + 200e-6
    ref = replace(_clock(E), segments=(Segment(0.0, 3600.0, E, fast, True, 19, None),))
    late = replace(_clock(E + 2400 * fast), segments=(
        Segment(0.0, 600.0, E + 2400 * fast, fast, True, 60, None),))
    sol = Solution(reference=0, placements=(Placement(0.0, method=Method.MOTION), None, None),
                   verdicts=())
    out = place(sol, [ref, late, _clock(E + 2400 * fast)], ["", "", ""], [12.5] * 3, list("abc"),
                contradicts_frames=2.0, confidence=0.2)
    p = out.solution.placements
    assert p[1] is not None and abs(p[1].offset - 2400.0) < 1e-6 and abs(p[1].drift_ppm) < 1e-6
    assert p[2] is not None and abs(p[2].offset - 2400.0) < 1e-6 and p[2].drift_ppm == 0.0


def test_a_clock_that_jumps_places_by_the_stretch_the_reading_falls_in_or_not_at_all() -> None:
    """The reference's recorder changes to summer time between its windows at 4100 s and 4300 s
    (+1 h): a clip whose clock shows a time after the change is placed by the stretch after it (by
    the longest stretch it would be an hour late); one before it by the stretch before. When the
    clocks go back an hour instead, a reading of the repeated hour fits both stretches: unplaced."""
    def jumping(back: float) -> ClipClock:
        return replace(_clock(E), segments=(
            Segment(0.0, 4100.0, E, 1.0, True, 30, None),
            Segment(4300.0, 7200.0, E + back, 1.0, True, 20, back)), placing=0)

    sol = Solution(reference=0, placements=(Placement(0.0, method=Method.MOTION), None, None),
                   verdicts=())
    out = place(sol, [jumping(3600.0), _clock(E + 3600 + 6000), _clock(E + 3000)], ["", "", ""],
                [25.0] * 3, list("abc"), contradicts_frames=2.0, confidence=0.2)
    p = out.solution.placements
    assert p[1] is not None and abs(p[1].offset - 6000.0) < 1e-6
    assert p[2] is not None and abs(p[2].offset - 3000.0) < 1e-6
    out = place(sol, [jumping(-3600.0), _clock(E + 1000), None], ["", "", ""], [25.0] * 3,
                list("abc"), contradicts_frames=2.0, confidence=0.2)
    assert out.solution.placements[1] is None and "fits 2 of the stretches" in out.reasons[1]


def test_a_clip_whose_own_clock_jumps_is_placed_by_the_stretch_that_meets_the_timeline() -> None:
    """A 20-minute recording whose clock moves an hour on 5 minutes in, beside a reference of the
    same recorder that showed its clock over its first 3 minutes: placed by its first stretch, the
    one that overlaps the reference (by its longest, the second, it would be an hour late). Recorded
    where no stretch of it meets the reference, which stretch shares the reference's clock is
    unknown: unplaced."""
    ref = replace(_clock(E), segments=(Segment(0.0, 180.0, E, 1.0, True, 30, None),))

    def jumping(start: float) -> ClipClock:
        return replace(_clock(start), segments=(
            Segment(0.0, 300.0, start, 1.0, True, 30, None),
            Segment(300.0, 1200.0, start + 3600.0, 1.0, True, 90, 3600.0)), placing=1)

    sol = Solution(reference=0, placements=(Placement(0.0, method=Method.MOTION), None, None),
                   verdicts=())
    out = place(sol, [ref, jumping(E + 60.0), jumping(E + 1000.0)], ["", "", ""], [25.0] * 3,
                list("abc"), contradicts_frames=2.0, confidence=0.2)
    p = out.solution.placements
    assert p[1] is not None and abs(p[1].offset - 60.0) < 1e-6
    assert p[2] is None and "fits none of the stretches" in out.reasons[2]


def test_a_time_of_day_after_midnight_is_placed_on_the_day_nearest_the_clocks_placing_it() -> None:
    """Clocks without a date count seconds from midnight. The reference shows 23:55:00 at timeline
    0; a clip showing 00:10:00 is 15 minutes later (the next day), not 23 h 45 min earlier."""
    ref = replace(_clock(86100.0, dated=False),
                  segments=(Segment(0.0, 1200.0, 86100.0, 1.0, True, 30, None),), dated=False)
    sol = Solution(reference=0, placements=(Placement(0.0, method=Method.MOTION), None, None),
                   verdicts=())
    out = place(sol, [ref, _clock(600.0, dated=False), _clock(86000.0, dated=False)],
                ["", "", ""], [25.0] * 3, list("abc"), contradicts_frames=2.0, confidence=0.2)
    p = out.solution.placements
    assert p[1] is not None and abs(p[1].offset - 900.0) < 1e-6
    assert p[2] is not None and abs(p[2].offset + 100.0) < 1e-6  # 23:53:20, the same day


def test_no_clock_tied_to_the_timeline_places_nothing() -> None:
    sol = Solution(reference=0, placements=(Placement(0.0, method=Method.AUDIO), None), verdicts=())
    out = place(sol, [None, _clock(E)], ["", ""], [25.0, 25.0], ["a", "b"],
                contradicts_frames=2.0, confidence=0.2)
    assert out.solution.placements[1] is None and "make a clip with a clock" in out.reasons[1]


def test_clock_groups_by_rule_and_a_rule_matching_nothing_is_an_error() -> None:
    from syncam.clock.options import groups, order_option
    from syncam.errors import UsageError

    paths = ["/x/dvr1_cam1.mp4", "/x/dvr1_cam2.mp4", "/x/phone.mp4"]
    assert groups(paths, [("dvr1", "dvr1_*")]) == ["dvr1", "dvr1", ""]
    with pytest.raises(UsageError, match="matches none of the clips"):
        groups(paths, [("dvr2", "dvr2_*")])
    assert order_option("day-first") == "dmy" and order_option(None) is None
    with pytest.raises(UsageError, match="not a date order"):
        order_option("yyyy")
