"""A second OCR engine for a clock's line: RapidOCR's PP-OCRv4 recogniser (optional: the
``clock-rapid`` extra, see pyproject.toml; its model ships inside the wheel, nothing is downloaded).

Tesseract misreads the small, compressed, see-through lines of CCTV clocks in ways that repeat from
still to still (a dotted zero read as 9 in every still, a weekday never read); PP-OCR's recogniser,
trained on scene text, reads most of those lines whole, in 25-50 ms a line (by its width). It
recognises a line without boxes, so each character's box is rebuilt here: its x from the CTC column
it was emitted at, moved to the centre of the ink around it, its rows those of the line's ink. What
the boxes are for is :mod:`syncam.clock.glyphs` (where each digit is) and :mod:`syncam.clock.read`
(the band around the text), both of which need a character's cell to a few pixels, no better.
"""

from __future__ import annotations

import threading
from typing import Any

import cv2
import numpy as np

from syncam import config
from syncam.clock.ocr import Char

_LOCAL = threading.local()


def _engine() -> Any:
    """This thread's recogniser (RapidOCR's alone: its detector and classifier are not loaded); None
    when the extra is not installed."""
    engine = getattr(_LOCAL, "engine", False)
    if engine is False:
        try:
            from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
            from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
            from rapidocr_onnxruntime.utils import read_yaml, update_model_path
        except ImportError:
            engine = None
        else:
            settings = update_model_path(read_yaml(DEFAULT_CFG_PATH))["Rec"]
            threads = config.CLOCK_RAPID_THREADS
            engine = TextRecognizer(dict(settings, intra_op_num_threads=threads,
                                         inter_op_num_threads=threads))
        _LOCAL.engine = engine
    return engine


def available() -> bool:
    """Whether the second engine is installed (the clock is read with Tesseract alone if not)."""
    return _engine() is not None


def _rows(ink: np.ndarray, height: int) -> tuple[int, int]:
    """The rows of the line's text in a 0/1 ink picture: the rows holding the most ink, about a digit's
    ``height``,
    grown or shrunk by the rows beside their edges that hold at least 0.4 of their mean (the
    blur of a compressed stroke's edge, below that, is no row of the text)."""
    profile = ink.sum(axis=1).astype(float)
    height = max(1, min(round(0.75 * height), len(profile)))  # then grown to the text's own
    sums = np.convolve(profile, np.ones(height), mode="valid")
    y0 = int(np.argmax(sums))
    y1 = y0 + height
    floor = 0.4 * float(sums[y0]) / height
    while y0 > 0 and profile[y0 - 1] >= floor:
        y0 -= 1
    while y1 < len(profile) and profile[y1] >= floor:
        y1 += 1
    while y1 - y0 > 2 and profile[y0] < floor:
        y0 += 1
    while y1 - y0 > 2 and profile[y1 - 1] < floor:
        y1 -= 1
    return y0, y1


def read_line(image: np.ndarray, height: int) -> list[Char]:
    """The recogniser's reading of one line of dark text on a light ground (uint8 grey, as
    :func:`syncam.clock.ocr.read_line` takes it; ``height``: about a digit's height in pixels): its
    characters with their boxes, without spaces; [] when the extra is missing or nothing reads."""
    engine = _engine()
    if engine is None:
        return []
    h, w = image.shape
    # the ink: strokes thinner than a third of a digit, the ground's shading removed (top-hat)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (max(3, round(0.35 * height) | 1),) * 2)
    kept = cv2.morphologyEx(255 - image, cv2.MORPH_TOPHAT, kernel)
    _, ink = cv2.threshold(kept, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    y0, y1 = _rows(ink, height)
    # the recogniser sees 48 rows and emits a character every 8 of them: the text's rows alone (and
    # a little more), so that a column is a third of a digit wide, not a whole one
    m = max(2, round(0.25 * (y1 - y0)))
    top, bottom = max(0, y0 - m), min(h, y1 + m)
    result, _ = engine([cv2.cvtColor(image[top:bottom], cv2.COLOR_GRAY2BGR)], True)
    if not result or len(result[0]) < 3 or not result[0][0]:
        return []
    text, _, info = result[0]
    columns, words = float(info[0]), [c for word in info[2] for c in word]
    if len(words) != len(text) or columns <= 0:
        return []
    centres = [(c + 0.5) * w / columns for c in words]
    # the spacing of digits beside digits (separators are narrower, and so closer)
    steps = [b - a for a, b, p, q in zip(centres, centres[1:], text, text[1:])
             if p.isdigit() and q.isdigit()]
    pitch = float(np.median(steps)) if steps else 0.6 * height
    line = ink[y0:y1].sum(axis=0).astype(float)
    out: list[Char] = []
    for ch, x in zip(text, centres):
        if ch == " ":
            continue  # where spaces go is the clock's format's business (see read.py)
        # CTC emits a character near its left edge: moved to the centre of the ink within half a
        # pitch of it, thrice (each move brings more of the character's own ink in)
        for _ in range(3):
            a, b = max(0, int(x - pitch / 2)), min(w, int(np.ceil(x + pitch / 2)))
            mass = line[a:b]
            if mass.sum() > 0:
                x = a + float((mass * np.arange(len(mass))).sum() / mass.sum())
        half = 0.4 * pitch  # a digit fills about four fifths of its cell
        out.append(Char(ch, int(round(x - half)), y0, int(round(x + half)), y1))
    return out
