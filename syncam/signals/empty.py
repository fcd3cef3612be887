"""Is there anything to align a clip by? Silence and stillness, from its signatures. numpy only, so
that a warm re-align (every signature from the cache) imports neither scipy nor OpenCV."""

from __future__ import annotations

import numpy as np

from syncam.types import Signature


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


def is_still(sig: Signature) -> bool:
    """True when a motion signature holds nothing to align by: too short, or a picture that never
    changes (a still image, a lens cap)."""
    return len(sig.values) < 2 or not np.any(sig.values)
