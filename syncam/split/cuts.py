"""Where a release cuts from one shot to the next: hard cuts by PySceneDetect's AdaptiveDetector, and
dissolves and fades by a blend fit on small grey frames. A cut is the index of the first frame of the
new shot; a dissolve's cut is its midpoint, the first frame where the new shot outweighs the old.

No I/O: frames come in as arrays (from one decode, media/ffmpeg.scan).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import cv2
import numpy as np

from syncam import config
from syncam.errors import SyncamError

EXTRA_HINT = "syncam split needs PySceneDetect: pip install 'syncam[split]'"


def _detector() -> Any:
    try:
        from scenedetect.detectors import AdaptiveDetector
    except ImportError:
        raise SyncamError(EXTRA_HINT) from None
    return AdaptiveDetector(adaptive_threshold=config.SPLIT_ADAPTIVE_THRESHOLD,
                            min_scene_len=config.SPLIT_MIN_SHOT,
                            min_content_val=config.SPLIT_MIN_CONTENT)


def check_extra() -> None:
    """A SyncamError naming the extra to install when PySceneDetect is missing."""
    _detector()


@dataclass(frozen=True)
class Transition:
    """A dissolve or fade over frames [first, end); ``cut`` its midpoint (first frame of the new
    shot)."""

    first: int
    end: int
    cut: int


class CutFinder:
    """Fed the frames of a release in order (BGR blocks), keeps what the later stages need: the cuts
    the detector fires on, a small grey frame per frame, and each frame's change from the last."""

    def __init__(self, fps: Fraction) -> None:
        from scenedetect.common import FrameTimecode

        self._detector = _detector()
        self._timecode = FrameTimecode
        self.fps = fps
        self.count = 0
        self.hard: list[int] = []
        self._thumbs: list[np.ndarray] = []
        self._change: list[float] = []
        self._last: np.ndarray | None = None

    def feed(self, frames: np.ndarray) -> None:
        for frame in frames:
            for tc in self._detector.process_frame(self._timecode(self.count, fps=self.fps), frame):
                self.hard.append(int(tc.frame_num))
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            self._thumbs.append(cv2.resize(grey, config.SPLIT_THUMB, interpolation=cv2.INTER_AREA))
            g = grey.astype(np.int16)
            self._change.append(0.0 if self._last is None else float(np.abs(g - self._last).mean()))
            self._last = g
            self.count += 1

    @property
    def thumbs(self) -> np.ndarray:
        """(frames, h, w) uint8: every frame, small and grey."""
        w, h = config.SPLIT_THUMB
        return np.stack(self._thumbs) if self._thumbs else np.empty((0, h, w), np.uint8)

    @property
    def change(self) -> np.ndarray:
        """Each frame's mean absolute grey change from the frame before (0 for the first)."""
        return np.asarray(self._change, float)

    def finish(self) -> tuple[list[int], list[Transition]]:
        """The cuts (sorted frame indices, each > 0) and the transitions among them."""
        if self.count:
            for tc in self._detector.post_process(self._timecode(self.count - 1, fps=self.fps)):
                self.hard.append(int(tc.frame_num))
        return merge(self.hard, dissolves(self.thumbs), self.count)


def _weights(thumbs: np.ndarray, first: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each frame in [first, end) as a blend of the frames just outside: (the frames minus the one
    before, the change across, the blend weights)."""
    a = thumbs[first - 1].ravel().astype(np.float32)
    d = thumbs[end].ravel().astype(np.float32) - a
    mid = thumbs[first:end].reshape(end - first, -1).astype(np.float32) - a
    return mid, d, np.clip(mid @ d / max(float(d @ d), 1e-6), 0.0, 1.0)


def _residual(mid: np.ndarray, d: np.ndarray, weight: np.ndarray) -> float:
    """How far the frames are from their blends, over the change across (see :func:`_weights`)."""
    return float(np.abs(mid - weight[:, None] * d).mean()) / max(float(np.abs(d).mean()), 1e-6)


def _fit(thumbs: np.ndarray, first: int, end: int) -> tuple[float, np.ndarray]:
    """(residual / change, the blend weights) of the frames in [first, end)."""
    mid, d, weight = _weights(thumbs, first, end)
    return _residual(mid, d, weight), weight


def dissolves(thumbs: np.ndarray) -> list[Transition]:
    """Dissolves and fades in a release's small grey frames (see config.SPLIT_DISSOLVE_*)."""
    n = len(thumbs)
    flat = thumbs.reshape(n, -1).astype(np.int16)
    found: list[tuple[float, Transition]] = []
    for h in config.SPLIT_DISSOLVE_HALF_WIDTHS:
        if n < 2 * h + 2:
            continue
        # the change across each window [k - h, k + h): only cut-sized ones are fitted
        across = np.abs(flat[2 * h + 1:] - flat[: n - 2 * h - 1]).mean(axis=1)
        for i in np.flatnonzero(across >= config.SPLIT_DISSOLVE_MIN_CHANGE):
            first, end = int(i) + 1, int(i) + 1 + 2 * h
            # the blend weights first: most windows (those across a hard cut) fail on them alone,
            # and the residual is two thirds of a fit's work
            mid, d, weight = _weights(thumbs, first, end)
            between = int(((weight > 0.15) & (weight < 0.85)).sum())
            if between < max(3, h // 2) or not np.all(np.diff(weight) > -0.15):
                continue
            ratio = _residual(mid, d, weight)
            if ratio <= config.SPLIT_DISSOLVE_RESIDUAL:
                cut = first + int(np.argmax(weight >= 0.5))
                found.append((ratio, Transition(first, end, cut)))
    # overlapping windows describe one transition: the best fit's, grown by the windows that overlap
    # it, fitted again as a whole (a window inside a dissolve puts its midpoint off-centre)
    kept: list[Transition] = []
    for _, t in sorted(found, key=lambda f: f[0]):
        if any(t.first < k.end and t.end > k.first for k in kept):
            continue
        # windows of the same transition: overlapping it, their midpoint near its own (a long
        # window across a fade-out, black and a fade-in is not one transition)
        near = [o for _, o in found if o.first < t.end and o.end > t.first
                and abs(o.cut - t.cut) <= max(2, (t.end - t.first) // 2)]
        first, end = min(o.first for o in near), max(o.end for o in near)
        _, weight = _fit(thumbs, first, end)
        mixed = np.flatnonzero((weight > 0.05) & (weight < 0.95))  # the frames of the blend itself
        cut = first + int(np.argmax(weight >= 0.5))
        kept.append(Transition(first + int(mixed[0]) if mixed.size else cut,
                               first + int(mixed[-1]) + 1 if mixed.size else cut, cut))
    return sorted(kept, key=lambda t: t.cut)


def merge(hard: list[int], transitions: list[Transition], count: int
          ) -> tuple[list[int], list[Transition]]:
    """Hard cuts and transitions as one sorted list of cuts: a hard cut inside a transition is that
    transition (the detector fires somewhere in a dissolve), and no cut is within SPLIT_MIN_SHOT of
    another."""
    cuts = {t.cut for t in transitions}
    for c in hard:
        if 0 < c < count and not any(t.first - 1 <= c <= t.end for t in transitions):
            cuts.add(c)
    out: list[int] = []
    for c in sorted(cuts):
        if not out or c - out[-1] >= config.SPLIT_MIN_SHOT:
            out.append(c)
    return out, [t for t in transitions if t.cut in out]
