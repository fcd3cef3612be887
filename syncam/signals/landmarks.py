"""PCM -> landmark fingerprints (spectral peak pairs), streamed. Pure numpy/scipy, no I/O.

API::

    lm = Landmarker(rate=8000)       # config.LANDMARK_* parameters
    for piece in pcm_pieces:         # float32 mono, any lengths (what ffmpeg hands over)
        lm.feed(piece)
    marks = lm.result()              # types.Landmarks: hashes (uint32), times (int32 frames), hop (s)

    landmarks(pcm, rate)             # the same over one whole array

A landmark is a pair of peaks of the log-magnitude spectrogram (64 ms frames, 32 ms hop, 250-3500 Hz):
an *anchor* peak at frame t1, bin f1, and one of the next LANDMARK_FANOUT peaks ahead of it in a target
zone (1 to LANDMARK_MAX_DT frames later, within LANDMARK_MAX_DF bins). Its hash packs (f1, f2 - f1,
(t2 - t1) // 2) into 19 bits; its time is t1. Two recordings of the same sound share landmarks at a
constant time difference whatever each one's gain, equaliser, codec or room (a peak stays where the
energy is, a pair says nothing about levels), which is what Shazam, audfprint and Panako rely on.
Peaks are local maxima over +-LANDMARK_PEAK_FRAMES frames and +-LANDMARK_PEAK_BINS bins (which bounds
their density: ~40 a second of music or speech), at least LANDMARK_PROMINENCE dB above the mean level
of the surrounding second and above LANDMARK_FLOOR dBFS (digital silence and a muted track give none).

Streaming: frames are transformed and peaks picked in blocks of fixed frame positions, so the result
is bit-identical however the PCM is cut into pieces, and the state between feeds is under one block
of PCM (16 s) plus the spectrogram rows and peaks the next block needs.
"""

from __future__ import annotations

import numpy as np
import scipy.fft
from scipy.ndimage import uniform_filter1d

from syncam import config
from syncam.types import Landmarks

_DF_BITS = 6
_DT_BITS = 5  # dt in units of two frames: a peak's frame moves by one in another room


class Landmarker:
    """Landmarks of mono PCM at ``rate`` fed in pieces of any length (see the module docstring)."""

    def __init__(self, rate: int = config.AUDIO_RATE, *, frame: int = config.LANDMARK_FRAME,
                 hop: int = config.LANDMARK_HOP, band: tuple[float, float] = config.LANDMARK_BAND,
                 peak_frames: int = config.LANDMARK_PEAK_FRAMES,
                 peak_bins: int = config.LANDMARK_PEAK_BINS,
                 prominence: float = config.LANDMARK_PROMINENCE, floor: float = config.LANDMARK_FLOOR,
                 fanout: int = config.LANDMARK_FANOUT, max_dt: int = config.LANDMARK_MAX_DT,
                 max_df: int = config.LANDMARK_MAX_DF, block: int = 512) -> None:
        if max_dt >= 2 << _DT_BITS or max_df >= 1 << (_DF_BITS - 1):
            raise ValueError("the target zone must fit the hash: max_dt < 64, max_df < 32")
        self.rate, self.frame, self.hop = rate, frame, hop
        freqs = np.fft.rfftfreq(frame, 1.0 / rate)
        self.lo = int(np.searchsorted(freqs, band[0]))
        self.hi = int(np.searchsorted(freqs, band[1], side="right"))
        if self.hi - self.lo > 1 << (config.LANDMARK_HASH_BITS - _DF_BITS - _DT_BITS):
            raise ValueError("the band has more bins than the hash holds")
        self.win = np.hanning(frame + 2)[1:-1].astype(np.float32)
        # dB relative to a full-scale sine's peak bin (amplitude 1 -> |X| = sum(win) / 2)
        self.ref_db = 20.0 * np.log10(self.win.sum() / 2.0)
        self.pf, self.pb, self.prom, self.floor = peak_frames, peak_bins, prominence, floor
        self.ctx = max(peak_frames, config.LANDMARK_LEVEL_FRAMES)  # rows each side a decision reads
        self.fanout, self.max_dt, self.max_df, self.block = fanout, max_dt, max_df, block
        self.pcm = np.zeros(0, np.float32)  # samples from frame `self.framed` on
        self.framed = 0  # frames transformed
        self.rows = np.zeros((0, self.hi - self.lo), np.float32)  # log spectrum from frame `row0`
        self.row0 = 0
        self.decided = 0  # frames whose peaks are known
        self.peaks = np.zeros((0, 2), np.int32)  # (frame, bin) of peaks not yet paired as anchors
        self.paired = 0  # frames whose peaks have been paired as anchors
        self.out_h: list[np.ndarray] = []
        self.out_t: list[np.ndarray] = []

    def feed(self, pcm: np.ndarray) -> None:
        """Take the next samples (mono, any length)."""
        self.pcm = np.concatenate([self.pcm, np.asarray(pcm, dtype=np.float32).reshape(-1)])
        need = (self.block - 1) * self.hop + self.frame  # samples of one block of frames
        while len(self.pcm) >= need:
            self._transform(self.block)

    def result(self) -> Landmarks:
        """Everything fed so far (the last partial frame is not analysed). Ends the stream."""
        n = (len(self.pcm) - self.frame) // self.hop + 1 if len(self.pcm) >= self.frame else 0
        if n > 0:
            self._transform(n)
        self._decide(self.framed, final=True)
        self._pair(self.framed, final=True)
        hashes = np.concatenate(self.out_h) if self.out_h else np.zeros(0, np.uint32)
        times = np.concatenate(self.out_t) if self.out_t else np.zeros(0, np.int32)
        return Landmarks(hashes=hashes, times=times, hop=self.hop / self.rate, frames=self.framed)

    def _transform(self, n: int) -> None:
        """Spectrum of the next ``n`` frames; then decide the peaks they make decidable."""
        frames = np.lib.stride_tricks.sliding_window_view(self.pcm, self.frame)[::self.hop][:n]
        spec = scipy.fft.rfft(frames * self.win, axis=1)[:, self.lo: self.hi]
        power = spec.real ** 2 + spec.imag ** 2
        rows = (10.0 * np.log10(power + 1e-12) - self.ref_db).astype(np.float32)
        self.rows = np.concatenate([self.rows, rows])
        self.framed += n
        self.pcm = self.pcm[n * self.hop:].copy()
        self._decide(self.framed - self.ctx)

    def _decide(self, upto: int, final: bool = False) -> None:
        """Pick the peaks of frames ``decided .. upto`` (their neighbourhoods are all transformed)."""
        upto = min(upto, self.framed)
        if upto <= self.decided:
            return
        # rows from decided - ctx (or the first) to upto + ctx (or the last); outside: silence
        lo_row = max(self.decided - self.ctx, self.row0)
        hi_row = min(upto + self.ctx, self.framed)
        s = self.rows[lo_row - self.row0: hi_row - self.row0]
        pad_lo = self.ctx - (self.decided - lo_row)
        pad_hi = self.ctx - (hi_row - upto)
        fill = np.float32(-200.0)
        s = np.pad(s, ((pad_lo, pad_hi), (0, 0)), constant_values=fill)
        peak = _running_max(_running_max(s, self.pf, 0, fill), self.pb, 1, fill)
        frame_level = s.mean(axis=1)
        level = uniform_filter1d(frame_level, 2 * config.LANDMARK_LEVEL_FRAMES + 1, mode="constant",
                                 cval=fill)
        c = slice(self.ctx, self.ctx + upto - self.decided)
        s, peak, level = s[c], peak[c], level[c]
        keep = (s == peak) & (s > self.floor) & (s > level[:, None] + self.prom)
        t, f = np.nonzero(keep)
        found = np.stack([t + self.decided, f], axis=1).astype(np.int32)
        self.peaks = np.concatenate([self.peaks, found])
        self.decided = upto
        # keep the rows the next decision reads
        drop = max(0, self.decided - self.ctx - self.row0)
        self.rows, self.row0 = self.rows[drop:], self.row0 + drop
        self._pair(self.decided - self.max_dt, final)

    def _pair(self, upto: int, final: bool = False) -> None:
        """Hash every anchor of frames ``paired .. upto`` (all peaks up to max_dt later are known)."""
        upto = min(upto, self.decided)
        if upto <= self.paired and not final:
            return
        p = self.peaks
        n_anchor = int(np.searchsorted(p[:, 0], upto)) if len(p) else 0
        if n_anchor:
            t, f = p[:, 0], p[:, 1]
            # the peaks each anchor may pair with: those after it within max_dt frames
            end = np.searchsorted(t, t[:n_anchor] + self.max_dt, side="right")
            first = np.searchsorted(t, t[:n_anchor], side="right")
            width = int((end - first).max(initial=0))
            if width:
                idx = first[:, None] + np.arange(width)[None, :]
                valid = idx < end[:, None]
                idx = np.minimum(idx, len(p) - 1)
                df = f[idx] - f[:n_anchor, None]
                ok = valid & (np.abs(df) <= self.max_df)
                ok &= np.cumsum(ok, axis=1) <= self.fanout
                a, k = np.nonzero(ok)
                dt = t[idx[a, k]] - t[a]
                h = ((f[a].astype(np.uint32) << (_DF_BITS + _DT_BITS))
                     | ((df[a, k] & ((1 << _DF_BITS) - 1)).astype(np.uint32) << _DT_BITS)
                     | (dt >> 1).astype(np.uint32))
                self.out_h.append(h.astype(np.uint32))
                self.out_t.append(t[a].astype(np.int32))
        self.peaks = p[n_anchor:]
        self.paired = max(self.paired, upto)


def _running_max(x: np.ndarray, r: int, axis: int, fill: np.float32) -> np.ndarray:
    """The largest value within +-``r`` along ``axis`` (``fill`` beyond the ends): ndimage's
    maximum_filter1d, by doubling spans of whole-array maxima (a few vectorised passes, not a loop
    over elements along a strided axis)."""
    x = np.moveaxis(x, axis, 0)
    pad = np.full((r,) + x.shape[1:], fill, dtype=x.dtype)
    y = np.concatenate([pad, x, pad])  # row i + r of y is row i of x
    width, span = 2 * r + 1, 1
    m = y
    while span * 2 <= width:  # m[i] = max(y[i: i + span * 2])
        m = np.maximum(m[:-span], m[span:])
        span *= 2
    if span < width:  # the rest of the window: two overlapping spans cover it
        m = np.maximum(m[: len(m) - (width - span)], m[width - span:])
    return np.moveaxis(m[: len(x)], 0, axis)


def landmarks(pcm: np.ndarray, rate: int = config.AUDIO_RATE, *, start: float = 0.0,
              **kw: object) -> Landmarks:
    """:class:`Landmarker` over one whole array whose first sample is at clip time ``start``."""
    lm = Landmarker(rate, **kw)  # type: ignore[arg-type]
    lm.feed(pcm)
    r = lm.result()
    return Landmarks(r.hashes, r.times, r.hop, r.frames, start)
