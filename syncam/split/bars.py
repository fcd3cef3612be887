"""Black bars around a shot (letterbox, pillarbox): the picture's box inside the frame, from ffmpeg
cropdetect's box on each frame. Pure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Box = tuple[int, int, int, int]  # w, h, x, y in the full frame


def picture(boxes: Sequence[Box], width: int, height: int) -> Box | None:
    """The shot's picture: the median of its frames' boxes (a dark frame of the shot finds bars that
    are not there), None when the shot fills the frame. Its sides stay even (4:2:0 chroma)."""
    if not boxes:
        return None
    w, h, x, y = (int(v) for v in np.median(np.asarray(boxes, float), axis=0))
    w, h, x, y = w // 2 * 2, h // 2 * 2, x // 2 * 2, y // 2 * 2
    if w <= 0 or h <= 0 or (w >= width - 2 and h >= height - 2):
        return None
    return min(w, width - x), min(h, height - y), x, y
