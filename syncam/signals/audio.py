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


def whiten(pcm: np.ndarray, rate: int, out_rates: tuple[int, ...], *,
           frame: int = config.WHITEN_FRAME, low: float = config.WHITEN_LOW,
           gate_db: float = config.WHITEN_GATE) -> list[np.ndarray]:
    """Short-time phase transform of mono ``pcm``: one whitened signal per rate in ``out_rates``.

    Output sample k of rate r is at input time k / r. Each output rate must divide ``rate`` such that
    ``frame * r / rate`` is an even integer. Bins from ``low`` Hz to 0.45 x the output rate are kept.
    """
    pcm = np.ascontiguousarray(pcm, dtype=np.float32)
    hop = frame // 2
    n_frames = max(0, (len(pcm) - frame) // hop + 1) if len(pcm) >= frame else 0
    outs = [np.zeros(int(len(pcm) * r // rate) + frame, dtype=np.float32) for r in out_rates]
    if n_frames == 0:
        return [o[: int(len(pcm) * r // rate)] for o, r in zip(outs, out_rates)]
    win = _sqrt_hann(frame)
    freqs = np.fft.rfftfreq(frame, 1.0 / rate)
    sizes = [frame * r // rate for r in out_rates]
    keeps = [((freqs >= low) & (freqs <= 0.45 * r))[: n // 2 + 1].astype(np.float32)
             for r, n in zip(out_rates, sizes)]
    swins = [_sqrt_hann(n) for n in sizes]
    # a frame's rfft of a full-scale sine has magnitude ~frame/4; the gate compares frame power
    gate = (10 ** (gate_db / 10.0)) * frame * 0.5  # sum of squares of a windowed frame at that level
    frames = np.lib.stride_tricks.sliding_window_view(pcm, frame)[::hop]
    for s in range(0, n_frames, _CHUNK_FRAMES):
        block = frames[s: s + _CHUNK_FRAMES] * win
        loud = np.einsum("ij,ij->i", block, block) > gate
        spec = scipy.fft.rfft(block, axis=1)
        mag = np.abs(spec)
        spec /= np.maximum(mag, 1e-20)
        spec[~loud] = 0.0
        for out, n, keep, swin in zip(outs, sizes, keeps, swins):
            part = scipy.fft.irfft(spec[:, : n // 2 + 1] * keep, n, axis=1).astype(np.float32)
            part *= swin
            h = n // 2
            # overlap-add. Frame j starts at output sample j * h; frames of one parity tile the output
            # back to back without overlapping, so each parity is one contiguous add.
            for parity in (0, 1):
                sel = part[parity::2].reshape(-1)
                at = (s + parity) * h
                out[at: at + len(sel)] += sel
    return [o[: int(len(pcm) * r // rate)] for o, r in zip(outs, out_rates)]


def audio_signature(pcm: np.ndarray, rate: int, *, start: float = 0.0,
                    long_rate: int = config.LONG_SCAN_RATE) -> Signature:
    """Signature of mono float32 ``pcm`` whose first sample is at clip time ``start``.

    ``fine`` is float16: a whitened signal has the same level everywhere, so 11 bits of mantissa
    (60 dB) lose nothing, and an hour is 58 MB instead of 115.
    """
    fine, scan = whiten(pcm, rate, (rate, long_rate))
    return Signature(method=Method.AUDIO, rate=float(long_rate), start=start, values=scan,
                     fine=fine.astype(np.float16), fine_rate=float(rate), fine_start=start)


def is_silent(pcm: np.ndarray, threshold_db: float = -60.0) -> bool:
    """True when the signal never rises above ``threshold_db`` dBFS (RMS over 0.1 s blocks at 8 kHz).

    On a whitened signal (an audio signature's ``fine``) this is true when every frame was under the
    whitening gate. einsum sums each block's squares without a squared copy of the whole signal.
    """
    if len(pcm) == 0:
        return True
    block = min(800, len(pcm))
    blocks = pcm[: len(pcm) // block * block].reshape(-1, block)
    energy = np.einsum("ij,ij->i", blocks, blocks, dtype=np.float64) / block
    return bool(10 * np.log10(energy.max() + 1e-24) < threshold_db)
