"""The bootstrap's defences, on arrays and strings: the pictures shown to OCR, the vote that only
believes readings of several seconds agreeing on one clock, the strict weekday, and the second
finder that sees a seconds digit through a busy ground."""

from __future__ import annotations

import numpy as np

from syncam.clock.find import Steady
from syncam.clock.parse import parse
from syncam.clock.vote import Vote, consensus, pictures, shape, stray_digits

E = 1510586047.0  # 2017-11-13 15:14:07 (a Monday)


def _strokes() -> tuple[np.ndarray, np.ndarray]:
    """A line of white bars (strokes 3 px wide, 24 px tall) over a ground that runs from dark on
    the left to light grey on the right, lighter than the text's own stroke level on a dark ground
    would suggest to a global threshold."""
    ground = np.tile(np.linspace(30, 200, 240), (40, 1))
    ink = np.zeros((40, 240), bool)
    for x0 in range(10, 230, 12):
        ink[8:32, x0:x0 + 3] = True
    return np.where(ink, 245, ground).astype(np.uint8), ink


def test_top_hat_picture_shows_text_dark_on_light_whatever_the_ground() -> None:
    image, ink = _strokes()
    top_hat = pictures(image, True, 24)[0]
    # the strokes are darker than the ground on the dark and on the light side alike, and the
    # ground is white on both
    for side in (slice(0, 80), slice(160, 240)):
        assert top_hat[:, side][~ink[:, side]].mean() > 240
        assert top_hat[:, side][ink[:, side]].mean() < 240 - 60
    assert top_hat[:, :80][ink[:, :80]].mean() < 30
    # a global threshold between the text and the median makes the light ground ink: the picture
    # the reader used to rely on alone
    cut = pictures(image, True, 24)[-2]
    assert (cut[:, 200:][~ink[:, 200:]] == 0).mean() > 0.4
    # dark text on a light ground: the other polarity shows it the same way
    dark = pictures(255 - image, False, 24)[0]
    assert np.array_equal(dark, top_hat)


def test_stray_digits_and_shape() -> None:
    text = "F 2017/12/09 23:43:30"
    s = parse("23:43:30")
    assert s is not None
    assert stray_digits(text, text.index("23:43"), len(text)) == 8  # the date, read as no date
    assert stray_digits("CAM 1 2017-11-13 15:14:07", 6, 25) == 1
    assert shape("13.11.2017  15:14:07") == "##:##:#### ##:##:##"
    assert shape("MON. 13-11-2017 15:14:07") == shape("MON 13-11-2017 15:14:07")


def test_a_weekday_that_contradicts_the_date_is_no_reading() -> None:
    assert parse("MON 2017-11-13 15:14:07") is not None
    assert parse("SAT 18.11.20 18:44:06") is None  # 18.11.2020 is a Wednesday: a misread year
    assert parse("SAT 18.11.2017 18:44:06") is not None


def test_a_year_no_recorder_shows_is_no_reading() -> None:
    assert parse("11/29/2617 11:44:13 AM") is None  # "2017" misread alike in every still
    assert parse("1970-01-01 00:00:00") is None
    assert parse("1999-12-31 23:59:59") is not None


def _votes(reads: list[tuple[int, str]]) -> list[Vote]:
    """Votes from (still, text) pairs; still k starts at clip time k (just after its turnover)."""
    out = []
    for still, text in reads:
        s = parse(text)
        assert s is not None, text
        out.append(Vote(still, shape(s.text), s.seconds() - still, s.fields is not None))
    return out


def test_consensus_needs_two_seconds_agreeing() -> None:
    right = ["2017-11-13 15:14:07", "2017-11-13 15:14:08", "2017-11-13 15:14:09"]
    votes = _votes([(k, t) for k, t in enumerate(right)] + [(1, "2017-11-13 15:14:03")])
    agree = consensus(votes, tolerance=0.5, min_stills=2)
    assert agree == [0, 1, 2]
    # one still, however many pictures read it alike, is not enough
    one = _votes([(0, right[0]), (0, right[0]), (0, right[0])])
    assert consensus(one, tolerance=0.5, min_stills=2) is None


def test_a_misread_as_common_as_half_the_right_reads_leaves_the_clock_unread() -> None:
    # every still shows its year alike: OCR misreads it alike too ("2017" as "2018")
    reads = [(k, f"2017-11-13 15:14:{7 + k:02d}") for k in range(3)] * 2
    reads += [(k, f"2018-11-13 15:14:{7 + k:02d}") for k in range(3)]
    votes = _votes(reads)
    assert consensus(votes, tolerance=0.5, min_stills=2) is None
    # scattered misreads do not stop it
    scattered = _votes(reads[:6] + [(0, "2011-11-13 15:14:07"), (2, "2012-11-13 15:14:09")])
    assert consensus(scattered, tolerance=0.5, min_stills=2) == list(range(6))


def test_a_fuller_layout_wins_and_partial_reads_of_the_same_clock_support_it() -> None:
    # two reads of 3:14 PM with AM/PM; four that missed it (a 12-hour clock read as 03:14, twelve
    # hours off) and two that missed the date: those say nothing against the PM clock
    reads = [(0, "11/13/2017 03:14:07 PM"), (2, "11/13/2017 03:14:09 PM"),
             (0, "11/13/2017 03:14:07"), (1, "11/13/2017 03:14:08"),
             (2, "11/13/2017 03:14:09"), (1, "11/13/2017 03:14:08"),
             (1, "15:14:08"), (2, "15:14:09")]
    votes = _votes(reads)
    assert consensus(votes, tolerance=0.5, min_stills=2) == [0, 1]
    # but reads of another time of day, half as many as those that support it, stop it
    other = [(k % 3, f"11/13/2017 04:14:{7 + k % 3:02d} PM") for k in range(4)]
    votes = _votes(reads + other)
    assert consensus(votes, tolerance=0.5, min_stills=2) is None


def _digit_frames(busy: bool, digit: bool, seconds: float = 3.4, fps: float = 25.0,
                  seed: int = 3) -> list[tuple[np.ndarray, float]]:
    """Frames of a busy road (every pixel of the lower half new each frame; ``busy``: the upper
    half moves too, slowly: blobs that drift) with, when ``digit``, a seconds digit that turns at
    clip time 0.3 + k over the upper half (opaque, 9x6 px)."""
    rng = np.random.default_rng(seed)
    glyphs = (rng.random((10, 9, 6)) > 0.5).astype(np.uint8) * 200 + 30
    out = []
    for k in range(int(seconds * fps)):
        t = k / fps
        frame = np.full((120, 160), 90, np.uint8)
        frame[60:, :] = rng.integers(0, 255, (60, 160), dtype=np.uint8)
        if busy:
            x = int(20 + 40 * t)
            frame[20:50, x:x + 25] = 220
        if digit:
            frame[10:19, 100:106] = glyphs[int(np.floor(t + 0.3)) % 10]
        out.append((frame, t))
    return out


def test_steady_finder_sees_the_digit_through_a_busy_ground() -> None:
    steady = Steady()
    for frame, t in _digit_frames(busy=True, digit=True):
        steady.feed(frame[None], np.array([t]))
    found = steady.candidates(left=3, right=1, margin=0.5)
    assert found and abs(found[0].digit[0] - 100) <= 1 and abs(found[0].digit[1] - 10) <= 1
    # its turnovers fall within a quarter second of the clock's (0.7, 1.7, ...)
    assert len(found[0].turnovers) >= 3
    assert all(abs(((t - 0.7 + 0.5) % 1.0) - 0.5) <= 0.25 for t in found[0].turnovers)


def test_steady_finder_finds_nothing_without_a_clock() -> None:
    steady = Steady()
    for frame, t in _digit_frames(busy=True, digit=False):
        steady.feed(frame[None], np.array([t]))
    assert steady.candidates(left=3, right=1, margin=0.5) == []


def test_a_time_alone_never_wins_where_a_date_was_read() -> None:
    # the date read three ways, never twice alike: its time alone agrees, but the clock is unread
    reads = [(0, "2017-11-15 05:56:36"), (1, "2016-11-15 05:56:37"), (2, "2017-11-16 05:56:38"),
             (0, "05:56:36"), (1, "05:56:37"), (2, "05:56:38")]
    assert consensus(_votes(reads), tolerance=0.5, min_stills=2) is None


def test_a_reading_with_its_weekday_against_the_winners_stops_them() -> None:
    # "2017" misread "2011" alike in three stills; a read with its weekday says 2017
    reads = [(k, f"04.12.2011 03:20:{58 + k:02d}") for k in range(2)] * 3
    reads += [(1, "MON 04.12.2017 03:20:59")]
    assert consensus(_votes(reads), tolerance=0.5, min_stills=2) is None
    assert consensus(_votes(reads[:-1]), tolerance=0.5, min_stills=2) is not None
