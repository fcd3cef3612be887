"""One clip's burned-in clock, end to end: find it, decode only its line, read each second, fit.

1. :class:`~syncam.clock.find.Finder` on the first seconds at full resolution (a clip without a clock
   costs only that);
2. the line of text around the seconds digit, cropped and grey in ffmpeg, for the whole clip when it
   is short, else in windows spread over it (and between two windows that disagree, to find a jump);
3. each run of frames showing one second is read on its median (moving background and compression
   noise average out): OCR for the first seconds and for digits not seen yet, the clip's own glyph
   templates for the rest;
4. :func:`~syncam.clock.fit.fit`: the clock's rules, segments, the line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import NamedTuple

import cv2
import numpy as np

from syncam import config
from syncam.clock import ocr, rapid, seconds, vote
from syncam.clock.find import Finder, Found, Steady
from syncam.clock.fit import ClipClock, Run, fit, placing_segment, unwrap_days
from syncam.clock.glyphs import Glyphs, Slot
from syncam.clock.parse import Stamp, decide, normalise, parse, weekday_against, word_starts
from syncam.errors import MediaError
from syncam.media import ffmpeg
from syncam.types import Clip

log = logging.getLogger(__name__)

_PAD = 12  # pixels of border around a line given to Tesseract
_TIME = re.compile(r"\d{1,2}[:.]\d{2}[:.]\d{2}")  # HH:MM:SS in a reading without spaces


@dataclass(frozen=True)
class _Reading:
    """One OCR reading of a scaled line that parses as a date/time: the text as read from the
    date/time's first character to its last, their boxes, the polarity it was read in (True: text
    lighter than its ground) and the engine that read it ("rapid" or "tesseract")."""

    stamp: Stamp
    text: str
    chars: list[ocr.Char]
    bright: bool
    engine: str


class _Second(NamedTuple):
    """One run of frames showing one second of the clock: its first and last frames' clip times,
    the clip time at which that second began (its first frame's, but for a run that a chunk starts
    mid-second, a second before the frame after its last), and what it read as (None: unread)."""

    first: float
    last: float
    began: float
    stamp: Stamp | None


class _Reader:
    """Reads the runs of one clip's clock line, window after window."""

    def __init__(self, found: Found) -> None:
        bx, by, _, _ = found.band
        dx, dy, dw, dh = found.digit
        self.found = found
        self.unit = (dx - bx, dy - by, dw, dh)
        self.scale = config.CLOCK_GLYPH_HEIGHT / dh
        self.glyphs: Glyphs | None = None
        self.invert: bool | None = None
        self.ocr_reads = 0
        self.first_text: str | None = None
        self.text_box: tuple[float, float, float, float] | None = None  # in the scaled band
        self.runs: list[_Second] = []
        self.phase: float | None = None  # clip time modulo 1 at which the seconds turn over
        self.stretch = 0  # the first run of the stretch being read
        self.inferred = 0  # seconds whose new glyphs the clock's rules named (see _infer)
        self.sure = False  # the second expected is backed by two agreeing readings
        self.on_trial = False  # found, but no still of it read as a date/time yet
        self.budget = config.CLOCK_OCR_BUDGET  # OCR reads left to this clip
        # clock minus clip time as the bootstrap's agreeing reads found it (at a second's first frame)
        self.anchor: float | None = None
        # the first OCR reads: (image, reading, clip time of its first frame)
        self.boot: list[tuple[np.ndarray, _Reading, float]] = []
        # the second engine's last reading that shows a time but no date/time (text, characters)
        self.partial: tuple[str, list[ocr.Char]] | None = None

    # --- OCR ------------------------------------------------------------------------------------
    def _reads(self, image: np.ndarray) -> Iterator[_Reading]:
        """The readings of a scaled line that parse as a date/time: the second engine's first, then
        Tesseract's, one per way of showing it (:func:`~syncam.clock.vote.pictures`, each at full
        size and some also smaller, in :data:`_SHOWN` order; the text's known polarity first).
        Character boxes are in the scaled line's pixels (plus _PAD). A reading that leaves digits of
        the line unexplained is no reading."""
        if rapid.available():
            for which in (None, 0):  # the grey line, then its top-hat picture (vote.pictures)
                read = self._rapid(image, which)
                if read is not None:
                    yield read
        polarities = [True, False] if self.invert is None else [self.invert, not self.invert]
        for bright in polarities:
            pictures: dict[float, list[np.ndarray]] = {}
            for which, size in _SHOWN:
                if size not in pictures:
                    shrunk = image if size == 1.0 else cv2.resize(
                        image, None, fx=size, fy=size, interpolation=cv2.INTER_AREA)
                    pictures[size] = vote.pictures(shrunk, bright,
                                                   round(size * config.CLOCK_GLYPH_HEIGHT))
                picture = pictures[size][which]
                shown = cv2.copyMakeBorder(picture, _PAD, _PAD, _PAD, _PAD, cv2.BORDER_REPLICATE)
                for digits_only in (False, True):
                    if self.ocr_reads >= self.budget:
                        return
                    self.ocr_reads += 1
                    chars = ocr.read_line(shown, digits_only=digits_only)
                    text = normalise("".join(c.text for c in chars))
                    stamp = parse(text) if len(text) == len(chars) else None
                    if stamp is not None and vote.stray_digits(text, stamp.start, stamp.end) <= 1:
                        kept = [_unscale(c, size) for c in chars[stamp.start:stamp.end]]
                        yield _Reading(stamp, text[stamp.start:stamp.end], kept, bright,
                                       "tesseract")
                        break
                    if sum(ch.isdigit() for ch in text) < 8 or weekday_against(text):
                        # too few digits for a date and time, or a weekday its date is not on (the
                        # digits read alone would leave the weekday's word out): no second read
                        break

    def _rapid(self, image: np.ndarray, which: int | None) -> _Reading | None:
        """The second engine's reading of a scaled line (:mod:`syncam.clock.rapid`), when it
        parses as a date/time, as :meth:`_reads` gives it; its polarity from the picture. ``which``:
        the picture of :func:`vote.pictures` it reads, None for the grey line."""
        if self.ocr_reads >= self.budget:
            return None
        self.ocr_reads += 1
        bright = self.invert
        if bright is None:  # the rows of the seconds digit the find step saw
            _, uy, _, uh = self.unit
            bright = vote.bright_text(image, (int(uy * self.scale), int((uy + uh) * self.scale)),
                                      (0, image.shape[1]))
        picture = (255 - image if bright else image) if which is None else vote.pictures(
            image, bright, config.CLOCK_GLYPH_HEIGHT)[which]
        shown = cv2.copyMakeBorder(picture, _PAD, _PAD, _PAD, _PAD, cv2.BORDER_REPLICATE)
        chars = rapid.read_line(shown, config.CLOCK_GLYPH_HEIGHT)
        text = normalise("".join(c.text for c in chars))
        if len(text) != len(chars):
            return None
        starts = word_starts(text)
        stamp = None
        if starts is not None:
            spaced, kept = text, list(chars)
            for i in reversed(starts):  # the spaces of the clock's format, between the characters
                gap = (kept[i - 1].x1 + kept[i].x0) // 2
                kept.insert(i, ocr.Char(" ", gap, kept[i].y0, gap, kept[i].y1))
                spaced = spaced[:i] + " " + spaced[i:]
            stamp = parse(spaced)
        if stamp is None or vote.stray_digits(spaced, stamp.start, stamp.end) > 1:
            cut = _TIME.search(text)
            if cut is not None:  # no date/time, but a time: a line cut short? (see _vote)
                for i in (cut.end(), cut.start()):  # the time as a word of its own
                    c = chars[i - 1] if i else chars[0]
                    chars.insert(i, ocr.Char(" ", c.x1, c.y0, c.x1, c.y1))
                    text = text[:i] + " " + text[i:]
                self.partial = (text, chars)
            return None
        if any(len(g) == 1 for g in re.findall(r"\d+", stamp.text)):
            # a number of one digit: CTC decoding collapses a doubled digit that nothing parts
            # ("19-11-2017" read "19-1-2017", "11:05" "1:05"), and a clock pads its numbers
            return None
        return _Reading(stamp, spaced[stamp.start:stamp.end], kept[stamp.start:stamp.end], bright,
                        "rapid")

    def _ocr(self, image: np.ndarray, expect: float | None = None) -> _Reading | None:
        """The first reading of a scaled line in this clock's layout (once known) that shows
        ``expect`` (when given); None when no way of showing it reads so."""
        for read in self._reads(image):
            if self.glyphs is not None and not self.glyphs.fits(read.text):
                continue
            if expect is None or read.stamp.seconds() == expect:
                if self.invert is None:
                    self.invert = read.bright
                return read
        return None

    def _setup(self, text: str, chars: list[ocr.Char]) -> None:
        stamp = parse(text)
        assert stamp is not None
        time_at = text.find(f"{stamp.minute:02d}") - 3  # where HH:MM:SS starts, near enough
        # each character's cell reaches halfway to its neighbours' ink: the centre of a digit's
        # cell, not of its ink, is where any digit of a tabular font is drawn (a "1" is narrow)
        bounds = []
        for i, c in enumerate(chars):
            prev = chars[i - 1] if i > 0 and text[i - 1] != " " else None
            nxt = chars[i + 1] if i + 1 < len(chars) and text[i + 1] != " " else None
            left = (prev.x1 + c.x0) / 2 if prev is not None else None
            right = (c.x1 + nxt.x0) / 2 if nxt is not None else None
            bounds.append((left, right))
        cells = [r - lf for (lf, r), ch in zip(bounds, text) if ch.isdigit() and lf is not None
                 and r is not None]
        width = float(np.median(cells)) if cells else float(
            max(c.x1 - c.x0 for ch, c in zip(text, chars) if ch.isdigit()))
        slots = []
        for i, (ch, c) in enumerate(zip(text, chars)):
            left, right = bounds[i]
            centre = ((left + right) / 2 if left is not None and right is not None else
                      left + width / 2 if left is not None else
                      right - width / 2 if right is not None else (c.x0 + c.x1) / 2) - _PAD
            if ch.isdigit():
                slow = stamp.fields is not None and (i > time_at + 8 if stamp.time_first
                                                     else i < time_at)
                slots.append(Slot(i, centre, "digit", slow))
            elif ch in "AP" and text[i + 1: i + 2] == "M" and i > 0:
                slots.append(Slot(i, (c.x0 + c.x1) / 2 - _PAD, "ampm"))
        self.glyphs = Glyphs(text, slots, width=int(round(width)),
                             give=max(2, round(0.2 * config.CLOCK_GLYPH_HEIGHT)),
                             keep=config.CLOCK_GLYPH_KEEP, min_score=config.CLOCK_GLYPH_MIN)
        self.first_text = text
        self.text_box = (min(c.x0 for c in chars) - _PAD, min(c.y0 for c in chars) - _PAD,
                         max(c.x1 for c in chars) - _PAD, max(c.y1 for c in chars) - _PAD)

    def _bootstrap(self, image: np.ndarray, read: _Reading, at: float) -> None:
        """Keep the OCR reads of whole seconds; once CLOCK_BOOTSTRAP of them are in, set the layout
        and learn the glyphs from the reads that agree (:func:`~syncam.clock.vote.consensus`), never
        from a misread; while none agree, read more (within the OCR budget)."""
        self.boot.append((image, read, at))
        if len(self.boot) < config.CLOCK_BOOTSTRAP:
            return
        votes = [vote.Vote(i, vote.shape(r.text), r.stamp.seconds() - t, r.stamp.fields is not None,
                           r.text, r.engine) for i, (_, r, t) in enumerate(self.boot)]
        if self.found.dated and not any(v.dated for v in votes):
            return  # the find step read a date here: a time alone is a partial reading
        agree = vote.consensus(votes, tolerance=config.CLOCK_VOTE_TOLERANCE,
                               min_stills=config.CLOCK_VOTE_STILLS)
        if agree is None:
            return
        self._adopt([self.boot[j][:2] for j in agree])
        self.anchor = float(np.median([votes[j].k for j in agree]))
        self.boot = []

    def _adopt(self, reads: Sequence[tuple[np.ndarray, _Reading]]) -> None:
        """Set the layout from the first of ``reads`` (images and their readings, which agree on
        one clock) and learn the glyphs of all of them. Seconds read before, in another layout:
        misreads (a time read without its date would count from midnight)."""
        self._setup(reads[0][1].text, reads[0][1].chars)
        assert self.glyphs is not None
        for image, read in reads:
            self.glyphs.learn(image, read.text)
        layout = vote.shape(reads[0][1].text)
        self.runs = [r if r.stamp is None or vote.shape(r.stamp.text) == layout
                     else r._replace(stamp=None) for r in self.runs]

    def _read(self, image: np.ndarray, expect: float | None, at: float) -> Stamp | None:
        """One second's reading: the templates', checked against ``expect`` (the second before, plus
        one) where known; OCR where they cannot read it or it breaks that rule."""
        stamp = None
        if self.glyphs is not None:
            # within a stretch, the date read the second before stands unless the time of day
            # wrapped (midnight), so only the time's digits are matched
            prev = self.runs[-1].stamp if len(self.runs) > self.stretch else None
            date = (prev.text if prev is not None and self.glyphs.fits(prev.text)
                    and prev.hour < 23 else None)
            text = self.glyphs.read(image, date)
            stamp = parse(text) if text is not None else None
            if stamp is not None and (expect is None or stamp.seconds() == expect):
                return stamp
        read = self._ocr(image)
        if read is None and expect is not None and self.glyphs is not None and (
                stamp is None or self.sure):
            return self._infer(image, expect) or stamp
        if read is None:
            return stamp
        if self.glyphs is None:
            self._bootstrap(image, read, at)
            return read.stamp
        if not self.glyphs.fits(read.text):
            return stamp  # OCR read another layout than this clock's: a misread
        if expect is None or read.stamp.seconds() == expect:
            self.glyphs.learn(image, read.text)
            return read.stamp
        return stamp if stamp is not None else read.stamp

    def _infer(self, image: np.ndarray, expect: float) -> Stamp | None:
        """A second showing a digit the templates have not seen and OCR cannot read: the clock's
        rules say what it shows (the second read before it plus the seconds since); its glyphs are
        learned as that, and the next time they show they are read, and checked, like any other."""
        assert self.glyphs is not None and self.first_text is not None
        layout = parse(self.first_text)
        assert layout is not None
        when = datetime.fromtimestamp(expect, timezone.utc)
        digits = [d for d in when.strftime(layout.format().replace("%a", "")) if d.isdigit()]
        if layout.fields is None:  # time of day only: the format has no date digits
            digits = [d for d in when.strftime(layout.format()) if d.isdigit()]
        slots = [sl for sl in self.glyphs.slots if sl.kind == "digit"]
        if len(digits) != len(slots):
            return None
        chars = list(self.first_text)
        for sl, d in zip(slots, digits):
            chars[sl.index] = d
        for sl in self.glyphs.slots:
            if sl.kind == "ampm":
                chars[sl.index] = "P" if when.hour >= 12 else "A"
        text = "".join(chars)
        stamp = parse(text)
        if stamp is None or stamp.seconds() != expect:
            return None
        self.glyphs.learn(image, text)
        self.inferred += 1
        return stamp

    # --- frames -> runs -------------------------------------------------------------------------
    def window(self, blocks: Iterable[tuple[np.ndarray, np.ndarray]], origin: float) -> None:
        """Read a stretch of frames (band crops, container times): split into seconds, each read."""
        held: list[np.ndarray] = []
        times: list[float] = []
        self.stretch = len(self.runs)
        for frames, ts in blocks:
            for frame, t in zip(frames, ts):
                if np.isfinite(t):
                    held.append(frame.copy())
                    times.append(float(t) - origin)
            if times and times[-1] - times[0] >= config.CLOCK_CHUNK:
                self._chunk(np.stack(held), np.array(times))
                held, times = [], []
        if times:
            self._chunk(np.stack(held), np.array(times))

    def _chunk(self, frames: np.ndarray, times: np.ndarray) -> None:
        ux, uy, uw, uh = self.unit
        boxes = frames[:, uy:uy + uh, ux:ux + uw]
        if not self.invert:  # dark text: made bright
            boxes = 255 - boxes
        level = seconds.text_level(boxes)
        step = float(np.median(np.diff(times))) if len(times) > 1 else 0.04
        if times[-1] - times[0] >= 1.5 or self.phase is None:
            self.phase = seconds.phase(times, boxes, step, level)
        starts = [0, *seconds.split(times, boxes, self.phase, level), len(times)]
        for i0, i1 in zip(starts, starts[1:]):
            first, last = float(times[i0]), float(times[i1 - 1])
            # the chunk's first run starts mid-second (unless it is all the chunk holds): counting
            # whole seconds from its first frame put the next run, or a window drifted a few tenths
            # from the last, one second off
            began = last + step - 1 if i0 == 0 and i1 < len(times) else first
            self._close(frames[i0:i1], first, last, began, self.stretch)

    def _close(self, held: np.ndarray, first: float, last: float, began: float,
               start: int) -> None:
        """Read one second (frames ``held``, its second begun at clip time ``began``); ``start``:
        the first run of this stretch."""
        median = np.median(held[:48], axis=0).astype(np.uint8)
        image = cv2.resize(median, None, fx=self.scale, fy=self.scale, interpolation=cv2.INTER_CUBIC)
        expect = None
        known = [(r.began, r.stamp) for r in self.runs[start:] if r.stamp is not None]
        self.sure = False
        earlier = [(r.began, r.stamp) for r in self.runs[:start] if r.stamp is not None]
        if not known and earlier:  # a new window: the clock as the windows before left it
            p_first, p_stamp = earlier[-1]
            expect = p_stamp.seconds() + round(began - p_first)
        if not known and not earlier and self.anchor is not None:  # the clock the vote found
            expect = float(np.floor(self.anchor + (first + last) / 2))
        if known:  # the last second read in this stretch, plus the seconds since
            p_first, p_stamp = known[-1]
            expect = p_stamp.seconds() + round(began - p_first)
            # two seconds read before, agreeing with each other and with the clock the vote found:
            # the expectation stands against a template read (never a chain that a first misread
            # started, nor across a jump)
            k = p_stamp.seconds() - p_first
            self.sure = len(known) >= 2 and abs(known[-2][1].seconds() - known[-2][0] - k) <= 0.6 \
                and (self.anchor is None or abs(k - self.anchor) <= 0.6)
        stamp = self._read(image, expect, first)  # (may rewrite self.runs: see _bootstrap)
        self.runs.append(_Second(first, last, began, stamp))

    def region(self) -> tuple[int, int, int, int]:
        bx, by, bw, bh = self.found.band
        if self.text_box is None:
            return self.found.band
        x0, y0, x1, y1 = (v / self.scale for v in self.text_box)
        x0, y0 = max(0, int(x0)), max(0, int(y0))
        return bx + x0, by + y0, min(bw - x0, int(np.ceil(x1)) - x0), min(bh - y0, int(np.ceil(y1)) - y0)


# (picture of vote.pictures, size) in the order shown to Tesseract: each at full size (a 32 px
# digit); a smaller size read more of the bench's bold fonts but misread more of the rest
_SHOWN = ((0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0), (4, 1.0))


def _unscale(c: ocr.Char, size: float) -> ocr.Char:
    """A character's box read on a picture shrunk by ``size`` (and padded), in the full picture's."""
    if size == 1.0:
        return c

    def f(v: int) -> int:
        return int(round((v - _PAD) / size)) + _PAD

    return ocr.Char(c.text, f(c.x0), f(c.y0), f(c.x1), f(c.y1))


def _frame_size(clip: Clip) -> tuple[int, int]:
    v = clip.video[0]
    return (v.height, v.width) if v.rotation % 180 else (v.width, v.height)


def _blocks(clip: Clip, box: tuple[int, int, int, int] | None, start: float | None,
            duration: float | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    v = clip.video[0]
    w, h = (box[2], box[3]) if box is not None else _frame_size(clip)
    seek = None if start is None else start + clip.origin - clip.start
    args = ffmpeg.region_frames_args(clip.path, v.index, box, start=seek, duration=duration)
    return ffmpeg.read_gray_frames(args, w, h, what=clip.path, block=64)


def _places(clip: Clip) -> tuple[Finder, list[Found], list[Found]]:
    """The find step's decode of ``clip``'s first seconds and the places its two finders give."""
    finder = Finder(config.CLOCK_CHANGE_LEVEL)
    smear = Finder(config.CLOCK_CHANGE_LEVEL, lag=config.CLOCK_SMEAR_LAG)
    steady = Steady(spread=config.CLOCK_STEADY_SPREAD, jump=config.CLOCK_STEADY_JUMP)
    for frames, times in _blocks(clip, None, None, config.CLOCK_FIND_SECONDS):
        finder.feed(frames, times)
        smear.feed(frames, times)
        steady.feed(frames, times)
    found = finder.candidates(left=config.CLOCK_BAND_LEFT, right=config.CLOCK_BAND_RIGHT,
                              margin=config.CLOCK_BAND_MARGIN)
    found += [f for f in smear.candidates(left=config.CLOCK_BAND_LEFT, right=config.CLOCK_BAND_RIGHT,
                                          margin=config.CLOCK_BAND_MARGIN)
              if all(abs(f.digit[0] - o.digit[0]) > o.digit[3]
                     or abs(f.digit[1] - o.digit[1]) > o.digit[3] for o in found)]
    more = steady.candidates(left=config.CLOCK_BAND_LEFT, right=config.CLOCK_BAND_RIGHT,
                             margin=config.CLOCK_BAND_MARGIN, most_found=5)
    return finder, found, more


def present(clip: Clip) -> bool:
    """Whether ``clip`` may show a clock, cheaply: where pixels turn over once a second (either
    finder), the last frame's band reads as a date/time in a few OCR calls (CLOCK_PRESENT_OCR).
    False for a clip without a picture. Decides whether clips that sound or picture placed have
    their clocks read (to measure their errors); UsageError when the OCR engine is missing."""
    if not clip.video:
        return False
    try:
        finder, found, more = _places(clip)
    except ffmpeg.FFmpegError:
        return False  # read_clock says why, if asked
    if not (found or more) or not finder.recent:
        return False
    ocr.available()
    frame = finder.recent[-1][1]
    for place in [*found, *more][:config.CLOCK_PRESENT_PLACES]:
        x, y, w, h = place.band
        reader = _Reader(place)
        reader.budget = config.CLOCK_PRESENT_OCR
        image = cv2.resize(frame[y:y + h, x:x + w], None, fx=reader.scale, fy=reader.scale,
                           interpolation=cv2.INTER_CUBIC)
        if next(iter(reader._reads(image)), None) is not None:
            return True
    return False


def find(clip: Clip) -> _Reader | None:
    """Where ``clip``'s clock is, from its first seconds: a reader for it, or None (no clock). Each
    place where pixels turn over once a second is read (:func:`_vote`); the first whose seconds
    agree on one clock is the clock."""
    _, found, more = _places(clip)
    if found or more:
        ocr.available()
    tried: list[Found] = []
    trial: Found | None = None
    for place in [*found, *more]:  # a busy ground hides the digit from the first finder only
        if any(abs(place.digit[0] - o.digit[0]) <= o.digit[3]
               and abs(place.digit[1] - o.digit[1]) <= o.digit[3] for o in tried):
            continue
        tried.append(place)
        reader = _vote(clip, place)
        if isinstance(reader, _Reader):
            return reader
        if reader is not None and trial is None:
            trial = reader
    if trial is None and found:
        trial = found[0]
    if trial is not None:  # no vote: the place that read, else the likeliest, on trial: its whole
        # seconds read one by one over the first CLOCK_CHUNK, the vote taken over them
        reader = _Reader(trial)
        reader.on_trial = True
        reader.budget = config.CLOCK_TRIAL_OCR
        return reader
    return None


class _Strip:
    """Full-width rows of a clip's first seconds, held as one median picture per second of its
    clock (from each turnover to the next): compression noise and a moving ground averaged out."""

    def __init__(self, clip: Clip, rows: tuple[int, int], turnovers: Sequence[float]) -> None:
        width, height = _frame_size(clip)
        self.y0, y1 = max(0, rows[0]), min(height, rows[1])
        box = (0, self.y0, width, y1 - self.y0)
        held, times = [], []
        for frames, ts in _blocks(clip, box, None, config.CLOCK_FIND_SECONDS):
            held += [f.copy() for f, t in zip(frames, ts) if np.isfinite(t)]
            times += [float(t) for t in ts if np.isfinite(t)]
        at = np.array(times)
        self.stills: list[tuple[float, np.ndarray]] = []  # (clip time of the first frame, median)
        for t0, t1 in zip(turnovers, [*turnovers[1:], np.inf]):
            idx = np.flatnonzero((at >= t0 - 1e-6) & (at < t1 - 1e-6))
            if len(idx):
                self.stills.append((float(at[idx[0]]) - clip.origin, np.median(
                    np.stack([held[i] for i in idx[:48]]), axis=0).astype(np.uint8)))
        self.stills.reverse()  # the last (longest after the find step's changes) first

    def holds(self, band: tuple[int, int, int, int]) -> bool:
        return bool(self.stills) and band[1] >= self.y0 and (
            band[1] + band[3] <= self.y0 + self.stills[0][1].shape[0])

    def cut(self, k: int, band: tuple[int, int, int, int], scale: float) -> np.ndarray:
        x, y, w, h = band
        part = self.stills[k][1][y - self.y0: y - self.y0 + h, x: x + w]
        return cv2.resize(part, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)


def _rows(place: Found) -> tuple[int, int]:
    """The rows decoded around a place: its band and as much again above and below."""
    _, by, _, bh = place.band
    return by - bh, by + 2 * bh


def _vote(clip: Clip, place: Found) -> _Reader | Found | None:
    """A reader for the clock at ``place``; the place set around its text when it read as a
    date/time but no readings agreed; None when it never read. A second's still is read; the band is
    set again around the text OCR found (the find step may have seen part of a digit, or a digit of
    the ground's); then every second's still is read every way (:func:`vote.pictures`) and only
    readings of different seconds that agree on one clock (:func:`vote.consensus`) set the layout
    and teach the glyphs."""
    if not place.turnovers:
        return None
    strip = _Strip(clip, _rows(place), place.turnovers)
    size = _frame_size(clip)
    for _ in range(3):  # the band settles in one or two reads
        if not strip.holds(place.band):
            strip = _Strip(clip, _rows(place), place.turnovers)
            if not strip.holds(place.band):
                return None
        reader = _Reader(place)
        reader.budget = config.CLOCK_FIRST_OCR
        first = next((r for k in range(len(strip.stills))
                      for r in reader._reads(strip.cut(k, place.band, reader.scale))), None)
        if first is None and reader.partial is None:
            return None
        # a time read in a line cut short (a date after the time beyond the band's edge, a band
        # set around part of a digit): the band again around that time
        text, chars = (first.text, first.chars) if first is not None else reader.partial  # type: ignore[misc]
        again = _refit(place, chars, text, reader.scale, size)
        if again is None and first is None:
            return None
        if again is None:
            break
        place = again
    reader = _Reader(place)
    reader.budget = config.CLOCK_VOTE_OCR
    votes: list[vote.Vote] = []
    reads: list[tuple[np.ndarray, _Reading]] = []
    for k, (at, _) in enumerate(strip.stills):
        image = strip.cut(k, place.band, reader.scale)
        for n, r in enumerate(reader._reads(image)):
            votes.append(vote.Vote(k, vote.shape(r.text), r.stamp.seconds() - at,
                                   r.stamp.fields is not None, r.text, r.engine))
            reads.append((image, r))
            if n + 1 >= config.CLOCK_VOTE_READS:
                break
    agree = vote.consensus(votes, tolerance=config.CLOCK_VOTE_TOLERANCE,
                           min_stills=config.CLOCK_VOTE_STILLS)
    if agree is None and vote.static_rival_anywhere(votes, tolerance=config.CLOCK_VOTE_TOLERANCE,
                                                    min_stills=config.CLOCK_VOTE_STILLS):
        # one engine read a digit that does not change two ways: not a clock to read on trial
        log.debug("clock at %s: a static digit read two ways", place.band)
        return None
    if agree is None:
        log.debug("clock at %s: no readings agree (%d read)", place.band, len(votes))
        # text that read as a date/time, where it read; a date seen there must be agreed on
        return replace(place, dated=any(v.dated for v in votes))
    once = list({votes[j].still: j for j in reversed(agree)}.values())  # one read per still
    reader.invert = 2 * sum(reads[j][1].bright for j in agree) >= len(agree)
    reader.budget = config.CLOCK_OCR_BUDGET
    reader.ocr_reads = 0
    reader._adopt([reads[j] for j in once])
    reader.anchor = float(np.median([votes[j].k for j in agree]))
    return reader


def _refit(place: Found, chars: list[ocr.Char], text: str, scale: float,
           frame: tuple[int, int]) -> Found | None:
    """The place again around the text OCR read (``chars``: boxes in the scaled band, padded): the
    digit box on the seconds' last digit, as tall as the text's digits, the band around the text
    (reaching far beyond an edge the text touches: OCR saw part of it). None when that is the band
    already."""
    bx, by, bw, bh = place.band
    digits = [c for ch, c in zip(text, chars) if ch.isdigit()]
    last = re.search(r"(?<!\d)\d{1,2}\s?[:.]\s?\d{2}\s?[:.]\s?\d(\d)(?!\d)", text)
    if not digits or last is None:
        return None

    def fx(v: float) -> float:
        return bx + (v - _PAD) / scale

    def fy(v: float) -> float:
        return by + (v - _PAD) / scale

    h = float(np.median([c.y1 - c.y0 for c in digits])) / scale
    centre = fy(float(np.median([(c.y0 + c.y1) / 2 for c in digits])))
    sec = chars[last.start(1)]
    x0, x1 = fx(min(c.x0 for c in chars)), fx(max(c.x1 for c in chars))
    height = max(5, int(round(h)))
    top = int(round(centre - h / 2))
    digit = (max(0, int(fx(sec.x0)) - 1), max(0, top), int(np.ceil((sec.x1 - sec.x0) / scale)) + 2,
             height)
    # around the text read, room for a weekday or AM/PM that OCR missed, or for a whole line
    # where the text reaches the band's edge
    left = config.CLOCK_BAND_LEFT if x0 - bx < h and bx > 0 else config.CLOCK_BAND_RIGHT
    right = config.CLOCK_BAND_RIGHT + 2 if bx + bw - x1 < h and bx + bw < frame[0] else (
        config.CLOCK_BAND_RIGHT)
    pad = int(np.ceil(config.CLOCK_BAND_MARGIN * h))
    nx0, nx1 = max(0, int(x0 - left * h)), min(frame[0], int(np.ceil(x1 + right * h)))
    ny0, ny1 = max(0, top - pad), min(frame[1], top + height + pad)
    band = (nx0, ny0, nx1 - nx0, ny1 - ny0)
    if (max(abs(a - b) for a, b in zip(band, place.band)) <= max(2, h / 4)
            and abs(height - place.digit[3]) <= max(1, h / 8)):
        return None
    return Found(digit=digit, band=band, turnovers=place.turnovers)


def windows(duration: float) -> list[tuple[float, float | None]]:
    """(clip time, seconds) to decode: the whole clip when short, else windows spread over it."""
    if duration <= config.CLOCK_FULL_READ:
        return [(0.0, None)]
    n, length = config.CLOCK_WINDOWS, config.CLOCK_WINDOW
    step = (duration - length) / (n - 1)
    return [(k * step, length) for k in range(n)]


def read_clock(clip: Clip, *, order: str | None = None) -> ClipClock | None:
    """``clip``'s burned-in clock, or None when it has none (or its text never reads as a clock).
    ``order``: the date order to read an ambiguous date in (--clock-format). UsageError when the
    OCR engine is missing; MediaError when the picture cannot be decoded."""
    if not clip.video:
        return None
    try:
        reader = find(clip)
        if reader is None:
            return None
        if reader.on_trial:  # its first seconds alone first: a clip without a clock stops here
            reader.window(_blocks(clip, reader.found.band, 0.0, config.CLOCK_CHUNK), clip.origin)
            if reader.glyphs is None and not reader.boot:
                return None
            reader.runs = []  # read again below, with the rest
        for start, length in windows(clip.duration):
            reader.window(_blocks(clip, reader.found.band, start, length), clip.origin)
    except ffmpeg.FFmpegError as exc:
        raise MediaError(f"{clip.path}: its picture cannot be decoded to read its clock "
                         f"({exc.stderr_tail or exc}); export the clip again, or pass --no-clock") \
            from None
    return _conclude(reader, order)


def _conclude(reader: _Reader, order: str | None) -> ClipClock | None:
    stamps = [r.stamp for r in reader.runs if r.stamp is not None]
    if not stamps or reader.first_text is None:
        return None
    decision = decide(stamps, order)
    # ambiguous: reported as such; taken month-first beside a 12-hour time (US), else day-first
    twelve = any(s.twelve_hour for s in stamps)
    use = decision.order or (("mdy" if twelve and "mdy" in decision.ambiguous else
                              decision.ambiguous[0]) if decision.ambiguous else None)
    dated = stamps[0].fields is not None
    values = [s.seconds(use) if s is not None and (use is None or use in s.orders) else None
              for s in (r.stamp for r in reader.runs)]
    if not dated:
        values = unwrap_days(values)
    runs: list[Run] = []
    for (first, last, _, _), value in zip(reader.runs, values):
        if runs and value is not None and runs[-1].value == value and first - runs[-1].last < 0.5:
            runs[-1] = Run(runs[-1].first, last, value)  # one second split by noise: joined
        else:
            runs.append(Run(first, last, value))
    result = fit(runs, jump_tolerance=config.CLOCK_JUMP_TOLERANCE,
                 min_runs=config.CLOCK_SEGMENT_RUNS, rate_min_span=config.CLOCK_RATE_MIN_SPAN,
                 slack=config.CLOCK_RUN_SLACK)
    if result is None:
        log.debug("clock text found but its readings make no clock")
        return None
    if (result.readings < config.CLOCK_KEPT_SHARE * len(runs)
            or result.readings < config.CLOCK_KEPT_OVER_REJECTED * result.rejected):
        # most seconds unread, or misreads beside few readings: a clock read this badly may be
        # read wrong as a whole (a misread layout), so it is not read at all
        log.debug("clock read too poorly to trust: %d of %d seconds kept, %d rejected",
                  result.readings, len(runs), result.rejected)
        return None
    gaps = [b.first - a.last for a, b in zip(runs, runs[1:]) if b.first > a.last]
    frame = float(np.median(gaps)) if gaps else 0.04
    placing = result.segments[placing_segment(result.segments)]
    if (placing.conflict > config.CLOCK_CONFLICT_FRAMES * frame
            and result.readings < config.CLOCK_CONFLICT_KEPT_OVER_REJECTED * result.rejected):
        # its seconds split at frames that no one clock explains, and many of them misread: a digit
        # too small for its turnovers to be placed to a frame; the line would be off by as much
        log.debug("clock's runs contradict each other by %.3f s beside %d misreads: not read",
                  placing.conflict, result.rejected)
        return None
    shown = parse(reader.first_text)
    assert shown is not None
    return ClipClock(text=reader.first_text, format=shown.format(use), region=reader.region(),
                     readings=result.readings, rejected=result.rejected, unread=result.unread,
                     segments=result.segments, placing=placing_segment(result.segments),
                     dated=dated, order=use, ambiguous=decision.ambiguous,
                     ocr_reads=reader.ocr_reads)
