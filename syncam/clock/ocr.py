"""The bootstrap reads: Tesseract on a clock's line of text (``pip install 'syncam[clock]'``).

Tesseract runs in process through tesserocr, on Debian's English model (``tesseract-ocr-eng``: its
``eng.traineddata`` is found where Debian puts it, or under ``TESSDATA_PREFIX``); nothing is
downloaded. It reads a line (page segmentation mode 7) restricted to the characters a clock shows,
and returns each character with its box, which is what :mod:`syncam.clock.glyphs` learns the clip's
own digits from.
"""

from __future__ import annotations

import glob
import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from syncam.errors import UsageError

# digits, separators, AM/PM and the letters of weekday names (English, upper and title case)
WHITELIST = "0123456789-/.: APMamponuedhrifsatwTWFS" + "MONTUEWDHFRISA"
DIGITS = "0123456789-/.: "  # a second read of a line whose letters got in the way of its digits
INSTALL = ("reading burned-in clocks needs Tesseract: pip install 'syncam[clock]' (tesserocr) and "
           "apt-get install tesseract-ocr tesseract-ocr-eng (or pass --no-clock)")


@dataclass(frozen=True)
class Char:
    """One character Tesseract read, with its box in the image's pixels."""

    text: str
    x0: int
    y0: int
    x1: int
    y1: int


def tessdata() -> str | None:
    """The folder holding eng.traineddata: TESSDATA_PREFIX, else where Debian installs it."""
    found = [os.environ.get("TESSDATA_PREFIX", ""),
             *sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True),
             "/usr/share/tessdata", "/usr/local/share/tessdata"]
    for folder in found:
        if folder and os.path.exists(os.path.join(folder, "eng.traineddata")):
            return folder.rstrip("/") + "/"
    return None


_LOCAL = threading.local()


def _api() -> Any:
    """This thread's Tesseract (an API object is not shared between threads)."""
    api = getattr(_LOCAL, "api", None)
    if api is None:
        try:
            import tesserocr
        except ImportError:
            raise UsageError(INSTALL, option="clock") from None
        path = tessdata()
        if path is None:
            raise UsageError(INSTALL, option="clock")
        api = tesserocr.PyTessBaseAPI(path=path, lang="eng", psm=tesserocr.PSM.SINGLE_LINE)
        api.SetVariable("tessedit_char_whitelist", WHITELIST)
        _LOCAL.api = api
    return api


def available() -> None:
    """Raise UsageError (one line: what to install) when the OCR engine cannot run."""
    _api()


def read_line(image: np.ndarray, *, digits_only: bool = False) -> list[Char]:
    """Tesseract's reading of one line of dark text on a light ground (uint8 grey): its characters,
    with a space before each word after the first. ``digits_only``: digits and separators alone."""
    import tesserocr
    from PIL import Image

    api = _api()
    api.SetVariable("tessedit_char_whitelist", DIGITS if digits_only else WHITELIST)
    api.SetImage(Image.fromarray(np.ascontiguousarray(image)))
    api.Recognize()
    out: list[Char] = []
    it = api.GetIterator()
    level = tesserocr.RIL.SYMBOL
    if it is None:
        return out
    for r in tesserocr.iterate_level(it, level):
        try:
            text = r.GetUTF8Text(level)
        except RuntimeError:  # "No text returned": an empty line
            return out
        box = r.BoundingBox(level)
        if not text or box is None:
            continue
        if out and r.IsAtBeginningOf(tesserocr.RIL.WORD):
            out.append(Char(" ", box[0], box[1], box[0], box[3]))
        out.append(Char(text, *box))
    return out
