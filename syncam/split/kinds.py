"""What kind of shot a stretch of frames is: a camera's, or one no camera filmed (black, a title card,
a still). Pure: small grey frames and per-frame change in, a kind out."""

from __future__ import annotations

import numpy as np

from syncam import config

CAMERA, BLACK, TITLE, STILL = "camera", "black", "title", "still"


def kind(thumbs: np.ndarray, change: np.ndarray) -> str:
    """The kind of a shot from its small grey frames (k, h, w) and each frame's change from the one
    before (the first value, the change across the cut, is left out)."""
    if float(thumbs.mean()) < config.SPLIT_BLACK_LEVEL:
        return BLACK
    inside = change[1:]
    if inside.size and float(np.median(inside)) >= config.SPLIT_STILL_CHANGE:
        return CAMERA
    # held: a flat colour with text on it is a title card, any other held picture a still
    levels = np.bincount((thumbs[len(thumbs) // 2] // 8).ravel(), minlength=32)
    return TITLE if levels.max() / levels.sum() >= config.SPLIT_TITLE_FLAT else STILL
