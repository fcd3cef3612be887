"""The bootstrap's defences against Tesseract's misreads. Pure (numpy and OpenCV on arrays).

Small, compressed overlays on a busy or light ground defeat any single way of showing a line to
Tesseract: a global threshold turns a light ground into ink, the plain grey line loses white text
on a white wall. So each still of the line is shown several ways (:func:`pictures`), and a reading
is only believed when readings of different seconds, made from different pictures, agree on one
clock (:func:`consensus`): the same layout, and clock minus clip time within a fraction of a second.
A misread (a digit read one off, a "2017" read "20", AM read where PM is shown) lands elsewhere and
is outvoted; where nothing agrees, the clip's clock is unread rather than wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from syncam import config

# top-hat kernels in digit heights: thin strokes (a regular font), a bold font's
TOPHAT = (0.35, 0.8)


def _tophat(bright: np.ndarray, size: int) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    kept = cv2.morphologyEx(bright, cv2.MORPH_TOPHAT, kernel)
    return cv2.normalize(kept, None, 0, 255, cv2.NORM_MINMAX)


def pictures(image: np.ndarray, bright: bool, height: int) -> list[np.ndarray]:
    """Ways to show Tesseract a line of text (uint8 grey; ``bright``: the text is lighter than its
    ground; ``height``: a digit's height in pixels), each dark text on a light ground, the likeliest
    to read first: the top-hat (text thinner than the kernel kept, any ground's shading removed), the
    same binarised by Otsu, with a bold font's kernel, the line cut at a level between its text and its
    median, and the plain grey line."""
    g = image if bright else 255 - image
    out: list[np.ndarray] = []
    for k, share in enumerate(TOPHAT):
        size = max(3, int(round(share * height)) | 1)
        kept = _tophat(g, size)
        _, otsu = cv2.threshold(kept, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        out += [255 - kept, 255 - otsu] if k == 0 else [255 - otsu]
    hi, mid = np.percentile(g, [99, 50])
    out.append(np.where(g >= hi - 0.5 * (hi - mid), 0, 255).astype(np.uint8))
    out.append(255 - g)
    return out


def bright_text(image: np.ndarray, rows: tuple[int, int], cols: tuple[int, int]) -> bool:
    """Whether the text at ``rows`` x ``cols`` of a grey line is lighter than its ground: the
    lightest pixels of the text's rows stand further above those of the rows just above and below
    it than their darkest stand below (an outline, a shadow or a box around light text is dark, but
    only text rows hold the strokes)."""
    y0, y1 = rows
    x0, x1 = max(0, cols[0]), min(image.shape[1], cols[1])
    m = max(2, (y1 - y0) // 2)
    inside = image[y0:y1, x0:x1]
    outside = np.concatenate([image[max(0, y0 - m):y0, x0:x1].ravel(),
                              image[y1:y1 + m, x0:x1].ravel()])
    if inside.size == 0 or outside.size == 0:
        return True
    hi_in, lo_in = np.percentile(inside, [97, 3])
    hi_out, lo_out = np.percentile(outside, [97, 3])
    return bool(hi_in - hi_out >= lo_out - lo_in)


def stray_digits(text: str, start: int, end: int) -> int:
    """Digits of ``text`` outside the date/time found at [start, end): more than one means the line
    holds numbers the reading did not explain (a date read in part, a time read as a date)."""
    return sum(ch.isdigit() for ch in text[:start] + text[end:])


def shape(text: str) -> str:
    """A reading's layout: its digits hidden (a colon OCR read as a dot is the same layout, and so
    is a weekday with a dot or comma after it)."""
    text = re.sub(r"(?<=[A-Za-z])[.,:]", "", re.sub(r"\s+", " ", text.strip()))
    return "".join("#" if ch.isdigit() else ":" if ch == "." else ch for ch in text)


@dataclass(frozen=True)
class Vote:
    """One reading of one still: which still, the reading's layout, its clock seconds minus the
    still's clip time (of its first frame, just after a turnover), and whether it has a date."""

    still: int
    layout: str
    k: float
    dated: bool = True
    text: str = ""  # the reading (for the static digits' check)
    engine: str = ""  # the OCR engine that read it


def _same(a: Vote, b: Vote, tolerance: float) -> bool:
    """Whether two readings can be of one clock: the same clock, a time of day read without its
    date that matches the other's, or the same line read without its AM/PM (twelve hours off)."""
    if abs(a.k - b.k) <= tolerance:
        return True
    # AM/PM that one read missed: the same line, twelve hours apart at most
    half = a.layout != b.layout and _bare(a.layout) == _bare(b.layout)
    if a.dated and b.dated and not half:
        return False
    period = 43200.0 if half else 86400.0
    d = (a.k - b.k) % period
    return min(d, period - d) <= tolerance


def _weekday(layout: str) -> bool:
    """Whether a layout shows a weekday (its date then checked against it: see parse)."""
    return any(ch.isalpha() for ch in _bare(layout))


def _bare(layout: str) -> str:
    """A layout without AM/PM after its time."""
    return re.sub(r"\s?[AP]M$", "", layout)


def _near(votes: Sequence[Vote], v: Vote, tolerance: float) -> list[int]:
    """The indices of the votes in ``v``'s layout whose clock is within ``tolerance`` of its."""
    return [j for j, w in enumerate(votes) if w.layout == v.layout and abs(w.k - v.k) <= tolerance]


def consensus(votes: Sequence[Vote], *, tolerance: float, min_stills: int) -> list[int] | None:
    """The indices of the votes that agree on one clock in one layout (``k`` within ``tolerance``
    of their median) when they come from at least ``min_stills`` different stills and the readings
    their clock explains (in any layout) are more than CLOCK_VOTE_MARGIN times as many as any group
    of readings against it; else None: no reading to trust, also when the winners have no date but
    some reading has one, or when a reading with a weekday (which its date falls on) disagrees. Among
    groups from enough stills, the fullest layout wins (a date, a weekday, AM/PM some reads missed)."""
    best: tuple[tuple[bool, int, int, int, int], list[int]] | None = None
    for v in votes:
        near = _near(votes, v, tolerance)
        middle = float(np.median([votes[j].k for j in near]))
        near = [j for j in near if abs(votes[j].k - middle) <= tolerance]
        stills = len({votes[j].still for j in near})
        key = (stills >= min_stills, v.layout.count("#"), len(v.layout), stills, len(near))
        if best is None or key > best[0]:
            best = (key, near)
    if best is None or not best[0][0]:
        return None
    agree = best[1]
    ref = votes[agree[0]]
    support = sum(1 for v in votes if _same(v, ref, tolerance))
    rivals = [j for j in range(len(votes)) if not _same(votes[j], ref, tolerance)]
    if not ref.dated and any(v.dated for v in votes):
        return None  # the line shows a date that the readings do not agree on
    if any(_weekday(votes[j].layout) for j in rivals):
        return None  # a reading whose date its weekday confirms says otherwise
    biggest = max((sum(1 for i in rivals if abs(votes[i].k - votes[j].k) <= tolerance)
                   for j in rivals), default=0)
    if any(v.layout != ref.layout and _bare(v.layout) == ref.layout for v in votes):
        return None  # AM or PM read in a still, but not agreed on: the half of the day is not known
    if support <= config.CLOCK_VOTE_MARGIN * biggest or static_rival(votes, agree):
        return None
    return agree


def static_rival_anywhere(votes: Sequence[Vote], *, tolerance: float, min_stills: int) -> bool:
    """Whether any group of readings that agree (one layout, one clock, from at least ``min_stills``
    stills) has a :func:`static_rival`: where no consensus is found, a place whose static digit one
    engine read two ways is no clock to read on trial."""
    groups = (_near(votes, v, tolerance) for v in votes)
    return any(static_rival(votes, g) for g in groups
               if len({votes[j].still for j in g}) >= min_stills)


_SECONDS = re.compile(r"(?<!\d)\d{1,2}\s?[:.]\s?\d{2}\s?[:.]\s?(\d\d)(?!\d)")  # a time's seconds


def static_rival(votes: Sequence[Vote], agree: list[int]) -> bool:
    """Whether a reading outside the agreeing ones, by the engine that read most of them and in their
    layout, differs from them in one digit that is the same in all of them (a digit that does not
    change over the clip, the year's, the minutes'): one engine that reads a digit two ways, in
    stills that show the same digit, misreads it in some, and the majority of a few stills is no
    proof against a misread repeated in most of them (an 11 px "3" read "2" in four stills of five)."""
    texts = [votes[j].text for j in agree]
    if not all(texts) or len({len(t) for t in texts}) != 1:
        return False
    engines = [votes[j].engine for j in agree]
    engine = max(set(engines), key=engines.count)
    ref = texts[0]
    seconds = _SECONDS.search(ref)
    moving = set(range(*seconds.span(1))) if seconds is not None else set()
    static = [i for i, ch in enumerate(ref) if ch.isdigit() and i not in moving
              and all(t[i] == ch for t in texts)]
    for j, v in enumerate(votes):
        if j in agree or v.engine != engine or len(v.text) != len(ref) or v.layout != votes[
                agree[0]].layout:
            continue
        if sum(v.text[i] != ref[i] for i in static) == 1:
            return True
    return False
