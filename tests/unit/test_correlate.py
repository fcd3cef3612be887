"""The matcher on numpy arrays: lag, sub-sample precision, and what confidence means."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from syncam.signals.audio import audio_signature
from syncam.sync.correlate import coarse_peak, gcc_phat_refine, match

RATE = 8000


def bursts(seconds: float, seed: int) -> np.ndarray:
    """Speech-like test sound: noise bursts of random length, pitch-free, at random times."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    env = np.zeros(n)
    t = 0
    while t < n:
        length = int(rng.uniform(0.05, 0.4) * RATE)
        env[t: t + length] = rng.uniform(0.2, 1.0)
        t += length + int(rng.uniform(0.05, 0.6) * RATE)
    return (rng.standard_normal(n) * env).astype(np.float32)


def delayed(x: np.ndarray, samples: float) -> np.ndarray:
    """x delayed by a fractional number of samples (exact, in the frequency domain)."""
    n = len(x)
    f = np.fft.rfftfreq(n)
    return np.fft.irfft(np.fft.rfft(x) * np.exp(-2j * np.pi * f * samples), n).astype(np.float32)


def test_lag_sign_and_subsample_precision() -> None:
    master = bursts(60, seed=1)
    a = master[: 40 * RATE]
    shift = 12.3456789  # b starts this many seconds after a
    whole = int(shift * RATE)
    b = delayed(master, -(shift * RATE - whole))[whole: whole + 40 * RATE]
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))
    assert m is not None
    assert m.lag == pytest.approx(shift, abs=0.02 / RATE)  # 1/50 of a sample
    assert m.confidence > 0.5


def test_start_times_enter_the_lag() -> None:
    x = bursts(30, seed=2)
    sa = audio_signature(x, RATE, start=0.0)
    sb = audio_signature(x, RATE, start=-0.25)  # same sound, decoded sample 0 is 0.25 s before t=0
    m = match(sa, sb)
    assert m is not None and m.lag == pytest.approx(0.25, abs=1e-4)


@pytest.mark.parametrize("seconds", [20, 120, 600])
def test_unrelated_signals_have_no_confidence_at_any_length(seconds: int) -> None:
    a, b = bursts(seconds, seed=3), bursts(seconds, seed=4)
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))
    assert m is not None and m.confidence < 0.15


def test_repetitive_signal_is_not_confident() -> None:
    bar = bursts(2.0, seed=5)  # a 2 s bar repeated: a loop of music
    song = np.tile(bar, 30)
    rng = np.random.default_rng(0)
    a = song[: 40 * RATE] + 0.05 * rng.standard_normal(40 * RATE).astype(np.float32)
    b = song[7 * RATE: 47 * RATE] + 0.05 * rng.standard_normal(40 * RATE).astype(np.float32)
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))
    assert m is not None
    assert m.peak > 10  # the correlation is strong...
    assert m.confidence < 0.1  # ...but every bar fits as well


def test_noisy_real_match_is_confident_and_exact() -> None:
    master = bursts(90, seed=6)
    rng = np.random.default_rng(1)
    a = master[: 60 * RATE] + rng.standard_normal(60 * RATE).astype(np.float32) * master.std()
    b = master[45 * RATE:] * 0.1 + rng.standard_normal(45 * RATE).astype(np.float32) * master.std() * 0.1
    m = match(audio_signature(a, RATE), audio_signature(b, RATE))  # 0 dB SNR in both, 15 s shared
    assert m is not None and m.lag == pytest.approx(45.0, abs=1e-4) and m.confidence > 0.3


def test_max_offset_and_min_overlap_bound_the_search() -> None:
    master = bursts(80, seed=7)
    a, b = master[: 40 * RATE], master[30 * RATE: 70 * RATE]
    assert coarse_peak(audio_signature(a, RATE).values, audio_signature(b, RATE).values, 100,
                       max_offset=10.0).lag != pytest.approx(30.0, abs=0.1)
    assert coarse_peak(audio_signature(a, RATE).values, audio_signature(b, RATE).values, 100,
                       min_overlap=50.0) is None


def test_phase_transform_beats_plain_correlation_on_coloured_sound() -> None:
    """Whitening makes the peak stand out more than plain correlation does (same lag found)."""
    master = bursts(40, seed=8)
    rng = np.random.default_rng(2)
    # a dull, bass-light microphone (zero-phase, so the true lag stays exactly 5 s)
    coloured = sosfiltfilt(butter(2, [300, 1500], btype="band", fs=RATE, output="sos"),
                           master).astype(np.float32)
    b = coloured[5 * RATE:] + 0.3 * coloured.std() * rng.standard_normal(35 * RATE).astype(np.float32)
    plain = gcc_phat_refine(master, b, RATE, 5.004, beta=0.0)
    phat = gcc_phat_refine(master, b, RATE, 5.004, beta=1.0)
    assert plain is not None and phat is not None
    assert phat[0] == pytest.approx(5.0, abs=0.5 / RATE)
    assert phat[1] > 1.5 * plain[1]
