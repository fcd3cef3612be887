"""Which frames show which second: a stretch of frames split where the seconds digit turns over. Pure.

Frame-to-frame differences cannot tell a turnover from a busy background behind see-through text:
a car passing behind a 10 px digit changes more pixels than the digit does. The split uses what a
clock is instead. The digit's strokes keep the text's colour in every frame of its second, while
the ground between them takes any value; so over the frames of one second, the pixels that stay at
the text's level (brighter than ``level``, text made bright) are that digit's strokes, and a group
of frames that straddles two seconds keeps only the strokes the two digits share. The seconds turn
over once a second at one phase: the phase whose grouping keeps the most strokes is the clock's.
Each turnover is then placed at the frame where the strokes of the next digit appear and those of
the last one go.
"""

from __future__ import annotations

import numpy as np


def text_level(boxes: np.ndarray) -> float:
    """The level above which a pixel of the digit boxes (text made bright) shows text."""
    hi, mid = np.percentile(boxes, [99, 50])
    return float(hi - 0.5 * (hi - mid))


def _strokes(boxes: np.ndarray, level: float) -> np.ndarray:
    """Pixels at the text's level in (nearly) every frame: compression noise spares one in ten."""
    return (boxes >= level).mean(axis=0) >= 0.9


def phase(times: np.ndarray, boxes: np.ndarray, step: float, level: float) -> float:
    """The fraction of the second at which the seconds digit turns over (clip time modulo 1): the
    one whose grouping of the frames into seconds keeps the most strokes, each group weighted by
    its frames. ``boxes``: (frames, h, w) pictures of the seconds digit, text bright."""
    grid = np.arange(0.0, 1.0, max(step / 2, 0.005))
    scores = []
    for p in grid:
        groups = np.floor(times - p).astype(int)
        score = 0
        for g in np.unique(groups):
            part = boxes[groups == g]
            score += len(part) * int(_strokes(part, level).sum())
        scores.append(score)
    return float(grid[int(np.argmax(scores))])


def split(times: np.ndarray, boxes: np.ndarray, at: float, level: float, *,
          search: int = 3) -> list[int]:
    """Indices of the first frame of each second after the first, the clock turning over near clip
    times ``at`` + k: each at the split, within ``search`` frames, where the strokes only the later
    digit has appear and those only the earlier one has go."""
    groups = np.floor(times - at).astype(int)
    starts = [int(i) for i in np.flatnonzero(np.diff(groups)) + 1]
    out: list[int] = []
    bounds = [0, *starts, len(times)]
    for j, s in enumerate(starts):
        lo, hi = bounds[j], bounds[j + 2]
        first, last = max(lo + 1, s - search), min(hi - 1, s + search)
        before, after = boxes[lo:first], boxes[last + 1:hi]
        if len(before) == 0 or len(after) == 0:
            out.append(s)
            continue
        a, b = _strokes(before, level), _strokes(after, level)
        only_a, only_b = a & ~b, b & ~a
        if not only_a.any() and not only_b.any():
            out.append(s)
            continue
        near = boxes[first - 1:last + 1] >= level
        # +: the frame looks like the later second
        lean = (near[:, only_b].mean(axis=1) if only_b.any() else 0.0) - (
            near[:, only_a].mean(axis=1) if only_a.any() else 0.0)
        lean = np.broadcast_to(np.asarray(lean, float), (len(near),))
        best, best_score = s, -np.inf
        for c in range(first, last + 1):  # frames before c belong to the earlier second
            k = c - (first - 1)
            score = float(lean[k:].sum() - lean[:k].sum())
            if score > best_score:
                best, best_score = c, score
        out.append(best)
    return out
