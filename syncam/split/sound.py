"""Whose sound a shot carries. A camera's own sound changes at a cut (another microphone, another
moment); a voice-over or a music bed laid over the pictures runs on across it. Pure: samples in,
labels out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from syncam import config

OWN, OVERLAY, NONE = "own", "overlay", "none"
FRAME = 256  # samples per spectrum (32 ms at 8 kHz)


def _bands(pcm: np.ndarray, bands: int = 16) -> np.ndarray:
    """Log energy (dB) in ``bands`` equal bands, one row per FRAME of samples."""
    n = len(pcm) // FRAME
    frames = pcm[: n * FRAME].reshape(n, FRAME) * np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames, axis=1))[:, 1:] ** 2
    per = power.shape[1] // bands
    energy = power[:, : per * bands].reshape(n, bands, per).sum(axis=2)
    return 10 * np.log10(energy + 1e-10)


def _floor(spec: np.ndarray) -> np.ndarray:
    """Each band's quiet level (dB): what the microphone hears between the sounds."""
    return np.percentile(spec, config.SPLIT_AUDIO_FLOOR_PERCENTILE, axis=0)


def continuous(pcm: np.ndarray, rate: int, shots: Sequence[tuple[float, float]]) -> list[bool]:
    """For each cut between consecutive ``shots`` ((start, end) seconds into ``pcm``): does the
    sound run on across it? It does when the sound's floor, over the shots each side of the cut (up
    to SPLIT_AUDIO_SPAN from it), differs by less than SPLIT_AUDIO_JUMP_DB."""
    spec = _bands(pcm)
    per_second = rate / FRAME
    out = []
    for (a, cut), (_, b) in zip(shots[:-1], shots[1:]):
        i, k = int(max(a, cut - config.SPLIT_AUDIO_SPAN) * per_second), int(cut * per_second)
        j = int(min(b, cut + config.SPLIT_AUDIO_SPAN) * per_second)
        if k - i < 4 or j - k < 4:
            out.append(False)
            continue
        out.append(float(np.abs(_floor(spec[i:k]) - _floor(spec[k:j])).mean())
                   < config.SPLIT_AUDIO_JUMP_DB)
    return out


def labels(pcm: np.ndarray, rate: int, shots: Sequence[tuple[float, float]],
           runs_on: Sequence[bool]) -> list[str]:
    """Each shot's sound: ``none`` (silent), ``overlay`` (sound runs on across a cut it touches:
    ``runs_on[k]`` is the cut between shot k and k + 1, from :func:`continuous`), else ``own``."""
    out = []
    for k, (a, b) in enumerate(shots):
        seg = pcm[int(a * rate): int(b * rate)]
        level = 10 * np.log10(float(np.mean(seg.astype(np.float64) ** 2)) + 1e-12) if seg.size else -120
        touches = (k > 0 and runs_on[k - 1]) or (k < len(runs_on) and runs_on[k])
        out.append(NONE if level < config.SPLIT_SILENCE_DB else OVERLAY if touches else OWN)
    return out
