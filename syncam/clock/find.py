"""Where a burned-in clock is: the pixels that change once a second, and the line of text around them.

Fed a few seconds of grey frames, :class:`Finder` marks, per frame-to-frame step, the pixels whose
brightness jumps by more than a level. A moving background changes almost every step, a still one
and static text almost never; the seconds digit changes only when the second turns over: a few times
in a few seconds, together, about one second apart. The densest cluster of such pixels whose changes
fall on steps one second apart is the seconds digit; the text line is the band of rows around it,
reaching far enough left and right for a date, a weekday and AM/PM. Numpy and OpenCV on arrays; the
frames come from :mod:`syncam.clock.read`.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[int, int, int, int]  # x, y, w, h in frame pixels


def _blobs(mask: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, int, int, int, int]]]:
    """Groups of a 0/1 mask's pixels, neighbours a pixel apart joined (a 3x3 dilation): the label
    image and, per group, (label, mask pixels in it, x, y, w, h)."""
    grown = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    weight = np.bincount(labels[mask > 0], minlength=count)
    return labels, [(i, int(weight[i]), int(stats[i, cv2.CC_STAT_LEFT]), int(stats[i, cv2.CC_STAT_TOP]),
                     int(stats[i, cv2.CC_STAT_WIDTH]), int(stats[i, cv2.CC_STAT_HEIGHT]))
                    for i in range(1, count)]


@dataclass(frozen=True)
class Found:
    """A clock's seconds digit and the band of the frame to read its text from."""

    digit: Box
    band: Box
    turnovers: tuple[float, ...]  # times of the frames that showed a new second
    dated: bool = False  # OCR read a date here (a reading without one is partial)

def _best_places(scored: list[tuple[float, Found]], most: int) -> list[Found]:
    """The ``most`` best-scored finds, one per place: a digit found again a digit's height away
    (from a neighbouring phase of the second) is the same digit."""
    out: list[Found] = []
    for _, f in sorted(scored, key=lambda p: -p[0]):
        if all(abs(f.digit[0] - o.digit[0]) > o.digit[3] or abs(f.digit[1] - o.digit[1])
               > o.digit[3] for o in out):
            out.append(f)
        if len(out) == most:
            break
    return out


def _turns(steps: np.ndarray, times: np.ndarray, changes: np.ndarray, share: np.ndarray,
           pixels: int) -> list[int]:
    """The steps (of ``steps``, in time order) at which a blob of ``pixels`` turned over, one a
    second: the steps less than half a second apart are one turnover (a compressed digit is drawn in
    over two or three frames, each changing a part of it), which counts when the pixels changed
    over all of its steps are at least 30% of the blob (a digit changing into one much like it, a
    3 into a 4, changes only a third of its strokes); its step is the one that changed most."""
    out: list[int] = []
    j = 0
    while j < len(steps):
        k = j + 1
        while k < len(steps) and times[steps[k]] - times[steps[k - 1]] <= 0.5:
            k += 1
        union = int(changes[j:k].any(axis=0).sum())
        if union >= 0.15 * max(1, pixels):
            out.append(int(steps[j + int(np.argmax(share[j:k]))]))
        j = k
    return out


class Finder:
    """Accumulates frame-to-frame changes; :meth:`result` says where the clock is, if anywhere."""

    def __init__(self, level: int, lag: float = 0.07) -> None:
        self.level = level
        # each frame is compared with the one ``lag`` seconds (at least one frame) before: a heavily
        # compressed digit is drawn in over two or three frames, each changing it less than level
        self.lag = lag
        self.frames_back = 1
        self.prev: np.ndarray | None = None
        self.count: np.ndarray | None = None
        self.masks: list[np.ndarray] = []  # per step, the changed pixels packed 8 to a byte per row
        self.times: list[float] = []  # time of each step's later frame
        self.first: float | None = None
        self.recent: deque[tuple[float, np.ndarray]] = deque(maxlen=32)  # the last frames read

    def feed(self, frames: np.ndarray, times: np.ndarray) -> None:
        for frame, t in zip(frames, times):
            if self.prev is None:
                self.first = float(t)
                self.count = np.zeros(frame.shape, np.uint16)
            else:
                if len(self.times) == 0:
                    self.frames_back = max(1, int(round(self.lag / max(t - self.first, 1e-3))))
                back = self.frames_back
                before = self.recent[-back][1] if len(self.recent) >= back else self.prev
                changed = cv2.absdiff(frame, before) > self.level
                self.count += changed  # type: ignore[operator,misc]
                self.masks.append(np.packbits(changed, axis=1))
                self.times.append(float(t))
            self.prev = frame.copy()
            self.recent.append((float(t), self.prev))

    @staticmethod
    def _changes(packed: np.ndarray, x: int, y: int, w: int, h: int) -> np.ndarray:
        """(steps, h, w) booleans: which pixels of the box changed at each step of ``packed``."""
        b0, b1 = x // 8, (x + w + 7) // 8
        cut = packed[:, y:y + h, b0:b1]
        return np.unpackbits(cut, axis=2)[:, :, x - b0 * 8: x - b0 * 8 + w].astype(bool)

    def candidates(self, *, left: float, right: float, margin: float, most_found: int = 3,
                   min_height: int = 5) -> list[Found]:
        """Where the clock may be, most likely first (an OCR read tells which is). The band reaches
        ``left`` and ``right`` digit heights beyond the seconds digit and ``margin`` heights above
        and below it.

        For each phase of the second (one bin per frame step), a pixel is a candidate when at least
        two of its changes fall at that phase and they are at least 40% of all its changes (behind
        see-through text the ground still moves while the digit does not cover it). The clock's
        pixels cluster into a digit-sized blob; a moving background gives scattered pixels or large
        blobs.
        """
        if self.count is None or len(self.times) < 4 or self.first is None:
            return []
        span = self.times[-1] - self.first
        if span < 1.5:
            return []
        times = np.array(self.times)
        step = float(np.median(np.diff([self.first, *self.times])))
        height, width = self.count.shape
        n = len(self.masks)
        bins = max(4, int(round(1 / step)))
        which = (np.round((times % 1.0) * bins).astype(int)) % bins
        per_bin = np.zeros((bins, height, width), np.uint8)
        for k in range(n):
            per_bin[which[k]] += np.unpackbits(self.masks[k], axis=1)[:, :width]
        count = self.count.astype(np.int32)
        packed = np.stack(self.masks)
        need = max(2, math.floor(span))  # a phase of the second recurs this often in the span
        scored: list[tuple[float, Found]] = []
        for b in range(bins):
            in_bin = np.flatnonzero(np.isin(which, [(b - 1) % bins, b, (b + 1) % bins]))
            near = packed[in_bin]
            total = (per_bin[b].astype(np.int32) + per_bin[(b - 1) % bins]
                     + per_bin[(b + 1) % bins])
            cand = ((total >= 2) & (4 * total >= count)).astype(np.uint8)
            if int(cand.sum()) < 12:
                continue
            labels, blobs = _blobs(cand)
            for i, weight, x, y, w, h in blobs:
                if (weight < 12 or h < min_height or h > height // 6 or w > 3 * h
                        or w < h // 4):
                    continue
                mine = (labels[y:y + h, x:x + w] == i) & (cand[y:y + h, x:x + w] > 0)
                changes = self._changes(near, x, y, w, h) & mine
                share = changes.sum(axis=(1, 2)) / max(1, int(mine.sum()))
                turns = np.array(_turns(in_bin, times, changes, share, int(mine.sum())), int)
                gaps = np.diff(times[turns])
                if len(turns) < need or np.any(np.abs(gaps - 1) > max(0.1, 1.5 * step, self.lag)):
                    continue
                changes = self._changes(packed, x, y, w, h) & mine
                share = changes.sum(axis=(1, 2)) / max(1, int(mine.sum()))
                digit = changes[turns].sum(axis=0) >= 2
                if int(digit.sum()) < 8:
                    continue
                ys, xs = np.nonzero(digit)
                dx, dy = x + int(xs.min()), y + int(ys.min())
                dw, dh = int(xs.max() - xs.min()) + 1, int(ys.max() - ys.min()) + 1
                if dh < min_height or not 0.3 * dh <= dw <= 1.6 * dh:
                    continue
                pad = math.ceil(margin * dh)
                bx0 = max(0, dx - math.ceil(left * dh))
                bx1 = min(width, dx + dw + math.ceil(right * dh))
                by0, by1 = max(0, dy - pad), min(height, dy + dh + pad)
                found = Found(digit=(dx, dy, dw, dh), band=(bx0, by0, bx1 - bx0, by1 - by0),
                              turnovers=tuple(float(self.times[k]) for k in turns))
                others = np.ones(n, bool)
                others[turns] = False
                # the digit changes at its turnovers and (nearly) never between them
                score = float(share[turns].mean()) - 10 * float(share[others].mean())
                scored.append((score, found))
        return _best_places(scored, most_found)


class Steady:
    """A second way to find a clock, for a busy ground where pixel changes cannot tell the digit from
    the scene: the seconds digit's strokes hold still for a whole second, then jump to another level
    at the next, while a moving ground does not hold still and a still one does not jump.

    For each of ``phases`` ways to cut clip time into seconds, each second's frames (all but those
    within half a phase step of its ends, where the true turnover may fall) give per pixel their
    spread and mean; a pixel *turns* between two seconds that each held within ``spread`` grey levels
    and whose means differ by more than ``jump``. A digit-sized cluster of turning pixels that turns
    at every turnover is a seconds digit. Memory: a few frame-sized arrays per phase."""

    def __init__(self, *, phases: int = 4, spread: int = 40, jump: int = 50) -> None:
        self.phases = phases
        self.spread = spread
        self.jump = jump
        # per phase: the open second (its number, min, max, sum, count) and the last closed one's
        # (steady mask, mean), and how many pairs each pixel turned between
        self.open: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, int] | None] = [None] * phases
        self.closed: list[tuple[int, np.ndarray, np.ndarray] | None] = [None] * phases
        self.turned: list[list[np.ndarray]] = [[] for _ in range(phases)]  # per pair, packed
        self.starts: list[list[float]] = [[] for _ in range(phases)]
        self.width = 0

    def feed(self, frames: np.ndarray, times: np.ndarray) -> None:
        margin = 0.5 / self.phases
        for frame, t in zip(frames, times):
            if not np.isfinite(t):
                continue
            self.width = frame.shape[1]
            for p in range(self.phases):
                at = float(t) - p / self.phases
                second = math.floor(at)
                o = self.open[p]
                if o is not None and o[0] != second:
                    self._close(p)
                    o = None
                if o is None:
                    self.starts[p].append(float(t))
                if not margin <= at - second < 1 - margin:
                    continue
                if o is None:
                    self.open[p] = (second, frame.copy(), frame.copy(),
                                    frame.astype(np.float32), 1)
                else:
                    np.minimum(o[1], frame, out=o[1])
                    np.maximum(o[2], frame, out=o[2])
                    np.add(o[3], frame, out=o[3])
                    self.open[p] = (second, o[1], o[2], o[3], o[4] + 1)

    def _close(self, p: int) -> None:
        o = self.open[p]
        self.open[p] = None
        if o is None or o[4] < 2:
            return
        second, lo, hi, total, count = o
        steady = (hi.astype(np.int16) - lo) <= self.spread
        mean = total / count
        c = self.closed[p]
        if c is not None and c[0] == second - 1:
            turned = c[1] & steady & (np.abs(mean - c[2]) > self.jump)
            self.turned[p].append(np.packbits(turned, axis=1))
        self.closed[p] = (second, steady, mean)

    def candidates(self, *, left: float, right: float, margin: float, min_height: int = 5,
                   most_found: int = 3) -> list[Found]:
        """Where the seconds digit may be, best first (as :meth:`Finder.candidates`)."""
        for p in range(self.phases):
            self._close(p)
        scored: list[tuple[float, Found]] = []
        for p in range(self.phases):
            if len(self.turned[p]) < 2:
                continue
            pairs = np.stack([np.unpackbits(t, axis=1) for t in self.turned[p]])[:, :, :self.width]
            height, width = pairs.shape[1:]
            some = pairs.max(axis=0)
            if int(some.sum()) < 8:
                continue
            labels, blobs = _blobs(some)
            for i, weight, x, y, w, h in blobs:
                if (weight < 8 or h < min_height or h > height // 6
                        or not 0.3 * h <= w <= 1.6 * h):
                    continue
                # the seconds digit turns at every turnover: some of its pixels at each
                mine = labels[y:y + h, x:x + w] == i
                if min(int((pp[y:y + h, x:x + w] & mine).sum()) for pp in pairs) < 3:
                    continue
                # a digit's strokes fill part of its box; a blob of the scene fills it
                fill = weight / float(w * h)
                if fill > 0.8:
                    continue
                pad = math.ceil(margin * h)
                bx0, bx1 = max(0, x - math.ceil(left * h)), min(width, x + w + math.ceil(right * h))
                by0, by1 = max(0, y - pad), min(height, y + h + pad)
                starts = self.starts[p][1:]
                found = Found(digit=(x, y, w, h), band=(bx0, by0, bx1 - bx0, by1 - by0),
                              turnovers=tuple(starts))
                scored.append((float(weight), found))
        return _best_places(scored, most_found)
