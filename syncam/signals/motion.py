"""Small grey frames -> motion Signature. Pure numpy/scipy: no files, no processes.

What two cameras of one scene share, whatever their position, zoom, exposure and frame rate, is *when*
things change: something moves, a light is switched on, a flash fires. Per decoded frame (small and
grey, with its real presentation time) we measure, against the previous frame, ``d = frame - previous``:

* **light change**: the median over the cells of a coarse grid of each cell's ``mean(d)``. A flash, a
  light switched on, a door opening onto daylight moves every cell's brightness one way; an object
  passing by moves only a few, and the median ignores it;
* **motion energy** per grid cell, ``mean |d - mean(d)|`` over the cell (the global brightness shift
  is removed, so a flash is not counted twice as motion).

Each cell's energy is divided by the cell's own typical (median) level before the cells are averaged,
so a local event in a quiet corner counts as much as steady traffic across the rest of the view, and
a camera zoomed in on part of the scene sees the same events rise and fall.

Timing comes from the frames' presentation times, never from a nominal rate: a difference describes
the interval between its two frames and sits at the interval's middle; it is divided by the interval's
length, so a variable-frame-rate clip (a phone dropping frames) yields the same curve as a steady one.
Both channels are then resampled onto one uniform time base (``rate``, shared by every clip, so clips
of 25, 30 and 59.94 fps can be correlated directly) and high-passed. Motion is robustly standardised;
light, measured in units of the clip's typical motion energy, is added only where it stands out (see
:func:`motion_values`). The sum is the signature, matched by :func:`syncam.sync.correlate.match`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy.ndimage import uniform_filter1d

from syncam import config
from syncam.types import Method, Signature


def _cell_means(d: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """(k, rows*cols) means of (k, h, w) ``d`` over a rows x cols grid (edge pixels that do not fill
    a cell are left out)."""
    gy, gx = grid
    k, h, w = d.shape
    cells = d[:, : h // gy * gy, : w // gx * gx].reshape(k, gy, h // gy, gx, w // gx)
    return cells.mean(axis=(2, 4)).reshape(k, gy * gx)


class MotionFeatures:
    """Per-frame features, accumulated block by block so a clip of any length needs little memory.

    Frames whose time is missing (NaN) or not later than the previous kept frame's are skipped: a
    broken timestamp must not create a zero-length interval.
    """

    def __init__(self, grid: tuple[int, int] = config.MOTION_GRID) -> None:
        self.grid = grid
        self._prev: np.ndarray | None = None
        self._last_time = -np.inf
        self._times: list[np.ndarray] = []
        self._light: list[np.ndarray] = []  # per difference: median over cells of mean(d)
        self._energy: list[np.ndarray] = []  # per difference: (k, cells)

    def add(self, frames: np.ndarray, times: np.ndarray) -> None:
        """Append ``frames`` ((k, h, w) uint8, grey) shown at ``times`` (k seconds, clip time)."""
        frames, times = self._monotonic(frames, np.asarray(times, dtype=np.float64))
        if len(times) == 0:
            return
        x = frames.astype(np.float32)
        self._times.append(times)
        stack = x if self._prev is None else np.concatenate([self._prev[None], x])
        self._prev = x[-1]
        self._last_time = float(times[-1])
        if len(stack) < 2:
            return
        d = np.diff(stack, axis=0)
        # a change of light moves every cell's brightness one way; a passing object moves a few
        self._light.append(np.median(_cell_means(d, self.grid), axis=1))
        d -= d.mean(axis=(1, 2), keepdims=True)
        np.abs(d, out=d)
        self._energy.append(_cell_means(d, self.grid))

    def _monotonic(self, frames: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = np.zeros(len(times), dtype=bool)
        last = self._last_time
        for i, t in enumerate(times):
            if np.isfinite(t) and t > last:
                keep[i] = True
                last = t
        return (frames, times) if keep.all() else (frames[keep], times[keep])

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times, light, energy): n frame times; per difference (n-1), the light change and the
        motion energy of every cell."""
        cells = self.grid[0] * self.grid[1]
        times = np.concatenate(self._times) if self._times else np.zeros(0)
        light = np.concatenate(self._light) if self._light else np.zeros(0)
        energy = np.concatenate(self._energy) if self._energy else np.zeros((0, cells), np.float32)
        return times, light, energy


def _standardise(v: np.ndarray) -> np.ndarray:
    """Robust z-score: (v - median) / (MAD scaled to a standard deviation)."""
    med = np.median(v)
    mad = np.median(np.abs(v - med)) * 1.4826
    if mad <= 1e-9:
        mad = max(float(np.std(v)), 1e-9)
    return (v - med) / mad


def _on_grid(grid: np.ndarray, mid: np.ndarray, per_second: np.ndarray, rate: float,
             baseline: float) -> np.ndarray:
    """A per-interval rate resampled at ``grid`` times, its slow trend (``baseline`` s) removed."""
    v = np.interp(grid, mid, per_second)
    size = max(3, int(round(baseline * rate)) | 1)
    return v - uniform_filter1d(v, size=size, mode="nearest")


def motion_values(times: np.ndarray, light: np.ndarray, energy: np.ndarray, *,
                  rate: float = config.MOTION_RATE, baseline: float = config.MOTION_BASELINE,
                  light_floor: float = config.MOTION_LIGHT_FLOOR,
                  light_clip: float = config.MOTION_LIGHT_CLIP,
                  still: float = config.MOTION_STILL) -> tuple[float, np.ndarray]:
    """The uniform-rate signature of per-frame features: (clip time of values[0], values).

    ``times`` (n, increasing), ``light`` (n-1) and ``energy`` (n-1, cells) as
    :meth:`MotionFeatures.arrays` returns them. Motion counts in full; a light change counts only
    where it stands out (``light_floor`` robust z-units are subtracted from its size), up to
    ``light_clip``: in a busy scene the light channel is the brightness of whatever passes by, noise
    that only blurs the motion channel, while a flash in a still scene is the only thing to see. A
    picture that never changes by more than ``still`` grey levels per frame gives all zeros: there is
    nothing to align it by.
    """
    if len(times) < 2:
        return float(times[0]) if len(times) else 0.0, np.zeros(0, dtype=np.float32)
    grid = np.arange(np.ceil(times[0] * rate), np.floor(times[-1] * rate) + 1) / rate
    if len(grid) < 2:
        return float(times[0]), np.zeros(0, dtype=np.float32)
    if float(energy.mean(axis=1).max()) < still and float(np.abs(light).max()) < still:
        return float(grid[0]), np.zeros(len(grid), dtype=np.float32)
    dt = np.diff(times)
    mid = times[:-1] + dt / 2
    per_second = energy / dt[:, None]
    level = np.median(per_second, axis=0)
    floor = max(float(np.median(level)) * 0.05, 1e-3)  # cells that never move: not amplified noise
    motion = np.mean([_on_grid(grid, mid, per_second[:, c] / max(float(level[c]), floor), rate,
                               baseline) for c in range(per_second.shape[1])], axis=0)
    # light in units of the clip's typical motion energy: a flash far outweighs it, the brightness of
    # passing objects does not
    scale = max(float(np.median(per_second.mean(axis=1))), 1e-3)
    rel = _on_grid(grid, mid, light / dt / scale, rate, baseline)
    flashes = np.sign(rel) * np.clip(np.abs(rel) - light_floor, 0.0, light_clip)
    return float(grid[0]), (_standardise(motion) + flashes).astype(np.float32)


def motion_signature(blocks: Iterable[tuple[np.ndarray, np.ndarray]], *, start: float = 0.0,
                     rate: float = config.MOTION_RATE,
                     grid: tuple[int, int] = config.MOTION_GRID) -> Signature:
    """Signature of a stream of (frames, times) blocks; ``start`` is subtracted from every time.

    ``start`` is the container time of the clip's time zero (its first video frame), so that the
    signature is in clip time like every other.
    """
    feats = MotionFeatures(grid)
    for frames, times in blocks:
        feats.add(frames, np.asarray(times, dtype=np.float64) - start)
    times, bright, energy = feats.arrays()
    t0, values = motion_values(times, bright, energy, rate=rate)
    return Signature(method=Method.MOTION, rate=float(rate), start=t0, values=values)


def is_still(sig: Signature) -> bool:
    """True when a motion signature holds nothing to align by: too short, or a picture that never
    changes (a still image, a lens cap)."""
    return len(sig.values) < 2 or not np.any(sig.values)
