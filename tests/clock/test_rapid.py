"""Reading more clocks, never wrong (issue 20), piece by piece on arrays and strings: the second OCR
engine's characters (rebuilt from a recogniser that gives no boxes), the spaces of a clock's format
put back into a reading without them, a weekday its date is not on, the text's polarity, a seconds
digit whose turnover changes little of it, and a digit that never changes read two ways by one
engine."""

from __future__ import annotations

import numpy as np
import pytest

from syncam.clock.find import _turns
from syncam.clock.parse import normalise, parse, weekday_against, word_starts
from syncam.clock.vote import Vote, bright_text, consensus, shape, static_rival

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _spaced(text: str) -> str:
    starts = word_starts(text)
    assert starts is not None
    for i in reversed(starts):
        text = text[:i] + " " + text[i:]
    return text


def test_spaces_of_the_format_put_back_where_a_reading_lost_them() -> None:
    assert _spaced("SAT2017-11-1823:01:12") == "SAT 2017-11-18 23:01:12"
    assert _spaced("2017/11/1903:03:28") == "2017/11/19 03:03:28"
    assert _spaced("12/11/201701:43:59AM") == "12/11/2017 01:43:59 AM"
    assert _spaced("19:51:2619-11-2017") == "19:51:26 19-11-2017"
    assert _spaced("18.11.201718:44:07") == "18.11.2017 18:44:07"
    assert word_starts("X2017-11-18") is None  # a date without a time is no clock
    # the spaced reading means what the unspaced one meant
    for text in ("SAT2017-11-1823:01:12", "12/11/201701:43:59AM"):
        a, b = parse(text), parse(_spaced(text))
        assert a is not None and b is not None and a.seconds() == b.seconds()


def test_a_weekday_its_date_is_not_on_forbids_reading_the_digits_alone() -> None:
    # 18 Nov 2017 was a Saturday: the year read "2018" (a Sunday) is a misread somewhere
    assert weekday_against("Sat 18.11.2018 18:44:07")
    assert not weekday_against("Sat 18.11.2017 18:44:07")
    assert not weekday_against("18.11.2018 18:44:07")  # no weekday: nothing to contradict
    assert not weekday_against("Sat 18:44:07")  # no date
    assert parse("Sat 18.11.2018 18:44:07") is None


def _line(bright: bool, style: str) -> tuple[np.ndarray, tuple[int, int]]:
    """A grey line of bars (text strokes) on a mid ground, light or dark, with a dark outline."""
    ground = np.full((60, 200), 150, np.uint8)
    ground[:, 100:] = 190  # a ground lighter on the right
    ink = np.zeros_like(ground, bool)
    for x0 in range(20, 180, 10):
        ink[20:40, x0:x0 + 3] = True
    image = ground.copy()
    if style == "outline":
        grown = np.zeros_like(ink)
        for dy in (-2, 0, 2):
            for dx in (-2, 0, 2):
                grown |= np.roll(np.roll(ink, dy, 0), dx, 1)
        image[grown] = 20
    image[ink] = 245 if bright else 40
    return image, (20, 40)


@pytest.mark.parametrize("style", ["plain", "outline"])
def test_polarity_of_the_text_from_its_rows_against_the_rows_around(style: str) -> None:
    image, rows = _line(True, style)
    assert bright_text(image, rows, (0, 200))
    if style == "plain":
        image, rows = _line(False, style)
        assert not bright_text(image, rows, (0, 200))


def test_a_turnover_drawn_over_two_frames_that_changes_a_fifth_of_the_digit_counts() -> None:
    # 25 fps for 3.24 s; a 40-pixel digit that turns over at 0.36 s (a 3 into a 4: drawn in over two
    # frames, 5 pixels each, 8 in all), 1.36 s and 2.36 s (20 pixels); the steps of the phase bin
    times = np.round(np.arange(1, 82) * 0.04, 2)
    steps = np.flatnonzero(np.isin(np.round(times % 1, 2), [0.32, 0.36, 0.40]))
    changes = np.zeros((len(steps), 40), bool)
    for j, k in enumerate(steps):
        if times[k] == 0.36:
            changes[j, 0:5] = True
        elif times[k] == 0.40:
            changes[j, 3:8] = True
        elif round(times[k] % 1, 2) == 0.36:
            changes[j, :20] = True
    share = changes.sum(axis=1) / 40
    turns = _turns(steps, times, changes.reshape(-1, 5, 8), share, 40)
    assert [round(float(times[k]), 2) for k in turns] == [0.36, 1.36, 2.36]
    # no single step of the first changed 30 % of the digit (what one step had to, before)
    assert share[np.isin(times[steps], [0.36, 0.40])].max() < 0.3


def _render(text: str, px: int) -> tuple[np.ndarray, list[tuple[str, float]], tuple[int, int]]:
    """``text`` drawn dark on light by PIL at ``px`` pixels, each character's true centre, and the
    rows of its digits."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, px)
    width = int(font.getlength(text)) + 2 * px
    image = Image.new("L", (width, 3 * px), 235)
    ImageDraw.Draw(image).text((px, px), text, fill=30, font=font)
    centres = []
    for i, ch in enumerate(text):
        if ch != " ":
            x0 = px + font.getlength(text[:i])
            centres.append((ch, x0 + font.getlength(ch) / 2))
    _, top, _, bottom = font.getbbox("0")
    return np.asarray(image), centres, (px + top, px + bottom)


def test_second_engine_reads_a_line_and_places_its_characters() -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from syncam.clock import rapid

    image, centres, (top, bottom) = _render("2017-11-13 15:14:07", 40)
    chars = rapid.read_line(image, bottom - top)
    assert normalise("".join(c.text for c in chars)) == "2017-11-1315:14:07"
    for c, (ch, centre) in zip(chars, centres):
        assert c.text == ch
        if ch.isdigit():  # each digit's box on its digit, within a sixth of a digit's width
            assert abs((c.x0 + c.x1) / 2 - centre) <= 4, (ch, c, centre)
            assert abs(c.y0 - top) <= 3 and abs(c.y1 - bottom) <= 3, (c, top, bottom)


def _votes(texts: list[tuple[int, str, str]]) -> list[Vote]:
    out = []
    for still, text, engine in texts:
        s = parse(text)
        assert s is not None
        out.append(Vote(still, shape(text), s.seconds() - still, False, text, engine))
    return out


def test_a_static_digit_one_engine_read_two_ways_is_no_consensus() -> None:
    # the bench's o098: an 11 px "16:36:1x" read "16:26:1x" in most stills by one engine
    agreeing = [(0, "16:26:16", "rapid"), (0, "16:26:16", "rapid"), (1, "16:26:17", "rapid"),
                (2, "16:26:18", "rapid")]
    kw = {"tolerance": 0.5, "min_stills": 2}
    assert consensus(_votes(agreeing), **kw) == [0, 1, 2, 3]
    assert consensus(_votes([*agreeing, (1, "16:36:17", "rapid")]), **kw) is None
    assert static_rival(_votes([*agreeing, (1, "16:36:17", "rapid")]), [0, 1, 2, 3])
    # another engine's misread of that digit, or a reading two static digits off (junk, not a rival
    # reading of one digit), does not stand against it
    assert consensus(_votes([*agreeing, (1, "16:36:17", "tesseract")]), **kw) == [0, 1, 2, 3]
    assert consensus(_votes([*agreeing, (1, "14:36:17", "rapid")]), **kw) == [0, 1, 2, 3]
