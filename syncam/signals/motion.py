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
the interval between its two frames, spread evenly over it (its value divided by the interval's length:
a rate), so a variable-frame-rate clip (a phone dropping frames) yields the same curve as a steady one.
That piecewise-constant rate is averaged exactly over the bins of one uniform time base (``rate``,
shared by every clip, so clips of 25, 30 and 59.94 fps can be correlated directly) and high-passed.

For the sub-frame stage (``Signature.fine``, one curve per cell of a finer grid) the curves are also
smoothed by a Gaussian at least one frame wide. A frame rate samples motion too coarsely for its
fastest flicker, and two cameras whose frames fall at different instants alias that flicker
differently, which pulled correlation peaks toward whole frames (up to 8 ms at 25 fps). Above a
frame's length the two agree, and a zero-phase filter moves no peak. ``values`` stays unsmoothed: the
coarse search's confidence needs the sharp peak. Over the middle of the clip, the stage also gets
dense optical flow (OpenCV Farneback, ``Signature.flow``): per fine cell, how fast things move left or
right, up or down, smoothed the same way. Energy says how much changed; flow says which way it went,
which a wider or shifted view sees the same.

Motion is robustly standardised; light, measured in units of the clip's typical motion energy, is
added only where it stands out (see :func:`motion_values`). The sum is the signature, matched by
:func:`syncam.sync.correlate.match`.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np
from scipy.ndimage import gaussian_filter1d, uniform_filter1d

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

    Motion energy is kept per cell of two grids: ``grid`` for the coarse search, and the finer
    ``fine`` grid whose cells the sub-frame stage pairs up across cameras (sync/subframe.py).
    Optical flow is measured between the frames inside ``flow_window`` (clip time, seconds), if any.
    Frames whose time is missing (NaN) or not later than the previous kept frame's are skipped: a
    broken timestamp must not create a zero-length interval.
    """

    def __init__(self, grid: tuple[int, int] = config.MOTION_GRID,
                 fine: tuple[int, int] = config.MOTION_FINE_GRID,
                 flow_window: tuple[float, float] | None = None) -> None:
        self.grid = grid
        self.fine = fine
        self.flow_window = flow_window
        self._flow_prev: tuple[np.ndarray, float] | None = None  # the last frame and its time
        self._flow_times: list[float] = []  # the frame times that bound the flow rows
        self._flow: list[np.ndarray] = []  # per pair of frames in the window: (2 x fine cells,)
        self._prev: np.ndarray | None = None
        self._last_time = -np.inf
        self._times: list[np.ndarray] = []
        self._light: list[np.ndarray] = []  # per difference: median over cells of mean(d)
        self._energy: list[np.ndarray] = []  # per difference: (k, cells)
        self._fine: list[np.ndarray] = []  # per difference: (k, fine cells)

    def add(self, frames: np.ndarray, times: np.ndarray) -> None:
        """Append ``frames`` ((k, h, w) uint8, grey) shown at ``times`` (k seconds, clip time)."""
        frames, times = self._monotonic(frames, np.asarray(times, dtype=np.float64))
        if len(times) == 0:
            return
        if self.flow_window is not None:
            self._add_flow(frames, times, *self.flow_window)
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
        self._fine.append(_cell_means(d, self.fine).astype(np.float32))

    def _add_flow(self, frames: np.ndarray, times: np.ndarray, lo: float, hi: float) -> None:
        """Flow between consecutive frames that both lie in [lo, hi]: one contiguous run of pairs."""
        prev = self._flow_prev
        for frame, t in zip(frames, times):
            if prev is not None and prev[1] >= lo and t <= hi:
                if not self._flow_times:
                    self._flow_times.append(prev[1])
                self._flow_times.append(float(t))
                self._flow.append(flow_cells(prev[0], frame, self.fine))
            prev = (frame, float(t))
        # a copy: the caller may reuse the block's buffer
        self._flow_prev = None if prev is None else (prev[0].copy(), prev[1])

    def flow_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """(times, flow): the m+1 frame times bounding m pairs, and each pair's flow per fine cell."""
        cells = 2 * self.fine[0] * self.fine[1]
        flow = np.stack(self._flow) if self._flow else np.zeros((0, cells), np.float32)
        return np.array(self._flow_times), flow

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

    def fine_energy(self) -> np.ndarray:
        """Per difference (n-1), the motion energy of every cell of the fine grid."""
        cells = self.fine[0] * self.fine[1]
        return np.concatenate(self._fine) if self._fine else np.zeros((0, cells), np.float32)


def flow_cells(f0: np.ndarray, f1: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """Dense optical flow from grey uint8 frame ``f0`` to ``f1`` (pixels), its x and then its y
    component averaged over each cell of ``grid``: (2 * rows * cols,) float32."""
    pyr_scale, levels, winsize, iterations, poly_n, poly_sigma = config.MOTION_FLOW_PARAMS
    flow = cv2.calcOpticalFlowFarneback(f0, f1, None,  # type: ignore[call-overload]
                                        pyr_scale, levels, winsize, iterations, poly_n, poly_sigma, 0)
    return _cell_means(np.moveaxis(np.asarray(flow), 2, 0), grid).ravel().astype(np.float32)


def _standardise(v: np.ndarray) -> np.ndarray:
    """Robust z-score: (v - median) / (MAD scaled to a standard deviation)."""
    med = np.median(v)
    mad = np.median(np.abs(v - med)) * 1.4826
    if mad <= 1e-9:
        mad = max(float(np.std(v)), 1e-9)
    return (v - med) / mad


def _on_grid(grid: np.ndarray, times: np.ndarray, per_second: np.ndarray, rate: float,
             smooth: float, baseline: float) -> np.ndarray:
    """Per-interval rates ((n-1,) or (n-1, k), constant between the n frame ``times``) averaged over
    the 1/``rate`` bins centred on ``grid``, Gaussian-smoothed (``smooth`` s) and with their slow trend
    (``baseline`` s) removed."""
    dt = np.diff(times)
    amount = per_second * (dt if per_second.ndim == 1 else dt[:, None])
    total = np.concatenate([np.zeros((1, *amount.shape[1:])), np.cumsum(amount, axis=0)])
    half = 0.5 / rate
    lo = np.clip(grid - half, times[0], times[-1])
    hi = np.clip(grid + half, times[0], times[-1])
    width = np.maximum(hi - lo, 1e-9)
    v = (_interp_rows(hi, times, total) - _interp_rows(lo, times, total)) / (
        width if total.ndim == 1 else width[:, None])
    if smooth > 0:
        v = gaussian_filter1d(v, smooth * rate, axis=0, mode="nearest")
    size = max(3, int(round(baseline * rate)) | 1)
    return v - uniform_filter1d(v, size=size, axis=0, mode="nearest")


def _interp_rows(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """np.interp of every column of ``fp`` (rows at increasing ``xp``) at ``x`` in [xp[0], xp[-1]]."""
    i = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)
    w = (x - xp[i]) / (xp[i + 1] - xp[i])
    if fp.ndim > 1:
        w = w[:, None]
    return fp[i] * (1.0 - w) + fp[i + 1] * w


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
    per_second = energy / dt[:, None]
    level = np.median(per_second, axis=0)
    floor = max(float(np.median(level)) * 0.05, 1e-3)  # cells that never move: not amplified noise
    # each cell in units of its own typical level, then averaged (a linear step: averaging first is
    # the same and 16x cheaper on the grid)
    motion = _on_grid(grid, times, (per_second / np.maximum(level, floor)).mean(axis=1), rate,
                      0.0, baseline)
    # light in units of the clip's typical motion energy: a flash far outweighs it, the brightness of
    # passing objects does not
    scale = max(float(np.median(per_second.mean(axis=1))), 1e-3)
    rel = _on_grid(grid, times, light / dt / scale, rate, 0.0, baseline)
    flashes = np.sign(rel) * np.clip(np.abs(rel) - light_floor, 0.0, light_clip)
    return float(grid[0]), (_standardise(motion) + flashes).astype(np.float32)


def fine_curves(times: np.ndarray, light: np.ndarray, fine_energy: np.ndarray, *,
                rate: float = config.MOTION_FINE_RATE, smooth: float = config.MOTION_SMOOTH,
                baseline: float = config.MOTION_BASELINE) -> tuple[float, np.ndarray]:
    """The sub-frame stage's curves: (clip time of row 0, (m, cells + 1) float16).

    One column per fine-grid cell (its motion energy) and a last one for the light change, each
    averaged over 1/``rate`` bins, smoothed by a Gaussian of ``smooth`` seconds or one frame (the
    longer), high-passed and standardised. Which cell of one camera sees what a cell of another sees
    is found when they are matched (sync/subframe.py); nothing here depends on the other camera.
    """
    channels = np.concatenate([fine_energy, light[:, None]], axis=1)
    return _smoothed(times, channels, rate=rate, smooth=smooth, baseline=baseline)


def _smoothed(times: np.ndarray, per_interval: np.ndarray, *, rate: float, smooth: float,
              baseline: float) -> tuple[float, np.ndarray]:
    """Per-interval amounts ((n-1, k), between the n ``times``) as the sub-frame stage's curves:
    (clip time of row 0, (m, k) float16), binned, smoothed, high-passed and standardised."""
    grid = np.arange(np.ceil(times[0] * rate), np.floor(times[-1] * rate) + 1) / rate
    dt = np.diff(times)
    sigma = max(smooth, float(np.median(dt)))
    v = _on_grid(grid, times, per_interval / dt[:, None], rate, sigma, baseline)
    v -= v.mean(axis=0)
    spread = v.std(axis=0)
    v /= np.where(spread > 0, spread, 1.0)
    return float(grid[0]), v.astype(np.float16)


def flow_curves(times: np.ndarray, flow: np.ndarray, *, rate: float = config.MOTION_FINE_RATE,
                smooth: float = config.MOTION_SMOOTH,
                baseline: float = config.MOTION_BASELINE) -> tuple[float, np.ndarray] | None:
    """The optical-flow curves of :meth:`MotionFeatures.flow_rows`, made like :func:`fine_curves`;
    None when the flow spans less than two bins."""
    if len(flow) < 2 or np.floor(times[-1] * rate) - np.ceil(times[0] * rate) < 1:
        return None
    return _smoothed(times, flow, rate=rate, smooth=smooth, baseline=baseline)


def motion_signature(blocks: Iterable[tuple[np.ndarray, np.ndarray]], *, start: float = 0.0,
                     rate: float = config.MOTION_RATE,
                     grid: tuple[int, int] = config.MOTION_GRID,
                     flow_window: tuple[float, float] | None = None) -> Signature:
    """Signature of a stream of (frames, times) blocks; ``start`` is subtracted from every time.

    ``values`` is the curve the coarse search scores; ``fine`` holds the per-cell curves, smoothed to
    below the frame rate, on which the lag is refined to a fraction of a frame (sync/subframe.py).
    ``start`` is the container time of the clip's time zero (its first video frame), so that the
    signature is in clip time like every other. ``flow_window``: where to measure optical flow.
    """
    feats = MotionFeatures(grid, flow_window=flow_window)
    for frames, times in blocks:
        feats.add(frames, np.asarray(times, dtype=np.float64) - start)
    times, bright, energy = feats.arrays()
    t0, values = motion_values(times, bright, energy, rate=rate)
    if len(values) < 2 or not np.any(values):
        return Signature(method=Method.MOTION, rate=float(rate), start=t0, values=values)
    f0, fine = fine_curves(times, bright, feats.fine_energy())
    flow = flow_curves(*feats.flow_rows())
    return Signature(method=Method.MOTION, rate=float(rate), start=t0, values=values, fine=fine,
                     fine_rate=float(config.MOTION_FINE_RATE), fine_start=f0,
                     flow=None if flow is None else flow[1],
                     flow_start=0.0 if flow is None else flow[0])
