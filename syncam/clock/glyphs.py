"""A clip's own digits, learned from the bootstrap reads and matched on every second of the clip.

The text of a clock stays where it is; only its digits (and AM/PM) change. Each character position
that can change is a *slot*; each OCR read that the clock's rules accept gives, for every slot, a
picture of the digit it shows: a template of that digit in this clip's font, size, colour and
compression, kept for that slot (where its neighbours are the same) and for every slot (a digit
the slot has not shown yet). A later image is read slot by slot with OpenCV's normalised
cross-correlation (``TM_CCOEFF_NORMED``, a few pixels of give either way) against every digit
learned, and the text is
rebuilt around them. A slot that matches no template well is not guessed: the image goes back to OCR,
and what OCR reads (when the rules accept it) teaches the missing digit.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Slot:
    index: int  # position in the clock's text
    centre: float  # x of the character's middle, in the (scaled) band image
    kind: str  # "digit" | "ampm"
    # a date digit: where it matches nothing well (a busy ground behind small text), the date the
    # layout was read with stands (a date changes at midnight only)
    slow: bool = False


class Glyphs:
    """Templates per slot kind and character; :meth:`read` rebuilds the text from an image."""

    def __init__(self, text: str, slots: list[Slot], width: int, give: int, *, keep: int,
                 min_score: float) -> None:
        self.text = text  # the layout: the first accepted read
        self.slots = slots
        self.width = width  # template width (the widest digit plus a pixel each side)
        self.give = give  # pixels of search either way
        self.keep = keep  # templates kept per character
        self.min_score = min_score
        self.templates: dict[tuple[str, str], list[np.ndarray]] = {}

    def _cut(self, image: np.ndarray, slot: Slot, extra: int) -> np.ndarray:
        pad = self.width + self.give + 2
        padded = cv2.copyMakeBorder(image, 0, 0, pad, pad, cv2.BORDER_REPLICATE)
        x0 = int(round(slot.centre - self.width / 2)) - extra + pad
        return padded[:, x0: x0 + self.width + 2 * extra]

    def fits(self, text: str) -> bool:
        """Whether ``text`` has this clock's layout: digits where it has digits, the rest the same
        (AM/PM aside)."""
        ampm = {s.index for s in self.slots if s.kind == "ampm"}
        return len(text) == len(self.text) and all(
            (a.isdigit() and b.isdigit()) or a == b or {a, b} == {".", ":"}
            or (i in ampm and a in "AP")
            for i, (a, b) in enumerate(zip(text, self.text)))

    def learn(self, image: np.ndarray, text: str) -> bool:
        """Take each slot's picture from ``image`` as a template of the character ``text`` shows
        there. False (nothing learned) when ``text`` does not have this clock's layout."""
        if not self.fits(text):
            return False
        g = self.give
        for slot in self.slots:
            t = self._cut(image, slot, 0)[g: image.shape[0] - g].astype(np.float32)
            for key in ((slot.kind, text[slot.index]), (str(slot.index), text[slot.index])):
                found = self.templates.setdefault(key, [])
                if len(found) < self.keep:
                    found.append(t)
        return True

    def read(self, image: np.ndarray, date: str | None = None) -> str | None:
        """The text ``image`` shows, every slot matched; None when a slot matches nothing learned
        with at least ``min_score``. ``date``: a reading whose date digits (the slow slots) stand
        without being matched (the second before's, within a stretch of seconds)."""
        chars = list(self.text)
        img = image.astype(np.float32)
        for slot in self.slots:
            if date is not None and slot.slow:
                chars[slot.index] = date[slot.index]
                continue
            region = self._cut(img, slot, self.give)
            best, label = -1.0, None
            for (kind, ch), found in self.templates.items():
                if kind != slot.kind and kind != str(slot.index):
                    continue
                for t in found:
                    if t.shape[0] > region.shape[0] or t.shape[1] > region.shape[1]:
                        continue
                    score = float(cv2.matchTemplate(region, t, cv2.TM_CCOEFF_NORMED).max())
                    if score > best:
                        best, label = score, ch
            if label is None or best < self.min_score:
                if slot.slow:
                    continue
                return None
            chars[slot.index] = label
        return "".join(chars)
