"""PCM -> audio Signature. Pure numpy/scipy: no files, no processes.

Both signals of an audio signature are the clip's sound *whitened in short time*: every 32 ms frame's
spectrum keeps its phase and loses its magnitude (the phase transform of GCC-PHAT, applied frame by
frame), between ``WHITEN_LOW`` Hz and a little under Nyquist, and the frames are added back together.
What is left is where in time every frequency's wave fronts fall, with the same weight at every
frequency and at every moment: a loud bass note, a camera's equaliser, its gain, wind rumble in a few
low bands or a hard clip change little, and a quiet stretch of shared sound counts as much as a loud
one. Frames quieter than ``WHITEN_GATE`` dBFS (digital silence, a muted track) are zeroed, not
amplified into noise.

``fine`` is this signal at the decode rate (the search over every lag, windowed evidence and
sub-millisecond refinement), ``values`` the same at ``LONG_SCAN_RATE`` (the search over every lag for
pairs too long to search at the full rate in bounded memory). Both are made in one pass: the low-rate
one is the same frames' lower bins, inverse-transformed at a smaller size.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

from syncam import config
from syncam.types import Method, Signature

_CHUNK_FRAMES = 4096  # frames per block: ~4 MB temporaries, cache-friendly


def _sqrt_hann(n: int) -> np.ndarray:
    """Periodic sqrt-Hann: as analysis and synthesis window at 50 % overlap it sums to exactly 1."""
    return np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)).astype(np.float32)


class Whitener:
    """Short-time phase transform of mono PCM fed in pieces: one whitened signal per output rate.

    Memory is the outputs and one piece, never the whole PCM: an hour decoded at 8 kHz is 115 MB of
    float32 that need not exist at once. Output sample k of rate r is at input time k / r. Each output
    rate must make ``frame * r / rate`` an even integer. Bins from ``low`` Hz to 0.45 x the output rate
    are kept; frames under ``gate_db`` dBFS are zeroed. ``dtypes`` per output: float16 holds a whitened
    signal (the same level everywhere) with 60 dB to spare, in half the memory.
    """

    def __init__(self, rate: int, out_rates: tuple[int, ...], *, frame: int = config.WHITEN_FRAME,
                 low: float = config.WHITEN_LOW, gate_db: float = config.WHITEN_GATE,
                 dtypes: tuple[type, ...] | None = None, expected: int = 0) -> None:
        self.rate, self.out_rates, self.frame, self.hop = rate, out_rates, frame, frame // 2
        self.win = _sqrt_hann(frame)
        freqs = np.fft.rfftfreq(frame, 1.0 / rate)
        self.sizes = [frame * r // rate for r in out_rates]
        self.keeps = [((freqs >= low) & (freqs <= 0.45 * r))[: n // 2 + 1].astype(np.float32)
                      for r, n in zip(out_rates, self.sizes)]
        self.swins = [_sqrt_hann(n) for n in self.sizes]
        self.gate = (10 ** (gate_db / 10.0)) * frame * 0.5  # a windowed frame's sum of squares
        dtypes = dtypes or tuple(np.float32 for _ in out_rates)
        self.outs: list[np.ndarray] = [np.zeros(max(1024, expected * r // rate + frame), dtype=d)
                     for r, d in zip(out_rates, dtypes)]
        self.pending = np.zeros(0, dtype=np.float32)
        self.done_frames = 0  # frames transformed so far
        self.total = 0  # input samples fed

    def feed(self, pcm: np.ndarray) -> None:
        self.total += len(pcm)
        buf = np.concatenate([self.pending, np.asarray(pcm, dtype=np.float32)])
        if len(buf) >= self.frame:
            n = (len(buf) - self.frame) // self.hop + 1
            frames = np.lib.stride_tricks.sliding_window_view(buf, self.frame)[::self.hop][:n]
            for s in range(0, n, _CHUNK_FRAMES):
                self._transform(frames[s: s + _CHUNK_FRAMES], self.done_frames + s)
            self.done_frames += n
            buf = buf[n * self.hop:]
        self.pending = buf.copy()

    def _transform(self, frames: np.ndarray, first: int) -> None:
        block = frames * self.win
        loud = np.einsum("ij,ij->i", block, block) > self.gate
        spec = scipy.fft.rfft(block, axis=1)
        spec /= np.maximum(np.abs(spec), 1e-20)
        spec[~loud] = 0.0
        for k, (n, keep, swin) in enumerate(zip(self.sizes, self.keeps, self.swins)):
            part = scipy.fft.irfft(spec[:, : n // 2 + 1] * keep, n, axis=1).astype(np.float32)
            part *= swin
            h = n // 2
            # overlap-add. Frame j starts at output sample j * h; frames of one parity tile the output
            # back to back without overlapping, so each parity is one contiguous add.
            for parity in (0, 1):
                i0 = (parity - first) % 2
                sel = part[i0::2].reshape(-1)
                at = (first + i0) * h
                self._room(k, at + len(sel))
                self.outs[k][at: at + len(sel)] += sel

    def _room(self, k: int, size: int) -> None:
        """Grow output ``k`` (rare: the input was longer than expected) to hold ``size`` samples."""
        if size > len(self.outs[k]):
            grown = np.zeros(int(size * 1.25) + 1024, dtype=self.outs[k].dtype)
            grown[: len(self.outs[k])] = self.outs[k]
            self.outs[k] = grown

    def finish(self) -> list[np.ndarray]:
        """The whitened signals, each as long as the input at its rate (the last partial frame is
        not transformed: it fades out)."""
        out = []
        for k, r in enumerate(self.out_rates):
            n = self.total * r // self.rate
            self._room(k, n)
            out.append(self.outs[k][:n].copy() if n < len(self.outs[k]) * 0.9 else self.outs[k][:n])
        self.outs = []
        return out


def whiten(pcm: np.ndarray, rate: int, out_rates: tuple[int, ...], **kw: object) -> list[np.ndarray]:
    """:class:`Whitener` over one whole array (float32 outputs)."""
    w = Whitener(rate, out_rates, expected=len(pcm), **kw)  # type: ignore[arg-type]
    w.feed(pcm)
    return w.finish()


def audio_signature(pcm: np.ndarray, rate: int, *, start: float = 0.0,
                    long_rate: int = config.LONG_SCAN_RATE) -> Signature:
    """Signature of mono float32 ``pcm`` whose first sample is at clip time ``start``.

    ``fine`` is float16: a whitened signal has the same level everywhere, so 11 bits of mantissa
    (60 dB) lose nothing, and an hour is 58 MB instead of 115.
    """
    w = whitener(rate, long_rate=long_rate, expected=len(pcm))
    w.feed(pcm)
    return signature(w, rate, start=start, long_rate=long_rate)


def whitener(rate: int, *, long_rate: int = config.LONG_SCAN_RATE, expected: int = 0) -> Whitener:
    """The Whitener an audio signature is made with: ``rate`` as float16, ``long_rate`` as float32."""
    return Whitener(rate, (rate, long_rate), dtypes=(np.float16, np.float32), expected=expected)


def signature(w: Whitener, rate: int, *, start: float = 0.0,
              long_rate: int = config.LONG_SCAN_RATE) -> Signature:
    """The audio signature of everything fed to ``w`` (made by :func:`whitener`)."""
    fine, scan = w.finish()
    return Signature(method=Method.AUDIO, rate=float(long_rate), start=start, values=scan,
                     fine=fine, fine_rate=float(rate), fine_start=start)
